package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
)

// hurryRetries makes River retry failed jobs at once instead of after its
// attempt⁴-second backoff (16 s for the second retry, 81 s for the third…),
// which a test that injects hundreds of failures cannot wait for. It only
// shortens waits River would do anyway: the attempt count, the errors kept
// on the job and the last-attempt handling are untouched. It moves the
// retryable jobs to available itself, as River's scheduler does, because the
// scheduler only runs every 5 s. Snoozed jobs (rate limits) are left alone so
// that Retry-After is honoured. It stops when the test ends.
func hurryRetries(t testing.TB, pool *pgxpool.Pool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				_, _ = pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now() WHERE state = 'retryable'`)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
}

// stormBatchSizes are jobs' translation batch sizes (SPEC 3.3), to count
// the calls a fault-free run makes.
var stormBatchSizes = store.BatchSizes{ShortChars: 200, Short: 30, Long: 10}

// checkAllAccountedFor asserts that an analysis that is done left every
// review done or failed in each stage, with one failure row (and a reason)
// per failed review, and no job of it unfinished or discarded.
func (e *env) checkAllAccountedFor(a store.Analysis, translated bool) {
	e.t.Helper()
	t := e.t
	require.Equal(t, "done", a.Status)
	require.NotNil(t, a.FinishedAt)
	if translated {
		require.Equal(t, a.ReviewsTotal, a.TranslationDone+a.TranslationFailed, "translation")
	}
	require.Equal(t, a.ReviewsTotal, a.InsightsDone+a.InsightsFailed, "insights")
	require.Equal(t, a.ReviewsTotal, a.ThemesDone+a.ThemesFailed, "themes")
	for stage, n := range map[string]int{llm.StageTranslation: a.TranslationFailed, llm.StageInsights: a.InsightsFailed, llm.StageThemes: a.ThemesFailed} {
		require.Equal(t, n, e.count("SELECT count(*) FROM review_failures WHERE analysis_id = $1 AND stage = $2", a.ID, stage), stage)
	}
	require.Equal(t, 0, e.count("SELECT count(*) FROM review_failures WHERE analysis_id = $1 AND btrim(reason) = ''", a.ID))
	require.Equal(t, 0, e.count("SELECT count(*) FROM analysis_reviews WHERE analysis_id = $1 AND (insights_state = 'pending' OR themes_state = 'pending')", a.ID))
	require.Equal(t, a.InsightsFailed, e.count("SELECT count(*) FROM analysis_reviews WHERE analysis_id = $1 AND insights_state = 'failed'", a.ID))
	require.Equal(t, a.ThemesFailed, e.count("SELECT count(*) FROM analysis_reviews WHERE analysis_id = $1 AND themes_state = 'failed'", a.ID))
	// Nothing of the analysis is still queued, waiting or running, and no
	// job was discarded: every failure ended as a recorded review failure.
	require.Equal(t, 0, e.count(`SELECT count(*) FROM river_job WHERE (args->>'analysis_id')::bigint = $1
		AND state NOT IN ('completed', 'cancelled', 'discarded')`, a.ID), "open jobs")
	require.Equal(t, 0, e.count("SELECT count(*) FROM river_job WHERE state = 'discarded'"), "discarded jobs")
}

// stormSim is llmsim at its worst short of an outage.
func stormSim() llmsim.Config {
	c := quietSim()
	c.Latency, c.Jitter = 5*time.Millisecond, 5*time.Millisecond
	c.FailRate5xx = 0.30
	c.MalformedRate = 0.10
	c.RefusalRate = 0.05
	// Bursts: far more workers than this call at once, so every busy
	// second ends in 429s.
	c.Burst = 60
	c.Seed = 20240501
	return c
}

func TestFaultStorm(t *testing.T) {
	t.Parallel()
	cfg := stormSim()
	e := newEnv(t, envOpts{sim: &cfg})
	hurryRetries(t, e.pool)
	ctx := t.Context()

	start := time.Now()
	acc := e.upload("marc_multilingual_sample.csv", readData(t, "marc_multilingual_sample.csv"), "B0STORM001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.Equal(t, 1200, u.RowsIngested)
	dbg := make(chan struct{})
	go func() {
		for {
			select {
			case <-dbg:
				return
			case <-time.After(10 * time.Second):
			}
			st := e.sim.Stats()
			a, _ := store.AnalysisLatest(context.Background(), e.pool, acc.ProductID)
			t.Logf("DBG %s calls=%d ok=%d rl=%v faults=%v tasks=%v tr=%d/%d ins=%d/%d thm=%d/%d", time.Since(start).Round(time.Second), st.Calls, st.OK, st.RateLimited, st.Faults, st.Tasks,
				a.TranslationDone, a.TranslationFailed, a.InsightsDone, a.InsightsFailed, a.ThemesDone, a.ThemesFailed)
		}
	}()
	a := e.waitFinal(acc.ProductID, 3*time.Minute)
	close(dbg)
	elapsed := time.Since(start)

	// It ended, with every review accounted for in every stage.
	require.Equal(t, 1200, a.ReviewsTotal)
	e.checkAllAccountedFor(a, true)
	g := e.checkReportMatchesDB(a)

	// Reviews the simulator refuses are failed, in every stage that sends
	// them, with the refusal as the reason; no other review is said to be
	// refused.
	refused := map[int64]bool{}
	needsTranslation := map[int64]bool{}
	rows, err := e.pool.Query(ctx, "SELECT id, title, body, language FROM reviews WHERE product_id = $1", acc.ProductID)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		var title, body, lang string
		require.NoError(t, rows.Scan(&id, &title, &body, &lang))
		if cfg.Refuses(title, body) {
			refused[id] = true
			needsTranslation[id] = !strings.HasPrefix(lang, "zh")
		}
	}
	require.NoError(t, rows.Err())
	require.Greater(t, len(refused), 20, "the storm must refuse some reviews")
	type failure struct{ stage, reason string }
	fails := map[int64][]failure{}
	rows, err = e.pool.Query(ctx, "SELECT review_id, stage, reason FROM review_failures WHERE analysis_id = $1", a.ID)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		var f failure
		require.NoError(t, rows.Scan(&id, &f.stage, &f.reason))
		fails[id] = append(fails[id], f)
	}
	require.NoError(t, rows.Err())
	const refusal = "refused by the provider (data_inspection_failed)"
	for id := range refused {
		want := []string{llm.StageInsights, llm.StageThemes}
		if needsTranslation[id] {
			want = append(want, llm.StageTranslation)
		}
		for _, stage := range want {
			var got *failure
			for i := range fails[id] {
				if fails[id][i].stage == stage {
					got = &fails[id][i]
				}
			}
			require.NotNil(t, got, "refused review %d has no %s failure (failures: %v)", id, stage, fails[id])
			require.Equal(t, refusal, got.reason, "review %d, %s", id, stage)
		}
	}
	otherFailures := 0
	for id, fs := range fails {
		if refused[id] {
			continue
		}
		for _, f := range fs {
			otherFailures++
			require.NotContains(t, f.reason, "refused", "review %d is not refused by the simulator", id)
		}
	}

	// The report says so: coverage below 1, and the failed reviews listed.
	var coverage float64
	require.NoError(t, e.pool.QueryRow(ctx, "SELECT coverage FROM reports WHERE analysis_id = $1 AND kind = 'final'", a.ID).Scan(&coverage))
	require.Less(t, coverage, 1.0)
	require.InDelta(t, float64(min(a.InsightsDone, a.ThemesDone))/float64(a.ReviewsTotal), coverage, 1e-9)
	require.InDelta(t, coverage, g.Coverage.Fraction, 1e-9)
	require.Greater(t, coverage, 0.5, "most reviews get through the storm")
	require.NotEmpty(t, g.FailedReviews)
	for _, f := range g.FailedReviews {
		require.NotEmpty(t, f.Reason)
	}

	// The storm raged: 5xx, malformed answers, refusals and 429s.
	st := e.sim.Stats()
	require.Positive(t, st.Faults["5xx"])
	require.Positive(t, st.Faults["malformed"])
	require.Positive(t, st.Faults["refusal"])
	require.Positive(t, st.Repairs, "malformed answers get a repair try")
	require.Positive(t, st.RateLimited["limit_burst_rate"], "bursts are answered 429")
	require.EqualValues(t, st.Calls, e.count("SELECT count(*) FROM llm_calls"), "every call is recorded")

	// 429s snoozed jobs without burning attempts: River counts snoozes in
	// the job's metadata and gives the attempt back, so every finished job's
	// attempt is its errors plus the one that succeeded.
	require.Positive(t, e.count("SELECT count(*) FROM river_job WHERE (metadata->>'snoozes')::int > 0"), "some jobs were snoozed")
	require.Equal(t, 0, e.count(`SELECT count(*) FROM river_job WHERE state = 'completed'
		AND attempt <> coalesce(array_length(errors, 1), 0) + 1`), "a snooze burnt an attempt")

	// No endless loop: the calls stay within a small multiple of what a
	// fault-free run makes (one call per batch and LLM stage, the model and
	// two reports).
	batches, err := store.AnalysisBatches(ctx, e.pool, a.ID, stormBatchSizes)
	require.NoError(t, err)
	noFault := int64(3*len(batches) + 3)
	require.Less(t, st.Calls, 10*noFault, "LLM calls")
	t.Logf("storm: %s; %d calls (fault-free ≈ %d): %d 429, %d 5xx, %d malformed (%d repairs), %d refused calls; %d refused reviews, %d other failures; coverage %.3f",
		elapsed.Round(time.Second), st.Calls, noFault, st.RateLimited["limit_burst_rate"], st.Faults["5xx"], st.Faults["malformed"],
		st.Repairs, st.Faults["refusal"], len(refused), otherFailures, coverage)
}

// TestTimeoutStorm makes a third of the calls hang past a short per-attempt
// timeout: the provider gives up on them, the jobs retry, and the pipeline
// still ends.
func TestTimeoutStorm(t *testing.T) {
	t.Parallel()
	cfg := quietSim()
	cfg.Latency, cfg.Jitter = 5*time.Millisecond, 5*time.Millisecond
	cfg.TimeoutRate = 0.3
	cfg.HangFor = 2 * time.Second
	cfg.Seed = 99
	sim := llmsim.New(cfg, offline.New())
	srv := httptest.NewServer(sim)
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = sim.Shutdown(sctx) // ends hung answers so Close does not wait on them
		srv.Close()
	})
	const perAttempt = 500 * time.Millisecond
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sim-key", Model: "voc-sim",
		Timeout: perAttempt, DefaultRetryAfter: 200 * time.Millisecond})
	require.NoError(t, err)
	e := newEnv(t, envOpts{analyzer: p})
	hurryRetries(t, e.pool)

	// 300 reviews of five languages keep the test short.
	marc := readMARC(t)
	var csv strings.Builder
	csv.WriteString("id,language,stars,text\n")
	for i, m := range marc {
		if i%4 != 0 {
			continue
		}
		fmt.Fprintf(&csv, "%s,%s,%d,%q\n", m.id, m.lang, m.stars, strings.ReplaceAll(m.text, `"`, `'`))
	}
	start := time.Now()
	acc := e.upload("marc_quarter.csv", []byte(csv.String()), "B0HANG0001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.Equal(t, 300, u.RowsIngested)
	a := e.waitFinal(acc.ProductID, 2*time.Minute)
	e.checkAllAccountedFor(a, true)
	e.checkReportMatchesDB(a)

	st := sim.Stats()
	require.Positive(t, st.Faults["timeout"], "calls hung")
	// The hung calls were cut at the per-attempt timeout and retried: the
	// jobs that met them carry the timeout error.
	var timedOut int
	require.NoError(t, e.pool.QueryRow(t.Context(), `SELECT count(*) FROM river_job
		WHERE errors::text LIKE '%' || $1 || '%'`, "timed out after "+perAttempt.String()).Scan(&timedOut))
	require.Positive(t, timedOut, "jobs retried after a timeout")
	var raw []byte
	require.NoError(t, e.pool.QueryRow(t.Context(), "SELECT aggregates FROM reports WHERE analysis_id = $1 AND kind = 'final'", a.ID).Scan(&raw))
	var g store.Aggregates
	require.NoError(t, json.Unmarshal(raw, &g))
	t.Logf("timeouts: %s; %d calls, %d hung; %d jobs hit a timeout; coverage %.3f",
		time.Since(start).Round(time.Second), st.Calls, st.Faults["timeout"], timedOut, g.Coverage.Fraction)
}
