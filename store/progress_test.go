package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

func runningAnalysis(t *testing.T, pool store.DB, asin string, total int) store.Analysis {
	t.Helper()
	ctx := context.Background()
	var a store.Analysis
	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: asin})
		if err != nil {
			return err
		}
		a, err = store.AnalysisCreate(ctx, tx, p.ID, store.AnalysisFull, "en", store.ScopeProduct, nil, total)
		return err
	}))
	return a
}

// waiting reports whether a backend other than the test's is waiting on a
// lock, running a query that contains what.
func waiting(t *testing.T, pool store.DB, what string) bool {
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'`, what).Scan(&n))
	return n > 0
}

func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, with a deadline
	}
}

// TestCommitGuardOrdersCancel proves the cancel guard that replaced the
// analysis row lock: stage commits of one analysis hold the guard side by
// side; a cancel waits for the commits that hold it, and a commit that
// comes after the cancel began waits for it and reads "cancelled".
func TestCommitGuardOrdersCancel(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	a := runningAnalysis(t, pool, "B0GUARD001", 10)

	// Two stage commits hold the guard at once: neither waits.
	s1, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = s1.Rollback(ctx) }()
	s2, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = s2.Rollback(ctx) }()
	for _, tx := range []pgx.Tx{s1, s2} {
		st, err := store.AnalysisStatusGuarded(ctx, tx, a.ID)
		require.NoError(t, err)
		require.Equal(t, store.AnalysisRunning, st)
	}

	// A cancel marks the analysis, then waits for both.
	var wg sync.WaitGroup
	var cancelErr error
	cancelled := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		cancelErr = store.InTx(ctx, pool, func(tx pgx.Tx) error {
			_, _, err := store.AnalysisCancel(ctx, tx, a.ID, []string{"extract_insights"})
			return err
		})
		close(cancelled)
	}()
	eventually(t, func() bool { return waiting(t, pool, "pg_advisory_xact_lock(") }, "the cancel did not wait for the commits holding the guard")

	// A third commit arrives while the cancel waits: it queues behind it.
	var late string
	var lateErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		lateErr = store.InTx(ctx, pool, func(tx pgx.Tx) error {
			var err error
			late, err = store.AnalysisStatusGuarded(ctx, tx, a.ID)
			return err
		})
	}()
	eventually(t, func() bool { return waiting(t, pool, "pg_advisory_xact_lock_shared(") }, "a commit after the cancel did not wait for it")

	require.NoError(t, s1.Commit(ctx))
	select {
	case <-cancelled:
		t.Fatal("the cancel committed while a stage commit still held the guard")
	case <-time.After(100 * time.Millisecond):
	}
	require.NoError(t, s2.Commit(ctx))
	wg.Wait()
	require.NoError(t, cancelErr)
	require.NoError(t, lateErr)
	require.Equal(t, store.AnalysisCancelled, late, "the commit that came after the cancel saw it")
}

// TestProgressFold adds batch progress side by side and folds it into the
// analysis row once: the live view counts what is not folded yet, a second
// fold adds nothing, and the row was not written by the batches.
func TestProgressFold(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	a := runningAnalysis(t, pool, "B0FOLD0001", 100)
	var before int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT xmin::text::bigint FROM analyses WHERE id = $1", a.ID).Scan(&before))

	// Ten insight batches commit at the same time; none
	// waits on another (each would block on the row if it updated it).
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- store.InTx(ctx, pool, func(tx pgx.Tx) error {
				return store.ProgressAddForTest(ctx, tx, a.ID, voc.StageInsights, 7, 1)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var after int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT xmin::text::bigint FROM analyses WHERE id = $1", a.ID).Scan(&after))
	require.Equal(t, before, after, "a batch wrote the analysis row")

	live, err := store.AnalysisWithPending(ctx, pool, a)
	require.NoError(t, err)
	require.Equal(t, 70, live.InsightsDone)
	require.Equal(t, 10, live.InsightsFailed)
	var viewDone int
	require.NoError(t, pool.QueryRow(ctx, "SELECT insights_done FROM voc_pipeline_progress WHERE analysis_id = $1", a.ID).Scan(&viewDone))
	require.Equal(t, 70, viewDone, "the SQL view counts what is not folded yet")

	for i := 0; i < 2; i++ {
		require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
			got, err := store.AnalysisProgressFold(ctx, tx, a.ID)
			require.Equal(t, 70, got.InsightsDone, "fold %d", i+1)
			require.Equal(t, 10, got.InsightsFailed)
			return err
		}))
	}
	got, err := store.AnalysisGet(ctx, pool, a.ID)
	require.NoError(t, err)
	require.Equal(t, 70, got.InsightsDone)
	live, err = store.AnalysisWithPending(ctx, pool, got)
	require.NoError(t, err)
	require.Equal(t, 70, live.InsightsDone, "nothing pending after the fold")
}

// TestAnalysisOrphanedJobs counts the running jobs of an analysis whose
// host is gone (stopped, or silent for longer than HostStaleAfter), and
// not those of a live host, of another analysis, or not running.
func TestAnalysisOrphanedJobs(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	a := runningAnalysis(t, pool, "B0ORPHAN01", 10)
	other := runningAnalysis(t, pool, "B0ORPHAN02", 10)
	_, err := pool.Exec(ctx, `INSERT INTO voc_hosts (host_id, role, heartbeat_at, stopped_at) VALUES
		('alive', 'worker', now(), NULL), ('silent', 'worker', now() - interval '5 minutes', NULL), ('stopped', 'worker', now(), now())`)
	require.NoError(t, err)
	job := func(host, state string, analysisID int64) {
		_, err := pool.Exec(ctx, `INSERT INTO river_job (args, kind, max_attempts, queue, state, attempted_by, attempt, attempted_at)
			VALUES (jsonb_build_object('analysis_id', $1::bigint, 'review_ids', '[1]'::jsonb), 'extract_insights', 8, 'insight_extraction', $2::river_job_state, ARRAY[$3::text], 1, now())`,
			analysisID, state, host)
		require.NoError(t, err)
	}
	job("alive", "running", a.ID)
	job("silent", "running", a.ID)
	job("stopped", "running", a.ID)
	job("silent", "available", a.ID)
	job("silent", "running", other.ID)
	n, err := store.AnalysisOrphanedJobs(ctx, pool, a.ID)
	require.NoError(t, err)
	require.Equal(t, int64(2), n, "the silent and the stopped host's running jobs")
}
