package offline

import (
	"strings"
	"sync"
)

// kind is what a lexicon entry does in a sentence.
type kind uint8

const (
	kSent     kind = iota + 1 // carries a polarity score
	kNeg                      // negates the next sentiment item(s) ("not", 不, "nicht")
	kPostNeg                  // negates the previous sentiment item (Japanese ない)
	kInt                      // intensifier ("very", 很, "sehr"): multiplies
	kIntSent                  // intensifier that is itself positive when alone ("super", すごい)
	kDown                     // downtoner ("a bit", 有点): multiplies by < 1
	kExcess                   // "too", 太, "zu", "trop": turns a size word negative
	kExcessTo                 // size/degree word that is negative after kExcess ("small", 小)
	kContrast                 // "but", 但是: later items weigh more
	kConcede                  // "although", 虽然: items up to the clause end weigh less
	kCond                     // "if", "unless": items up to the clause end are hypothetical
	kBound                    // punctuation: ends negation scope
	kBlock                    // neutral phrase that shadows a shorter sentiment key ("hard drive")
)

// entry is one compiled lexicon entry.
type entry struct {
	kind  kind
	score float32 // polarity for kSent/kIntSent, multiplier for kInt/kDown/kExcess
	neg   float32 // explicit score when negated; 0 means the default rule
	post  bool    // also negated by a following negator (German verb-second "funktioniert nicht")
	// selfNeg marks keys that begin with a negator ("not happy", 不好用,
	// "pas terrible"): they already carry their negation, so a preceding
	// "ne" or "don't" must not flip them back.
	selfNeg bool
}

// group is a hand-written lexicon line: terms separated by "|" sharing one
// kind and score.
type group struct {
	kind  kind
	score float32
	terms string
	neg   float32
	post  bool
}

func sent(score float32, terms string) group { return group{kind: kSent, score: score, terms: terms} }

// sentNeg is a sentiment group with an explicit negated score, for verbs of
// function whose negation is much stronger than their assertion ("works" vs
// "doesn't work").
func sentNeg(score, neg float32, terms string) group {
	return group{kind: kSent, score: score, neg: neg, terms: terms}
}

// sentPost is a German verb group that a following "nicht" negates.
func sentPost(score, neg float32, terms string) group {
	return group{kind: kSent, score: score, neg: neg, terms: terms, post: true}
}

func mk(k kind, score float32, terms string) group { return group{kind: k, score: score, terms: terms} }

// lexicon is one language's compiled sentiment lexicon.
type lexicon struct {
	lang    string
	accents bool // fold diacritics in text and keys (not for German: schön ≠ schon)
	cjk     bool // distances in runes rather than words
	// excessFlips: "too" + a positive word is negative ("too bright"), as
	// in English, German and Spanish; in Chinese 太好 and French "trop
	// bien" it intensifies instead.
	excessFlips bool
	trie        *trie
	entries     []entry
}

// inflector generates inflected forms of a single-word key (adjective
// agreement, plurals) so the lexicon can stay in lemma form.
type inflector func(w string) []string

func buildLexicon(lang string, accents, cjk bool, infl inflector, groups ...[]group) *lexicon {
	lx := &lexicon{lang: lang, accents: accents, cjk: cjk, trie: newTrie()}
	var keys []string
	add := func(g group, key string, overwrite bool) {
		key = strings.TrimSpace(foldString(key, accents))
		if key == "" {
			return
		}
		lx.entries = append(lx.entries, entry{kind: g.kind, score: g.score, neg: g.neg, post: g.post})
		keys = append(keys, key)
		lx.trie.insert(key, int32(len(lx.entries)-1), overwrite)
	}
	// Explicit entries first (later groups override earlier ones), then
	// generated forms, which never override an explicit key.
	for _, gs := range groups {
		for _, g := range gs {
			for _, t := range strings.Split(g.terms, "|") {
				add(g, t, true)
			}
		}
	}
	if infl != nil {
		for _, gs := range groups {
			for _, g := range gs {
				if g.kind != kSent && g.kind != kExcessTo {
					continue
				}
				for _, t := range strings.Split(g.terms, "|") {
					t = strings.TrimSpace(t)
					if t == "" || strings.ContainsAny(t, " '") {
						continue
					}
					for _, f := range infl(t) {
						add(g, f, false)
					}
				}
			}
		}
	}
	for i, k := range keys {
		if lx.entries[i].kind == kSent && lx.startsWithNegator(k) {
			lx.entries[i].selfNeg = true
		}
	}
	return lx
}

// startsWithNegator reports whether key begins with a negator key: its first
// word for spaced languages, its first one to three characters for CJK.
func (lx *lexicon) startsWithNegator(key string) bool {
	isNeg := func(p string) bool {
		v, ok := lx.trie.lookup(p)
		return ok && lx.entries[v].kind == kNeg
	}
	if lx.cjk {
		rs := []rune(key)
		for n := 1; n <= 3 && n < len(rs); n++ {
			if isNeg(string(rs[:n])) {
				return true
			}
		}
		return false
	}
	if i := strings.IndexAny(key, " '"); i > 0 {
		if key[i] == '\'' {
			return isNeg(key[:i+1]) // French "n'"
		}
		return isNeg(key[:i])
	}
	return false
}

// universal entries shared by every language: punctuation and emoticons.
var universal = []group{
	mk(kBound, 0, ",|;|:|，|；|：|、|(|)|（|）"),
	sent(2, ":)|:-)|:d|;)|=)|(:|^^|^_^|😊|😀|😃|😄|😁|😍|🥰|👍|👌|💯|❤|❤️|♥|♡|⭐|🌟|✨|🙂|😘|🤩|🎉"),
	sent(-2, ":(|:-(|:'(|😞|😠|😡|👎|😢|😭|😤|🙁|☹|💩|🤮|😒|😩|😫"),
}

var (
	lexOnce sync.Once
	lexicas map[string]*lexicon
)

// lexiconFor returns the lexicon of a language; languages without one use
// English (many reviews mix in English words, and that is the best guess for
// an undetermined language).
func lexiconFor(lang string) *lexicon {
	lexOnce.Do(func() {
		lexicas = map[string]*lexicon{
			"en": buildLexicon("en", true, false, inflectEN, universal, enLexicon),
			"de": buildLexicon("de", false, false, inflectDE, universal, deLexicon),
			"fr": buildLexicon("fr", true, false, inflectFR, universal, frLexicon),
			"es": buildLexicon("es", true, false, inflectES, universal, esLexicon),
			"zh": buildLexicon("zh", false, true, nil, universal, zhLexicon),
			"ja": buildLexicon("ja", false, true, nil, universal, jaLexicon),
		}
		for _, l := range []string{"en", "de", "es"} {
			lexicas[l].excessFlips = true
		}
	})
	if lx, ok := lexicas[lang]; ok {
		return lx
	}
	return lexicas["en"]
}

func inflectEN(w string) []string {
	if strings.HasSuffix(w, "s") || len(w) < 3 {
		return nil
	}
	if strings.HasSuffix(w, "y") {
		return []string{w[:len(w)-1] + "ies"}
	}
	return []string{w + "s"}
}

// inflectDE adds the strong/weak adjective endings and comparative forms.
func inflectDE(w string) []string {
	if strings.HasSuffix(w, "e") {
		return []string{w + "n", w + "r", w + "s", w + "m"}
	}
	return []string{w + "e", w + "en", w + "er", w + "es", w + "em"}
}

// inflectFR adds gender and number agreement.
func inflectFR(w string) []string {
	switch {
	case strings.HasSuffix(w, "eux"):
		b := w[:len(w)-1]
		return []string{b + "se", b + "ses"}
	case strings.HasSuffix(w, "if"):
		b := w[:len(w)-1]
		return []string{b + "ve", b + "ves", w + "s"}
	case strings.HasSuffix(w, "el"), strings.HasSuffix(w, "en"), strings.HasSuffix(w, "on"):
		return []string{w + w[len(w)-1:] + "e", w + w[len(w)-1:] + "es", w + "s"}
	case strings.HasSuffix(w, "e"):
		return []string{w + "s"}
	case strings.HasSuffix(w, "s"), strings.HasSuffix(w, "x"):
		return []string{w + "e", w + "es"}
	}
	return []string{w + "e", w + "s", w + "es"}
}

// inflectES adds gender and number agreement.
func inflectES(w string) []string {
	switch {
	case strings.HasSuffix(w, "o"):
		b := w[:len(w)-1]
		return []string{b + "a", b + "os", b + "as"}
	case strings.HasSuffix(w, "a"), strings.HasSuffix(w, "e"):
		return []string{w + "s"}
	case strings.HasSuffix(w, "z"):
		return []string{w[:len(w)-1] + "ces"}
	}
	return []string{w + "es"}
}
