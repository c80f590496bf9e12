package llm_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"unicode/utf8"

	"github.com/voc-project/voc/llm"
)

// fixture is a small deterministic analyser for the simulator to serve in
// tests that need exact control over answers. Its hooks rewrite an answer
// before the simulator encodes it, which is how tests inject bad enums or
// hallucinated quotes at the HTTP boundary.
type fixture struct {
	calls    atomic.Int64
	insights func(n int64, in llm.InsightInput, out llm.InsightOutput) llm.InsightOutput
	themes   func(in llm.ThemeInput, out llm.ThemeOutput) llm.ThemeOutput
}

var _ llm.Analyzer = (*fixture)(nil)

func (f *fixture) Name() string     { return "fixture" }
func (f *fixture) Model() string    { return "fixture-1" }
func (f *fixture) Translates() bool { return true }
func prefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func (f *fixture) Learn(_ context.Context, in llm.LearnInput) (llm.LearnOutput, llm.Usage, error) {
	f.calls.Add(1)
	dims := func(names ...string) []llm.Dimension {
		out := make([]llm.Dimension, len(names))
		for i, n := range names {
			out[i] = llm.Dimension{Name: n, Definition: "what customers say about " + n}
		}
		return out
	}
	labels := func(names ...string) []llm.Label {
		out := make([]llm.Label, len(names))
		for i, n := range names {
			out[i] = llm.Label{Name: n}
		}
		return out
	}
	return llm.LearnOutput{
		Dimensions: llm.Dimensions{
			Product:  dims("sound quality", "battery life", "price", "setup"),
			Scenario: dims("commute", "home", "gym"),
			Emotion:  dims("delight", "frustration", "trust"),
		},
		Labels: llm.Labels{
			Buyer: labels("parent", "gift giver", "self", "student", "office worker"),
			User:  labels("kids", "seniors", "self", "family", "commuters"),
			Where: labels("home", "car", "office", "gym", "outdoors"),
			When:  labels("morning", "evening", "holidays", "workouts", "travel"),
			Why:   labels("gift", "replacement", "upgrade", "price", "reviews"),
			What:  labels("music", "calls", "news", "alarms", "smart home"),
		},
	}, llm.Usage{}, nil
}

func (f *fixture) Translate(_ context.Context, in llm.TranslateInput) (llm.TranslateOutput, llm.Usage, error) {
	f.calls.Add(1)
	var out llm.TranslateOutput
	for _, r := range in.Reviews {
		out.Translations = append(out.Translations, llm.Translation{
			ID: r.ID, Title: fmt.Sprintf("[%s] %s", in.TargetLanguage, r.Title), Body: fmt.Sprintf("[%s] %s", in.TargetLanguage, r.Body),
		})
	}
	return out, llm.Usage{}, nil
}

func (f *fixture) Insights(_ context.Context, in llm.InsightInput) (llm.InsightOutput, llm.Usage, error) {
	n := f.calls.Add(1)
	var out llm.InsightOutput
	for _, r := range in.Reviews {
		ri := llm.ReviewInsights{ID: r.ID, Sentiment: llm.Positive}
		if utf8.RuneCountInString(r.Body) > 0 && len(in.Dimensions.Product) > 0 {
			ri.Insights = append(ri.Insights, llm.Insight{
				Type: llm.InsightStrength, Dimension: in.Dimensions.Product[0].Name,
				Quote: prefix(r.Body, 12), QuoteTranslated: "译文", Analysis: "分析",
				Sentiment: llm.Positive, Confidence: llm.High,
			})
		}
		out.Reviews = append(out.Reviews, ri)
	}
	if f.insights != nil {
		out = f.insights(n, in, out)
	}
	return out, llm.Usage{}, nil
}

func (f *fixture) Themes(_ context.Context, in llm.ThemeInput) (llm.ThemeOutput, llm.Usage, error) {
	f.calls.Add(1)
	var out llm.ThemeOutput
	for _, r := range in.Reviews {
		rt := llm.ReviewTags{ID: r.ID}
		if len(in.Labels.User) > 0 {
			rt.Tags = append(rt.Tags, llm.Tag{
				Type: llm.WUser, Label: in.Labels.User[0].Name, Quote: prefix(r.Body, 8),
				QuoteTranslated: "译文", Explanation: "说明", Confidence: llm.Medium,
			})
		}
		out.Reviews = append(out.Reviews, rt)
	}
	if f.themes != nil {
		out = f.themes(in, out)
	}
	return out, llm.Usage{}, nil
}

func (f *fixture) Narrate(_ context.Context, in llm.ReportInput) (llm.ReportOutput, llm.Usage, error) {
	f.calls.Add(1)
	var ids []int64
	for _, e := range in.Evidence {
		ids = append(ids, e.ReviewID)
	}
	if len(ids) == 0 {
		ids = []int64{0}
	}
	claim := func(s string) llm.Claim { return llm.Claim{Text: s, ReviewIDs: ids[:1]} }
	return llm.ReportOutput{
		ExecutiveSummary: claim("Customers like the sound."),
		Personas:         []llm.Persona{{Name: "Commuter", Summary: "Listens on the way to work.", ReviewIDs: ids}},
		Strengths:        []llm.Claim{claim("Sound quality")},
		Weaknesses:       []llm.Claim{claim("Battery life")},
		PriorityActions:  []llm.Claim{claim("Improve the battery")},
	}, llm.Usage{}, nil
}
