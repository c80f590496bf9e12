package language

import (
	"strings"

	"github.com/abadojack/whatlanggo"
)

// Latin-script languages scored by the word table.
const (
	en = iota
	de
	fr
	es
	it
	pt
	nl
	pl
	sv
	da
	no
	tr
	id
	vi
	cs
	numLangs
)

type langMask uint32

var langCodes = [numLangs]string{
	en: "en", de: "de", fr: "fr", es: "es", it: "it", pt: "pt", nl: "nl", pl: "pl",
	sv: "sv", da: "da", no: "no", tr: "tr", id: "id", vi: "vi", cs: "cs",
}

// Scoring. A word found in one language's list is worth wordWeight; a word
// in k lists is worth wordWeight/k to each. A language-specific letter is
// worth charWeight split the same way, per occurrence.
const (
	wordWeight = 12
	charWeight = 6
	// minScore: at least one unambiguous word (or the equivalent).
	minScore = 12
	// minMargin: the winner must beat the runner-up by half a word.
	minMargin = 6
	// fallbackConfidence is the whatlanggo confidence below which its answer
	// for a short text is noise.
	fallbackConfidence = 0.5
	// minFallbackLetters: below this many Latin letters, text that matched
	// no word is Undetermined without consulting the trigram model.
	minFallbackLetters = 20
)

// Frequent function words and review vocabulary per language. Words shared
// by several languages are listed in each; the weighting sorts them out.
var wordLists = [numLangs]string{
	en: `the and is it this i to a of for was in my not but with very great good love loved product works
		have has be that they on you are so just as would one well use had all no quality it's its easy like
		recommend bought buy price if only does did don't can will too after doesn't much really nice perfect
		what when were also than them there your me we our an at from or by up out about do get got
		excellent awesome happy disappointed return returned item arrived broke broken cheap fit fits size
		small little product's i'm i've didn't wasn't isn't works worked working money time work could should
		these those which because been more even other some any never ever still back first how could again
		amazing awesome cool fun fantastic terrific wonderful useful helpful better best worst bad poor
		enjoy enjoyed enjoying liked likes loves thanks thank everything nothing something problem problems
		same new old clear sad worthless waste useless junk ok okay sure course every since though
		music sound speaker home kids gift daughter son wife husband mom dad family house room kitchen
		bedroom easy setup set using used uses need needed want wanted purchase purchased ordered
		arrived received came come comes item stars star star's five four three two hardly
		definitely absolutely highly totally pretty quite fast slow loud
		can't won't isn't aren't couldn't wouldn't shouldn't haven't hasn't i'd i'll that's there's
		he she his her him who what where why how all just about after before over under into
		through between while until than then them their they're we're you're only also very
		make made makes take took get gets getting go going goes went say said see saw look looks
		know think thought feel felt wish change changed voice volume low high extremely really
		much many most more less little lot lots way thing things people person day days week
		weeks month months year years hour hours minute minutes long short big small large light
		heavy hard soft right wrong last next own off around few bit another each both enough
		happy unhappy glad disappointed impressed satisfied recommended recommend returned
		return refund replacement customer service quality value cheap expensive price worth
		buy bought order ordering shipping delivery box package charger battery screen button
		app phone computer tv light lights alarm weather news songs song radio play plays playing`,
	de: `der die das und ist nicht ich es sie er wir ein eine einen einem einer mit für auf zu von den dem des
		im in sehr gut aber auch noch nur schon war hat habe haben wird werden kann können wie man so sich bei
		nach aus leider super toll produkt qualität preis funktioniert gekauft ware wieder dass mir mich mein
		meine alles nichts etwas doch als oder weil wenn dann immer einfach schnell ganz gar kein keine keinen
		viel mehr bin sind würde hatte diese dieser dieses zum zur nicht's ist's top artikel geliefert empfehlen
		empfehlung bestellt kaufen wurde waren hier jetzt da muss mal ja nein habe ob hatte gibt passt schön`,
	fr: `le la les de des du et est un une pas je il elle ne que qui pour avec sur au aux ce cette mais très
		bien bon bonne produit qualité prix fonctionne acheté j'ai c'est n'est ai a été trop plus en mon ma mes
		son sa ses tout vous nous on ou se sont était fait peu comme après même aussi rien déjà encore donc
		dans par ça qu'il d'un d'une l'article article reçu recommande livraison super parfait ils elles avait
		avoir être cela car sans jamais toujours vraiment assez beaucoup mauvais je n'ai pas manque
		marche déçu été avons leur notre votre alors quand moins chez`,
	es: `el la los las de del y que es un una no muy bien bueno buena producto calidad precio para con por en
		lo se su sus al pero como me mi más ya está esta este esto fue son tiene funciona compré todo nada poco
		bastante hay también porque cuando sin sobre hace llegó perfecto buen donde vale sirve roto
		llegado tener todos gracias ningún funcionaba hemos pero nunca mal aunque cada algo recomiendo estoy ha he han eso ese
		esa mucho sido era tengo puede pues además después bonito bonita vez veces le les nos hasta desde`,
	it: `il lo la gli le di del della dei delle che e è un una non molto bene buono prodotto qualità prezzo
		per con da in ma come mi ho ha sono si anche più questo questa tutto niente poco ottimo funziona
		acquistato arrivato consiglio perché quando dopo già ancora essere stato nel nella al alla alle ai
		sul sulla mio mia ci ne se era hanno fatto bello bella davvero solo cosa tempo`,
	pt: `o a os as de do da dos das e que é um uma não muito bem bom boa produto qualidade preço para com por
		em no na mas como me meu minha mais já está este esta isso foi são tem funciona comprei tudo nada
		pouco também porque quando sem chegou ótimo recomendo ele ela eu você ao aos pela pelo seu sua
		estou gostei veio entrega`,
	nl: `de het een en is niet ik van dat die voor met op zijn maar ook heel zeer goed product kwaliteit prijs
		werkt gekocht erg wel nog al te om er dit deze was heb hebben wordt geen naar bij als of mijn je
		we ze hij ben kan had mooi snel geleverd aan uit`,
	pl: `i w nie na się to jest z że do jak ale bardzo dobrze dobry produkt jakość cena polecam tak po za co
		mi już był była jestem działa jego jej może tylko czy więc został`,
	sv: `och att det är som en ett på för med inte jag har de av till om men mycket bra produkt kvalitet pris
		fungerar köpt var kan den så också eller efter`,
	da: `og at det er som en et på for med ikke jeg har de af til om men meget godt god produkt kvalitet pris
		virker købt var kan den så også eller efter`,
	no: `og at det er som en et på for med ikke jeg har de av til om men veldig bra produkt kvalitet pris
		fungerer kjøpt var kan den så også eller etter`,
	tr: `ve bir bu çok için ile de da ama ürün güzel iyi değil gibi daha kadar var yok olarak hızlı kaliteli
		tavsiye ederim aldım ben sonra geldi`,
	id: `yang dan di ini itu tidak dengan untuk ada saya barang bagus sangat sudah juga tapi sesuai
		pengiriman cepat kualitas harga sampai terima kasih`,
	vi: `và là của có không rất tốt cho với được này sản phẩm hàng giao nhanh mình`,
	cs: `je to na se že jsem ale velmi dobrý výrobek kvalita cena funguje koupil není jako pro`,
}

// Letters that point to a language (lower case).
var charLists = map[rune][]int{
	'ß': {de}, 'ä': {de, sv}, 'ö': {de, sv, tr}, 'ü': {de, tr},
	'ñ': {es}, '¿': {es}, '¡': {es},
	'ã': {pt}, 'õ': {pt}, 'ç': {fr, pt, tr}, 'ê': {fr, pt}, 'â': {fr, pt},
	'è': {fr, it}, 'ù': {fr, it}, 'ì': {it}, 'ò': {it}, 'œ': {fr}, 'î': {fr}, 'û': {fr},
	'ë': {fr, nl}, 'ï': {fr, nl},
	'ą': {pl}, 'ę': {pl}, 'ł': {pl}, 'ś': {pl}, 'ź': {pl}, 'ż': {pl}, 'ń': {pl}, 'ć': {pl},
	'ğ': {tr}, 'ş': {tr}, 'ı': {tr},
	'å': {sv, da, no}, 'ø': {da, no}, 'æ': {da, no},
	'ř': {cs}, 'ě': {cs}, 'ů': {cs},
	'đ': {vi}, 'ư': {vi}, 'ơ': {vi},
}

var (
	wordLangs = buildWordLangs()
	charLangs = buildCharLangs()
)

func buildWordLangs() map[string]langMask {
	m := make(map[string]langMask, 1500)
	for l, list := range wordLists {
		for _, w := range strings.Fields(list) {
			m[w] |= 1 << l
		}
	}
	return m
}

func buildCharLangs() map[rune]langMask {
	m := make(map[rune]langMask, len(charLists))
	for r, ls := range charLists {
		for _, l := range ls {
			m[r] |= 1 << l
		}
	}
	return m
}

// Han characters that only one writing system uses; they split Han-only text
// between Japanese and Chinese when there is no kana to go by.
const (
	hanSimplified = iota + 1
	hanTraditional
	hanJapanese
)

var (
	hanHint = buildHanHint()
	// hanHinted has a bit per rune of the CJK Unified block that is in
	// hanHint, so that the common case (no hint) skips the map.
	hanHinted = func() (bits [(0x9FFF - 0x4E00 + 64) / 64]uint64) {
		for r := range hanHint {
			if r >= 0x4E00 && r <= 0x9FFF {
				i := r - 0x4E00
				bits[i/64] |= 1 << (i % 64)
			}
		}
		return bits
	}()
)

func isHinted(r rune) bool {
	if r < 0x4E00 || r > 0x9FFF {
		_, ok := hanHint[r]
		return ok
	}
	i := r - 0x4E00
	return hanHinted[i/64]&(1<<(i%64)) != 0
}

func buildHanHint() map[rune]int {
	m := map[rune]int{}
	for _, r := range "这们个说买东还质时没为对过发么电话样让给从问题应该现实经边" {
		m[r] = hanSimplified
	}
	for _, r := range "這們說還沒麼樣讓從應實經邊對發會來" {
		m[r] = hanTraditional
	}
	for _, r := range "気円売広様楽薬駅読込払戻変単悪黒歳価図応済検験発関続絵恵戦権観労働" {
		m[r] = hanJapanese
	}
	return m
}

// whatlanggo's name for each scored language.
var fallbackLangs = [numLangs]whatlanggo.Lang{
	en: whatlanggo.Eng, de: whatlanggo.Deu, fr: whatlanggo.Fra, es: whatlanggo.Spa,
	it: whatlanggo.Ita, pt: whatlanggo.Por, nl: whatlanggo.Nld, pl: whatlanggo.Pol,
	sv: whatlanggo.Swe, da: whatlanggo.Dan, no: whatlanggo.Nob, tr: whatlanggo.Tur,
	id: whatlanggo.Ind, vi: whatlanggo.Vie, cs: whatlanggo.Ces,
}

// Elided prefixes before an apostrophe (lower case, apostrophe excluded).
var elisions = map[string]langMask{
	"l": 1<<fr | 1<<it, "d": 1<<fr | 1<<it, "j": 1 << fr, "c": 1 << fr, "n": 1 << fr,
	"s": 1 << fr, "m": 1 << fr, "t": 1 << fr, "qu": 1 << fr, "jusqu": 1 << fr,
	"lorsqu": 1 << fr, "puisqu": 1 << fr, "un": 1 << it, "dell": 1 << it, "all": 1 << it,
	"nell": 1 << it, "dall": 1 << it, "sull": 1 << it, "quest": 1 << it, "po": 1 << it,
}

// The trigram fallback considers only languages sellers commonly meet.
var fallbackCodes = map[whatlanggo.Lang]string{
	whatlanggo.Eng: "en", whatlanggo.Deu: "de", whatlanggo.Fra: "fr", whatlanggo.Spa: "es",
	whatlanggo.Ita: "it", whatlanggo.Por: "pt", whatlanggo.Nld: "nl", whatlanggo.Pol: "pl",
	whatlanggo.Swe: "sv", whatlanggo.Dan: "da", whatlanggo.Nob: "no", whatlanggo.Tur: "tr",
	whatlanggo.Ind: "id", whatlanggo.Vie: "vi", whatlanggo.Ces: "cs", whatlanggo.Ron: "ro",
	whatlanggo.Hun: "hu", whatlanggo.Fin: "fi",
}

var fallbackOptions = func() whatlanggo.Options {
	wl := make(map[whatlanggo.Lang]bool, len(fallbackCodes))
	for l := range fallbackCodes {
		wl[l] = true
	}
	return whatlanggo.Options{Whitelist: wl}
}()
