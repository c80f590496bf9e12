package offline

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/voc-project/voc/llm"
)

// table is the kind of a concept: a dimension kind, a 5W type, or one of two
// helper tables (suggestion cues and "for" markers).
type table uint8

const (
	tProduct table = iota
	tScenario
	tEmotion
	tBuyer
	tUser
	tWhere
	tWhen
	tWhy
	tWhat
	tSuggest
	tFor
	numTables
)

// wTable maps a 5W type to its table.
var wTable = map[string]table{
	llm.WBuyer: tBuyer, llm.WUser: tUser, llm.WWhere: tWhere,
	llm.WWhen: tWhen, llm.WWhy: tWhy, llm.WWhat: tWhat,
}

// dimTable maps a dimension kind to its table.
var dimTable = map[string]table{
	llm.DimProduct: tProduct, llm.DimScenario: tScenario, llm.DimEmotion: tEmotion,
}

// langs are the languages with their own cue vocabularies, in the order of
// the terms() arguments.
var langs = []string{"en", "de", "fr", "es", "zh", "ja"}

// concept is one seed concept: a product aspect, a scenario, an emotion or a
// 5W label, with bilingual display names and cue terms per language.
type concept struct {
	key            string
	table          table
	en, zh         string // display names
	defEN, defZH   string // one-line definitions
	aliases        string // extra "|"-separated names that map an edited or LLM-made name onto this concept
	terms          map[string]string
	pol            int8   // emotions: +1 positive, -1 negative
	buyer          string // user concepts: the buyer concept implied by "for my …" or a gift
	family         bool   // user concepts that are people the reviewer buys for
	defaultRank    int    // >0: fallback order when evidence is thin
	generalProduct bool   // the catch-all product dimension
}

// name returns the display name in the target language (en or zh; other
// targets get English).
func (c *concept) name(target string) string {
	if target == "zh" {
		return c.zh
	}
	return c.en
}

func (c *concept) definition(target string) string {
	if target == "zh" {
		return c.defZH
	}
	return c.defEN
}

// terms builds a per-language term map from positional arguments in the
// order of langs.
func terms(en, de, fr, es, zh, ja string) map[string]string {
	return map[string]string{"en": en, "de": de, "fr": fr, "es": es, "zh": zh, "ja": ja}
}

// ref is one concept a cue key points to.
type ref struct {
	table table
	idx   uint16 // index into conceptsBy[table]
}

// cueIndex is the compiled cue vocabulary of one language.
type cueIndex struct {
	trie *trie
	refs [][]ref
}

var (
	conceptOnce sync.Once
	conceptsBy  [numTables][]*concept
	conceptKey  map[string]*concept // table-qualified key → concept
	cueIndexes  map[string]*cueIndex
	// seedNamesEN are the English seed names: common nouns that are safe to
	// lower-case inside a sentence.
	seedNamesEN map[string]bool
)

func qualified(t table, key string) string { return string(rune('a'+t)) + ":" + key }

func initConcepts() {
	conceptOnce.Do(func() {
		conceptKey = map[string]*concept{}
		seedNamesEN = map[string]bool{}
		for _, c := range allConcepts() {
			conceptsBy[c.table] = append(conceptsBy[c.table], c)
			conceptKey[qualified(c.table, c.key)] = c
			seedNamesEN[c.en] = true
		}
		cueIndexes = map[string]*cueIndex{}
		for _, l := range langs {
			cueIndexes[l] = buildCueIndex(l)
		}
	})
}

// buildCueIndex compiles the cue terms of lang plus the English ones
// (English words are common inside other languages' reviews); the
// language's own terms win on conflicts ("son" is sound in French, a child
// in English).
func buildCueIndex(lang string) *cueIndex {
	accents := lang != "de"
	keys := map[string][]ref{}
	var order []string
	add := func(l string, own map[string]bool) {
		for t := table(0); t < numTables; t++ {
			for i, c := range conceptsBy[t] {
				for _, term := range strings.Split(c.terms[l], "|") {
					for _, k := range foldVariants(term, accents) {
						if own[k] {
							continue
						}
						if _, seen := keys[k]; !seen {
							order = append(order, k)
						}
						r := ref{table: t, idx: uint16(i)}
						if !containsRef(keys[k], r) {
							keys[k] = append(keys[k], r)
						}
					}
				}
			}
		}
	}
	add(lang, nil)
	if lang != "en" {
		own := make(map[string]bool, len(keys))
		for k := range keys {
			own[k] = true
		}
		add("en", own)
	}
	// Blocks shadow shorter cues ("brand new" is not about a brand).
	for _, b := range strings.Split(cueBlocks[lang]+"|"+cueBlocks["*"], "|") {
		for _, k := range foldVariants(b, accents) {
			if _, seen := keys[k]; !seen {
				order = append(order, k)
				keys[k] = nil
			}
		}
	}
	ci := &cueIndex{trie: newTrie()}
	for _, k := range order {
		ci.refs = append(ci.refs, keys[k])
		ci.trie.insert(k, int32(len(ci.refs)-1), true)
	}
	return ci
}

func containsRef(rs []ref, r ref) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// foldVariants returns the folded key and, when folding diacritics changes
// it, the unfolded one too, so both "qualität" and "qualitat" match.
func foldVariants(term string, accents bool) []string {
	term = strings.TrimSpace(term)
	if term == "" {
		return nil
	}
	a := strings.TrimSpace(foldString(term, accents))
	b := strings.TrimSpace(foldString(term, false))
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

// cueHit is one concept cue found in a sentence.
type cueHit struct {
	hit
	refs []ref
}

// scanCues finds concept cues in the folded text held in sc.ft.
func scanCues(lang string, sc *scratch, out []cueHit) []cueHit {
	initConcepts()
	ci, ok := cueIndexes[lang]
	if !ok {
		ci = cueIndexes["en"]
	}
	sc.hits = ci.trie.scan(sc.ft.runes, sc.hits[:0])
	for _, h := range sc.hits {
		if rs := ci.refs[h.val]; len(rs) > 0 {
			out = append(out, cueHit{hit: h, refs: rs})
		}
	}
	return out
}

// cueLang maps a review language to the cue vocabulary used for it.
func cueLang(lang string) string {
	if _, ok := cueIndexes[lang]; ok {
		return lang
	}
	return "en"
}

// productConceptsIn returns the keys of the seed product concepts mentioned
// in text (used by the SemEval aspect evaluation).
func productConceptsIn(text, lang string) []string {
	initConcepts()
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	fold(text, span{0, len(text)}, lang != "de", &sc.ft)
	var out []string
	for _, h := range scanCues(cueLang(lang), sc, nil) {
		for _, r := range h.refs {
			if r.table == tProduct {
				out = append(out, conceptsBy[tProduct][r.idx].key)
			}
		}
	}
	return out
}

// nameMatcher maps free-form dimension or label names (from Learn, an LLM,
// or a user's edit) back to seed concepts of one table.
type nameMatcher struct {
	table table
	exact map[string][]int // folded name/alias → concept indexes
	trie  *trie            // every cue term and alias of the table
	refs  [][]int
}

var (
	nameOnce     sync.Once
	nameMatchers [numTables]*nameMatcher
)

func matcherFor(t table) *nameMatcher {
	nameOnce.Do(func() {
		initConcepts()
		for tt := table(0); tt < numTables; tt++ {
			nameMatchers[tt] = buildNameMatcher(tt)
		}
	})
	return nameMatchers[t]
}

func buildNameMatcher(t table) *nameMatcher {
	m := &nameMatcher{table: t, exact: map[string][]int{}, trie: newTrie()}
	keys := map[string][]int{}
	var order []string
	addKey := func(k string, i int) {
		for _, v := range foldVariants(k, true) {
			if _, ok := keys[v]; !ok {
				order = append(order, v)
			}
			if !containsInt(keys[v], i) {
				keys[v] = append(keys[v], i)
			}
		}
	}
	for i, c := range conceptsBy[t] {
		names := []string{c.en, c.zh, c.key}
		names = append(names, strings.Split(c.aliases, "|")...)
		for _, n := range names {
			for _, v := range foldVariants(n, true) {
				if !containsInt(m.exact[v], i) {
					m.exact[v] = append(m.exact[v], i)
				}
			}
			addKey(n, i)
		}
		for _, l := range langs {
			for _, term := range strings.Split(c.terms[l], "|") {
				addKey(term, i)
			}
		}
	}
	for _, k := range order {
		m.refs = append(m.refs, keys[k])
		m.trie.insert(k, int32(len(m.refs)-1), true)
	}
	return m
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// match returns the concept indexes a name (and, failing that, its
// definition) refers to: an exact name or alias first, else every concept
// whose terms occur in the name, longest match first.
func (m *nameMatcher) match(name, def string) []int {
	n := strings.TrimSpace(foldString(name, true))
	if ids, ok := m.exact[n]; ok {
		return ids
	}
	if ids := m.contained(n); len(ids) > 0 {
		return ids
	}
	if def != "" {
		return m.contained(foldString(def, true))
	}
	return nil
}

func (m *nameMatcher) contained(s string) []int {
	rs := []rune(s)
	var out []int
	for _, h := range m.trie.scan(rs, nil) {
		for _, i := range m.refs[h.val] {
			if !containsInt(out, i) {
				out = append(out, i)
			}
		}
	}
	return out
}

// literalPhrase returns a label name that matched no concept as one folded
// phrase of at most three words, so a hand-made label such as "Christmas
// morning" matches only that phrase; single generic words never tag alone.
func literalPhrase(name string) []string {
	f := strings.Join(strings.Fields(foldString(name, true)), " ")
	if f == "" || len(strings.Fields(f)) > 3 || utf8.RuneCountInString(f) < 3 || nameStopwords[f] {
		return nil
	}
	return []string{f}
}

// literalTerms returns the content words of a name that matched no concept,
// so a learned or hand-made dimension like "Alexa" still matches "alexa" in
// text. Latin words need 3+ letters; CJK names are used whole.
func literalTerms(name string) []string {
	f := strings.TrimSpace(foldString(name, true))
	if f == "" {
		return nil
	}
	var out []string
	cjk := 0
	for _, r := range f {
		if isCJK(r) {
			cjk++
		}
	}
	if cjk > 0 && utf8.RuneCountInString(f) >= 2 {
		return []string{f}
	}
	for _, w := range strings.FieldsFunc(f, func(r rune) bool { return !isWordRune(r) }) {
		if utf8.RuneCountInString(w) >= 3 && !nameStopwords[w] {
			out = append(out, w)
		}
	}
	return out
}

var nameStopwords = map[string]bool{
	"and": true, "the": true, "for": true, "with": true, "use": true, "overall": true, "general": true,
	"quality": true, "other": true, "product": true, "experience": true, "issues": true, "value": true,
	"und": true, "der": true, "die": true, "das": true, "les": true, "des": true, "del": true, "los": true,
}
