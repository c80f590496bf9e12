package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestSameLanguageStoredSkipped: ingestion stores the reviews already in the
// product's language with their translation skipped (no analysis rewrites
// those rows later). A translate-only analysis still counts them and ends;
// a full one after it counts every review as translated at planning and
// makes no translation call.
func TestSameLanguageStoredSkipped(t *testing.T) {
	pool := storetest.NewPool(t)
	ctx := context.Background()
	sim, provider := simProvider(t, pool, llmsim.Config{Seed: 5, Latency: time.Millisecond})
	client, err := jobs.NewClient(jobs.Deps{Pool: pool, Log: quiet, LLM: provider}, jobs.DefaultConcurrency)
	require.NoError(t, err)
	require.NoError(t, client.Start(ctx))
	defer client.Stop(ctx) //nolint:errcheck

	count := func(sql string, args ...any) int { return dbCount(t, pool, sql, args...) }
	waitFor := func(what string, cond func() bool) { t.Helper(); waitUntil(t, what, cond, nil) }

	var pid, uploadID int64
	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: "B0SKIP0001", TargetLanguage: "en"})
		if err != nil {
			return err
		}
		pid = p.ID
		uploadID, err = store.UploadCreate(ctx, tx, store.UploadInput{ProductID: p.ID, Source: store.SourceCLI, Format: "csv",
			Body: fixture.Read(t, fixture.Multilingual)})
		if err != nil {
			return err
		}
		_, err = client.InsertTx(ctx, tx, jobs.IngestArgs{UploadID: uploadID}, nil)
		return err
	}))
	waitFor("the upload", func() bool {
		return count(`SELECT count(*) FROM uploads WHERE id = $1 AND status = 'done'`, uploadID) == 1
	})
	english := count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND lower(split_part(replace(language, '_', '-'), '-', 1)) = 'en'`, pid)
	total := count(`SELECT count(*) FROM reviews WHERE product_id = $1`, pid)
	require.Positive(t, english)
	require.Greater(t, total, english, "the fixture has reviews in other languages")
	require.Equal(t, english, count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND translation_status = 'skipped'`, pid))
	require.Equal(t, total-english, count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND translation_status = 'pending'`, pid))

	analyse := func(kind string) store.Analysis {
		t.Helper()
		var aid int64
		require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
			id, next, err := jobs.StartAnalysis(ctx, tx, pid, kind, nil, 0)
			if err != nil {
				return err
			}
			aid = id
			_, err = client.InsertManyTx(ctx, tx, next)
			return err
		}))
		var a store.Analysis
		waitFor(kind+" analysis", func() bool {
			var err error
			a, err = store.AnalysisGet(ctx, pool, aid)
			require.NoError(t, err)
			return a.Status == "done"
		})
		return a
	}

	a := analyse(jobs.AnalysisTranslateOnly)
	require.Equal(t, total, a.ReviewsTotal)
	require.Equal(t, total, a.TranslationDone, "reviews stored skipped count as translated")
	require.Equal(t, english, count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND translation_status = 'skipped' AND body_translated IS NULL`, pid))
	require.Equal(t, total-english, count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND translation_status = 'done'`, pid))
	require.Zero(t, count(`SELECT count(*) FROM river_job WHERE kind = 'extract_insights'`), "a translate-only analysis extracts nothing")
	translations := sim.Stats().Tasks["translation"]
	require.Positive(t, translations)

	a = analyse(jobs.AnalysisFull)
	require.Equal(t, total, a.ReviewsTotal)
	require.Equal(t, total, a.TranslationDone, "planning counts skipped and translated reviews")
	require.Equal(t, total, a.InsightsDone)
	require.Equal(t, translations, sim.Stats().Tasks["translation"], "no review translated twice")
}
