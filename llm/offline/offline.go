package offline

import (
	"context"

	"github.com/voc-project/voc/llm"
)

// Provider and model names recorded with every (zero-cost) call.
const (
	ProviderName = "offline"
	ModelName    = "voc-offline-1"
)

// Analyzer is the offline implementation of llm.Analyzer. It holds no
// mutable state; the zero value is ready to use and safe for concurrent use.
type Analyzer struct{}

var _ llm.Analyzer = (*Analyzer)(nil)

// New returns an offline analyser. It never fails; the lexicons are compiled
// on first use.
func New() *Analyzer { return &Analyzer{} }

// Name returns "offline".
func (*Analyzer) Name() string { return ProviderName }

// Model returns "voc-offline-1".
func (*Analyzer) Model() string { return ModelName }

// Translates returns false: Translate echoes its input and the caller marks
// translation as skipped.
func (*Analyzer) Translates() bool { return false }

// Translate returns every review's title and body unchanged, keyed by id. It
// fails only when ctx is done.
func (*Analyzer) Translate(ctx context.Context, in llm.TranslateInput) (llm.TranslateOutput, llm.Usage, error) {
	if err := ctx.Err(); err != nil {
		return llm.TranslateOutput{}, llm.Usage{}, err
	}
	out := llm.TranslateOutput{Translations: make([]llm.Translation, 0, len(in.Reviews))}
	for _, r := range in.Reviews {
		out.Translations = append(out.Translations, llm.Translation{ID: r.ID, Title: r.Title, Body: r.Body})
	}
	return out, llm.Usage{}, nil
}

// targetLang normalises the target language to the two the templates and
// name tables support: "zh", or "en" for everything else.
func targetLang(t string) string {
	if t == "zh" || len(t) > 2 && t[:3] == "zh-" {
		return "zh"
	}
	return "en"
}

// checkEvery is how many reviews are processed between context checks.
const checkEvery = 256
