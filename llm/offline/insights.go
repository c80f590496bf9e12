package offline

import (
	"context"
	"fmt"
	"math"

	"github.com/voc-project/voc/llm"
)

// maxInsightsPerReview bounds the answer for very long reviews.
const maxInsightsPerReview = 12

// dimIndex maps seed concepts (and literal names) onto the caller's
// dimensions of one kind.
type dimIndex struct {
	kind      string
	dims      []llm.Dimension
	byConcept map[int]int // concept index → dimension index
	general   int         // catch-all product dimension, -1 when none
	overall   bool        // general is an "overall" dimension (takes aspect-less praise)
}

func litID(t table, i int) int       { return int(t)<<16 | i }
func splitLitID(id int) (table, int) { return table(id >> 16), id & 0xffff }

func buildDimIndex(kind string, dims []llm.Dimension, lits *literalIndex) *dimIndex {
	t := dimTable[kind]
	di := &dimIndex{kind: kind, dims: dims, byConcept: map[int]int{}, general: -1}
	m := matcherFor(t)
	quality := -1
	for i, d := range dims {
		ids := m.match(d.Name, d.Definition)
		for _, id := range ids {
			if _, ok := di.byConcept[id]; !ok {
				di.byConcept[id] = i
			}
			c := conceptsBy[t][id]
			if c.generalProduct && di.general < 0 {
				di.general, di.overall = i, true
			}
			if c.key == "quality" && quality < 0 {
				quality = i
			}
		}
		if len(ids) == 0 {
			for _, term := range literalTerms(d.Name) {
				lits.add(term, litID(t, i))
			}
		}
	}
	if t == tProduct && di.general < 0 {
		di.general = quality
		if di.general < 0 && len(dims) > 0 {
			di.general = 0
		}
	}
	return di
}

func (di *dimIndex) lookup(conceptIdx int) (int, bool) {
	i, ok := di.byConcept[conceptIdx]
	return i, ok
}

// Insights extracts per-review insights against in.Dimensions. Every review
// with text gets at least one insight when there is a product dimension; a
// review without text gets a neutral sentiment and none. It fails only when
// ctx is done.
func (*Analyzer) Insights(ctx context.Context, in llm.InsightInput) (llm.InsightOutput, llm.Usage, error) {
	initConcepts()
	lits := newLiteralIndex()
	idx := [3]*dimIndex{
		buildDimIndex(llm.DimProduct, in.Dimensions.Product, lits),
		buildDimIndex(llm.DimScenario, in.Dimensions.Scenario, lits),
		buildDimIndex(llm.DimEmotion, in.Dimensions.Emotion, lits),
	}
	target := targetLang(in.TargetLanguage)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)

	out := llm.InsightOutput{Reviews: make([]llm.ReviewInsights, 0, len(in.Reviews))}
	for n := range in.Reviews {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return llm.InsightOutput{}, llm.Usage{}, err
			}
		}
		rv := analyzeReview(&in.Reviews[n], lits, sc)
		out.Reviews = append(out.Reviews, reviewInsights(rv, idx, target))
	}
	return out, llm.Usage{}, nil
}

// insightBuilder collects one review's insights, keeping the strongest per
// (type, dimension) in order of first appearance.
type insightBuilder struct {
	target string
	list   []llm.Insight
	weight []float64
	seen   map[string]int
}

func (b *insightBuilder) add(typ, dim, quote, sentiment, confidence string, strength float64) {
	key := typ + "\x00" + dim
	it := llm.Insight{
		Type: typ, Dimension: dim, Quote: quote, QuoteTranslated: quote,
		Analysis: analysisText(b.target, typ, dim, sentiment), Sentiment: sentiment, Confidence: confidence,
	}
	if i, ok := b.seen[key]; ok {
		if strength > b.weight[i] {
			b.list[i], b.weight[i] = it, strength
		}
		return
	}
	if len(b.list) >= maxInsightsPerReview {
		return
	}
	b.seen[key] = len(b.list)
	b.list = append(b.list, it)
	b.weight = append(b.weight, strength)
}

func confidenceFor(score float64) string {
	a := math.Abs(score)
	switch {
	case a >= 2:
		return llm.High
	case a >= 1:
		return llm.Medium
	}
	return llm.Low
}

func reviewInsights(rv *review, idx [3]*dimIndex, target string) llm.ReviewInsights {
	ri := llm.ReviewInsights{ID: rv.id, Sentiment: rv.polarity(), Insights: []llm.Insight{}}
	if len(rv.sentences) == 0 {
		ri.Sentiment = llm.Neutral
		return ri
	}
	prod, scen, emo := idx[0], idx[1], idx[2]
	b := &insightBuilder{target: target, seen: map[string]int{}}
	bestAspectless, bestAbs := -1, 0.0

	for si := range rv.sentences {
		s := &rv.sentences[si]
		type mention struct{ dim, clause int }
		var mentions []mention
		addMention := func(d, c int) {
			for _, m := range mentions {
				if m.dim == d {
					return
				}
			}
			mentions = append(mentions, mention{d, c})
		}
		for _, c := range s.cues {
			if c.table != tProduct {
				continue
			}
			if d, ok := prod.lookup(c.idx); ok {
				addMention(d, c.clause)
			}
		}
		for _, l := range s.lits {
			if t, d := splitLitID(l.id); t == tProduct {
				addMention(d, l.clause)
			}
		}
		// A specific aspect beats the catch-all "product"/"item" mention.
		if len(mentions) > 1 && prod.overall {
			kept := mentions[:0]
			for _, m := range mentions {
				if m.dim != prod.general {
					kept = append(kept, m)
				}
			}
			mentions = kept
		}
		for _, m := range mentions {
			cl := s.clauses[m.clause]
			score, useClause := s.score, false
			if cl.opinion && math.Abs(cl.score) >= sentenceThreshold {
				score, useClause = cl.score, true
			}
			pol := polarity(score)
			name := prod.dims[m.dim].Name
			switch {
			case s.suggest:
				b.add(llm.InsightSuggestion, name, s.text(), pol, llm.Medium, math.Abs(score)+0.5)
			case pol == llm.Positive:
				b.add(llm.InsightStrength, name, s.quoteFor(m.clause, useClause), pol, confidenceFor(score), math.Abs(score))
			case pol == llm.Negative:
				b.add(llm.InsightWeakness, name, s.quoteFor(m.clause, useClause), pol, confidenceFor(score), math.Abs(score))
			}
		}
		if len(mentions) == 0 && math.Abs(s.score) >= sentenceThreshold && math.Abs(s.score) > bestAbs {
			bestAspectless, bestAbs = si, math.Abs(s.score)
		}

		for _, c := range s.cues {
			switch c.table {
			case tScenario:
				if d, ok := scen.lookup(c.idx); ok {
					b.add(llm.InsightScenario, scen.dims[d].Name, s.text(), polarity(s.score), llm.Medium, 1)
				}
			case tEmotion:
				if d, ok := emo.lookup(c.idx); ok {
					pol := polarity(s.score)
					if pol == llm.Neutral {
						pol = llm.Positive
						if conceptsBy[tEmotion][c.idx].pol < 0 {
							pol = llm.Negative
						}
					}
					b.add(llm.InsightEmotion, emo.dims[d].Name, s.text(), pol, confidenceFor(s.score), math.Abs(s.score))
				}
			}
		}
		for _, l := range s.lits {
			switch t, d := splitLitID(l.id); t {
			case tScenario:
				b.add(llm.InsightScenario, scen.dims[d].Name, s.text(), polarity(s.score), llm.Low, 0.5)
			case tEmotion:
				b.add(llm.InsightEmotion, emo.dims[d].Name, s.text(), polarity(s.score), llm.Low, 0.5)
			}
		}
	}

	hasProduct := false
	for _, it := range b.list {
		if llm.DimensionKindFor(it.Type) == llm.DimProduct {
			hasProduct = true
			break
		}
	}
	// Aspect-less praise or complaint ("Love it!", 太差了) goes to the
	// overall dimension when the model has one.
	if !hasProduct && prod.overall && bestAspectless >= 0 {
		s := &rv.sentences[bestAspectless]
		pol := polarity(s.score)
		typ := llm.InsightStrength
		if pol == llm.Negative {
			typ = llm.InsightWeakness
		}
		b.add(typ, prod.dims[prod.general].Name, s.text(), pol, confidenceFor(s.score), math.Abs(s.score))
	}
	// Every review with content gets at least one insight.
	if len(b.list) == 0 && prod.general >= 0 {
		s := &rv.sentences[rv.mostOpinionated()]
		typ := llm.InsightStrength
		if rv.doc.score < 0 {
			typ = llm.InsightWeakness
		}
		b.add(typ, prod.dims[prod.general].Name, s.text(), ri.Sentiment, llm.Low, 0)
	}
	ri.Insights = append(ri.Insights, b.list...)
	return ri
}

// analysisText is the one-line analysis in the target language.
func analysisText(target, typ, dim, sentiment string) string {
	if target == "zh" {
		switch typ {
		case llm.InsightStrength:
			return fmt.Sprintf("用户认可%s。", dim)
		case llm.InsightWeakness:
			return fmt.Sprintf("用户对%s不满。", dim)
		case llm.InsightSuggestion:
			return fmt.Sprintf("用户对%s提出改进建议。", dim)
		case llm.InsightScenario:
			return fmt.Sprintf("使用场景：%s（%s）。", dim, zhSentiment[sentiment])
		default:
			return fmt.Sprintf("情绪：%s（%s）。", dim, zhSentiment[sentiment])
		}
	}
	switch typ {
	case llm.InsightStrength:
		return fmt.Sprintf("The customer praises %s.", lowerFirst(dim))
	case llm.InsightWeakness:
		return fmt.Sprintf("The customer complains about %s.", lowerFirst(dim))
	case llm.InsightSuggestion:
		return fmt.Sprintf("The customer suggests improving %s.", lowerFirst(dim))
	case llm.InsightScenario:
		return fmt.Sprintf("Used in the scenario %q (%s).", dim, sentiment)
	default:
		return fmt.Sprintf("Expresses %s (%s).", lowerFirst(dim), sentiment)
	}
}

var zhSentiment = map[string]string{llm.Positive: "正面", llm.Neutral: "中性", llm.Negative: "负面"}

// lowerFirst lower-cases a leading capital unless the word looks like an
// acronym or proper name ("Alexa", "USB").
func lowerFirst(s string) string {
	if len(s) < 2 || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	if s[1] >= 'A' && s[1] <= 'Z' {
		return s
	}
	initConcepts()
	if seedNamesEN[s] {
		return string(s[0]+32) + s[1:]
	}
	return s
}
