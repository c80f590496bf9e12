// Package language detects the language of review text.
//
// Detect runs on every ingested review, so it is built for speed first: it
// looks only at the first MaxScanBytes bytes, decides by Unicode script where
// the script settles it (Han, kana, Hangul, Cyrillic, Arabic, ...), and for
// Latin-script text scores a table of frequent function and review words per
// language plus language-specific letters. Only Latin text that matches none
// of those falls back to whatlanggo's trigram model, restricted to a whitelist
// of common e-commerce languages.
package language

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// Undetermined is returned when no language can be told (ISO 639-2 "und").
const Undetermined = "und"

// MaxScanBytes is how much of the text Detect looks at. A review's language
// is settled by its first few sentences; reading more only costs time.
const MaxScanBytes = 256

// Detect returns the ISO 639-1 code of text's language ("en", "zh", "ja",
// "de", ...), or Undetermined when the text has too little signal (e.g. "OK",
// emoji only, numbers only) or matches no language it knows.
func Detect(text string) string {
	return DetectPair(text, "")
}

// DetectPair is Detect over a+" "+b without building the concatenation: a
// review's title and body are usually passed here. It returns Undetermined
// like Detect.
func DetectPair(a, b string) string {
	var d detector
	d.a = d.scan(a, MaxScanBytes)
	if n := len(d.a); n < MaxScanBytes && b != "" {
		d.endWord()
		d.b = d.scan(b, MaxScanBytes-n-1)
	}
	return d.decide()
}

// Script counters, indexed by the script constants below.
const (
	sLatin = iota
	sHan
	sKana
	sHangul
	sCyrillic
	sGreek
	sArabic
	sHebrew
	sThai
	sDevanagari
	sBengali
	sTamil
	sTelugu
	sGeorgian
	sArmenian
	sOther
	numScripts
)

var scriptCode = [numScripts]string{
	sHangul:     "ko",
	sGreek:      "el",
	sHebrew:     "he",
	sThai:       "th",
	sDevanagari: "hi",
	sBengali:    "bn",
	sTamil:      "ta",
	sTelugu:     "te",
	sGeorgian:   "ka",
	sArmenian:   "hy",
}

type detector struct {
	a, b   string // the scanned prefixes, kept for the fallback
	counts [numScripts]int
	// Latin-script scoring.
	score [numLangs]int
	word  [32]byte // current lower-cased word (truncated)
	wlen  int      // bytes in word; > len(word) means too long to match
	// Script-specific hints (Cyrillic, Arabic, Han).
	ukr, ruOnly, bgHint     int
	persian, urdu           int
	simplified, traditional int
	japaneseOnlyHan         int
}

// scan feeds up to limit bytes of s (cut at a rune boundary) and returns the
// part it consumed.
func (d *detector) scan(s string, limit int) string {
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
				d.counts[sLatin]++
				d.addByte(c)
			case 'A' <= c && c <= 'Z':
				d.counts[sLatin]++
				d.addByte(c + 'a' - 'A')
			case c == '\'':
				// Keep apostrophes inside words: "it's", "j'ai", "c'est".
				if d.wlen > 0 {
					d.addByte(c)
				}
			case c == ':' && strings.HasPrefix(s[i:], "//"):
				// A URL says nothing about the language: skip it.
				d.wlen = 0
				for i < len(s) && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' {
					i++
				}
			default:
				d.endWord()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		d.rune(r)
	}
	return s
}

func (d *detector) addByte(c byte) {
	if d.wlen < len(d.word) {
		d.word[d.wlen] = c
	}
	d.wlen++
}

func (d *detector) addRune(r rune) {
	if d.wlen+utf8.RuneLen(r) <= len(d.word) {
		d.wlen += utf8.EncodeRune(d.word[d.wlen:], r)
	} else {
		d.wlen = len(d.word) + 1
	}
}

func (d *detector) endWord() {
	if d.wlen == 0 {
		return
	}
	n := d.wlen
	d.wlen = 0
	if n > len(d.word) {
		return
	}
	w := d.word[:n]
	// Trailing apostrophes are quotes, not elisions.
	for len(w) > 0 && w[len(w)-1] == '\'' {
		w = w[:len(w)-1]
	}
	if len(w) == 0 {
		return
	}
	if m, ok := wordLangs[string(w)]; ok {
		addMask(&d.score, m, wordWeight)
		return
	}
	// French and Italian elide articles and pronouns: "d'autonomie",
	// "l'article", "dell'anno". The prefix names the language; the rest is
	// looked up again.
	for i, c := range w {
		if c != '\'' {
			continue
		}
		if m, ok := elisions[string(w[:i])]; ok {
			addMask(&d.score, m, wordWeight)
			if m, ok := wordLangs[string(w[i+1:])]; ok {
				addMask(&d.score, m, wordWeight)
			}
		}
		break
	}
}

// addMask adds weight to each language in m, split between them so that a
// word shared by many languages says little.
func addMask(score *[numLangs]int, m langMask, weight int) {
	n := 0
	for x := m; x != 0; x &= x - 1 {
		n++
	}
	w := weight / n
	for l := range numLangs {
		if m&(1<<l) != 0 {
			score[l] += w
		}
	}
}

func (d *detector) rune(r rune) {
	switch {
	case r == '\u2019' || r == '\u02bc': // typographic apostrophe
		if d.wlen > 0 {
			d.addByte('\'')
		}
		return
	case r < 0x250: // Latin-1 Supplement and Latin Extended-A/B
		if !unicode.IsLetter(r) {
			d.endWord()
			if m, ok := charLangs[r]; ok { // ¿ ¡
				addMask(&d.score, m, charWeight)
			}
			return
		}
		d.counts[sLatin]++
		lr := unicode.ToLower(r)
		if m, ok := charLangs[lr]; ok {
			addMask(&d.score, m, charWeight)
		}
		d.addRune(lr)
		return
	case r >= 0x1EA0 && r <= 0x1EF9: // Latin Extended Additional: Vietnamese
		d.counts[sLatin]++
		addMask(&d.score, 1<<vi, charWeight)
		d.addRune(unicode.ToLower(r))
		return
	}
	d.endWord()
	switch {
	case r >= 0x3040 && r <= 0x30FF, r >= 0x31F0 && r <= 0x31FF, r >= 0xFF66 && r <= 0xFF9D:
		if r != 0x30FB && r != 0x30FC { // ・ and ー are shared with Chinese usage
			d.counts[sKana]++
		}
	case r >= 0x4E00 && r <= 0x9FFF || unicode.Is(unicode.Han, r):
		d.counts[sHan]++
		if isHinted(r) {
			h := hanHint[r]
			switch h {
			case hanSimplified:
				d.simplified++
			case hanTraditional:
				d.traditional++
			case hanJapanese:
				d.japaneseOnlyHan++
			}
		}
	case r >= 0xAC00 && r <= 0xD7A3, r >= 0x1100 && r <= 0x11FF, r >= 0x3130 && r <= 0x318F:
		d.counts[sHangul]++
	case r >= 0x0400 && r <= 0x052F:
		d.counts[sCyrillic]++
		switch unicode.ToLower(r) {
		case 'і', 'ї', 'є', 'ґ':
			d.ukr++
		case 'ы', 'э', 'ё':
			d.ruOnly++
		case 'ъ':
			d.bgHint++
		}
	case r >= 0x0370 && r <= 0x03FF, r >= 0x1F00 && r <= 0x1FFF:
		d.counts[sGreek]++
	case r >= 0x0600 && r <= 0x06FF, r >= 0x0750 && r <= 0x077F, r >= 0xFB50 && r <= 0xFEFC:
		if unicode.IsLetter(r) {
			d.counts[sArabic]++
			switch r {
			case 'پ', 'چ', 'ژ', 'گ', 'ک', 'ی':
				d.persian++
			case 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ھ':
				d.urdu++
			}
		}
	case r >= 0x0590 && r <= 0x05FF:
		if unicode.IsLetter(r) {
			d.counts[sHebrew]++
		}
	case r >= 0x0E00 && r <= 0x0E7F:
		d.counts[sThai]++
	case r >= 0x0900 && r <= 0x097F:
		d.counts[sDevanagari]++
	case r >= 0x0980 && r <= 0x09FF:
		d.counts[sBengali]++
	case r >= 0x0B80 && r <= 0x0BFF:
		d.counts[sTamil]++
	case r >= 0x0C00 && r <= 0x0C7F:
		d.counts[sTelugu]++
	case r >= 0x10A0 && r <= 0x10FF:
		d.counts[sGeorgian]++
	case r >= 0x0530 && r <= 0x058F:
		d.counts[sArmenian]++
	case r >= 0xFF21 && r <= 0xFF5A: // full-width Latin letters, common in CJK text
		d.counts[sOther]++
	case unicode.IsLetter(r):
		d.counts[sOther]++
	}
}

// decide picks the language from the counters.
func (d *detector) decide() string {
	d.endWord()
	c := &d.counts
	cjk := c[sHan] + c[sKana]
	// A CJK character carries about as much as a short Latin word, so weigh
	// it against Latin letters accordingly: "iPhone很好用" is Chinese.
	best, bestN := -1, 0
	for s := range numScripts {
		n := c[s]
		if s == sLatin {
			n = (n + 2) / 3
		}
		if s == sHan || s == sKana || s == sOther {
			continue
		}
		if n > bestN {
			best, bestN = s, n
		}
	}
	if cjk > 0 && cjk >= bestN {
		return d.decideCJK()
	}
	if best == sLatin && cjk >= 3 && !d.latinDecisive(2*minScore) {
		// Chinese or Japanese prose around Latin product names and specs
		// ("采用Series 60 Developer Platform 2.0").
		return d.decideCJK()
	}
	switch best {
	case -1:
		return Undetermined
	case sLatin:
		return d.decideLatin()
	case sCyrillic:
		switch {
		case d.ukr > 0:
			return "uk"
		case d.ruOnly == 0 && d.bgHint > 1:
			return "bg"
		}
		return "ru"
	case sArabic:
		switch {
		case d.urdu > 0:
			return "ur"
		case d.persian > 0:
			return "fa"
		}
		return "ar"
	}
	if code := scriptCode[best]; code != "" {
		return code
	}
	return Undetermined
}

func (d *detector) decideCJK() string {
	c := &d.counts
	kana, han := c[sKana], c[sHan]
	// Japanese text is kana-heavy (particles, inflections); Chinese text has
	// none, bar the odd "の" used as a cute possessive. Require kana to be a
	// real share before calling it Japanese.
	if kana > 0 && (kana*5 >= kana+han || kana >= 3) {
		return "ja"
	}
	if kana == 0 && d.japaneseOnlyHan > 0 && d.simplified == 0 && d.traditional == 0 {
		return "ja"
	}
	if han == 0 {
		return Undetermined
	}
	return "zh"
}

// latinDecisive reports whether the word table alone picks a language with
// a score of at least min.
func (d *detector) latinDecisive(min int) bool {
	best, second := 0, 0
	for _, s := range d.score {
		if s > best {
			best, second = s, best
		} else if s > second {
			second = s
		}
	}
	return best >= min && best-second >= minMargin
}

// Minimum Latin letters before anything is claimed.
const minLatinLetters = 3

func (d *detector) decideLatin() string {
	if d.counts[sLatin] < minLatinLetters {
		return Undetermined
	}
	best, second := -1, 0
	for l := range numLangs {
		s := d.score[l]
		if best < 0 || s > d.score[best] {
			if best >= 0 {
				second = d.score[best]
			}
			best = l
		} else if s > second {
			second = s
		}
	}
	bs := d.score[best]
	if bs >= minScore && bs-second >= minMargin {
		return langCodes[best]
	}
	if bs >= minScore {
		// Close call between related languages (es/pt, da/no, ...): let the
		// trigram model choose, but only among the front-runners.
		var cands langMask
		for l := range numLangs {
			if d.score[l] > 0 && bs-d.score[l] < minMargin {
				cands |= 1 << l
			}
		}
		if code := d.fallback(cands, 0); code != Undetermined {
			return code
		}
		return langCodes[best]
	}
	if d.counts[sLatin] < minFallbackLetters {
		// Trigrams over a word or two are noise ("Cool", "Divertido"), and the
		// model costs ~100µs: say nothing rather than guess.
		return Undetermined
	}
	return d.fallback(0, fallbackConfidence)
}

// fallback runs the trigram model on the scanned text, restricted to the
// languages in cands (all fallback languages when cands is 0). It only runs
// when the word table had too little to go on, so its cost is rare. An answer
// below minConfidence is Undetermined.
func (d *detector) fallback(cands langMask, minConfidence float64) string {
	text := d.a
	if d.b != "" {
		text = d.a + " " + d.b
	}
	opts := fallbackOptions
	if cands != 0 {
		wl := make(map[whatlanggo.Lang]bool, 4)
		for l := range numLangs {
			if cands&(1<<l) != 0 {
				wl[fallbackLangs[l]] = true
			}
		}
		opts = whatlanggo.Options{Whitelist: wl}
	}
	info := whatlanggo.DetectWithOptions(text, opts)
	if info.Lang < 0 || info.Confidence < minConfidence {
		return Undetermined
	}
	if code, ok := fallbackCodes[info.Lang]; ok {
		return code
	}
	return Undetermined
}
