package offline

// frLexicon is the French sentiment lexicon. Diacritics are folded on both
// sides, so "tres decu" matches "très déçu"; gender and number agreement is
// generated. Negation is "ne ... pas": either particle negates.
var frLexicon = []group{
	// Positive.
	sent(3, "excellent|parfait|parfaitement|genial|magnifique|merveilleux|formidable|fantastique|superbe|sublime|"+
		"exceptionnel|extraordinaire|impeccable|top du top|au top|que du bonheur|un bonheur|je recommande vivement|"+
		"je recommande fortement|je recommande|recommande vivement|je le recommande|je la recommande|je vous le recommande|"+
		"5 etoiles|cinq etoiles|ravi|ravie|enchante|enchantee|j'adore|adore|adorer|un regal|le meilleur|la meilleure|"+
		"les meilleurs|incroyable|bluffant|epoustouflant|sans defaut|aucun defaut|aucun probleme|rien a dire|rien a redire|"+
		"tres satisfait|tres satisfaite|tres contente|tres content|coup de coeur|nickel|canon"),
	sent(2.5, "super|top|tres bien|tres bon|tres bonne|satisfait|satisfaite|content|contente|heureux|"+
		"recommande|recommander|conforme|conforme a la description|conforme a la photo|beau|belle|beaux|belles|"+
		"joli|superbe qualite|bonne qualite|tres bonne qualite|de qualite|qualite au rendez vous|efficace|"+
		"solide|robuste|resistant|durable|fiable|confortable|agreable|pratique|rapide|rapidement|"+
		"facile|facilement|simple a utiliser|facile a utiliser|simple d'utilisation|facile d'utilisation|"+
		"bon rapport qualite prix|excellent rapport qualite prix|rapport qualite prix imbattable|pas cher|bon marche|"+
		"bonne affaire|bon produit|bon achat|merci|genial|mignon|mignonne|elegant|chic|doux|douce|moelleux|"+
		"bien emballe|bien recu|bien arrive|bien concu|bien fait|bien fini|bien pense|bien fini|tient bien|"+
		"fonctionne tres bien|fonctionne parfaitement|marche tres bien|marche parfaitement|fait le job|fait le travail|"+
		"fait son job|remplit son role|remplit sa fonction|rien a signaler|aucun souci"),
	sent(2, "bon|bonne|bons|bonnes|mieux|utile|pratique|leger|compact|silencieux|lumineux|clair|net|nette|"+
		"precis|performant|puissant|stable|intuitif|ergonomique|adapte|ideal|idealement|parfait pour|plait|plaisir|"+
		"aime|aimer|apprecie|apprecier|satisfaisant|sympa|sympathique|chouette|"+
		"bravo|felicitations|attentes|qualite prix|avantage|avantages|point fort|points forts|rapide a|bien emballe|"+
		"fonctionne bien|marche bien|tres pratique|tres utile|contente de|content de|securise|propre"),
	sent(1, "ok|okay|correct|correcte|correctement|convenable|acceptable|suffisant|raisonnable|honnete|pas mal|fonctionne|fonctionnent|"+
		"marche|marchent|tient|tiennent|convient|va bien|fait l'affaire|sans plus|passable"),
	sentPost(1, -2.5, "fonctionne|fonctionnent|fonctionnait|marche|marchent|marchait|tient|tiennent|tenu|convient|"+
		"fonctionner|marcher"),
	sentPost(0.3, -2, "charge|s'allume|s'allument|colle|collent|ferme|ferment|sert|reconnait|repond"),
	sentPost(2, -2.5, "recommande|recommander|conseille|conseiller|plait|plu|aime|apprecie|vaut|vaut le coup|vaut la peine"),

	// Negative.
	sent(-3, "nul|nulle|nuls|nulles|horrible|affreux|catastrophique|catastrophe|arnaque|escroquerie|honteux|"+
		"honte|inutilisable|inutile|a fuir|fuyez|a eviter|evitez|ne pas acheter|n'achetez pas|n'achetez|poubelle|"+
		"dechet|camelote|pacotille|de la merde|merde|merdique|pourri|pourrie|lamentable|minable|pitoyable|"+
		"deplorable|execrable|scandaleux|inadmissible|inacceptable|degoutant|degueulasse|degueu|"+
		"argent jete|perte d'argent|jete par la fenetre|1 etoile|une etoile|zero etoile|casse|cassee|casses|"+
		"cassé|defectueux|hors service|hs|ne marche plus|ne fonctionne plus|ne fonctionne pas|ne marche pas|"+
		"tres decu|tres decue|tres deçu|extremement decu|vraiment decu|decevant|deception|renvoye|renvoyer|"+
		"rembourse|remboursement|contrefacon"),
	sent(-2.5, "mauvais|mauvaise|mal|decu|decue|decus|mediocre|dommage|malheureusement|helas|probleme|"+
		"problemes|souci|soucis|defaut|defauts|panne|en panne|tombe en panne|abime|abimee|raye|rayee|rayures|"+
		"dechire|dechiree|fuite|fuit|sent mauvais|pue|fragile|fragiles|instable|"+
		"bancal|branlant|de mauvaise qualite|mauvaise qualite|qualite mediocre|piètre|piètre qualite|"+
		"bruyant|lent|lente|cher|chere|trop cher|trop chere|hors de prix|complique|compliquee|difficile|"+
		"penible|desagreable|inconfortable|genant|decevante|regrette|regret|erreur|incomplet|manquant|manque|"+
		"retard|en retard|jamais recu|jamais arrive|pas recu|colis perdu|laid|moche|bof|pas terrible|"+
		"pas top|pas genial|pas fameux|pas bon|pas bien|pas ouf|tres moyen|enerve|enervant|agacant|furieux|"+
		"colere|insatisfait|insatisfaite|mecontent|mecontente|triste|froisse|deforme|decolore|bouloche"),
	sent(-2, "faux|retourne|retourner|renvoi"),
	sent(-1, "odeur|tache|taches|retour"),
	sent(-1.5, "moyen|moyenne|sans interet|limite|bof bof|decevante|inutilement|un peu juste|"+
		"trop petit|trop grand|trop court|trop long|trop serre|trop large|trop lourd|trop fin|trop fragile|"+
		"difficilement|mitige|mitigee|peut mieux faire|a revoir|pas assez|dommage que|seul bemol|bemol|"+
		"seul defaut|seul point negatif|point negatif|points negatifs|inconvenient|inconvenients"),

	sent(-2.5, "passez votre chemin|passe ton chemin|jamais recu|pas recu|toujours pas recu|jamais arrive|"+
		"jamais livre|pas livre|delai non respecte|eclate|fissure|fissuree|bulles|decolle|se decolle|"+
		"inadapte|inutilisable|plus jamais|a eviter absolument"),
	sentPost(0.2, -2.5, "recu|recue|arrive|arrivee|livre|livree"),
	sent(2.5, "sans hesitation|sans hesiter|sans souci|sans probleme|sans aucun probleme|sans aucun souci|"+
		"agreablement surpris|agreablement surprise|foncez|concluant|concluante|captivant|interessant|"+
		"a voir|a recommander|je conseille|je vous le conseille"),
	sent(1, "merci"),
	group{kind: kIntSent, score: 2.5, terms: "parfaitement"},
	sentPost(1.5, -2.5, "racheterai|rachete|recommanderai|commanderai|referai"),

	// Neutral shadows.
	mk(kBlock, 0, "bien sur|bien que|si bien que|ou bien|eh bien|bien entendu|tant bien que mal|"+
		"pas mal de|pas encore|pas seulement|non seulement|ne serait ce|n'importe|pas du tout|"+
		"a vrai dire|bonjour|bonsoir|bon anniversaire|bon courage"),
	sent(2, "en bon etat|bon etat|parfait etat"),
	sent(-2, "fait mal|pas du tout satisfait|pas du tout content"),

	// Function words.
	mk(kNeg, 0, "ne|n'|pas|jamais|aucun|aucune|rien|sans|ni|nullement|guere|plus aucun|pas du tout|"+
		"pas vraiment|pas tres|pas assez"),
	mk(kInt, 1.5, "tres|vraiment|extremement|super|hyper|ultra|particulierement|absolument|totalement|completement|"+
		"tellement|vachement|franchement|incroyablement|parfaitement|tout a fait|reellement|fort|"+
		"carrement|archi|entierement|hautement"),
	mk(kInt, 1.2, "assez|plutot|relativement|tout|toute"),
	mk(kIntSent, 2.5, "super|top|hyper"),
	group{kind: kIntSent, score: 2, terms: "bien"},
	mk(kDown, 0.6, "un peu|legerement|quelque peu|un petit peu|moyennement|a peine|presque|pratiquement|"+
		"partiellement"),
	mk(kExcess, 1.3, "trop|beaucoup trop|bien trop|un peu trop|vraiment trop|excessivement"),
	mk(kExcessTo, 1.5, "petit|grand|court|long|large|serre|lourd|gros|epais|dur|souple|sombre|fonce|haut|bas|"+
		"chaud|froid|sensible|etroit|lache|fin"),
	mk(kContrast, 0, "mais|cependant|toutefois|pourtant|neanmoins|par contre|en revanche|sauf|a part|hormis|"+
		"sinon"),
	mk(kConcede, 0, "bien que|malgre|meme si|quoique|alors que"),
}
