package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
)

// These tests run the real provider against the simulator over HTTP: the
// LLM is the only thing simulated, at its HTTP boundary.

type recorder struct {
	mu    sync.Mutex
	calls []llm.Call
}

func (r *recorder) RecordCall(_ context.Context, c llm.Call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

func (r *recorder) all() []llm.Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]llm.Call(nil), r.calls...)
}

// startSim serves a simulator with no latency unless cfg sets one, and
// returns it with the provider base URL.
func startSim(t testing.TB, cfg llmsim.Config, a llm.Analyzer) (*llmsim.Server, string) {
	t.Helper()
	sim := llmsim.New(cfg, a)
	ts := httptest.NewServer(sim)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sim.Shutdown(ctx) // ends simulated hangs so Close does not wait on them
		ts.Close()
	})
	return sim, ts.URL + "/v1"
}

func newProvider(t testing.TB, baseURL string, mod func(*llm.OpenAIConfig)) (*llm.OpenAI, *recorder) {
	t.Helper()
	rec := &recorder{}
	cfg := llm.OpenAIConfig{BaseURL: baseURL, APIKey: "sk-test-secret", Model: "qwen-test", Timeout: 5 * time.Second, Recorder: rec}
	if mod != nil {
		mod(&cfg)
	}
	p, err := llm.NewOpenAI(cfg)
	require.NoError(t, err)
	return p, rec
}

var testReviews = []llm.ReviewText{
	{ID: 101, Rating: 5, Title: "Great sound", Body: "The sound is rich and the bass is deep.", Language: "en"},
	{ID: 102, Rating: 2, Title: "Battery", Body: "Battery   dies after two hours, very disappointing.", Language: "en"},
	{ID: 103, Rating: 4, Body: "音质很好，但是价格有点贵。", Language: "zh"},
}

func testModel(t testing.TB) llm.LearnOutput {
	out, _, err := (&fixture{}).Learn(context.Background(), llm.LearnInput{})
	require.NoError(t, err)
	return out
}

func insightInput(t testing.TB) llm.InsightInput {
	return llm.InsightInput{TargetLanguage: "zh", Dimensions: testModel(t).Dimensions, Reviews: testReviews}
}

func themeInput(t testing.TB) llm.ThemeInput {
	return llm.ThemeInput{TargetLanguage: "zh", Labels: testModel(t).Labels, Reviews: testReviews}
}

func encode(t testing.TB, v any) string {
	t.Helper()
	b, err := llm.EncodeOutput(v)
	require.NoError(t, err)
	return string(b)
}

func TestOpenAIRoundTrip(t *testing.T) {
	t.Parallel()
	fx := &fixture{}
	_, url := startSim(t, llmsim.Config{}, fx)
	p, rec := newProvider(t, url, nil)
	ctx := context.Background()
	want := &fixture{}

	tests := []struct {
		stage string
		run   func() (got, want any, u llm.Usage, err error)
	}{
		{llm.StageLearning, func() (any, any, llm.Usage, error) {
			in := llm.LearnInput{ProductTitle: "Echo Dot", BulletPoints: []string{"Better sound"}, TargetLanguage: "zh", Reviews: testReviews}
			got, u, err := p.Learn(ctx, in)
			w, _, _ := want.Learn(ctx, in)
			return got, w, u, err
		}},
		{llm.StageTranslation, func() (any, any, llm.Usage, error) {
			in := llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews}
			got, u, err := p.Translate(ctx, in)
			w, _, _ := want.Translate(ctx, in)
			return got, w, u, err
		}},
		{llm.StageInsights, func() (any, any, llm.Usage, error) {
			in := insightInput(t)
			got, u, err := p.Insights(ctx, in)
			w, _, _ := want.Insights(ctx, in)
			return got, w, u, err
		}},
		{llm.StageThemes, func() (any, any, llm.Usage, error) {
			in := themeInput(t)
			got, u, err := p.Themes(ctx, in)
			w, _, _ := want.Themes(ctx, in)
			return got, w, u, err
		}},
		{llm.StageReport, func() (any, any, llm.Usage, error) {
			in := llm.ReportInput{TargetLanguage: "zh", Facts: map[string]any{"reviews": 3},
				Evidence: []llm.Evidence{{ReviewID: 101, Kind: "strength", Topic: "sound quality", Quote: "The sound is rich"}}}
			got, u, err := p.Narrate(ctx, in)
			w, _, _ := want.Narrate(ctx, in)
			return got, w, u, err
		}},
	}
	for i, tt := range tests {
		got, w, u, err := tt.run()
		require.NoError(t, err, tt.stage)
		require.JSONEq(t, encode(t, w), encode(t, got), tt.stage)
		require.Equal(t, 1, u.Calls, tt.stage)
		require.Positive(t, u.TokensIn, tt.stage)
		require.Positive(t, u.TokensOut, tt.stage)

		calls := rec.all()
		require.Len(t, calls, i+1)
		c := calls[i]
		require.Equal(t, tt.stage, c.Stage)
		require.Equal(t, llm.CallOK, c.Status)
		require.Equal(t, "openai", c.Provider)
		require.Equal(t, "qwen-test", c.Model)
		require.Equal(t, u.TokensIn, c.TokensIn)
		require.False(t, c.Repair)
		require.Zero(t, c.Dropped)
	}
	require.EqualValues(t, 5, fx.calls.Load())
}

func TestOpenAIRateLimitRPM(t *testing.T) {
	t.Parallel()
	sim, url := startSim(t, llmsim.Config{RPM: 2}, &fixture{})
	p, rec := newProvider(t, url, nil)
	in := llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews}
	for range 2 {
		_, _, err := p.Translate(context.Background(), in)
		require.NoError(t, err)
	}
	_, _, err := p.Translate(context.Background(), in)
	rl, ok := llm.AsRateLimit(err)
	require.True(t, ok, "want a rate-limit error, got %v", err)
	require.Equal(t, "limit_requests", rl.Code)
	// 2 RPM refill one request every 30 s.
	require.InDelta(t, 30*time.Second, rl.RetryAfter, float64(2*time.Second))
	calls := rec.all()
	require.Len(t, calls, 3)
	require.Equal(t, llm.CallRateLimited, calls[2].Status)
	require.EqualValues(t, 1, sim.Stats().RateLimited["limit_requests"])
}

func TestOpenAIRateLimitTPM(t *testing.T) {
	t.Parallel()
	_, url := startSim(t, llmsim.Config{TPM: 1500}, &fixture{})
	p, _ := newProvider(t, url, nil)
	in := llm.InsightInput{TargetLanguage: "zh", Dimensions: testModel(t).Dimensions, Reviews: testReviews}
	var err error
	for range 5 {
		if _, _, err = p.Insights(context.Background(), in); err != nil {
			break
		}
	}
	rl, ok := llm.AsRateLimit(err)
	require.True(t, ok, "want a rate-limit error, got %v", err)
	require.Equal(t, "insufficient_quota", rl.Code)
	require.GreaterOrEqual(t, rl.RetryAfter, time.Second)
}

func TestOpenAIRateLimitBurst(t *testing.T) {
	t.Parallel()
	sim, url := startSim(t, llmsim.Config{Burst: 1}, &fixture{})
	p, _ := newProvider(t, url, nil)
	in := llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews[:1]}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, _, err := p.Translate(context.Background(), in)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	limited := 0
	for err := range errs {
		if rl, ok := llm.AsRateLimit(err); ok {
			require.Equal(t, "limit_burst_rate", rl.Code)
			require.Equal(t, time.Second, rl.RetryAfter)
			limited++
		} else {
			require.NoError(t, err)
		}
	}
	// Eight concurrent requests span a second or two; with one admitted per
	// second, most are limited.
	require.GreaterOrEqual(t, limited, 4)
	require.Less(t, limited, 8)
	require.EqualValues(t, limited, sim.Stats().RateLimited["limit_burst_rate"])
}

func TestOpenAIRefusal(t *testing.T) {
	t.Parallel()
	cfg := llmsim.Config{RefusalRate: 0.5, Seed: 7}
	// Find one review the simulator refuses and one it accepts.
	var refused, accepted *llm.ReviewText
	for i := range 200 {
		r := llm.ReviewText{ID: int64(i), Body: fmt.Sprintf("review text number %d", i)}
		if cfg.Refuses(r.Title, r.Body) {
			if refused == nil {
				refused = &r
			}
		} else if accepted == nil {
			accepted = &r
		}
	}
	require.NotNil(t, refused)
	require.NotNil(t, accepted)

	sim, url := startSim(t, cfg, &fixture{})
	p, rec := newProvider(t, url, nil)
	ctx := context.Background()
	for range 3 { // refused every time, like a real content filter
		_, _, err := p.Translate(ctx, llm.TranslateInput{TargetLanguage: "zh", Reviews: []llm.ReviewText{*accepted, *refused}})
		rf, ok := llm.AsRefusal(err)
		require.True(t, ok, "want a refusal, got %v", err)
		require.Equal(t, "data_inspection_failed", rf.Code)
	}
	out, _, err := p.Translate(ctx, llm.TranslateInput{TargetLanguage: "zh", Reviews: []llm.ReviewText{*accepted}})
	require.NoError(t, err)
	require.Len(t, out.Translations, 1)

	calls := rec.all()
	require.Len(t, calls, 4)
	require.Equal(t, llm.CallRefused, calls[0].Status)
	require.Equal(t, llm.CallOK, calls[3].Status)
	require.EqualValues(t, 3, sim.Stats().Faults["refusal"])
}

func TestOpenAIMalformedExhaustsRepair(t *testing.T) {
	t.Parallel()
	sim, url := startSim(t, llmsim.Config{MalformedRate: 1}, &fixture{})
	p, rec := newProvider(t, url, nil)
	_, u, err := p.Themes(context.Background(), themeInput(t))
	require.True(t, llm.IsInvalidOutput(err), "want InvalidOutputError, got %v", err)
	require.Equal(t, 2, u.Calls)

	calls := rec.all()
	require.Len(t, calls, 2)
	require.Equal(t, llm.CallInvalid, calls[0].Status)
	require.False(t, calls[0].Repair)
	require.NotEmpty(t, calls[0].Error)
	require.Equal(t, llm.CallInvalid, calls[1].Status)
	require.True(t, calls[1].Repair)
	st := sim.Stats()
	require.EqualValues(t, 1, st.Repairs)
	require.EqualValues(t, 2, st.Faults["malformed"])
}

func TestOpenAIRepairSucceeds(t *testing.T) {
	t.Parallel()
	// The first answer breaks an enum; the answer to the repair is fine.
	fx := &fixture{insights: func(n int64, _ llm.InsightInput, out llm.InsightOutput) llm.InsightOutput {
		if n == 1 {
			out.Reviews[0].Insights[0].Type = "praise"
		}
		return out
	}}
	sim, url := startSim(t, llmsim.Config{}, fx)
	p, rec := newProvider(t, url, nil)
	out, u, err := p.Insights(context.Background(), insightInput(t))
	require.NoError(t, err)
	require.Len(t, out.Reviews, 3)
	require.Equal(t, llm.InsightStrength, out.Reviews[0].Insights[0].Type)
	require.Equal(t, 2, u.Calls)

	calls := rec.all()
	require.Len(t, calls, 2)
	require.Equal(t, llm.CallInvalid, calls[0].Status)
	require.Contains(t, calls[0].Error, "/reviews/0/insights/0/type")
	require.Equal(t, llm.CallOK, calls[1].Status)
	require.True(t, calls[1].Repair)
	require.EqualValues(t, 1, sim.Stats().Repairs)
}

func TestOpenAIBadEnumRejected(t *testing.T) {
	t.Parallel()
	fx := &fixture{themes: func(_ llm.ThemeInput, out llm.ThemeOutput) llm.ThemeOutput {
		out.Reviews[1].Tags[0].Type = "whom"
		return out
	}}
	_, url := startSim(t, llmsim.Config{}, fx)
	p, _ := newProvider(t, url, nil)
	_, _, err := p.Themes(context.Background(), themeInput(t))
	var inv *llm.InvalidOutputError
	require.ErrorAs(t, err, &inv)
	require.Contains(t, inv.Reason, "/reviews/1/tags/0/type")
	require.Contains(t, inv.Reason, "must be one of")
}

func TestOpenAIMissingIDs(t *testing.T) {
	t.Parallel()
	t.Run("all", func(t *testing.T) {
		t.Parallel()
		_, url := startSim(t, llmsim.Config{MissingIDRate: 1}, &fixture{})
		p, _ := newProvider(t, url, nil)
		out, _, err := p.Translate(context.Background(), llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews})
		require.NoError(t, err)
		require.Empty(t, out.Translations)
	})
	t.Run("some", func(t *testing.T) {
		t.Parallel()
		sim, url := startSim(t, llmsim.Config{MissingIDRate: 0.5, Seed: 3}, &fixture{})
		p, _ := newProvider(t, url, nil)
		var reviews []llm.ReviewText
		for i := range 40 {
			reviews = append(reviews, llm.ReviewText{ID: int64(1000 + i), Body: fmt.Sprintf("body %d is long enough", i)})
		}
		out, _, err := p.Insights(context.Background(), llm.InsightInput{TargetLanguage: "zh", Dimensions: testModel(t).Dimensions, Reviews: reviews})
		require.NoError(t, err)
		require.NotEmpty(t, out.Reviews)
		require.Less(t, len(out.Reviews), 40)
		seen := map[int64]bool{}
		for _, r := range out.Reviews {
			require.True(t, r.ID >= 1000 && r.ID < 1040)
			require.False(t, seen[r.ID])
			seen[r.ID] = true
		}
		require.EqualValues(t, 40-len(out.Reviews), sim.Stats().Faults["missing_id"])
	})
}

func TestOpenAITimeout(t *testing.T) {
	t.Parallel()
	in := llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews}
	t.Run("caller deadline", func(t *testing.T) {
		t.Parallel()
		_, url := startSim(t, llmsim.Config{TimeoutRate: 1}, &fixture{})
		p, rec := newProvider(t, url, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, _, err := p.Translate(ctx, in)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Less(t, time.Since(start), 2*time.Second)
		calls := rec.all()
		require.Len(t, calls, 1)
		require.Equal(t, llm.CallError, calls[0].Status)
	})
	t.Run("attempt timeout", func(t *testing.T) {
		t.Parallel()
		_, url := startSim(t, llmsim.Config{TimeoutRate: 1}, &fixture{})
		p, _ := newProvider(t, url, func(c *llm.OpenAIConfig) { c.Timeout = 200 * time.Millisecond })
		start := time.Now()
		_, _, err := p.Translate(context.Background(), in)
		require.Error(t, err)
		require.Contains(t, err.Error(), "timed out")
		// Retryable: none of the typed errors.
		_, isRL := llm.AsRateLimit(err)
		_, isRef := llm.AsRefusal(err)
		require.False(t, isRL || isRef || llm.IsInvalidOutput(err))
		require.Less(t, time.Since(start), 2*time.Second)
	})
}

func TestOpenAIServerErrorIsRetryable(t *testing.T) {
	t.Parallel()
	sim, url := startSim(t, llmsim.Config{FailRate5xx: 1}, &fixture{})
	p, rec := newProvider(t, url, nil)
	_, _, err := p.Translate(context.Background(), llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews})
	require.ErrorContains(t, err, "provider error 500")
	var perm *llm.PermanentError
	require.False(t, errors.As(err, &perm))
	require.Equal(t, llm.CallError, rec.all()[0].Status)
	require.EqualValues(t, 1, sim.Stats().Faults["5xx"])
}

func TestOpenAIDropsHallucinations(t *testing.T) {
	t.Parallel()
	fx := &fixture{insights: func(_ int64, _ llm.InsightInput, out llm.InsightOutput) llm.InsightOutput {
		r0 := &out.Reviews[0]
		base := r0.Insights[0]
		paraphrase, unknownDim, spaced, wrongKind := base, base, base, base
		paraphrase.Quote = "the audio is amazing"       // not in the review
		unknownDim.Dimension = "durability"             // not in the model
		wrongKind.Dimension = "commute"                 // a scenario, for a strength
		spaced.Quote = "“Battery dies after two hours”" // spacing, case and quote marks differ
		spaced.Dimension = "  Battery   LIFE "          // case and spacing differ
		r0.Insights = append(r0.Insights, paraphrase, unknownDim, wrongKind)
		out.Reviews[1].Insights = append(out.Reviews[1].Insights, spaced)
		out.Reviews = append(out.Reviews, llm.ReviewInsights{ID: 999, Sentiment: llm.Neutral, Insights: []llm.Insight{}})
		return out
	}}
	_, url := startSim(t, llmsim.Config{}, fx)
	p, rec := newProvider(t, url, nil)
	out, _, err := p.Insights(context.Background(), insightInput(t))
	require.NoError(t, err)
	require.Len(t, out.Reviews, 3, "id 999 was not in the input")
	require.Len(t, out.Reviews[0].Insights, 1)
	require.Len(t, out.Reviews[1].Insights, 2)
	require.Equal(t, "battery life", out.Reviews[1].Insights[1].Dimension, "rewritten to the model's spelling")
	calls := rec.all()
	require.Equal(t, 4, calls[0].Dropped)
}

func TestOpenAIDropsUnknownLabels(t *testing.T) {
	t.Parallel()
	fx := &fixture{themes: func(_ llm.ThemeInput, out llm.ThemeOutput) llm.ThemeOutput {
		tag := out.Reviews[0].Tags[0]
		invented, wrongType := tag, tag
		invented.Label = "audiophiles"
		wrongType.Type = llm.WWhere // "kids" is a user label, not a place
		out.Reviews[0].Tags = append(out.Reviews[0].Tags, invented, wrongType)
		return out
	}}
	_, url := startSim(t, llmsim.Config{}, fx)
	p, _ := newProvider(t, url, nil)
	out, _, err := p.Themes(context.Background(), themeInput(t))
	require.NoError(t, err)
	require.Len(t, out.Reviews[0].Tags, 1)
	require.Equal(t, "kids", out.Reviews[0].Tags[0].Label)
}

func TestOpenAILocalLimiter(t *testing.T) {
	t.Parallel()
	sim, url := startSim(t, llmsim.Config{}, &fixture{})
	lim := llm.NewLocalLimiter(llm.LimiterConfig{RPS: 0.1, Burst: 1, MaxWait: 100 * time.Millisecond})
	p, rec := newProvider(t, url, func(c *llm.OpenAIConfig) { c.Limiter = lim })
	in := llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews}
	_, _, err := p.Translate(context.Background(), in)
	require.NoError(t, err)
	_, _, err = p.Translate(context.Background(), in)
	rl, ok := llm.AsRateLimit(err)
	require.True(t, ok, "want a local rate-limit error, got %v", err)
	require.Equal(t, llm.CodeLocalRequests, rl.Code)
	require.Greater(t, rl.RetryAfter, 5*time.Second)
	require.EqualValues(t, 1, sim.Stats().Calls, "the limited request never reached the provider")
	require.Len(t, rec.all(), 1)
}

// llmStub is an LLM endpoint answering one fixed error, for the mappings the
// simulator does not produce.
func llmStub(t *testing.T, status int, header map[string]string, body string) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(ts.Close)
	return ts.URL + "/v1"
}

func TestOpenAIErrorMapping(t *testing.T) {
	t.Parallel()
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		check  func(t *testing.T, err error)
	}{
		{"429 seconds", 429, map[string]string{"Retry-After": "7"},
			`{"error":{"message":"Requests rate limit exceeded","type":"limit_requests","code":"limit_requests"}}`,
			func(t *testing.T, err error) {
				rl, ok := llm.AsRateLimit(err)
				require.True(t, ok)
				require.Equal(t, "limit_requests", rl.Code)
				require.Equal(t, 7*time.Second, rl.RetryAfter)
			}},
		{"429 http date", 429, map[string]string{"Retry-After": future},
			`{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}`,
			func(t *testing.T, err error) {
				rl, ok := llm.AsRateLimit(err)
				require.True(t, ok)
				require.Equal(t, "insufficient_quota", rl.Code)
				// The date has whole seconds and the test may run late.
				require.InDelta(t, 85*time.Second, rl.RetryAfter, float64(10*time.Second))
			}},
		{"429 no header", 429, nil,
			`{"error":{"message":"burst","type":"limit_burst_rate","code":"limit_burst_rate"}}`,
			func(t *testing.T, err error) {
				rl, ok := llm.AsRateLimit(err)
				require.True(t, ok)
				require.Equal(t, "limit_burst_rate", rl.Code)
				require.Equal(t, llm.DefaultRetryAfter, rl.RetryAfter)
			}},
		{"400 refusal", 400, nil,
			`{"error":{"message":"Input data may contain inappropriate content.","type":"data_inspection_failed","code":"data_inspection_failed"}}`,
			func(t *testing.T, err error) {
				_, ok := llm.AsRefusal(err)
				require.True(t, ok)
			}},
		{"400 refusal native shape", 400, nil,
			`{"code":"data_inspection_failed","message":"Input data may contain inappropriate content.","request_id":"x"}`,
			func(t *testing.T, err error) {
				_, ok := llm.AsRefusal(err)
				require.True(t, ok, "got %v", err)
			}},
		{"400 arrearage", 400, nil,
			`{"error":{"message":"Access denied, please make sure your account is in good standing.","type":"Arrearage","code":"Arrearage"}}`,
			func(t *testing.T, err error) {
				var pe *llm.PermanentError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, "Arrearage", pe.Code)
			}},
		{"401 key never leaks", 401, nil,
			`{"error":{"message":"Incorrect API key provided: sk-test-secret","type":"invalid_request_error","code":"invalid_api_key"}}`,
			func(t *testing.T, err error) {
				var pe *llm.PermanentError
				require.ErrorAs(t, err, &pe)
				require.Equal(t, 401, pe.Status)
				require.NotContains(t, err.Error(), "sk-test-secret")
			}},
		{"403", 403, nil, `{"error":{"message":"no access","type":"access_denied","code":"access_denied"}}`,
			func(t *testing.T, err error) {
				var pe *llm.PermanentError
				require.ErrorAs(t, err, &pe)
			}},
		{"502 html", 502, nil, `<html>bad gateway</html>`,
			func(t *testing.T, err error) {
				var pe *llm.PermanentError
				require.False(t, errors.As(err, &pe))
				require.ErrorContains(t, err, "502")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := llmStub(t, tt.status, tt.header, tt.body)
			p, rec := newProvider(t, url, nil)
			_, _, err := p.Translate(context.Background(), llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews})
			require.Error(t, err)
			tt.check(t, err)
			calls := rec.all()
			require.Len(t, calls, 1)
			require.NotContains(t, calls[0].Error, "sk-test-secret")
		})
	}
}

func TestOpenAINetworkError(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL + "/v1"
	ts.Close() // nothing listens any more
	p, rec := newProvider(t, url, nil)
	_, _, err := p.Translate(context.Background(), llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews})
	require.Error(t, err)
	require.False(t, strings.Contains(err.Error(), "sk-test-secret"))
	require.Equal(t, llm.CallError, rec.all()[0].Status)
}

func TestNewOpenAIRejectsBadURL(t *testing.T) {
	t.Parallel()
	_, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: "dashscope.aliyuncs.com"})
	require.Error(t, err)
}

func completionBody(t *testing.T, content, finish, refusal string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
		"choices": []map[string]any{{"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": content, "refusal": refusal}}},
		"usage": map[string]int{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
	})
	require.NoError(t, err)
	return string(b)
}

func TestOpenAIAnswerQuirks(t *testing.T) {
	t.Parallel()
	valid := `{"translations":[{"id":101,"title":"t","body":"b"}]}`
	in := llm.TranslateInput{TargetLanguage: "zh", Reviews: testReviews}
	t.Run("fences and think block", func(t *testing.T) {
		t.Parallel()
		url := llmStub(t, 200, nil, completionBody(t, "<think>ok</think>\n```json\n"+valid+"\n```", "stop", ""))
		p, rec := newProvider(t, url, nil)
		out, u, err := p.Translate(context.Background(), in)
		require.NoError(t, err)
		require.Len(t, out.Translations, 1)
		require.Equal(t, 10, u.TokensIn)
		require.Equal(t, 5, u.TokensOut)
		require.Equal(t, 10, rec.all()[0].TokensIn)
	})
	t.Run("cut off at max tokens", func(t *testing.T) {
		t.Parallel()
		url := llmStub(t, 200, nil, completionBody(t, valid[:20], "length", ""))
		p, rec := newProvider(t, url, nil)
		_, _, err := p.Translate(context.Background(), in)
		var inv *llm.InvalidOutputError
		require.ErrorAs(t, err, &inv)
		require.Contains(t, inv.Reason, "token limit")
		require.Len(t, rec.all(), 2)
	})
	t.Run("refusal field", func(t *testing.T) {
		t.Parallel()
		url := llmStub(t, 200, nil, completionBody(t, "", "stop", "I can't help with that."))
		p, rec := newProvider(t, url, nil)
		_, _, err := p.Translate(context.Background(), in)
		rf, ok := llm.AsRefusal(err)
		require.True(t, ok, "got %v", err)
		require.Equal(t, "model_refusal", rf.Code)
		require.Equal(t, llm.CallRefused, rec.all()[0].Status)
	})
	t.Run("content filter", func(t *testing.T) {
		t.Parallel()
		url := llmStub(t, 200, nil, completionBody(t, "", "content_filter", ""))
		p, _ := newProvider(t, url, nil)
		_, _, err := p.Translate(context.Background(), in)
		rf, ok := llm.AsRefusal(err)
		require.True(t, ok, "got %v", err)
		require.Equal(t, "content_filter", rf.Code)
	})
}

func TestOpenAIRequestShape(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []map[string]any
	var auth []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		bodies = append(bodies, m)
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(ts.Close)
	p, _ := newProvider(t, ts.URL+"/v1", func(c *llm.OpenAIConfig) {
		c.ExtraBody = map[string]any{"enable_thinking": false}
	})
	_, _, err := p.Themes(context.Background(), themeInput(t))
	require.Error(t, err)

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, bodies, 1, "the SDK must not retry: the job owns retries")
	b := bodies[0]
	require.Equal(t, "Bearer sk-test-secret", auth[0])
	require.Equal(t, "qwen-test", b["model"])
	require.Equal(t, map[string]any{"type": "json_object"}, b["response_format"])
	require.InDelta(t, 0.1, b["temperature"], 1e-9)
	require.Equal(t, false, b["enable_thinking"])
	msgs := b["messages"].([]any)
	require.Len(t, msgs, 2)
	sys := msgs[0].(map[string]any)
	require.Equal(t, "system", sys["role"])
	require.True(t, strings.HasPrefix(sys["content"].(string), "voc-task: themes v1\n"))
}
