package llmsim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
)

// echo is a minimal analyser: it answers every review with schema-valid
// content quoted from the review itself.
type echo struct{}

func (echo) Name() string     { return "echo" }
func (echo) Model() string    { return "echo" }
func (echo) Translates() bool { return false }

func (echo) Learn(context.Context, llm.LearnInput) (llm.LearnOutput, llm.Usage, error) {
	return llm.LearnOutput{Dimensions: llm.Dimensions{Product: []llm.Dimension{{Name: "quality", Definition: "how good it is"}}}}, llm.Usage{}, nil
}

func (echo) Translate(context.Context, llm.TranslateInput) (llm.TranslateOutput, llm.Usage, error) {
	return llm.TranslateOutput{}, llm.Usage{}, nil
}

func (echo) Insights(_ context.Context, in llm.InsightInput) (llm.InsightOutput, llm.Usage, error) {
	var out llm.InsightOutput
	for _, r := range in.Reviews {
		out.Reviews = append(out.Reviews, llm.ReviewInsights{ID: r.ID, Sentiment: llm.Neutral, Insights: []llm.Insight{{
			Type: llm.InsightStrength, Dimension: "quality", Quote: r.Body, Sentiment: llm.Neutral, Confidence: llm.Low,
		}}})
	}
	return out, llm.Usage{}, nil
}

func (echo) Themes(_ context.Context, in llm.ThemeInput) (llm.ThemeOutput, llm.Usage, error) {
	var out llm.ThemeOutput
	for _, r := range in.Reviews {
		out.Reviews = append(out.Reviews, llm.ReviewTags{ID: r.ID})
	}
	return out, llm.Usage{}, nil
}

func (echo) Narrate(context.Context, llm.ReportInput) (llm.ReportOutput, llm.Usage, error) {
	return llm.ReportOutput{ExecutiveSummary: llm.Claim{Text: "ok", ReviewIDs: []int64{1}}}, llm.Usage{}, nil
}

func start(t testing.TB, cfg llmsim.Config) (*llmsim.Server, string) {
	t.Helper()
	sim := llmsim.New(cfg, echo{})
	ts := httptest.NewServer(sim)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sim.Shutdown(ctx)
		ts.Close()
	})
	return sim, ts.URL
}

func reviews(n int) []llm.ReviewText {
	rs := make([]llm.ReviewText, n)
	for i := range rs {
		rs[i] = llm.ReviewText{ID: int64(i + 1), Body: fmt.Sprintf("Review %d: works fine for what it costs.", i+1)}
	}
	return rs
}

// chatBody builds a raw chat-completions request for task and input.
func chatBody(t testing.TB, task llm.Task, in any) []byte {
	t.Helper()
	p, err := llm.BuildPrompt(task, in)
	require.NoError(t, err)
	b, err := json.Marshal(map[string]any{
		"model":           "m",
		"response_format": map[string]string{"type": "json_object"},
		"messages": []map[string]any{
			{"role": "system", "content": p.System},
			// Content as text parts, the other shape clients send.
			{"role": "user", "content": []map[string]string{{"type": "text", "text": p.User}}},
		},
	})
	require.NoError(t, err)
	return b
}

func post(t testing.TB, url string, body []byte) (int, http.Header, map[string]any) {
	t.Helper()
	res, err := http.Post(url+"/v1/chat/completions", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&m))
	return res.StatusCode, res.Header, m
}

func TestChatCompletionShape(t *testing.T) {
	t.Parallel()
	sim, url := start(t, llmsim.Config{})
	in := llm.InsightInput{TargetLanguage: "zh", Dimensions: llm.Dimensions{Product: []llm.Dimension{{Name: "quality"}}}, Reviews: reviews(2)}
	status, _, m := post(t, url, chatBody(t, llm.TaskInsights, in))
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "chat.completion", m["object"])
	require.Equal(t, "m", m["model"])
	choice := m["choices"].([]any)[0].(map[string]any)
	require.Equal(t, "stop", choice["finish_reason"])
	content := choice["message"].(map[string]any)["content"].(string)
	require.NoError(t, llm.Validate(llm.TaskInsights, []byte(content)))
	u := m["usage"].(map[string]any)
	require.Positive(t, u["prompt_tokens"])
	require.Positive(t, u["completion_tokens"])

	st := sim.Stats()
	require.EqualValues(t, 1, st.Calls)
	require.EqualValues(t, 1, st.OK)
	require.EqualValues(t, 1, st.Tasks["insights"])
	require.EqualValues(t, u["prompt_tokens"], st.TokensIn)
}

func TestTranslationEchoedWhenAnalyzerDoesNotTranslate(t *testing.T) {
	t.Parallel()
	_, url := start(t, llmsim.Config{})
	status, _, m := post(t, url, chatBody(t, llm.TaskTranslation, llm.TranslateInput{TargetLanguage: "zh", Reviews: reviews(3)}))
	require.Equal(t, http.StatusOK, status)
	content := m["choices"].([]any)[0].(map[string]any)["message"].(map[string]any)["content"].(string)
	var out llm.TranslateOutput
	require.NoError(t, json.Unmarshal([]byte(content), &out))
	require.Len(t, out.Translations, 3)
	require.Equal(t, reviews(3)[0].Body, out.Translations[0].Body)
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	sim, url := start(t, llmsim.Config{})
	valid := chatBody(t, llm.TaskThemes, llm.ThemeInput{Reviews: reviews(1)})
	var unknown map[string]any
	require.NoError(t, json.Unmarshal(valid, &unknown))
	msgs := unknown["messages"].([]any)
	msgs[0].(map[string]any)["content"] = "voc-task: poems v1\nWrite a poem in json."

	tests := map[string][]byte{
		"not json":      []byte("{"),
		"no voc prompt": []byte(`{"model":"m","messages":[{"role":"system","content":"be nice"},{"role":"user","content":"hi json"}]}`),
		"unknown task":  must(json.Marshal(unknown)),
		"streaming":     []byte(`{"model":"m","stream":true,"messages":[]}`),
	}
	for name, body := range tests {
		status, _, m := post(t, url, body)
		require.Equal(t, http.StatusBadRequest, status, name)
		e := m["error"].(map[string]any)
		require.Equal(t, "invalid_request_error", e["type"], name)
		require.NotEmpty(t, e["message"], name)
	}
	require.EqualValues(t, 4, sim.Stats().BadRequests)
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func TestRateLimitAnswersLikeDashScope(t *testing.T) {
	t.Parallel()
	sim, url := start(t, llmsim.Config{RPM: 1})
	body := chatBody(t, llm.TaskThemes, llm.ThemeInput{Reviews: reviews(1)})
	status, _, _ := post(t, url, body)
	require.Equal(t, http.StatusOK, status)
	status, h, m := post(t, url, body)
	require.Equal(t, http.StatusTooManyRequests, status)
	require.Equal(t, "60", h.Get("Retry-After"))
	e := m["error"].(map[string]any)
	require.Equal(t, "limit_requests", e["code"])
	require.Equal(t, "limit_requests", e["type"])
	require.EqualValues(t, 1, sim.Stats().RateLimited["limit_requests"])
}

func TestRefusalsAreDeterministic(t *testing.T) {
	t.Parallel()
	cfg := llmsim.Config{RefusalRate: 0.3, Seed: 11}
	_, url := start(t, cfg)
	rs := reviews(30)
	refused := 0
	for _, r := range rs {
		want := cfg.Refuses(r.Title, r.Body)
		if want {
			refused++
		}
		for range 2 {
			status, _, m := post(t, url, chatBody(t, llm.TaskThemes, llm.ThemeInput{Reviews: []llm.ReviewText{r}}))
			if want {
				require.Equal(t, http.StatusBadRequest, status)
				require.Equal(t, "data_inspection_failed", m["error"].(map[string]any)["code"])
			} else {
				require.Equal(t, http.StatusOK, status)
			}
		}
	}
	require.Positive(t, refused)
	require.Less(t, refused, 30)
	// A batch is refused when any review in it is.
	status, _, _ := post(t, url, chatBody(t, llm.TaskThemes, llm.ThemeInput{Reviews: rs}))
	require.Equal(t, http.StatusBadRequest, status)
}

func TestModelsAndStatsEndpoints(t *testing.T) {
	t.Parallel()
	_, url := start(t, llmsim.Config{Model: "qwen-sim"})
	res, err := http.Get(url + "/v1/models")
	require.NoError(t, err)
	var models struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&models))
	res.Body.Close()
	require.Equal(t, "qwen-sim", models.Data[0].ID)

	res, err = http.Get(url + "/stats")
	require.NoError(t, err)
	defer res.Body.Close()
	var st map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&st))
	for _, k := range []string{"calls", "tokens_in", "tokens_out", "rate_limited", "faults", "tasks"} {
		require.Contains(t, st, k)
	}
	require.Contains(t, st["faults"], "5xx")
	require.Contains(t, st["tasks"], "insights")
}

// TestConcurrentLoad drives hundreds of concurrent requests through the real
// provider client.
func TestConcurrentLoad(t *testing.T) {
	t.Parallel()
	sim, url := start(t, llmsim.Config{Latency: 200 * time.Millisecond, Jitter: 50 * time.Millisecond})
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: url + "/v1", Model: "m"})
	require.NoError(t, err)
	const n = 300
	dims := llm.Dimensions{Product: []llm.Dimension{{Name: "quality"}}}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	// Sample the simulator's in-flight count: the requests must overlap, not
	// queue behind each other.
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				if n := sim.Stats().InFlight; n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	}()
	for i := range n {
		wg.Go(func() {
			in := llm.InsightInput{TargetLanguage: "zh", Dimensions: dims, Reviews: []llm.ReviewText{{ID: int64(i), Body: fmt.Sprintf("text %d", i)}}}
			out, _, err := p.Insights(context.Background(), in)
			if err == nil && (len(out.Reviews) != 1 || out.Reviews[0].ID != int64(i)) {
				err = fmt.Errorf("request %d: wrong answer %+v", i, out)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	close(stop)
	<-sampled
	require.Greater(t, peak.Load(), int64(20), "requests overlap")
	st := sim.Stats()
	require.EqualValues(t, n, st.OK)
	require.Zero(t, st.InFlight)
}

func TestShutdownEndsHangs(t *testing.T) {
	t.Parallel()
	sim := llmsim.New(llmsim.Config{TimeoutRate: 1, HangFor: time.Hour}, echo{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	served := make(chan error, 1)
	go func() { served <- sim.Serve(l) }()

	body := chatBody(t, llm.TaskThemes, llm.ThemeInput{Reviews: reviews(1)})
	reqDone := make(chan struct{})
	go func() {
		defer close(reqDone)
		res, err := http.Post("http://"+l.Addr().String()+"/v1/chat/completions", "application/json", bytes.NewReader(body))
		if err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}()
	require.Eventually(t, func() bool { return sim.Stats().InFlight == 1 }, 20*time.Second, 5*time.Millisecond)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	require.NoError(t, sim.Shutdown(ctx))
	require.NoError(t, <-served)
	<-reqDone
	require.Less(t, time.Since(start), 2*time.Second)
	require.EqualValues(t, 1, sim.Stats().Faults["timeout"])
}

func TestRegisterFlags(t *testing.T) {
	t.Parallel()
	cfg := llmsim.DefaultConfig()
	fs := flag.NewFlagSet("llmsim", flag.ContinueOnError)
	cfg.RegisterFlags(fs)
	require.NoError(t, fs.Parse([]string{
		"--addr", ":9999", "--latency", "1s", "--jitter", "250ms", "--rpm", "600", "--tpm", "100000",
		"--burst", "20", "--fail-5xx", "0.01", "--timeout-rate", "0.02", "--malformed-rate", "0.03",
		"--missing-id-rate", "0.04", "--refusal-rate", "0.05", "--seed", "42",
	}))
	require.Equal(t, llmsim.Config{
		Addr: ":9999", Model: "voc-sim", Latency: time.Second, Jitter: 250 * time.Millisecond,
		RPM: 600, TPM: 100000, Burst: 20, FailRate5xx: 0.01, TimeoutRate: 0.02, MalformedRate: 0.03,
		MissingIDRate: 0.04, RefusalRate: 0.05, Seed: 42, HangFor: 10 * time.Minute,
	}, cfg)
	require.NoError(t, cfg.Validate())
	cfg.RefusalRate = 1.5
	require.ErrorContains(t, cfg.Validate(), "refusal-rate")
}

// BenchmarkSimThroughput measures the simulator alone at zero latency:
// prebuilt insight requests of 10 reviews, posted from parallel clients.
func BenchmarkSimThroughput(b *testing.B) {
	_, url := start(b, llmsim.Config{})
	dims := llm.Dimensions{Product: []llm.Dimension{{Name: "quality"}}}
	body := chatBody(b, llm.TaskInsights, llm.InsightInput{TargetLanguage: "zh", Dimensions: dims, Reviews: reviews(10)})
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Post(url+"/v1/chat/completions", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkProviderThroughput measures the full round trip: prompt building,
// the openai-go client, the simulator, schema validation and cleaning.
func BenchmarkProviderThroughput(b *testing.B) {
	_, url := start(b, llmsim.Config{})
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: url + "/v1", Model: "m"})
	require.NoError(b, err)
	dims := llm.Dimensions{Product: []llm.Dimension{{Name: "quality"}}}
	in := llm.InsightInput{TargetLanguage: "zh", Dimensions: dims, Reviews: reviews(10)}
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := p.Insights(context.Background(), in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
