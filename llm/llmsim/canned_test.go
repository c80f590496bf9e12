package llmsim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
)

// TestCannedAnswersSurviveCleaning: canned answers go through the real
// provider client (schema validation, cleaning) with every review answered
// and the quotes kept, so a benchmark with --canned exercises voc's whole
// path.
func TestCannedAnswersSurviveCleaning(t *testing.T) {
	t.Parallel()
	sim, url := start(t, llmsim.Config{Canned: true})
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: url + "/v1", Model: "m"})
	require.NoError(t, err)
	rs := reviews(10)
	rs[3].Body = "日本語のレビューです。とても良い商品でした。毎日使っています。満足しています。本当に良い買い物でした。"
	rs[3].Rating = 5
	ctx := context.Background()

	tr, _, err := p.Translate(ctx, llm.TranslateInput{TargetLanguage: "en", Reviews: rs})
	require.NoError(t, err)
	require.Len(t, tr.Translations, 10)

	dims := llm.Dimensions{Product: []llm.Dimension{{Name: "quality"}}}
	ins, _, err := p.Insights(ctx, llm.InsightInput{TargetLanguage: "en", Dimensions: dims, Reviews: rs})
	require.NoError(t, err)
	require.Len(t, ins.Reviews, 10)
	for _, r := range ins.Reviews {
		require.Len(t, r.Insights, 1, "review %d: the insight survives cleaning", r.ID)
	}
	require.Equal(t, "strength", ins.Reviews[3].Insights[0].Type)

	labels := llm.Labels{Why: []llm.Label{{Name: "gift"}}}
	th, _, err := p.Themes(ctx, llm.ThemeInput{TargetLanguage: "en", Labels: labels, Reviews: rs})
	require.NoError(t, err)
	require.Len(t, th.Reviews, 10)
	for _, r := range th.Reviews {
		require.Len(t, r.Tags, 1, "review %d", r.ID)
	}

	// Three requests arrived, in one or two wall-clock seconds.
	a := sim.Arrivals()
	require.Equal(t, 3, a.Requests)
	require.Equal(t, 3, a.MaxSliding1s)
	sum := 0
	for _, n := range a.PerSecond {
		sum += n
	}
	require.Equal(t, 3, sum)

	res, err := http.Get(url + "/stats/arrivals")
	require.NoError(t, err)
	var got llmsim.Arrivals
	require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
	res.Body.Close()
	require.Equal(t, a, got)
	req, _ := http.NewRequest(http.MethodDelete, url+"/stats/arrivals", nil)
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Zero(t, sim.Arrivals().Requests)
}
