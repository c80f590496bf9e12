package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// seed creates a product with a few reviews and a started analysis, and
// returns the analysis id and the review ids.
func seed(t *testing.T, pool *pgxpool.Pool, withModel bool) (int64, []int64) {
	t.Helper()
	ctx := context.Background()
	texts := []string{
		"The battery life is excellent and the sound is great. I bought it for my dad.",
		"Terrible build quality, it broke after two days. Very disappointed.",
		"Works fine in the kitchen every morning, but the price is too high.",
		"Der Klang ist sehr gut, aber die Bedienung ist kompliziert.",
	}
	var aid int64
	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: "B0STAGE001", TargetLanguage: "en"})
		if err != nil {
			return err
		}
		for i, txt := range texts {
			if _, err := tx.Exec(ctx, `INSERT INTO reviews (product_id, content_hash, rating, body, language) VALUES ($1, $2, $3, $4, $5)`,
				p.ID, []byte{byte(i)}, 1+i%5, txt, map[bool]string{true: "de", false: "en"}[i == 3]); err != nil {
				return err
			}
		}
		if withModel {
			out, _, err := offline.New().Learn(ctx, llm.LearnInput{TargetLanguage: "en", Reviews: []llm.ReviewText{{ID: 1, Body: texts[0]}, {ID: 2, Body: texts[1]}, {ID: 3, Body: texts[2]}}})
			if err != nil {
				return err
			}
			if _, err := store.ModelStoreLearned(ctx, tx, p.ID, out); err != nil {
				return err
			}
		}
		a, err := store.AnalysisCreate(ctx, tx, p.ID, store.AnalysisFull, "en", store.ScopeUnanalysed, nil, 0)
		if err != nil {
			return err
		}
		aid = a.ID
		_, err = store.AnalysisPlan(ctx, tx, a)
		return err
	})
	require.NoError(t, err)
	var ids []int64
	rows, err := pool.Query(ctx, "SELECT review_id FROM analysis_reviews WHERE analysis_id = $1 ORDER BY review_id", aid)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	return aid, ids
}

// TestFailureBeforeCommitLeavesNoTrace injects a failure between each
// stage's writes and its commit: the attempt leaves nothing behind, the
// retry completes the pipeline, and nothing is duplicated.
func TestFailureBeforeCommitLeavesNoTrace(t *testing.T) {
	pool := storetest.NewPool(t)
	ctx := context.Background()
	aid, ids := seed(t, pool, false)

	// Directly: a stage that fails before commit writes nothing.
	var failNext atomic.Bool
	failNext.Store(true)
	defer jobs.SetBeforeCommitHook(func(_ context.Context, kind string) error {
		if failNext.CompareAndSwap(true, false) {
			return errors.New("injected failure before commit")
		}
		return nil
	})()
	w := jobs.NewWorker[jobs.TranslateArgs](jobs.Deps{Pool: pool, Log: quiet, LLM: offline.New()})
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: quiet})
	require.NoError(t, err)
	err = w.Work(rivertest.WorkContext(ctx, inserter), &river.Job[jobs.TranslateArgs]{JobRow: &rivertype.JobRow{Attempt: 1, MaxAttempts: 8}, Args: jobs.TranslateArgs{AnalysisID: aid, ReviewIDs: ids}})
	require.ErrorContains(t, err, "injected failure")
	var changed, queued int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM reviews WHERE translation_status <> 'pending'").Scan(&changed))
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM river_job").Scan(&queued))
	require.Zero(t, changed)
	require.Zero(t, queued)
	var a store.Analysis
	a, err = store.AnalysisGet(ctx, pool, aid)
	require.NoError(t, err)
	require.Zero(t, a.TranslationDone)

	// Through River: every stage fails once before commit, then retries.
	fails := map[string]int{}
	mu := make(chan struct{}, 1)
	jobs.SetBeforeCommitHook(func(_ context.Context, kind string) error {
		mu <- struct{}{}
		defer func() { <-mu }()
		if fails[kind] == 0 {
			fails[kind]++
			return errors.New("injected failure before commit of " + kind)
		}
		return nil
	})
	client, err := jobs.NewClient(jobs.Deps{Pool: pool, Log: quiet, LLM: offline.New()}, jobs.DefaultConcurrency)
	require.NoError(t, err)
	_, err = client.Insert(ctx, jobs.LearnArgs{AnalysisID: aid}, &river.InsertOpts{})
	require.NoError(t, err)
	// Retries back off for a second or more; shorten by making retried jobs
	// available immediately.
	require.NoError(t, client.Start(ctx))
	defer client.Stop(ctx) //nolint:errcheck
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		_, _ = pool.Exec(ctx, "UPDATE river_job SET scheduled_at = now() WHERE state = 'retryable'")
		a, err = store.AnalysisGet(ctx, pool, aid)
		require.NoError(t, err)
		var open int
		require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'discarded', 'cancelled')").Scan(&open))
		if a.Status == "done" && open == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, "done", a.Status)
	for _, k := range []string{"learn_model", "extract_insights", "extract_themes", "fold_progress", "build_report"} {
		require.Equal(t, 1, fails[k], k)
	}
	// The offline analyser does not translate: the plan marked every
	// review skipped, and no translation job was queued.
	require.Zero(t, fails["translate_batch"])
	var translateJobs int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'translate_batch'").Scan(&translateJobs))
	require.Zero(t, translateJobs)
	require.Equal(t, len(ids), a.TranslationDone)
	require.Equal(t, len(ids), a.InsightsDone)
	require.Equal(t, len(ids), a.ThemesDone)
	// (A duplicate-insight check here could not fire: a stage deletes a
	// review's insights before it inserts them. TestEveryHopCommitsOnce
	// checks every row's transaction instead.)
	var reports, models int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM reports WHERE analysis_id = $1", aid).Scan(&reports))
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM product_models").Scan(&models))
	require.Equal(t, 2, reports) // preliminary and final, once each
	require.Equal(t, 1, models)
	// The final report queued a vacuum of the analysis's tables: their
	// pages are all-visible (nothing else vacuums a test database this
	// small), so the dashboard reads insights by index alone.
	var vacuums int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'vacuum_analysed' AND state = 'completed'").Scan(&vacuums))
	require.Equal(t, 1, vacuums)
	for _, table := range []string{"insights", "review_tags", "review_sentiments", "reviews"} {
		var pages, visible int
		require.NoError(t, pool.QueryRow(ctx, "SELECT relpages, relallvisible FROM pg_class WHERE relname = $1", table).Scan(&pages, &visible))
		require.Positive(t, pages, table)
		require.Equal(t, pages, visible, "%s: every page all-visible", table)
	}
}

// TestInsightsSurviveDeletedDimension: a model edit that deletes a
// dimension while an insight batch is in flight must not wedge the batch on
// the foreign key; insights on the deleted dimension are dropped.
func TestInsightsSurviveDeletedDimension(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	aid, ids := seed(t, pool, true)
	a, err := store.AnalysisGet(ctx, pool, aid)
	require.NoError(t, err)
	m, err := store.ModelGet(ctx, pool, a.ProductID)
	require.NoError(t, err)
	var keep, gone store.Dimension
	for _, d := range m.Dimensions {
		if d.Kind == "product" {
			if keep.ID == 0 {
				keep = d
			} else if gone.ID == 0 {
				gone = d
			}
		}
	}
	require.NotZero(t, gone.ID)
	ins := []store.StoredInsight{
		{ReviewID: ids[0], DimensionID: keep.ID, DimensionKind: "product", Insight: voc.Insight{Type: "strength", Dimension: keep.Name, Quote: "battery", Sentiment: "positive", Confidence: "high"}},
		{ReviewID: ids[0], DimensionID: gone.ID, DimensionKind: "product", Insight: voc.Insight{Type: "weakness", Dimension: gone.Name, Quote: "sound", Sentiment: "negative", Confidence: "low"}},
	}
	// The edit lands after the stage read the model.
	_, err = pool.Exec(ctx, "DELETE FROM dimensions WHERE id = $1", gone.ID)
	require.NoError(t, err)
	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		return store.InsightsApply(ctx, tx, aid, ids[:1], []string{"positive"}, ins, nil)
	}))
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM insights WHERE review_id = $1", ids[0]).Scan(&n))
	require.Equal(t, 1, n)
}
