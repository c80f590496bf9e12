package offline

// esLexicon is the Spanish sentiment lexicon. Diacritics are folded on both
// sides; gender and number agreement (-o/-a/-os/-as) is generated.
var esLexicon = []group{
	// Positive.
	sent(3, "excelente|perfecto|perfectamente|genial|maravilloso|maravilla|fantastico|espectacular|increible|"+
		"estupendo|magnifico|extraordinario|impecable|insuperable|inmejorable|espectacular|de lujo|"+
		"me encanta|me encantan|me encanto|encantado|encantada|encanta|encantan|lo recomiendo|la recomiendo|"+
		"los recomiendo|recomiendo totalmente|totalmente recomendable|muy recomendable|100 recomendable|"+
		"5 estrellas|cinco estrellas|el mejor|la mejor|los mejores|lo mejor|sin problemas|ningun problema|"+
		"ninguna pega|ni una pega|de 10|un 10|de diez|10 de 10|super recomendable|muy contento|muy contenta|"+
		"muy satisfecho|muy satisfecha|calidad precio inmejorable|una pasada|una maravilla|chulisimo|precioso"),
	sent(2.5, "muy bien|muy bueno|muy buena|recomendable|recomiendo|satisfecho|satisfecha|contento|contenta|"+
		"bonito|bonita|lindo|linda|hermoso|hermosa|encantador|comodo|comoda|practico|practica|util|utiles|"+
		"eficaz|eficiente|resistente|robusto|solido|duradero|fiable|rapido|rapida|rapidamente|facil|facilmente|"+
		"facil de usar|facil de montar|facil de instalar|buena calidad|muy buena calidad|gran calidad|"+
		"buen precio|buena relacion calidad precio|calidad precio|relacion calidad precio|economico|"+
		"cumple|cumple su funcion|cumple con lo prometido|cumple lo prometido|cumple perfectamente|cumple con su funcion|"+
		"como se describe|como en la foto|tal como se describe|tal y como|lo que esperaba|buena compra|"+
		"gracias|feliz|encantadora|agradable|suave|ligero|ligera|chulo|chula|guay|divino|ideal|acierto|"+
		"vale la pena|merece la pena|funciona perfectamente|funciona muy bien|funciona genial|bien hecho|bien acabado|"+
		"llego rapido|llego antes|antes de lo previsto|en perfecto estado|perfecto estado|buen estado"),
	sent(2, "bueno|buena|buenos|buenas|buen|mejor|mejores|gusta|gustan|gusto|gustado|agradable|"+
		"correcto|correcta|adecuado|adecuada|estable|silencioso|silenciosa|compacto|potente|claro|nitido|preciso|"+
		"intuitivo|seguro|segura|elegante|moderno|original|bonitos|funciona bien|va bien|queda bien|quedan bien|"+
		"queda genial|sienta bien|encaja|encaja perfectamente|ventaja|ventajas|punto a favor|lo bueno|"+
		"funcional|util para|perfecto para|ideal para|cumple bien|recomendado|recomendada"),
	sent(1, "normal|aceptable|correctamente|suficiente|razonable|decente|pasable|cumplidor|vale|ok|okay|"+
		"esta bien|no esta mal|nada mal|funciona|funcionan|funciono|sirve|sirven|aguanta|cumple"),
	sentPost(1, -2.5, "funciona|funcionan|funciono|funcionaba|sirve|sirven|servia|aguanta|aguantan|carga|cumple|encaja"),
	sentPost(2, -2.5, "gusta|gustan|gusto|gustado|recomiendo|recomendaria|recomendable|vale la pena|merece la pena"),

	// Negative.
	sent(-3, "horrible|fatal|pesimo|pesima|terrible|malisimo|malisima|basura|una basura|porqueria|una porqueria|"+
		"desastre|un desastre|estafa|timo|engano|verguenza|lamentable|penoso|asqueroso|inservible|inutil|"+
		"no lo recomiendo|no la recomiendo|no recomiendo|no recomendable|nada recomendable|no comprar|no compreis|"+
		"no lo compreis|no lo compren|no compren|ni se os ocurra|dinero tirado|tirar el dinero|tire el dinero|"+
		"perdida de dinero|1 estrella|una estrella|cero estrellas|roto|rota|rotos|se rompio|se ha roto|"+
		"se rompe|defectuoso|defectuosa|averiado|no funciona|no funcionan|dejo de funcionar|ha dejado de funcionar|"+
		"dejado de funcionar|muy decepcionado|muy decepcionada|decepcionante|decepcion|devuelto|devolucion|"+
		"devolver|lo devolvi|lo he devuelto|tuve que devolver|reembolso|falso|falsificacion|imitacion|"+
		"nunca llego|no llego|no ha llegado|mala calidad|muy mala calidad|malisima calidad|calidad pesima"),
	sent(-2.5, "malo|mala|malos|malas|mal|peor|peores|decepcionado|decepcionada|defraudado|defraudada|"+
		"lastima|pena|una pena|que pena|desgraciadamente|lamentablemente|por desgracia|problema|problemas|"+
		"defecto|defectos|fallo|fallos|falla|fallan|averia|rotura|rayado|rayada|arañazo|arañazos|manchado|"+
		"mancha|manchas|sucio|sucia|huele mal|mal olor|apesta|endeble|fragil|fragiles|flojo|"+
		"floja|cutre|barato se nota|se nota barato|chapuza|inestable|incomodo|incomoda|dificil|complicado|"+
		"complicada|lento|lenta|carisimo|demasiado caro|ruidoso|ruidosa|molesto|molesta|molestia|"+
		"insatisfecho|insatisfecha|descontento|descontenta|enfadado|enfadada|harto|harta|frustrante|"+
		"no me gusta|no me gustan|no me ha gustado|no me gusto|no vale|no sirve|no cumple|no merece|"+
		"incompleto|equivocado|erroneo|retraso|llego tarde|con retraso|"+
		"no es lo que esperaba|no corresponde|no coincide|se despega|se cae|se caen|se suelta|se rompen|"+
		"feo|fea|horroroso|cutrisimo|regular tirando a malo|mediocre|desilusion|arrepiento|arrepentido"),
	sent(-1.5, "caro|cara|falta|faltan|faltaba|faltaban|normalito|justito|mejorable|sin mas|poca calidad|baja calidad|pega|pegas|"+
		"inconveniente|inconvenientes|lo malo|lo unico malo|unica pega|punto negativo|en contra|"+
		"demasiado pequeno|demasiado grande|demasiado corto|demasiado largo|demasiado fino|muy pequeno|"+
		"algo caro|un poco caro|esperaba mas|esperaba algo mas|podria ser mejor|podria mejorar"),
	sent(1.5, "barato|barata|baratos|baratas"),
	sent(-1, "olor|olores"),

	sentPost(0.2, -2.5, "llegado|llego|llegaron|recibido|recibimos|recibi|recibio|entregado|contestado|respondido"),
	sentPost(0.3, -2, "corresponde|coincide|coinciden|ajusta|ajustan|cubre|cubren|cierra|pega|pegan|encaja"),
	sent(-2, "rompible|rompibles|sin exito|burbujas|tardado mucho|ha tardado|tardo mucho|tarda mucho|cancelado|cancelar|"+
		"ni rastro|desagradable|se despegan|se rompen|se rompio|se estropeo|estropeado|mal ajustado|no recomendable"),
	sent(-1, "esperando|espera|todavia no|aun no"),

	// Neutral shadows.
	mk(kBlock, 0, "no solo|bien es cierto|mas o menos|por lo menos|al menos|"+
		"tal vez|a pesar de todo|no se|no sé|la verdad|buenos dias|buenas tardes|buenas noches|ya que|"+
		"en cuanto|pena de muerte|mal de"),

	// Function words.
	mk(kNeg, -1.5, "ya no"),
	mk(kNeg, 0, "no|nunca|jamas|nada|ni|sin|tampoco|ningun|ninguno|ninguna|nadie|ni siquiera|para nada|"+
		"en absoluto|poco|muy poco"),
	mk(kInt, 1.5, "muy|mucho|muchisimo|super|realmente|totalmente|absolutamente|extremadamente|increiblemente|"+
		"sumamente|tan|tremendamente|requete|verdaderamente|sin duda|completamente|"+
		"especialmente|francamente|ultra|altamente"),
	mk(kInt, 1.2, "bastante|algo mas|lo suficientemente|todo|toda"),
	mk(kIntSent, 2.5, "super|mega"),
	group{kind: kIntSent, score: 2, terms: "bien"},
	mk(kDown, 0.6, "un poco|un poquito|algo|ligeramente|casi|medio|relativamente|apenas"),
	mk(kExcess, 1.3, "demasiado|demasiada|demasiados|demasiadas|excesivamente|algo demasiado"),
	mk(kExcessTo, 1.5, "pequeno|grande|corto|largo|ancho|estrecho|ajustado|pesado|grueso|fino|duro|blando|"+
		"oscuro|alto|bajo|caliente|frio|sensible|apretado|holgado|suelto|rigido|delgado"),
	mk(kContrast, 0, "pero|sin embargo|aunque|no obstante|salvo|excepto|eso si|en cambio|por contra|"+
		"por lo demas|sino"),
	mk(kConcede, 0, "a pesar de|pese a|si bien|aun asi|aunque"),
}
