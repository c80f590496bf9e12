package offline

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/voc-project/voc/llm"
)

// wHit is one piece of 5W evidence in a sentence.
type wHit struct {
	table      table
	idx        int // concept index
	start, end int // byte span of the cue in the source
	confidence string
}

// forWindowWords and forWindowRunes bound how far before a family noun a
// "for"/给 marker may stand ("for my 85 year old dad").
const (
	forWindowWords = 5
	forWindowRunes = 3
)

// wEvidence returns the 5W evidence of a sentence: direct cues, plus the
// buyer implied when a family member is bought for ("for my dad" → the
// reviewer buys for a parent) or given a gift.
func wEvidence(s *sentence, lang string) []wHit {
	var out []wHit
	gift := false
	for _, c := range s.cues {
		if c.table == tBuyer && conceptsBy[tBuyer][c.idx].key == "gift_givers" ||
			c.table == tWhy && conceptsBy[tWhy][c.idx].key == "gift" {
			gift = true
		}
	}
	for i, c := range s.cues {
		if c.table < tBuyer || c.table > tWhat {
			continue
		}
		out = append(out, wHit{table: c.table, idx: c.idx, start: c.start, end: c.end, confidence: cueConfidence(s, c)})
		con := conceptsBy[c.table][c.idx]
		if c.table != tUser || !con.family || con.buyer == "" {
			continue
		}
		if gift || forMarkerNear(s, i, lang) {
			if b, ok := conceptKey[qualified(tBuyer, con.buyer)]; ok {
				out = append(out, wHit{table: tBuyer, idx: conceptIndex(b), start: c.start, end: c.end, confidence: llm.High})
			}
		}
	}
	return out
}

func conceptIndex(c *concept) int {
	for i, x := range conceptsBy[c.table] {
		if x == c {
			return i
		}
	}
	return -1
}

// forMarkerNear reports a "for" marker shortly before cue i (after it for
// Japanese postpositions: 母に, 父へのプレゼント).
func forMarkerNear(s *sentence, i int, lang string) bool {
	c := s.cues[i]
	for _, f := range s.cues {
		if f.table != tFor {
			continue
		}
		switch lang {
		case "ja":
			if f.rstart >= c.rend && f.rstart-c.rend <= 1 {
				return true
			}
		case "zh":
			if f.rend <= c.rstart && c.rstart-f.rend <= forWindowRunes {
				return true
			}
		default:
			if f.wordEnd < c.word && c.word-f.wordEnd <= forWindowWords {
				return true
			}
		}
	}
	return false
}

// cueConfidence is high for multi-word or long CJK cues ("as a gift",
// 给爸妈), medium for single words ("kitchen").
func cueConfidence(s *sentence, c cueRef) string {
	q := (*s.src)[c.start:c.end]
	if strings.ContainsRune(strings.TrimSpace(q), ' ') {
		return llm.High
	}
	n, cjk := 0, false
	for _, r := range q {
		n++
		cjk = cjk || isCJK(r)
	}
	if cjk && n >= 3 {
		return llm.High
	}
	return llm.Medium
}

// labelIndex maps seed concepts (and literal names) onto the caller's
// labels of one 5W type.
type labelIndex struct {
	wtype     string
	labels    []llm.Label
	byConcept map[int]int
}

func buildLabelIndex(wtype string, labels []llm.Label, lits *literalIndex) *labelIndex {
	t := wTable[wtype]
	li := &labelIndex{wtype: wtype, labels: labels, byConcept: map[int]int{}}
	m := matcherFor(t)
	for i, l := range labels {
		ids := m.match(l.Name, l.Definition)
		for _, id := range ids {
			if _, ok := li.byConcept[id]; !ok {
				li.byConcept[id] = i
			}
		}
		if len(ids) == 0 {
			for _, term := range literalPhrase(l.Name) {
				lits.add(term, litID(t, i))
			}
		}
	}
	return li
}

// Themes tags each review with 5W labels taken only from in.Labels, each
// with a verbatim quote. A review with no matching cue gets no tags. It
// fails only when ctx is done.
func (*Analyzer) Themes(ctx context.Context, in llm.ThemeInput) (llm.ThemeOutput, llm.Usage, error) {
	initConcepts()
	lits := newLiteralIndex()
	byTable := map[table]*labelIndex{}
	for _, w := range llm.WTypes {
		byTable[wTable[w]] = buildLabelIndex(w, in.Labels.ByType(w), lits)
	}
	target := targetLang(in.TargetLanguage)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)

	out := llm.ThemeOutput{Reviews: make([]llm.ReviewTags, 0, len(in.Reviews))}
	for n := range in.Reviews {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return llm.ThemeOutput{}, llm.Usage{}, err
			}
		}
		rv := analyzeReview(&in.Reviews[n], lits, sc)
		rt := llm.ReviewTags{ID: rv.id, Tags: []llm.Tag{}}
		seen := map[string]bool{}
		add := func(li *labelIndex, i int, s *sentence, cue, confidence string) {
			label := li.labels[i].Name
			key := li.wtype + "\x00" + label
			if seen[key] {
				return
			}
			seen[key] = true
			q := s.text()
			rt.Tags = append(rt.Tags, llm.Tag{
				Type: li.wtype, Label: label, Quote: q, QuoteTranslated: q,
				Explanation: tagExplanation(target, cue), Confidence: confidence,
			})
		}
		for si := range rv.sentences {
			s := &rv.sentences[si]
			for _, h := range wEvidence(s, rv.lang) {
				li := byTable[h.table]
				if i, ok := li.byConcept[h.idx]; ok {
					add(li, i, s, (*s.src)[h.start:h.end], h.confidence)
				}
			}
			for _, l := range s.lits {
				t, i := splitLitID(l.id)
				if li, ok := byTable[t]; ok {
					add(li, i, s, (*s.src)[l.start:l.end], llm.Low)
				}
			}
		}
		out.Reviews = append(out.Reviews, rt)
	}
	return out, llm.Usage{}, nil
}

func tagExplanation(target, cue string) string {
	cue = strings.TrimSpace(cue)
	if utf8.RuneCountInString(cue) > 60 {
		cue = string([]rune(cue)[:60])
	}
	if target == "zh" {
		return fmt.Sprintf("评论提到“%s”。", cue)
	}
	return fmt.Sprintf("The review mentions %q.", cue)
}
