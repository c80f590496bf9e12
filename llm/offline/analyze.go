package offline

import (
	"github.com/voc-project/voc/llm"
)

// clause is a comma/semicolon-delimited part of a sentence.
type clause struct {
	sp      span
	score   float64
	opinion bool // holds at least one sentiment item
}

// cueRef is one concept cue found in a sentence.
type cueRef struct {
	table      table
	idx        int // concept index in conceptsBy[table]
	clause     int
	start, end int   // byte offsets in the source text
	rstart     int32 // rune offsets in the sentence (for proximity)
	rend       int32
	word       int32
	wordEnd    int32
}

// litRef is a match of a per-call literal term (a dimension or label name
// that maps to no seed concept).
type litRef struct {
	id         int
	clause     int
	start, end int
}

// sentence is one analysed sentence of a review's title or body.
type sentence struct {
	src      *string // the title or body the spans index
	sp       span
	score    float64
	pos, neg float64
	suggest  bool
	clauses  []clause
	cues     []cueRef
	lits     []litRef
}

func (s *sentence) text() string { return (*s.src)[s.sp.start:s.sp.end] }

// quoteFor returns the verbatim quote for an item in clause c: the clause
// when it carries the opinion and is long enough to stand alone, otherwise
// the whole sentence.
func (s *sentence) quoteFor(c int, useClause bool) string {
	if useClause && c >= 0 && c < len(s.clauses) && len(s.clauses) > 1 {
		cl := s.clauses[c].sp
		q := (*s.src)[cl.start:cl.end]
		if quoteLongEnough(q) {
			return q
		}
	}
	return s.text()
}

func quoteLongEnough(q string) bool {
	runes, cjk, words := 0, 0, 0
	inWord := false
	for _, r := range q {
		runes++
		if isCJK(r) {
			cjk++
		}
		w := isWordRune(r)
		if w && !inWord {
			words++
		}
		inWord = w
	}
	return cjk >= 4 || words >= 3
}

// review is one analysed review.
type review struct {
	id        int64
	rating    int
	lang      string
	sentences []sentence
	doc       docScore
	title     string
	body      string
}

func (r *review) polarity() string { return r.doc.polarity() }

// literalIndex matches per-call literal terms.
type literalIndex struct {
	trie *trie
	ids  [][]int
}

func newLiteralIndex() *literalIndex { return &literalIndex{trie: newTrie()} }

func (li *literalIndex) add(term string, id int) {
	for _, k := range foldVariants(term, true) {
		if v, ok := li.trie.lookup(k); ok {
			if !containsInt(li.ids[v], id) {
				li.ids[v] = append(li.ids[v], id)
			}
			continue
		}
		li.ids = append(li.ids, []int{id})
		li.trie.insert(k, int32(len(li.ids)-1), true)
	}
}

func (li *literalIndex) empty() bool { return li == nil || len(li.ids) == 0 }

// analyzeReview splits, scores and cue-scans a review. lits may be nil.
func analyzeReview(rt *llm.ReviewText, lits *literalIndex, sc *scratch) *review {
	rv := &review{id: rt.ID, rating: rt.Rating, title: rt.Title, body: rt.Body}
	probe := rt.Body
	if rt.Title != "" {
		probe = rt.Title + "\n" + rt.Body
	}
	rv.lang = detectLanguage(rt.Language, probe)
	lx := lexiconFor(rv.lang)
	cl := cueLang(rv.lang)
	initConcepts()

	for src, text := range []*string{&rv.title, &rv.body} {
		sents := splitSentences(*text)
		for i, sp := range sents {
			s := analyzeSentence(lx, cl, text, sp, lits, sc)
			w := sentenceWeight(i, len(sents))
			if src == 0 {
				w = titleWeight
			}
			rv.doc.add(sentenceResult{score: s.score}, w)
			rv.sentences = append(rv.sentences, s)
		}
	}
	return rv
}

func analyzeSentence(lx *lexicon, cl string, text *string, sp span, lits *literalIndex, sc *scratch) sentence {
	res := scoreSpan(lx, *text, sp, sc)
	s := sentence{src: text, sp: sp, score: res.score, pos: res.pos, neg: res.neg}
	for _, c := range splitClauses(*text, sp) {
		s.clauses = append(s.clauses, clause{sp: c})
	}
	// scoreSpan may have re-folded with another lexicon's accent rule; the
	// rune positions are the same either way, so clause lookup is safe.
	off := sc.ft.off
	clauseOf := func(runePos int32) int {
		b := off[runePos]
		for i, c := range s.clauses {
			if b < c.sp.end {
				return i
			}
		}
		return len(s.clauses) - 1
	}
	if len(s.clauses) == 0 {
		s.clauses = []clause{{sp: sp}}
	}
	for _, c := range res.contribs {
		i := clauseOf(c.start)
		s.clauses[i].score += c.value
		s.clauses[i].opinion = true
	}

	// Cues are matched on text folded the way the language folds it.
	fold(*text, sp, cl != "de", &sc.ft)
	sc.cues = scanCues(cl, sc, sc.cues[:0])
	off = sc.ft.off
	for _, h := range sc.cues {
		for _, r := range h.refs {
			if r.table == tSuggest {
				s.suggest = true
				continue
			}
			s.cues = append(s.cues, cueRef{
				table: r.table, idx: int(r.idx), clause: clauseOf(h.start),
				start: off[h.start], end: off[h.end], rstart: h.start, rend: h.end, word: h.word, wordEnd: h.wordEnd,
			})
		}
	}
	if !lits.empty() {
		if cl == "de" {
			fold(*text, sp, true, &sc.ft)
			off = sc.ft.off
		}
		sc.hits = lits.trie.scan(sc.ft.runes, sc.hits[:0])
		for _, h := range sc.hits {
			for _, id := range lits.ids[h.val] {
				s.lits = append(s.lits, litRef{id: id, clause: clauseOf(h.start), start: off[h.start], end: off[h.end]})
			}
		}
	}
	return s
}

// mostOpinionated returns the index of the sentence with the largest
// absolute score (the first on ties), or 0.
func (r *review) mostOpinionated() int {
	best, bestAbs := 0, -1.0
	for i, s := range r.sentences {
		a := s.score
		if a < 0 {
			a = -a
		}
		if a > bestAbs {
			best, bestAbs = i, a
		}
	}
	return best
}
