package llmsim

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/offline"
)

// Canned returns an analyser whose batch answers are built from the input
// in one pass, without any text analysis: translations echo the text, each
// review gets one insight on the first product dimension and one tag with
// the first label, quoting the start of its body verbatim. Learning and the
// report come from the offline analyser (once per analysis). It is for
// throughput benchmarks (`voc llmsim --canned`), so they measure voc and not
// the simulator; every answer is still schema-valid and survives cleaning.
func Canned() llm.Analyzer { return canned{off: offline.New()} }

type canned struct{ off llm.Analyzer }

func (c canned) Name() string     { return "canned" }
func (c canned) Model() string    { return "canned" }
func (c canned) Translates() bool { return false }

func (c canned) Learn(ctx context.Context, in llm.LearnInput) (llm.LearnOutput, llm.Usage, error) {
	return c.off.Learn(ctx, in)
}

func (c canned) Narrate(ctx context.Context, in llm.ReportInput) (llm.ReportOutput, llm.Usage, error) {
	return c.off.Narrate(ctx, in)
}

func (c canned) Translate(_ context.Context, in llm.TranslateInput) (llm.TranslateOutput, llm.Usage, error) {
	out := llm.TranslateOutput{Translations: make([]llm.Translation, len(in.Reviews))}
	for i, r := range in.Reviews {
		out.Translations[i] = llm.Translation{ID: r.ID, Title: r.Title, Body: r.Body}
	}
	return out, llm.Usage{Calls: 1}, nil
}

func (c canned) Insights(_ context.Context, in llm.InsightInput) (llm.InsightOutput, llm.Usage, error) {
	out := llm.InsightOutput{Reviews: make([]llm.ReviewInsights, len(in.Reviews))}
	for i, r := range in.Reviews {
		sent, typ := cannedSentiment(r.Rating)
		ri := llm.ReviewInsights{ID: r.ID, Sentiment: sent, Insights: []llm.Insight{}}
		if q := cannedQuote(r.Body); q != "" && len(in.Dimensions.Product) > 0 {
			ri.Insights = append(ri.Insights, llm.Insight{Type: typ, Dimension: in.Dimensions.Product[0].Name,
				Quote: q, QuoteTranslated: q, Analysis: "canned", Sentiment: sent, Confidence: "low"})
		}
		out.Reviews[i] = ri
	}
	return out, llm.Usage{Calls: 1}, nil
}

func (c canned) Themes(_ context.Context, in llm.ThemeInput) (llm.ThemeOutput, llm.Usage, error) {
	out := llm.ThemeOutput{Reviews: make([]llm.ReviewTags, len(in.Reviews))}
	typ, label := "", ""
	for _, t := range []string{llm.WWhat, llm.WWhy, llm.WWhere, llm.WWhen, llm.WUser, llm.WBuyer} {
		if ls := in.Labels.ByType(t); len(ls) > 0 {
			typ, label = t, ls[0].Name
			break
		}
	}
	for i, r := range in.Reviews {
		rt := llm.ReviewTags{ID: r.ID, Tags: []llm.Tag{}}
		if q := cannedQuote(r.Body); q != "" && label != "" {
			rt.Tags = append(rt.Tags, llm.Tag{Type: typ, Label: label, Quote: q, QuoteTranslated: q, Explanation: "canned", Confidence: "low"})
		}
		out.Reviews[i] = rt
	}
	return out, llm.Usage{Calls: 1}, nil
}

func cannedSentiment(rating int) (sentiment, insightType string) {
	switch {
	case rating >= 4:
		return "positive", "strength"
	case rating > 0 && rating <= 2:
		return "negative", "weakness"
	}
	return "neutral", "suggestion"
}

// cannedQuote is the body's first words, at most 60 bytes, cut on a rune
// boundary: verbatim, so cleaning keeps it.
func cannedQuote(body string) string {
	body = strings.TrimSpace(body)
	if len(body) <= 60 {
		return body
	}
	cut := 60
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return strings.TrimSpace(body[:cut])
}
