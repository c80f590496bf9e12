package llmsim

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/voc-project/voc/llm"
)

// Misquote kinds, as counted in Stats.Misquotes.
const (
	MisquoteParaphrase = "paraphrase"
	MisquoteTranslated = "translated"
	MisquoteInvented   = "invented"
	MisquoteWrongID    = "wrong_id"
	MisquoteJoined     = "joined"
)

// misquoteKinds are drawn in this order.
var misquoteKinds = []string{MisquoteParaphrase, MisquoteTranslated, MisquoteInvented, MisquoteWrongID, MisquoteJoined}

// invented are sentences no fixture review contains.
var invented = []string{
	"I would buy this again without a second thought",
	"Customer support replaced it within a single day",
	"It pairs instantly with every device in the house",
	"The packaging was completely plastic free",
}

// glossary renders a few review words in English, the way a model that
// quotes its own translation does.
var glossary = strings.NewReplacer(
	"Klang", "sound", "Akku", "battery", "Preis", "price", "Lieferung", "delivery",
	"batterie", "battery", "prix", "price", "livraison", "delivery",
	"sonido", "sound", "batería", "battery", "precio", "price", "envío", "shipping",
	"音質", "sound quality", "バッテリー", "battery", "配送", "delivery",
	"音质", "sound quality", "电池", "battery", "物流", "delivery",
)

// misquoter rewrites items of one answer the ways models misquote. Each
// rewrite is checked against the review texts with llm.LocateQuote, and
// counted only when the quote really is not the review's: so a run's
// Stats.Misquotes is exactly the number of items a correct pipeline must
// reject.
type misquoter struct {
	s       *Server
	rng     *rand.Rand
	reviews map[int64]llm.ReviewText
	order   []int64
	// counts are this answer's misquotes by kind, added to Stats only if
	// the answer reaches the client intact.
	counts map[string]int
}

func newMisquoter(s *Server, rng *rand.Rand, in []llm.ReviewText) *misquoter {
	m := &misquoter{s: s, rng: rng, reviews: make(map[int64]llm.ReviewText, len(in)), counts: map[string]int{}}
	for _, r := range in {
		m.reviews[r.ID] = r
		m.order = append(m.order, r.ID)
	}
	return m
}

// rewrite returns a misquote of quote, from review id, the kind used, and
// the id the item should move to (the same id unless the kind is wrong_id).
// It returns ok false when this item is left alone.
func (m *misquoter) rewrite(id int64, quote string) (string, string, int64, bool) {
	if m.rng.Float64() >= m.s.cfg.MisquoteRate {
		return "", "", 0, false
	}
	kind := misquoteKinds[m.rng.IntN(len(misquoteKinds))]
	r := m.reviews[id]
	to := id
	var q string
	switch kind {
	case MisquoteParaphrase:
		q = paraphrase(quote)
	case MisquoteTranslated:
		q = translate(quote)
	case MisquoteInvented:
		q = invented[m.rng.IntN(len(invented))]
	case MisquoteWrongID:
		q = quote
		for _, other := range m.order {
			if other != id {
				to, r = other, m.reviews[other]
				break
			}
		}
		if to == id {
			return "", "", 0, false // no other review in the batch
		}
	case MisquoteJoined:
		q = joined(r.Body)
	}
	if q == "" {
		return "", "", 0, false
	}
	if _, found := llm.LocateQuote(q, r); found {
		return "", "", 0, false // the rewrite happens to be the review's words
	}
	m.counts[kind]++
	return q, kind, to, true
}

// paraphrase swaps two neighbouring words (two characters in unspaced
// scripts).
func paraphrase(q string) string {
	if w := strings.Fields(q); len(w) >= 3 {
		w[1], w[2] = w[2], w[1]
		return strings.Join(w, " ")
	}
	r := []rune(q)
	if len(r) < 3 {
		return ""
	}
	r[1], r[2] = r[2], r[1]
	return string(r)
}

// translate renders the quote's known words in English and says so.
func translate(q string) string {
	return "in English: " + glossary.Replace(q)
}

// joined glues the end of one sentence of body to the start of the next,
// dropping the sentence break, as a model that quotes across it does.
func joined(body string) string {
	var sentences []string
	start := 0
	for i, r := range body {
		if strings.ContainsRune(".!?。！？", r) {
			if s := strings.TrimSpace(body[start:i]); s != "" {
				sentences = append(sentences, s)
			}
			start = i + utf8.RuneLen(r)
		}
	}
	if len(sentences) < 2 {
		return ""
	}
	tail, head := lastWords(sentences[0], 3), firstWords(sentences[1], 3)
	if strings.IndexFunc(sentences[1], unicode.IsSpace) < 0 {
		return tail + head // unspaced script
	}
	return tail + " " + head
}

func lastWords(s string, n int) string {
	if w := strings.Fields(s); len(w) > 1 {
		return strings.Join(w[max(0, len(w)-n):], " ")
	}
	r := []rune(s)
	return string(r[max(0, len(r)-2*n):])
}

func firstWords(s string, n int) string {
	if w := strings.Fields(s); len(w) > 1 {
		return strings.Join(w[:min(n, len(w))], " ")
	}
	r := []rune(s)
	return string(r[:min(2*n, len(r))])
}

// insights applies the misquoting mode to an insight answer.
func (m *misquoter) insights(o *llm.InsightOutput) {
	moved := map[int64][]llm.Insight{}
	for i := range o.Reviews {
		ri := &o.Reviews[i]
		kept := ri.Insights[:0:0]
		for _, it := range ri.Insights {
			q, _, to, ok := m.rewrite(ri.ID, it.Quote)
			if !ok {
				kept = append(kept, it)
				continue
			}
			it.Quote = q
			if to != ri.ID {
				moved[to] = append(moved[to], it)
				continue
			}
			kept = append(kept, it)
		}
		ri.Insights = kept
	}
	for i := range o.Reviews {
		o.Reviews[i].Insights = append(o.Reviews[i].Insights, moved[o.Reviews[i].ID]...)
		delete(moved, o.Reviews[i].ID)
	}
	for id, its := range moved {
		o.Reviews = append(o.Reviews, llm.ReviewInsights{ID: id, Sentiment: "neutral", Insights: its})
	}
}

// themes applies the misquoting mode to a theme answer.
func (m *misquoter) themes(o *llm.ThemeOutput) {
	moved := map[int64][]llm.Tag{}
	for i := range o.Reviews {
		rt := &o.Reviews[i]
		kept := rt.Tags[:0:0]
		for _, tg := range rt.Tags {
			q, _, to, ok := m.rewrite(rt.ID, tg.Quote)
			if !ok {
				kept = append(kept, tg)
				continue
			}
			tg.Quote = q
			if to != rt.ID {
				moved[to] = append(moved[to], tg)
				continue
			}
			kept = append(kept, tg)
		}
		rt.Tags = kept
	}
	for i := range o.Reviews {
		o.Reviews[i].Tags = append(o.Reviews[i].Tags, moved[o.Reviews[i].ID]...)
		delete(moved, o.Reviews[i].ID)
	}
	for id, tags := range moved {
		o.Reviews = append(o.Reviews, llm.ReviewTags{ID: id, Tags: tags})
	}
}
