package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestJobCallsSideBySide: a stage job carrying several LLM batches makes
// one call per batch, at the same time, and commits their results, the
// next stage's job (with the same split) and the calls' records in one
// transaction. A commit that fails still leaves the calls recorded (they
// were spent), once.
func TestJobCallsSideBySide(t *testing.T) {
	pool := storetest.NewPool(t)
	ctx := context.Background()
	aid, ids := seed(t, pool, true)
	require.Len(t, ids, 4)

	// Sequential calls would arrive 1.2 s apart; side by side, within ms.
	sim, provider := simProvider(t, pool, llmsim.Config{Seed: 3, Latency: 1200 * time.Millisecond})

	var failNext atomic.Bool
	failNext.Store(true)
	defer jobs.SetBeforeCommitHook(func(_ context.Context, kind string) error {
		if kind == "extract_insights" && failNext.CompareAndSwap(true, false) {
			return errors.New("injected failure before commit")
		}
		return nil
	})()

	client, err := jobs.NewClient(jobs.Deps{Pool: pool, Log: quiet, LLM: provider}, map[string]int{jobs.QueueInsights: 2})
	require.NoError(t, err)
	args := jobs.InsightArgs{AnalysisID: aid, ReviewIDs: ids, Calls: []int{1, 3}}
	res, err := client.Insert(ctx, args, nil)
	require.NoError(t, err)
	require.NoError(t, client.Start(ctx))
	defer client.Stop(ctx) //nolint:errcheck

	count := func(sql string, args ...any) int64 { return int64(dbCount(t, pool, sql, args...)) }
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		waitUntil(t, what, cond, func() string {
			var state, errs string
			_ = pool.QueryRow(ctx, `SELECT state, errors::text FROM river_job WHERE id = $1`, res.Job.ID).Scan(&state, &errs)
			return "job " + state + " " + errs
		})
	}

	// The first attempt makes its two calls and fails at its commit;
	// River retries it and the second commits.
	waitFor("the commit", func() bool {
		return count(`SELECT count(*) FROM river_job WHERE id = $1 AND state = 'completed'`, res.Job.ID) == 1
	})
	require.Equal(t, int64(1), count(`SELECT cardinality(errors) FROM river_job WHERE id = $1`, res.Job.ID))
	require.Equal(t, int64(4), sim.Stats().Calls)
	require.Equal(t, 2, sim.Arrivals().MaxSliding1s, "each attempt's two calls were made side by side")
	// Every call is recorded once: the failed attempt's on their own (they
	// were spent), the committed attempt's in the job's transaction, with
	// its results and the theme job.
	require.Equal(t, int64(4), count(`SELECT count(*) FROM llm_calls WHERE analysis_id = $1 AND stage = 'insight_extraction'`, aid))
	require.Equal(t, int64(2), count(`SELECT count(*) FROM llm_calls c, river_job j
		WHERE j.id = $1 AND c.xmin = j.xmin`, res.Job.ID), "the committed attempt's calls are in its transaction")
	require.Equal(t, count(`SELECT count(*) FROM insights`), count(`SELECT count(*) FROM insights i, river_job j
		WHERE j.id = $1 AND i.xmin = j.xmin`, res.Job.ID))
	require.NotZero(t, count(`SELECT count(*) FROM insights`))
	var raw []byte
	require.NoError(t, pool.QueryRow(ctx, `SELECT t.args FROM river_job t, river_job j
		WHERE t.kind = 'extract_themes' AND j.id = $1 AND t.xmin = j.xmin`, res.Job.ID).Scan(&raw))
	var themes jobs.ThemeArgs
	require.NoError(t, json.Unmarshal(raw, &themes))
	require.Equal(t, ids, themes.ReviewIDs)
	require.Equal(t, []int{1, 3}, themes.Calls, "the theme job keeps the split")
}

// TestLostCommitAckRecordsCallsOnce: a batch job's commit lands but its
// acknowledgement is lost (the hook turns the commit's success into an
// error). The call records went in with the commit, so the job's end must
// not write them again: each call is recorded once.
func TestLostCommitAckRecordsCallsOnce(t *testing.T) {
	pool := storetest.NewPool(t)
	ctx := context.Background()
	aid, ids := seed(t, pool, true)
	sim, provider := simProvider(t, pool, llmsim.Config{Seed: 4})
	var lose atomic.Bool
	lose.Store(true)
	defer jobs.SetAfterCommitHook(func(_ context.Context, kind string) error {
		if kind == "extract_insights" && lose.CompareAndSwap(true, false) {
			return errors.New("injected: connection lost as the commit was acknowledged")
		}
		return nil
	})()
	client, err := jobs.NewClient(jobs.Deps{Pool: pool, Log: quiet, LLM: provider}, map[string]int{jobs.QueueInsights: 1})
	require.NoError(t, err)
	res, err := client.Insert(ctx, jobs.InsightArgs{AnalysisID: aid, ReviewIDs: ids, Calls: []int{1, 3}}, nil)
	require.NoError(t, err)
	require.NoError(t, client.Start(ctx))
	waitUntil(t, "the commit", func() bool {
		return dbCount(t, pool, `SELECT count(*) FROM river_job WHERE id = $1 AND state = 'completed'`, res.Job.ID) == 1
	}, func() string { return "job not completed" })
	// Stop waits for Work to return, and with it for the job's end, where
	// calls no commit wrote are written.
	require.NoError(t, client.Stop(ctx))
	require.False(t, lose.Load(), "the acknowledgement was lost")
	require.Equal(t, int64(2), sim.Stats().Calls)
	require.Equal(t, 2, dbCount(t, pool, `SELECT count(*) FROM llm_calls WHERE analysis_id = $1 AND stage = 'insight_extraction'`, aid),
		"each call recorded once")
	require.Equal(t, 2, dbCount(t, pool, `SELECT count(*) FROM llm_calls c, river_job j WHERE j.id = $1 AND c.xmin = j.xmin`, res.Job.ID),
		"in the job's commit")
}

// simProvider serves llmsim with the offline analyser behind it and returns
// it with a provider that records its calls in pool.
func simProvider(t *testing.T, pool *pgxpool.Pool, cfg llmsim.Config) (*llmsim.Server, llm.Analyzer) {
	t.Helper()
	sim := llmsim.New(cfg, offline.New())
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	provider, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sim-key", Model: "voc-sim",
		Timeout: 20 * time.Second, Recorder: store.CallRecorder{DB: pool}})
	require.NoError(t, err)
	return sim, provider
}

// dbCount runs a count query.
func dbCount(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// waitUntil polls cond for up to a minute; state, if given, says what was
// seen when it gives up.
func waitUntil(t *testing.T, what string, cond func() bool, state func() string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			seen := ""
			if state != nil {
				seen = ": " + state()
			}
			t.Fatalf("timed out waiting for %s%s", what, seen)
		}
		time.Sleep(50 * time.Millisecond) // polling with a deadline
	}
}

// TestBatchJobsGroupCalls: the plan puts up to CallsPerJob LLM batches of
// one first stage in a job, each batch its own call.
func TestBatchJobsGroupCalls(t *testing.T) {
	pool := storetest.NewPool(t)
	ctx := context.Background()
	var aid int64
	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: "B0CALLS001", TargetLanguage: "en"})
		if err != nil {
			return err
		}
		// 150 short English reviews: five batches of 30.
		if _, err := tx.Exec(ctx, `INSERT INTO reviews (product_id, content_hash, rating, body, language)
			SELECT $1, int4send(g), 1 + g % 5, 'Short review number ' || g || ', the sound is fine.', 'en' FROM generate_series(1, 150) g`, p.ID); err != nil {
			return err
		}
		a, err := store.AnalysisCreate(ctx, tx, p.ID, store.AnalysisFull, "en", store.ScopeUnanalysed, nil, 0)
		aid = a.ID
		return err
	}))
	client, err := jobs.NewClient(jobs.Deps{Pool: pool, Log: quiet, LLM: offline.New()}, map[string]int{jobs.QueueLearning: 1})
	require.NoError(t, err)
	_, err = client.Insert(ctx, jobs.LearnArgs{AnalysisID: aid}, nil)
	require.NoError(t, err)
	require.NoError(t, client.Start(ctx))
	defer client.Stop(ctx) //nolint:errcheck
	var planned []jobs.BatchArgs
	waitUntil(t, "the plan", func() bool {
		rows, err := pool.Query(ctx, `SELECT args FROM river_job WHERE kind IN ('translate_batch', 'extract_insights') ORDER BY id`)
		require.NoError(t, err)
		raw, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		require.NoError(t, err)
		planned = planned[:0]
		for _, b := range raw {
			var a jobs.BatchArgs
			require.NoError(t, json.Unmarshal(b, &a))
			planned = append(planned, a)
		}
		return len(planned) > 0
	}, nil)
	require.Len(t, planned, 2, "five batches in jobs of up to %d", jobs.CallsPerJob)
	require.Equal(t, []int{30, 30, 30, 30}, planned[0].Calls)
	require.Len(t, planned[0].ReviewIDs, 120)
	require.Empty(t, planned[1].Calls, "a job of one batch makes one call")
	require.Len(t, planned[1].ReviewIDs, 30)
	seen := map[int64]bool{}
	for _, a := range planned {
		for _, id := range a.ReviewIDs {
			require.False(t, seen[id], "review %d planned twice", id)
			seen[id] = true
		}
	}
	require.Len(t, seen, 150)
}
