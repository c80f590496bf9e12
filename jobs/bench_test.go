package jobs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/language"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("VOC_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// sharedRows reads the MARC and Alexa files as (rating, text) pairs.
func sharedRows(b *testing.B) [][2]string {
	b.Helper()
	var out [][2]string
	raw := fixture.Shared(b, "marc_multilingual_sample.csv")
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	require.NoError(b, err)
	for _, r := range recs[1:] {
		out = append(out, [2]string{r[2], r[3]})
	}
	raw = fixture.Shared(b, "amazon_alexa_reviews.tsv")
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))))
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = '\t', true, -1
	recs, err = cr.ReadAll()
	require.NoError(b, err)
	for _, r := range recs[1:] {
		if len(bytes.TrimSpace([]byte(r[3]))) > 0 {
			out = append(out, [2]string{r[0], r[3]})
		}
	}
	return out
}

// BenchmarkIngestVsRawCopy ingests VOC_BENCH_ROWS reviews (default
// 1,000,000: the shared files replicated with unique review ids) through the
// ingestion job, and COPYs the same rows, already parsed, straight into the
// same table in the same run. It reports both rates and their ratio.
func BenchmarkIngestVsRawCopy(b *testing.B) {
	n := benchRows()
	src := sharedRows(b)
	var body bytes.Buffer
	w := csv.NewWriter(&body)
	_ = w.Write([]string{"review_id", "rating", "text"})
	rows := make([][]any, 0, n)
	for i := 0; i < n; i++ {
		r := src[i%len(src)]
		id := fmt.Sprintf("r%d", i)
		_ = w.Write([]string{id, r[0], r[1]})
		rating, _ := strconv.Atoi(r[0])
		h := sha256.Sum256([]byte(id))
		rows = append(rows, []any{id, h[:], int16(rating), r[1], language.Detect(r[1])})
	}
	w.Flush()
	b.Logf("%d rows, %.1f MB CSV", n, float64(body.Len())/1e6)

	pool := storetest.NewPool(b)
	ctx := context.Background()
	var ingestTotal, copyTotal time.Duration
	for i := 0; i < b.N; i++ {
		// voc's ingestion job, end to end (parse, validate, dedupe, detect
		// language, COPY, start the analysis).
		var uploadID, rawProduct int64
		require.NoError(b, store.InTx(ctx, pool, func(tx pgx.Tx) error {
			p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: fmt.Sprintf("B0BENCH%03d", i)})
			if err != nil {
				return err
			}
			uploadID, err = store.UploadCreate(ctx, tx, store.UploadInput{ProductID: p.ID, Source: store.SourceCLI, Format: "csv", Body: body.Bytes(), StartPipeline: true})
			if err != nil {
				return err
			}
			rp, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: fmt.Sprintf("B0RAWC%03d", i)})
			rawProduct = rp.ID
			return err
		}))
		_, err := pool.Exec(ctx, "VACUUM ANALYZE reviews")
		require.NoError(b, err)
		b.StartTimer()
		start := time.Now()
		ingestOnce(b, pool, uploadID)
		ingestTotal += time.Since(start)

		// Raw COPY of the same rows into the same table.
		start = time.Now()
		require.NoError(b, store.InTx(ctx, pool, func(tx pgx.Tx) error {
			// The same 19 columns voc's COPY writes, values precomputed.
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"reviews"}, []string{
				"product_id", "upload_id", "source_review_id", "content_hash", "author", "rating", "title", "body",
				"review_date", "review_date_raw", "verified_purchase", "helpful_votes", "has_video", "has_images",
				"image_urls", "video_url", "review_url", "variant", "language"},
				pgx.CopyFromFunc(func() func() ([]any, error) {
					j := 0
					empty := []string{}
					return func() ([]any, error) {
						if j == len(rows) {
							return nil, nil
						}
						r := rows[j]
						j++
						return []any{rawProduct, nil, r[0], r[1], "", r[2], "", r[3], nil, "", false, int32(0), false, false,
							empty, "", "", "", r[4]}, nil
					}
				}()))
			return err
		}))
		copyTotal += time.Since(start)
		b.StopTimer()
	}
	var ingested int
	require.NoError(b, pool.QueryRow(ctx, "SELECT count(*) FROM reviews WHERE upload_id IS NOT NULL").Scan(&ingested))
	require.Equal(b, n*b.N, ingested)
	ingestRate := float64(n*b.N) / ingestTotal.Seconds()
	copyRate := float64(n*b.N) / copyTotal.Seconds()
	b.ReportMetric(ingestRate, "ingest_reviews/s")
	b.ReportMetric(copyRate, "rawcopy_reviews/s")
	b.ReportMetric(ingestRate/copyRate, "ratio")
	b.ReportMetric(0, "ns/op")
}

func ingestOnce(b *testing.B, pool *pgxpool.Pool, uploadID int64) {
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	require.NoError(b, err)
	w := jobs.NewWorker[jobs.IngestArgs](jobs.Deps{Pool: pool, DB: tx, Log: quiet})
	tw := rivertest.NewWorker(b, riverpgxv5.New(pool), &river.Config{Logger: quiet}, w)
	res, err := tw.Work(ctx, b, tx, jobs.IngestArgs{UploadID: uploadID}, nil)
	require.NoError(b, err)
	require.Equal(b, river.EventKindJobCompleted, res.EventKind)
	require.NoError(b, tx.Commit(ctx))
}
