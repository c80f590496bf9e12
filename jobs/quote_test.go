package jobs_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestStoredQuotesAreExact runs the fixture through every stage against
// llmsim in its misquoting mode: every stored quote and tag evidence is the
// review's exact substring at its stored field and offsets, and every
// misquote the simulator sent is recorded as a rejection on its llm_calls
// row. (api's TestMisquotesAreRejected does the same through the HTTP API;
// this one is small enough for scripts/mutate.py.)
func TestStoredQuotesAreExact(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	sim := llmsim.New(llmsim.Config{Seed: 11, MisquoteRate: 0.3}, offline.New())
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	provider, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sim-key", Model: "voc-sim",
		Timeout: 20 * time.Second, Recorder: store.CallRecorder{DB: pool}})
	require.NoError(t, err)
	client, err := jobs.NewClient(jobs.Deps{Pool: pool, Log: quiet, LLM: provider}, jobs.DefaultConcurrency)
	require.NoError(t, err)
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: quiet})
	require.NoError(t, err)
	var productID int64
	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		pr, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: "B0QUOT0001", TargetLanguage: "en"})
		if err != nil {
			return err
		}
		productID = pr.ID
		id, err := store.UploadCreate(ctx, tx, store.UploadInput{ProductID: pr.ID, Source: store.SourceCLI, Format: "csv",
			Body: fixture.Read(t, fixture.Multilingual), StartPipeline: true})
		if err != nil {
			return err
		}
		_, err = inserter.InsertTx(ctx, tx, jobs.IngestArgs{UploadID: id}, nil)
		return err
	}))
	require.NoError(t, client.Start(ctx))
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	deadline := time.Now().Add(90 * time.Second)
	for {
		a, err := store.AnalysisLatest(ctx, pool, productID)
		if err == nil && a.Status == "done" {
			break
		}
		require.True(t, time.Now().Before(deadline), "the analysis did not finish")
		time.Sleep(50 * time.Millisecond) // polling for a condition, with a deadline
	}
	count := func(sql string, args ...any) int64 {
		var n int64
		require.NoError(t, pool.QueryRow(ctx, sql, args...).Scan(&n))
		return n
	}
	for _, tbl := range []string{"insights", "review_tags"} {
		require.Positive(t, count("SELECT count(*) FROM "+tbl))
		require.Zero(t, count(fmt.Sprintf(`SELECT count(*) FROM %s q JOIN reviews r ON r.id = q.review_id
			WHERE q.quote_field IS NULL OR q.quote = '' OR substr(
				CASE q.quote_field WHEN 'title' THEN r.title WHEN 'body' THEN r.body
					WHEN 'title_translated' THEN r.title_translated WHEN 'body_translated' THEN r.body_translated END,
				q.quote_start + 1, q.quote_end - q.quote_start) IS DISTINCT FROM q.quote`, tbl)),
			"%s whose quote is not the review's own characters at its offsets", tbl)
	}
	var sent int64
	for _, n := range sim.Stats().Misquotes {
		sent += n
	}
	require.Positive(t, sent)
	require.Equal(t, sent, count(`SELECT coalesce(sum(dropped), 0) FROM llm_calls WHERE stage IN ($1, $2)`, voc.StageInsights, voc.StageThemes),
		"every misquote is recorded as a rejection")
	t.Logf("misquotes %v rejected and recorded; %d insights and %d tags stored, all exact",
		sim.Stats().Misquotes, count("SELECT count(*) FROM insights"), count("SELECT count(*) FROM review_tags"))
}
