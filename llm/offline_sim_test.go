package llm_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	data "github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
)

// sharedReviews reads up to n reviews per language from the shared MARC
// sample (de, en, es, fr, ja, zh). It skips the test if the data is absent.
func sharedReviews(t *testing.T, perLang int) []llm.ReviewText {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data.Shared(t, "marc_multilingual_sample.csv"))).ReadAll()
	require.NoError(t, err)
	count := map[string]int{}
	var out []llm.ReviewText
	for i, r := range rows[1:] { // id,language,stars,text
		if count[r[1]] >= perLang {
			continue
		}
		count[r[1]]++
		stars, _ := strconv.Atoi(r[2])
		out = append(out, llm.ReviewText{ID: int64(i + 1), Rating: stars, Body: r[3], Language: r[1]})
	}
	return out
}

// TestOfflineThroughSimulator runs the whole chain on real reviews: the
// provider sends each task to the simulator, which answers from the offline
// analyser; every answer must validate, and nothing may be dropped (the
// offline analyser quotes verbatim and uses only the model it is given).
func TestOfflineThroughSimulator(t *testing.T) {
	t.Parallel()
	reviews := sharedReviews(t, 8)
	sim, url := startSim(t, llmsim.Config{}, offline.New())
	p, rec := newProvider(t, url, nil)
	ctx := context.Background()

	model, _, err := p.Learn(ctx, llm.LearnInput{ProductTitle: "Assorted products", TargetLanguage: "zh", Reviews: reviews})
	require.NoError(t, err)
	require.NotEmpty(t, model.Dimensions.Product)

	tr, _, err := p.Translate(ctx, llm.TranslateInput{TargetLanguage: "zh", Reviews: reviews[:10]})
	require.NoError(t, err)
	require.Len(t, tr.Translations, 10)

	ins, _, err := p.Insights(ctx, llm.InsightInput{TargetLanguage: "zh", Dimensions: model.Dimensions, Reviews: reviews})
	require.NoError(t, err)
	require.Len(t, ins.Reviews, len(reviews))
	n := 0
	for _, r := range ins.Reviews {
		n += len(r.Insights)
	}
	require.Positive(t, n)

	th, _, err := p.Themes(ctx, llm.ThemeInput{TargetLanguage: "zh", Labels: model.Labels, Reviews: reviews})
	require.NoError(t, err)
	require.Len(t, th.Reviews, len(reviews))

	var ev []llm.Evidence
	for _, r := range ins.Reviews {
		for _, it := range r.Insights {
			ev = append(ev, llm.Evidence{ReviewID: r.ID, Kind: it.Type, Topic: it.Dimension, Sentiment: it.Sentiment, Quote: it.Quote})
		}
	}
	_, _, err = p.Narrate(ctx, llm.ReportInput{TargetLanguage: "zh", Facts: map[string]int{"reviews": len(reviews)}, Evidence: ev})
	require.NoError(t, err)

	// The comparison's alignment: the simulator answers with the offline
	// alignment, so "Akkulaufzeit", "battery life" and "续航" share a group.
	al, _, err := p.Align(ctx, llm.AlignInput{TargetLanguage: "en", Products: []llm.AlignProduct{
		{ID: 1, Dimensions: []llm.AlignDimension{{ID: 11, Kind: "product", Name: "Akkulaufzeit"}, {ID: 12, Kind: "emotion", Name: "Freude"}}},
		{ID: 2, Dimensions: []llm.AlignDimension{{ID: 21, Kind: "product", Name: "battery life"}, {ID: 22, Kind: "product", Name: "price"}}},
		{ID: 3, Dimensions: []llm.AlignDimension{{ID: 31, Kind: "product", Name: "续航"}}},
	}})
	require.NoError(t, err)
	require.Equal(t, offline.Align(llm.AlignInput{TargetLanguage: "en", Products: []llm.AlignProduct{
		{ID: 1, Dimensions: []llm.AlignDimension{{ID: 11, Kind: "product", Name: "Akkulaufzeit"}, {ID: 12, Kind: "emotion", Name: "Freude"}}},
		{ID: 2, Dimensions: []llm.AlignDimension{{ID: 21, Kind: "product", Name: "battery life"}, {ID: 22, Kind: "product", Name: "price"}}},
		{ID: 3, Dimensions: []llm.AlignDimension{{ID: 31, Kind: "product", Name: "续航"}}},
	}}), al)
	require.Contains(t, al.Groups, llm.AlignGroup{Name: "Akkulaufzeit", Kind: "product", DimensionIDs: []int64{11, 21, 31}})

	for _, c := range rec.all() {
		require.Equal(t, llm.CallOK, c.Status, c.Stage)
		require.False(t, c.Repair, c.Stage)
		require.Zero(t, c.Dropped, "%s: the offline analyser's answers must survive cleaning", c.Stage)
	}
	st := sim.Stats()
	require.EqualValues(t, len(llm.Tasks), st.OK)
	for _, task := range llm.Tasks {
		require.EqualValues(t, 1, st.Tasks[string(task)], task)
	}
}

func TestSimulatorDefaultsToOffline(t *testing.T) {
	t.Parallel()
	_, url := startSim(t, llmsim.Config{}, nil)
	p, _ := newProvider(t, url, nil)
	out, _, err := p.Insights(context.Background(), insightInput(t))
	require.NoError(t, err)
	require.Len(t, out.Reviews, len(testReviews))
}

// TestFaultMix drives concurrent requests through a simulator injecting every
// fault at once: each call ends in a good answer or one of the errors the
// jobs know how to handle, never in anything else.
func TestFaultMix(t *testing.T) {
	t.Parallel()
	reviews := sharedReviews(t, 20)
	sim, url := startSim(t, llmsim.Config{
		FailRate5xx: 0.05, MalformedRate: 0.2, MissingIDRate: 0.1, RefusalRate: 0.02, Seed: 5,
	}, nil)
	p, rec := newProvider(t, url, nil)
	model, _, err := offline.New().Learn(context.Background(), llm.LearnInput{TargetLanguage: "zh", Reviews: reviews})
	require.NoError(t, err)

	const batch = 4
	type result struct {
		in  []llm.ReviewText
		out llm.InsightOutput
		err error
	}
	results := make(chan result, len(reviews)/batch+1)
	var wg sync.WaitGroup
	for i := 0; i+batch <= len(reviews); i += batch {
		in := reviews[i : i+batch]
		wg.Go(func() {
			out, _, err := p.Insights(context.Background(), llm.InsightInput{TargetLanguage: "zh", Dimensions: model.Dimensions, Reviews: in})
			results <- result{in, out, err}
		})
	}
	wg.Wait()
	close(results)
	var ok, refused, invalid, server int
	for r := range results {
		switch {
		case r.err == nil:
			ok++
			ids := map[int64]bool{}
			for _, rv := range r.in {
				ids[rv.ID] = true
			}
			for _, a := range r.out.Reviews {
				require.True(t, ids[a.ID])
			}
		case llm.IsInvalidOutput(r.err):
			invalid++
		default:
			if _, isRef := llm.AsRefusal(r.err); isRef {
				refused++
				continue
			}
			require.ErrorContains(t, r.err, "provider error 500")
			server++
		}
	}
	require.Positive(t, ok)
	st := sim.Stats()
	require.EqualValues(t, len(rec.all()), st.Calls, "one record per HTTP attempt")
	t.Logf("ok=%d refused=%d invalid=%d 5xx=%d repairs=%d faults=%v", ok, refused, invalid, server, st.Repairs, st.Faults)
}
