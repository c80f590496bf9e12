package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
)

// controlCSV is n small English reviews; those whose index is in poison
// carry the word POISON, which the refusing front of the simulator keys on.
func controlCSV(n int, salt string, poison map[int]bool) []byte {
	phrases := []string{
		"The battery lasts two full days and charging is quick.",
		"Sound quality is excellent, clear highs and deep bass.",
		"The strap broke after a week, very disappointing.",
		"I use it every morning at the gym and it fits well.",
		"Setup was confusing and the manual did not help.",
		"Great value for the price, I bought one for my mother.",
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"review_id", "rating", "title", "text"})
	for i := 0; i < n; i++ {
		body := phrases[i%len(phrases)] + " " + phrases[(i*5+1)%len(phrases)]
		if poison[i] {
			body += " POISON"
		}
		_ = w.Write([]string{fmt.Sprintf("%s-%d", salt, i), strconv.Itoa(1 + i%5), fmt.Sprintf("Review %d", i), body})
	}
	w.Flush()
	return buf.Bytes()
}

// refusingSim serves llmsim over HTTP; while refuse is set, translation
// requests that contain POISON get the provider's content refusal.
func refusingSim(t *testing.T, cfg llmsim.Config, refuse *atomic.Bool) (*llmsim.Server, string) {
	sim := llmsim.New(cfg, offline.New())
	front := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if refuse.Load() && bytes.Contains(body, []byte("POISON")) && bytes.Contains(body, []byte("voc-task: "+string(llm.TaskTranslation))) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":{"message":"Input data may contain inappropriate content.","type":"data_inspection_failed","code":"data_inspection_failed"}}`))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sim.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

func simProvider(t *testing.T, url string, rec llm.Recorder) llm.Analyzer {
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: url + "/v1", APIKey: "sim-key", Model: "voc-sim",
		Timeout: 20 * time.Second, Recorder: rec, DefaultRetryAfter: 200 * time.Millisecond})
	require.NoError(t, err)
	return p
}

func problemDetail(t *testing.T, raw []byte) string {
	var p struct {
		Detail string `json:"detail"`
	}
	require.NoError(t, json.Unmarshal(raw, &p), string(raw))
	return p.Detail
}

// TestQueuePauseResumeAPI pauses the ingestion queue through the API: an
// upload waits while it is paused and is ingested once it is resumed.
// Unknown queues get 422 and non-admin tokens 403.
func TestQueuePauseResumeAPI(t *testing.T) {
	e := newEnv(t, envOpts{queues: map[string]int{jobs.QueueIngestion: 1, jobs.QueueLearning: 1}})

	status, raw := e.do(http.MethodPost, "/api/v1/queues/no_such_queue/pause", nil, "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, problemDetail(t, raw), `unknown queue "no_such_queue"`)

	var q store.QueueState
	e.pausing(jobs.QueueIngestion, func() {
		status, raw = e.do(http.MethodPost, "/api/v1/queues/ingestion/pause", nil, "", &q)
		require.Equal(t, http.StatusOK, status, string(raw))
	})
	require.True(t, q.Paused)
	// A queue no worker serves can be paused ahead of its workers.
	status, raw = e.do(http.MethodPost, "/api/v1/queues/reports/pause", nil, "", &q)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.True(t, q.Paused)

	acc := e.upload("paused.csv", controlCSV(12, "pause", nil), "B0PAUSE001", nil)
	// The job waits in the paused queue (the producer would take it within
	// its fetch interval otherwise).
	time.Sleep(2 * time.Second)
	require.Equal(t, 1, e.count("SELECT count(*) FROM river_job WHERE queue = 'ingestion' AND state = 'available'"))
	require.Equal(t, 0, e.count("SELECT count(*) FROM uploads WHERE id = $1 AND status <> 'pending'", acc.UploadID))

	var qs struct {
		Queues []store.QueueState `json:"queues"`
	}
	status, raw = e.do(http.MethodGet, "/api/v1/queues", nil, "", &qs)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Len(t, qs.Queues, len(jobs.Queues))
	require.Equal(t, jobs.QueueIngestion, qs.Queues[0].Name)
	require.True(t, qs.Queues[0].Paused)
	require.Equal(t, 1, qs.Queues[0].Waiting)

	status, raw = e.do(http.MethodPost, "/api/v1/queues/ingestion/resume", nil, "", &q)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.False(t, q.Paused)
	require.Equal(t, store.UploadDone, e.waitUpload(acc.UploadID).Status)

	// Operator routes are for admins.
	secret := store.NewTokenSecret()
	_, err := store.TokenCreate(context.Background(), e.pool, "analyst", secret, false)
	require.NoError(t, err)
	user := *e
	user.token = secret
	status, raw = user.do(http.MethodPost, "/api/v1/queues/ingestion/pause", nil, "", nil)
	require.Equal(t, http.StatusForbidden, status, string(raw))
	status, _ = user.do(http.MethodGet, "/api/v1/hosts", nil, "", nil)
	require.Equal(t, http.StatusForbidden, status)
}

// TestAnalysisCancelAPI cancels an analysis while its insight batches wait
// on the LLM: its status says cancelled, no LLM call starts afterwards, its
// pending jobs are cancelled, and a second cancel gets 409.
func TestAnalysisCancelAPI(t *testing.T) {
	cfg := llmsim.DefaultConfig()
	cfg.Latency, cfg.Jitter = 800*time.Millisecond, 0
	var refuse atomic.Bool
	sim, url := refusingSim(t, cfg, &refuse)
	e := newEnv(t, envOpts{analyzer: simProvider(t, url, nil), queues: map[string]int{jobs.QueueIngestion: 1, jobs.QueueLearning: 1, jobs.QueueTranslate: 1, jobs.QueueInsights: 1, jobs.QueueThemes: 1, jobs.QueueReports: 1}})

	status, raw := e.do(http.MethodPost, "/api/v1/analyses/999999/cancel", nil, "", nil)
	require.Equal(t, http.StatusNotFound, status, string(raw))

	acc := e.upload("cancel.csv", controlCSV(200, "cancel", nil), "B0CANCEL01", nil)
	var aid int64
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if e.count("SELECT count(*) FROM river_job WHERE kind = 'extract_insights' AND state = 'running'") > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, e.pool.QueryRow(context.Background(), "SELECT id FROM analyses WHERE product_id = $1", acc.ProductID).Scan(&aid))

	var out struct {
		AnalysisID    int64  `json:"analysis_id"`
		Status        string `json:"status"`
		JobsCancelled int    `json:"jobs_cancelled"`
	}
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/analyses/%d/cancel", aid), nil, "", &out)
	callsAtCancel := sim.Stats().Calls
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "cancelled", out.Status)
	require.Positive(t, out.JobsCancelled)

	// Every job of the analysis ends (cancelled, or completed when it had
	// committed before the cancel).
	deadline = time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && e.count(`SELECT count(*) FROM river_job WHERE (args->>'analysis_id')::bigint = $1
		AND state NOT IN ('completed', 'cancelled', 'discarded')`, aid) > 0 {
		time.Sleep(50 * time.Millisecond)
	}
	require.Zero(t, e.count(`SELECT count(*) FROM river_job WHERE (args->>'analysis_id')::bigint = $1
		AND state NOT IN ('completed', 'cancelled', 'discarded')`, aid))
	require.Equal(t, callsAtCancel, sim.Stats().Calls, "no LLM call started after the cancel")
	require.Zero(t, sim.Stats().InFlight)

	var st struct {
		Status string `json:"status"`
	}
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d/analysis", acc.ProductID), nil, "", &st)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "cancelled", st.Status)
	require.Zero(t, e.count("SELECT count(*) FROM reports WHERE analysis_id = $1 AND kind = 'final'", aid))
	require.Less(t, e.count("SELECT insights_done FROM analyses WHERE id = $1", aid), 200, "the cancel stopped the analysis part-way")
	require.Positive(t, e.count(`SELECT count(*) FROM river_job WHERE (args->>'analysis_id')::bigint = $1 AND state = 'cancelled'`, aid))

	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/analyses/%d/cancel", aid), nil, "", nil)
	require.Equal(t, http.StatusConflict, status, string(raw))
	require.Contains(t, problemDetail(t, raw), "already cancelled")
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/analyses/%d/retry-failed", aid), nil, "", nil)
	require.Equal(t, http.StatusConflict, status, string(raw))
}

// TestAnalysisRetryFailedAPI lets the provider refuse to translate some
// reviews, then retries the failed reviews once it no longer does: the
// failure records go, the reviews are analysed, and the final report is
// rebuilt with them, with nothing duplicated.
func TestAnalysisRetryFailedAPI(t *testing.T) {
	var refuse atomic.Bool
	refuse.Store(true)
	cfg := llmsim.DefaultConfig()
	cfg.Latency, cfg.Jitter = 0, 0
	_, url := refusingSim(t, cfg, &refuse)
	e := newEnv(t, envOpts{analyzer: simProvider(t, url, nil)})

	poison := map[int]bool{3: true, 17: true, 29: true}
	// A target language other than the reviews' own, so that every review is
	// translated and the poisoned ones fail there.
	acc := e.upload("retry.csv", controlCSV(40, "retry", poison), "B0RETRY001", map[string]string{"target_language": "zh"})
	a := e.waitFinal(acc.ProductID, 2*time.Minute)
	require.Equal(t, len(poison), a.TranslationFailed)
	require.Equal(t, len(poison), e.count("SELECT count(*) FROM review_failures WHERE analysis_id = $1 AND stage = 'translation'", a.ID))

	status, raw := e.do(http.MethodPost, "/api/v1/analyses/999999/retry-failed", nil, "", nil)
	require.Equal(t, http.StatusNotFound, status, string(raw))

	refuse.Store(false)
	var out struct {
		AnalysisID int64          `json:"analysis_id"`
		Status     string         `json:"status"`
		Requeued   map[string]int `json:"requeued"`
		Jobs       int            `json:"jobs"`
	}
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/analyses/%d/retry-failed", a.ID), nil, "", &out)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	require.Equal(t, len(poison), out.Requeued["translation"])
	require.Equal(t, "running", out.Status)
	require.Positive(t, out.Jobs)

	a = e.waitFinal(acc.ProductID, 2*time.Minute)
	require.Equal(t, 0, a.TranslationFailed)
	require.Equal(t, a.ReviewsTotal, a.TranslationDone)
	require.Equal(t, a.ReviewsTotal, a.InsightsDone+a.InsightsFailed)
	require.Equal(t, a.ReviewsTotal, a.ThemesDone+a.ThemesFailed)
	require.Zero(t, e.count("SELECT count(*) FROM review_failures WHERE analysis_id = $1", a.ID))
	require.Equal(t, 1, e.count("SELECT count(*) FROM reports WHERE analysis_id = $1 AND kind = 'final'", a.ID))
	require.Equal(t, len(poison), e.count(`SELECT count(*) FROM reviews WHERE body LIKE '%POISON%' AND translation_status = 'done'`), "the retried reviews are translated")
	require.Equal(t, e.count("SELECT count(*) FROM insights"),
		e.count("SELECT count(*) FROM (SELECT DISTINCT review_id, type, dimension_id, quote FROM insights) d"), "no duplicated insight")

	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/analyses/%d/retry-failed", a.ID), nil, "", nil)
	require.Equal(t, http.StatusConflict, status, string(raw))
	require.Contains(t, problemDetail(t, raw), "no failed reviews")
}

// pausing runs pause, which pauses queue, and returns once the env's
// producer for queue has paused. River's producers learn of a pause by
// notification, so a job inserted right after the pause returns can still
// be fetched (CI saw it once).
func (e *env) pausing(queue string, pause func()) {
	e.t.Helper()
	paused, stop := e.client.Subscribe(river.EventKindQueuePaused)
	defer stop()
	pause()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-paused:
			if ev.Queue != nil && ev.Queue.Name == queue {
				return
			}
		case <-timeout:
			e.t.Fatalf("the %s producer never paused", queue)
		}
	}
}
