package api_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/fixture"
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
	for stage, n := range map[string]int{voc.StageTranslation: a.TranslationFailed, voc.StageInsights: a.InsightsFailed, voc.StageThemes: a.ThemesFailed} {
		require.Equal(t, n, e.count("SELECT count(*) FROM review_failures WHERE analysis_id = $1 AND stage = $2", a.ID, stage), stage)
	}
	require.Equal(t, 0, e.count("SELECT count(*) FROM review_failures WHERE analysis_id = $1 AND btrim(reason) = ''", a.ID))
	require.Equal(t, 0, e.count("SELECT count(*) FROM analysis_reviews WHERE analysis_id = $1 AND (insights_state = 'pending' OR themes_state = 'pending')", a.ID))
	require.Equal(t, a.InsightsFailed, e.count("SELECT count(*) FROM analysis_reviews WHERE analysis_id = $1 AND insights_state = 'failed'", a.ID))
	require.Equal(t, a.ThemesFailed, e.count("SELECT count(*) FROM analysis_reviews WHERE analysis_id = $1 AND themes_state = 'failed'", a.ID))
	// Nothing of the analysis is still queued, waiting or running, and no
	// job was discarded: every failure ended as a recorded review failure.
	var open []string
	rows, err := e.pool.Query(context.Background(), `SELECT kind || ' ' || args::text || ': ' || state FROM river_job
		WHERE (args->>'analysis_id')::bigint = $1 AND state NOT IN ('completed', 'cancelled', 'discarded')`, a.ID)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		open = append(open, s)
	}
	require.NoError(t, rows.Err())
	require.Empty(t, open, "jobs of analysis %d still open after it is done", a.ID)
	require.Equal(t, 0, e.count("SELECT count(*) FROM river_job WHERE state = 'discarded'"), "discarded jobs")
}

// stormCopies is how many times TestFaultStorm uploads the fixture.
const stormCopies = 5

// stormSim is llmsim at its worst short of an outage.
func stormSim() llmsim.Config {
	c := quietSim()
	c.Latency, c.Jitter = 5*time.Millisecond, 5*time.Millisecond
	c.FailRate5xx = 0.30
	c.MalformedRate = 0.10
	c.RefusalRate = 0.05
	// 429s: drawn from the simulator's seeded schedule rather than from a
	// per-second burst limit, so that every run meets the same ones.
	c.RateLimitRate = 0.05
	c.Seed = 20240501
	return c
}

// splitCalls is how many calls a batch takes when only refusals stand in
// its way: the provider refuses a batch with any refused review in it, and
// the stage halves a refused batch down to single reviews.
func splitCalls(ids []int64, refused map[int64]bool) int {
	if len(ids) <= 1 || !slices.ContainsFunc(ids, func(id int64) bool { return refused[id] }) {
		return 1
	}
	mid := len(ids) / 2
	return 1 + splitCalls(ids[:mid], refused) + splitCalls(ids[mid:], refused)
}

// TestFaultStorm runs the committed multilingual fixture five times over
// (300 reviews, six languages) through a provider that fails 30% of calls
// with 5xx, garbles 10% of answers, refuses 5% of reviews and answers bursts
// with 429: the analysis still ends, every review is done or failed with a
// reason, the report states its coverage, and the calls stay bounded. The
// simulator's faults follow a seeded schedule keyed by request content, so
// the run, and every threshold below, is the same whatever the interleaving.
func TestFaultStorm(t *testing.T) {
	t.Parallel()
	cfg := stormSim()
	e := newEnv(t, envOpts{sim: &cfg})
	hurryRetries(t, e.pool)
	ctx := t.Context()

	start := time.Now()
	acc := e.upload("fixture_x5.csv", fixtureCSV(t, stormCopies), "B0STORM001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.Equal(t, stormCopies*fixture.MultilingualRows, u.RowsIngested)
	require.NotNil(t, u.AnalysisID)
	a := e.waitAnalysis(*u.AnalysisID, 3*time.Minute)
	elapsed := time.Since(start)

	// It ended, with every review accounted for in every stage.
	require.Equal(t, stormCopies*fixture.MultilingualRows, a.ReviewsTotal)
	e.checkAllAccountedFor(a, true)
	g := e.checkReportMatchesDB(a)

	// Reviews the simulator refuses are failed, in every stage that sends
	// them, with the refusal as the reason; no other review is said to be
	// refused. A job may still exhaust its attempts on 5xx before it has
	// split its batch down to the refused review (each attempt fails with a
	// chance of about a third, so one job in a few thousand does): that
	// review then fails with "gave up after retries", which must stay rare.
	refused := map[int64]bool{}
	translatable := map[int64]bool{}
	rows, err := e.pool.Query(ctx, "SELECT id, title, body, language FROM reviews WHERE product_id = $1", acc.ProductID)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		var title, body, lang string
		require.NoError(t, rows.Scan(&id, &title, &body, &lang))
		translatable[id] = !strings.HasPrefix(lang, "en") // the product's target language is en
		if cfg.Refuses(title, body) {
			refused[id] = true
		}
	}
	require.NoError(t, rows.Err())
	require.GreaterOrEqual(t, len(refused), 10, "the storm must refuse some reviews")
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
	refusalReasons, gaveUp := 0, 0
	for id := range refused {
		want := []string{voc.StageInsights, voc.StageThemes}
		if translatable[id] {
			want = append(want, voc.StageTranslation)
		}
		for _, stage := range want {
			var got *failure
			for i := range fails[id] {
				if fails[id][i].stage == stage {
					got = &fails[id][i]
				}
			}
			require.NotNil(t, got, "refused review %d has no %s failure (failures: %v)", id, stage, fails[id])
			if got.reason == refusal {
				refusalReasons++
				continue
			}
			require.True(t, strings.HasPrefix(got.reason, "gave up after retries: "), "review %d, %s: %s", id, stage, got.reason)
			gaveUp++
		}
	}
	require.Greater(t, refusalReasons, 20*gaveUp, "refused reviews mostly fail with the refusal as the reason")
	var other []string
	for id, fs := range fails {
		if refused[id] {
			continue
		}
		for _, f := range fs {
			other = append(other, fmt.Sprintf("%d/%s: %.120s", id, f.stage, f.reason))
			require.NotContains(t, f.reason, "refused", "review %d is not refused by the simulator", id)
		}
	}

	// The report says so: coverage below 1, and the failed reviews listed.
	var coverage float64
	require.NoError(t, e.pool.QueryRow(ctx, "SELECT coverage FROM reports WHERE analysis_id = $1 AND kind = 'final'", a.ID).Scan(&coverage))
	require.Less(t, coverage, 1.0)
	require.InDelta(t, float64(min(a.InsightsDone, a.ThemesDone))/float64(a.ReviewsTotal), coverage, 1e-4)
	require.InDelta(t, coverage, g.Coverage.Fraction, 1e-4)
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
	require.Positive(t, st.RateLimited["limit_burst_rate"], "some calls are answered 429")
	require.EqualValues(t, st.Calls, e.count("SELECT count(*) FROM llm_calls"), "every call is recorded")

	// 429s snoozed jobs without burning attempts: River counts snoozes in
	// the job's metadata and gives the attempt back, so every finished job's
	// attempt is its errors plus the one that succeeded.
	require.Positive(t, e.count("SELECT count(*) FROM river_job WHERE (metadata->>'snoozes')::int > 0"), "some jobs were snoozed")
	require.Equal(t, 0, e.count(`SELECT count(*) FROM river_job WHERE state = 'completed'
		AND attempt <> coalesce(array_length(errors, 1), 0) + 1`), "a snooze burnt an attempt")

	// No endless loop: the calls stay within a small multiple of what the
	// same run makes without transient faults (refusals are not transient:
	// a batch with a refused review is split down to it in any run).
	batches, err := store.AnalysisBatches(ctx, e.pool, a.ID, stormBatchSizes)
	require.NoError(t, err)
	noFault := 3 // the model and two reports
	for _, b := range batches {
		var need []int64
		for _, id := range b.ReviewIDs {
			if translatable[id] {
				need = append(need, id)
			}
		}
		if len(need) > 0 {
			noFault += splitCalls(need, refused)
		}
		noFault += 2 * splitCalls(b.ReviewIDs, refused) // insights and themes
	}
	require.Less(t, st.Calls, int64(5*noFault), "LLM calls")
	t.Logf("storm: %s; %d calls (without transient faults ≈ %d): %d 429, %d 5xx, %d malformed (%d repairs), %d refused calls; %d refused reviews, other failures %q; coverage %.3f",
		elapsed.Round(time.Second), st.Calls, noFault, st.RateLimited["limit_burst_rate"], st.Faults["5xx"], st.Faults["malformed"],
		st.Repairs, st.Faults["refusal"], len(refused), other, coverage)
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

	// The fixture three times over: 180 reviews in six languages.
	start := time.Now()
	acc := e.upload("fixture_x3.csv", fixtureCSV(t, 3), "B0HANG0001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.Equal(t, 3*fixture.MultilingualRows, u.RowsIngested)
	require.NotNil(t, u.AnalysisID)
	a := e.waitAnalysis(*u.AnalysisID, 2*time.Minute)
	e.checkAllAccountedFor(a, true)
	g := e.checkReportMatchesDB(a)

	st := sim.Stats()
	require.Positive(t, st.Faults["timeout"], "calls hung")
	// The hung calls were cut at the per-attempt timeout, not at the
	// simulator's 2 s, and retried: the jobs that met them carry the
	// timeout error.
	timedOut := e.count(`SELECT count(*) FROM river_job WHERE errors::text LIKE '%' || $1 || '%'`,
		"request timed out after "+perAttempt.String())
	require.Positive(t, timedOut, "jobs retried after a timeout")
	require.Zero(t, e.count(`SELECT count(*) FROM river_job WHERE errors::text LIKE '%RequestTimeOut%'`), "a call waited for the simulator's 504")
	// Timeouts are transient: retries get (nearly) every review through; a
	// job that times out on all its attempts gives up on its batch only.
	require.Greater(t, g.Coverage.Fraction, 0.8)
	for _, f := range g.FailedReviews {
		require.True(t, strings.HasPrefix(f.Reason, "gave up after retries: "), f.Reason)
	}
	t.Logf("timeouts: %s; %d calls, %d hung; %d jobs hit a timeout; coverage %.3f",
		time.Since(start).Round(time.Second), st.Calls, st.Faults["timeout"], timedOut, g.Coverage.Fraction)
}
