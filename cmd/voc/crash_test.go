package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// buildVoc compiles the binary under test once per test.
func buildVoc(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "voc")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// bigCSV replicates the committed multilingual fixture into n rows with
// unique review ids.
func bigCSV(t *testing.T, n int, salt string) []byte {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(fixture.Read(t, fixture.Multilingual))).ReadAll()
	require.NoError(t, err)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"review_id", "rating", "text"})
	for i := 0; i < n; i++ {
		r := recs[1+i%(len(recs)-1)] // review_id,rating,title,body,...
		_ = w.Write([]string{fmt.Sprintf("%s-%s-%d", salt, r[0], i), r[1], r[3]})
	}
	w.Flush()
	return buf.Bytes()
}

// TestIngestSurvivesKill9 kills the worker process while an ingestion job
// is running (at least three kills that interrupt one, at random points
// inside it), restarts it, and checks that every review is there exactly
// once.
func TestIngestSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	bin := buildVoc(t)
	dbURL := storetest.NewDB(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	require.NoError(t, err)
	defer pool.Close()
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	require.NoError(t, err)

	const uploads, rows = 6, 15_000
	// Two uploads per product, overlapping by half, so dedupe across uploads
	// is exercised under crashes too.
	var uploadIDs []int64
	for i := 0; i < uploads; i++ {
		prod := fmt.Sprintf("B0KILL%04d", i/2)
		body := bigCSV(t, rows, prod)
		if i%2 == 1 {
			body = append(bigCSV(t, rows, prod)[:], bigCSV(t, rows/2, prod+"x")[len("review_id,rating,text\n"):]...)
		}
		err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: prod})
			if err != nil {
				return err
			}
			id, err := store.UploadCreate(ctx, tx, store.UploadInput{ProductID: p.ID, Source: store.SourceCLI, Format: "csv", Body: body})
			if err != nil {
				return err
			}
			uploadIDs = append(uploadIDs, id)
			_, err = inserter.InsertTx(ctx, tx, jobs.IngestArgs{UploadID: id}, nil)
			return err
		})
		require.NoError(t, err)
	}

	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "worker", "--queues", "ingestion=2", "--log-level", "error")
		cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "VOC_LLM_PROVIDER=offline")
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		return cmd
	}
	done := func() int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM uploads WHERE status IN ('done','failed')").Scan(&n))
		return n
	}
	landed, tries := 0, 0
	for landed < minLandedKills && tries < 8 && done() < uploads {
		tries++
		if killWhileRunning(t, pool, jobs.QueueIngestion, start, 300*time.Millisecond) {
			landed++
		}
	}
	// River rescues jobs stuck "running" after their timeout; a dead
	// worker's jobs are made available again right away for this test.
	_, err = pool.Exec(ctx, "UPDATE river_job SET state = 'available', attempted_by = NULL WHERE state = 'running'")
	require.NoError(t, err)
	cmd := start()
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for done() < uploads && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
	}
	if done() < uploads {
		rows, _ := pool.Query(ctx, "SELECT kind, state, attempt, coalesce(errors::text, '') FROM river_job")
		for rows.Next() {
			var k, st, errs string
			var att int
			_ = rows.Scan(&k, &st, &att, &errs)
			t.Logf("job %s %s attempt %d errors %.300s", k, st, att, errs)
		}
		rows, _ = pool.Query(ctx, "SELECT pid, state, coalesce(wait_event_type,''), coalesce(wait_event,''), left(query, 120) FROM pg_stat_activity WHERE datname = current_database()")
		for rows.Next() {
			var pid int
			var st, wt, we, q string
			_ = rows.Scan(&pid, &st, &wt, &we, &q)
			t.Logf("backend %d %s %s/%s %s", pid, st, wt, we, q)
		}
	}
	require.Equal(t, uploads, done(), "all uploads finish")
	t.Logf("kills that interrupted a running ingestion: %d of %d tries", landed, tries)
	require.GreaterOrEqual(t, landed, minLandedKills, "kills inside a running ingestion job")

	for i := 0; i < uploads/2; i++ {
		prod := fmt.Sprintf("B0KILL%04d", i)
		var n, distinct int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT source_review_id) FROM reviews r
			JOIN products p ON p.id = r.product_id WHERE p.asin = $1`, prod).Scan(&n, &distinct))
		require.Equal(t, rows+rows/2, n, prod)
		require.Equal(t, n, distinct, prod)
	}
	var ingested, dup int
	require.NoError(t, pool.QueryRow(ctx, "SELECT sum(rows_ingested), sum(rows_duplicate) FROM uploads WHERE status = 'done'").Scan(&ingested, &dup))
	require.Equal(t, (rows+rows/2)*uploads/2, ingested)
	require.Equal(t, rows*uploads/2, dup)
}
