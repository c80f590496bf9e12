package offline

// deLexicon is the German sentiment lexicon. Adjective endings (-e, -en,
// -er, -es, -em) are generated. Verbs marked with sentPost are negated by a
// following "nicht" ("funktioniert nicht", "gefällt mir nicht").
var deLexicon = []group{
	// Positive.
	sent(3, "hervorragend|ausgezeichnet|perfekt|genial|fantastisch|phantastisch|großartig|grossartig|traumhaft|"+
		"spitze|spitzenklasse|erstklassig|exzellent|überragend|sensationell|wunderbar|wundervoll|einwandfrei|tadellos|"+
		"bestens|absolut empfehlenswert|sehr empfehlenswert|volle punktzahl|5 sterne|fünf sterne|top produkt|"+
		"klare kaufempfehlung|uneingeschränkt empfehlen|nur empfehlen|kann ich nur empfehlen|liebe es|begeistert|"+
		"rundum zufrieden|voll zufrieden|vollauf zufrieden|sehr zufrieden|super zufrieden|bin begeistert|"+
		"überzeugt|überzeugend|hammer|traum|ein traum|beste|besten|am besten|weltklasse"),
	sent(2.5, "toll|prima|schön|schoen|wunderschön|hübsch|huebsch|empfehlenswert|zufrieden|glücklich|"+
		"gut verarbeitet|sauber verarbeitet|hochwertig|wertig|edel|stabil|robust|solide|langlebig|zuverlässig|"+
		"preiswert|günstig|guenstig|schnäppchen|lecker|bequem|angenehm|komfortabel|"+
		"beeindruckend|beeindruckt|gelungen|positiv überrascht|freue|freut|freude|liebe|"+
		"kaufempfehlung|weiterempfehlen|weiter empfehlen|gerne wieder|immer wieder"),
	sent(2, "gut|besser|praktisch|nützlich|hilfreich|unkompliziert|problemlos|reibungslos|"+
		"schnell|flott|zügig|pünktlich|übersichtlich|intuitiv|handlich|kompakt|leise|hell|klar|scharf|"+
		"weich|kuschelig|warm|gemütlich|passgenau|passend|ideal|optimal|sinnvoll|durchdacht|clever|"+
		"entspricht der beschreibung|wie beschrieben|wie abgebildet|wie erwartet|erwartungen erfüllt|"+
		"erfüllt seinen zweck|erfüllt ihren zweck|tut was es soll|macht was es soll|tut seinen dienst|"+
		"macht spaß|macht spass|spaß|spass|freundlich|schick|elegant|modern|stylisch|chic|süß|niedlich|"+
		"preis leistung stimmt|preis leistungs verhältnis stimmt|preis leistung top|"+
		"vorteil|vorteile|pluspunkt|highlight|stark|gern|gerne|erfreulich|vernünftig|ordentlich|einfach zu bedienen|"+
		"leicht zu bedienen|einfach zu montieren|leicht zu montieren|einfach zu reinigen|leicht zu reinigen"),
	sent(1, "leicht|ok|okay|in ordnung|brauchbar|akzeptabel|ausreichend|genügend|angemessen|erwartungsgemäß|"+
		"sauber|zufriedenstellend|befriedigend|ganz gut|ganz ok|recht gut|gut genug|stimmt"),
	sentPost(1, -2.5, "funktioniert|funktionieren|funktionierte|klappt|klappte|passt|passte|hält|hielt|taugt"),
	sentPost(0.3, -2, "lädt|wirkt|reicht|läuft|lief|geht|ging|schließt|haftet|hilft|half|reagiert|erkennt|verbindet|"+
		"startet|springt|trocknet|wärmt|kühlt|saugt|schneidet|klebt|hebt"),
	sentPost(2, -2.5, "gefällt|gefiel|gefallen|mag|mochte|empfehle|empfehlen|lohnt|gelohnt|überzeugt|überzeugte|"+
		"entspricht|erfüllt|erfüllte|hält was es verspricht|hält was er verspricht"),

	// Negative.
	sent(-3, "schrott|müll|muell|mist|katastrophe|katastrophal|unbrauchbar|nutzlos|wertlos|furchtbar|"+
		"schrecklich|grauenhaft|grauenvoll|miserabel|unverschämtheit|frechheit|betrug|abzocke|fake|"+
		"finger weg|nie wieder|geldverschwendung|rausgeschmissenes geld|reinfall|totalausfall|"+
		"kaputt|defekt|gebrochen|zerbrochen|ging kaputt|gehen kaputt|geht kaputt|nicht zu empfehlen|"+
		"nicht empfehlenswert|keine empfehlung|1 stern|ein stern|einen stern|null sterne|unterirdisch|"+
		"ekelhaft|widerlich|eine frechheit|ärgerlich|aergerlich|enttäuschend|enttäuscht|enttaeuscht|enttäuschung|"+
		"zurückgeschickt|zurueckgeschickt|zurückgesendet|retourniert|zurück geschickt|zurückgeben|geht zurück|"+
		"ging zurück|sofort zurück|wieder zurück|rücksendung|mangelhaft|ungenügend|billigware|billigschrott"),
	sent(-2.5, "schlecht|schlechter|schlechteste|schlimm|leider|schade|traurig|ungenau|instabil|wackelig|"+
		"wacklig|klapprig|minderwertig|billig verarbeitet|schlecht verarbeitet|schlampig|unzufrieden|"+
		"problem|probleme|problematisch|fehler|fehlerhaft|mangel|mängel|reklamation|reklamiert|"+
		"erstattung|geld zurück|gerissen|zerrissen|verbogen|zerkratzt|kratzer|beschädigt|"+
		"beschaedigt|fleck|flecken|verfärbt|ausgeblichen|undicht|tropft|läuft aus|ausgelaufen|stinkt|"+
		"gestank|chemisch|nervig|nervt|genervt|lästig|ärgern|ärgere|wütend|sauer|frustrierend|frustriert|"+
		"umständlich|kompliziert|schwierig|unbequem|unangenehm|unpraktisch|unnötig|überflüssig|"+
		"schwach|langsam|träge|teuer|überteuert|billig|hässlich|haesslich|falsch|unvollständig|verspätet|nie angekommen|"+
		"bereue|bereut|reingefallen|ausgefallen|fällt aus|fiel aus|bricht|brach|abgebrochen|abgefallen|"+
		"löst sich|löste sich|rostet|rost|blöd|bloed|doof|dumm|lächerlich|mies|"+
		"leider nicht|leider kein|leider keine|nicht gut|nicht so gut|nicht wirklich|eher nicht"),
	sent(-1.5, "mittelmäßig|mittelmaessig|durchschnittlich|geht so|so lala|mäßig|bedingt|eingeschränkt|"+
		"gewöhnungsbedürftig|verbesserungswürdig|ausbaufähig|nachteil|nachteile|manko|minuspunkt|abzug|"+
		"stern abzug|sterne abzug|kritik|bemängeln|leider nur|fehlt|fehlen|fehlte|fehlten|gefehlt|"+
		"zu klein|zu groß|zu gross|zu eng|zu weit|zu kurz|zu lang|zu teuer"),
	sent(-1, "ersatz|umtausch|riecht|naja|na ja"),

	sent(-2.5, "abraten|abzuraten|rate davon ab|zurückzuschicken|zurückschicken|zurück gesendet|zurückgesandt|"+
		"geht umgehend zurück|umgehend zurück|retour|krach|lärm|untauglich|ungeeignet|pilling|knötchen|verbeult|"+
		"misslungen|versäumnisse|sinnlos|wenig sinn|keinen sinn|ärger|papierstau|stürzt ab|abgestürzt|absturz|"+
		"abgerissen|flop|spinnt|unbehagen|sauerei|unmöglich|no go|scheiss|scheiß|scheiße|scheisse|kacke|"+
		"mehr erwartet|mehr versprochen|hätte mehr erwartet|hatte mehr erwartet|nicht geliefert|nie geliefert|"+
		"stinken|gestunken|verloren|leer|kratzt|knarrt|quietscht|wackelt|klemmt|hakt|rutscht|verrutscht|fusselt|"+
		"verfärbt sich|bricht ab|reißt|reisst|gerissen|löst sich ab|blättert ab|bläschen|blasen|dellen|delle"),
	sent(1, "danke|dankbar"),
	sent(-1, "zurück|angst"),
	sentPost(1.5, -2.5, "geeignet|wieder kaufen|nochmal kaufen|noch mal kaufen|nochmal bestellen|noch mal bestellen|wieder bestellen|empfehlenswert"),
	sentPost(0.2, -2.5, "angekommen|erhalten|bekommen|geliefert|zugestellt|lieferbar"),

	// Neutral shadows.
	mk(kBlock, 0, "zu hause|zuhause|zum beispiel|zu zweit|zu dritt|gut und gerne|"+
		"nicht nur|nicht mehr lange|ohne weiteres|nach hause|ab und zu|hin und wieder|immer noch|"+
		"geschweige denn|zu verfügung|zur verfügung|zu zahlen|zu bezahlen|zu tun|zu machen|zu sein|zu haben|"+
		"zu benutzen|zu verwenden|zu bedienen|zu reinigen|zu montieren|gut gemeint|guten tag|gute nacht"),

	// Function words.
	mk(kNeg, -1.5, "nicht mehr|kaum noch"),
	mk(kNeg, 0, "nicht|kein|keine|keinen|keiner|keinem|keines|nie|niemals|nichts|ohne|weder|noch nie|"+
		"kaum|nirgends|garnicht|gar nicht|überhaupt nicht|absolut nicht"),
	mk(kInt, 1.5, "sehr|echt|wirklich|total|absolut|extrem|äußerst|äusserst|ausgesprochen|richtig|voll|besonders|"+
		"unglaublich|wahnsinnig|ultra|höchst|hochgradig|echt sehr|so|dermaßen|überaus|sowas von|"+
		"durchaus|definitiv|vollkommen|komplett|völlig|ganz besonders"),
	mk(kInt, 1.2, "ziemlich|recht|relativ|ganz|durchweg|wirklich sehr"),
	mk(kIntSent, 2.5, "super|mega|top|klasse"),
	mk(kDown, 0.6, "etwas|bisschen|ein bisschen|ein wenig|eher|einigermaßen|halbwegs|teilweise|"+
		"nur bedingt|fast|beinahe"),
	mk(kExcess, 1.3, "zu|viel zu|etwas zu|allzu|zu sehr|deutlich zu|bisschen zu"),
	mk(kExcessTo, 1.5, "klein|groß|gross|eng|weit|kurz|lang|laut|dünn|dick|schwer|hart|dunkel|"+
		"hoch|niedrig|breit|schmal|kalt|fest|locker|steif|empfindlich|viel|wenig"),
	mk(kContrast, 0, "aber|jedoch|allerdings|dennoch|trotzdem|nur leider|leider aber|andererseits|"+
		"ansonsten|außer|ausser|bis auf"),
	mk(kConcede, 0, "obwohl|obgleich|zwar|trotz|auch wenn|wenngleich"),
}
