package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

var (
	vocBinOnce sync.Once
	vocBinPath string
	vocBinErr  error
)

// vocBinary builds the voc binary once per test binary.
func vocBinary(t *testing.T) string {
	t.Helper()
	vocBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "voc-bin-")
		if err != nil {
			vocBinErr = err
			return
		}
		vocBinPath = filepath.Join(dir, "voc")
		out, err := exec.Command("go", "build", "-o", vocBinPath, ".").CombinedOutput()
		if err != nil {
			vocBinErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	require.NoError(t, vocBinErr)
	return vocBinPath
}

// reviewPhrases are the sentences synthetic reviews are made of: enough
// product, scenario and emotion words for the offline analyser to find
// insights and themes.
var reviewPhrases = []string{
	"The battery lasts two full days and charging is quick.",
	"Sound quality is excellent, clear highs and deep bass.",
	"The strap broke after a week, very disappointing.",
	"I use it every morning at the gym and it fits well.",
	"Setup was confusing and the manual did not help.",
	"Great value for the price, I bought one for my mother.",
	"The screen is too dim outside in the sun.",
	"Customer service replaced it quickly, I am happy.",
	"It gets hot while charging which worries me.",
	"Perfect gift for my son, he loves the colours.",
}

// synthCSV returns n synthetic reviews with ids prefixed by salt.
func synthCSV(n int, salt string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"review_id", "rating", "title", "text"})
	for i := 0; i < n; i++ {
		a, b := reviewPhrases[i%len(reviewPhrases)], reviewPhrases[(i*7+3)%len(reviewPhrases)]
		_ = w.Write([]string{fmt.Sprintf("%s-%d", salt, i), strconv.Itoa(1 + i%5), fmt.Sprintf("Review %d", i), a + " " + b})
	}
	w.Flush()
	return buf.Bytes()
}

// queueUpload stores an upload of body for a new product and queues its
// ingestion (and, with pipeline, the analysis after it).
func queueUpload(t *testing.T, pool *pgxpool.Pool, asin string, body []byte, pipeline bool) int64 {
	t.Helper()
	ctx := context.Background()
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	require.NoError(t, err)
	var id int64
	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: asin})
		if err != nil {
			return err
		}
		id, err = store.UploadCreate(ctx, tx, store.UploadInput{ProductID: p.ID, Source: store.SourceCLI, Format: "csv", Body: body, StartPipeline: pipeline})
		if err != nil {
			return err
		}
		_, err = inserter.InsertTx(ctx, tx, jobs.IngestArgs{UploadID: id}, nil)
		return err
	}))
	return id
}

// vocProc starts `voc ARGS...` with env on top of the test's environment;
// it is killed when the test ends.
func vocProc(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(vocBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}

// heldJob waits until a job of queue is running and held by hostID, and
// returns its id.
func heldJob(t *testing.T, pool *pgxpool.Pool, queue, hostID string, within time.Duration) int64 {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		var id int64
		err := pool.QueryRow(context.Background(), `SELECT id FROM river_job WHERE queue = $1 AND state = 'running'
			AND attempted_by[cardinality(attempted_by)] = $2 ORDER BY id LIMIT 1`, queue, hostID).Scan(&id)
		if err == nil {
			return id
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s job ran on host %s within %s", queue, hostID, within)
	return 0
}

type jobState struct {
	State   string
	Attempt int
	Handed  bool
}

func readJob(t *testing.T, pool *pgxpool.Pool, id int64) jobState {
	t.Helper()
	var s jobState
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT state::text, attempt, metadata ? 'voc_handed_back_at' FROM river_job WHERE id = $1`, id).
		Scan(&s.State, &s.Attempt, &s.Handed))
	return s
}

// killAndRestart kills proc with SIGKILL, checks that its job is left
// orphaned (still "running"), restarts the process with the same host id and
// returns how long the orphan took to finish. River's generic rescue would
// take RescueStuckJobsAfter (minutes); the restart hands the job back at
// once.
func killAndRestart(t *testing.T, pool *pgxpool.Pool, proc *exec.Cmd, jobID int64, env []string, args ...string) time.Duration {
	t.Helper()
	require.NoError(t, proc.Process.Signal(syscall.SIGKILL))
	_ = proc.Wait()
	orphan := readJob(t, pool, jobID)
	require.Equal(t, "running", orphan.State, "the killed process left its job running")
	require.Equal(t, 1, orphan.Attempt)
	restarted := time.Now()
	vocProc(t, env, args...)
	deadline := restarted.Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if s := readJob(t, pool, jobID); s.State == "completed" {
			took := time.Since(restarted)
			require.True(t, s.Handed, "the restart handed the job back")
			require.Equal(t, 1, s.Attempt, "the crash burnt no attempt")
			return took
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("orphaned job %d did not finish within 90 s of the restart: %+v", jobID, readJob(t, pool, jobID))
	return 0
}

// TestRecoveryAfterKill9MidIngestion kills a worker mid-ingestion and
// restarts it with the same VOC_HOST_ID: the orphaned ingestion continues
// at once (not after River's generic rescue), without a burnt attempt, and
// every review is stored exactly once.
func TestRecoveryAfterKill9MidIngestion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	dbURL := storetest.NewDB(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	const rows = 100_000
	uploadID := queueUpload(t, pool, "B0RECOVER1", synthCSV(rows, "ing"), false)

	env := []string{"DATABASE_URL=" + dbURL, "VOC_LLM_PROVIDER=offline", "VOC_HOST_ID=recovery-ingest"}
	args := []string{"worker", "--migrate=false", "--queues", "ingestion=1", "--log-level", "warn"}
	proc := vocProc(t, env, args...)
	job := heldJob(t, pool, jobs.QueueIngestion, "recovery-ingest", 60*time.Second)
	// Let it get into the file before the kill.
	time.Sleep(300 * time.Millisecond)
	took := killAndRestart(t, pool, proc, job, env, args...)
	t.Logf("orphaned ingestion finished %s after the restart", took.Round(time.Millisecond))

	var status string
	var ingested, n, distinct int
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT status, rows_ingested FROM uploads WHERE id = $1", uploadID).Scan(&status, &ingested))
	require.Equal(t, "done", status)
	require.Equal(t, rows, ingested)
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*), count(DISTINCT source_review_id) FROM reviews").Scan(&n, &distinct))
	require.Equal(t, rows, n)
	require.Equal(t, n, distinct)
}

// TestRecoveryAfterKill9MidAnalysis kills a worker while it waits on the
// LLM for an insight batch and restarts it with the same VOC_HOST_ID: the
// orphaned batch continues at once without a burnt attempt, and the
// analysis completes with nothing duplicated.
func TestRecoveryAfterKill9MidAnalysis(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	cfg := llmsim.DefaultConfig()
	cfg.Latency, cfg.Jitter = 1500*time.Millisecond, 0
	sim := httptest.NewServer(llmsim.New(cfg, offline.New()))
	t.Cleanup(sim.Close)
	dbURL := storetest.NewDB(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	const rows = 60
	queueUpload(t, pool, "B0RECOVER2", synthCSV(rows, "ana"), true)

	env := []string{"DATABASE_URL=" + dbURL, "VOC_HOST_ID=recovery-analysis", "VOC_LLM_PROVIDER=openai", "VOC_LLM_API_KEY=sim-key",
		"VOC_LLM_BASE_URL=" + sim.URL + "/v1", "VOC_LLM_MODEL=voc-sim", "VOC_LLM_RPS=100000"}
	args := []string{"worker", "--migrate=false", "--log-level", "warn"}
	proc := vocProc(t, env, args...)
	job := heldJob(t, pool, jobs.QueueInsights, "recovery-analysis", 60*time.Second)
	took := killAndRestart(t, pool, proc, job, env, args...)
	t.Logf("orphaned insight batch finished %s after the restart", took.Round(time.Millisecond))

	deadline := time.Now().Add(90 * time.Second)
	var status string
	for time.Now().Before(deadline) {
		require.NoError(t, pool.QueryRow(context.Background(), "SELECT status FROM analyses ORDER BY id LIMIT 1").Scan(&status))
		if status != "running" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.Equal(t, "done", status)
	var reviews, insightsDone, themesDone, ins, distinctIns, tags, distinctTags int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM reviews), (SELECT insights_done FROM analyses), (SELECT themes_done FROM analyses),
		(SELECT count(*) FROM insights), (SELECT count(*) FROM (SELECT DISTINCT review_id, type, dimension_id, quote FROM insights) d),
		(SELECT count(*) FROM review_tags), (SELECT count(*) FROM (SELECT DISTINCT review_id, type, label_id, quote FROM review_tags) d)`).
		Scan(&reviews, &insightsDone, &themesDone, &ins, &distinctIns, &tags, &distinctTags))
	require.Equal(t, rows, reviews)
	require.Equal(t, rows, insightsDone)
	require.Equal(t, rows, themesDone)
	require.Positive(t, ins)
	require.Equal(t, ins, distinctIns, "no duplicated insight")
	require.Equal(t, tags, distinctTags, "no duplicated tag")
}

// TestHostIDInUseRefused starts a second process with a live process's
// VOC_HOST_ID: it refuses to start, naming the variable.
func TestHostIDInUseRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds processes")
	}
	dbURL := storetest.NewDB(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	env := []string{"DATABASE_URL=" + dbURL, "VOC_LLM_PROVIDER=offline", "VOC_HOST_ID=twin"}
	args := []string{"worker", "--migrate=false", "--queues", "ingestion=1", "--log-level", "warn"}
	vocProc(t, env, args...)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var live bool
		if pool.QueryRow(context.Background(), "SELECT stopped_at IS NULL FROM voc_hosts WHERE host_id = 'twin'").Scan(&live) == nil && live {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd := exec.Command(vocBinary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "a second process with the same VOC_HOST_ID must not start")
	require.Contains(t, string(out), `VOC_HOST_ID "twin" is in use by another running voc process`)
	require.True(t, strings.Contains(string(out), "worker pid"), string(out))
}

// TestStatusAndQueueCommands runs `voc queue pause` and `voc status`
// against a live worker: the host is listed as live with its queues, and
// the paused queue says so.
func TestStatusAndQueueCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds processes")
	}
	dbURL := storetest.NewDB(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	env := []string{"DATABASE_URL=" + dbURL, "VOC_LLM_PROVIDER=offline"}
	vocProc(t, append(env, "VOC_HOST_ID=status-a"), "worker", "--migrate=false", "--queues", "insight_extraction=1,theme_extraction=1", "--log-level", "warn")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM voc_hosts WHERE host_id = 'status-a'").Scan(&n))
		if n == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(vocBinary(t), args...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("queue", "pause", "reports")
	require.NoError(t, err, out)
	require.Contains(t, out, "queue reports paused")
	out, err = run("queue", "pause", "nope")
	require.Error(t, err)
	require.Contains(t, out, `unknown queue "nope"`)
	out, err = run("status")
	require.NoError(t, err, out)
	var hostLine, reportsLine string
	for _, l := range strings.Split(out, "\n") {
		switch f := strings.Fields(l); {
		case len(f) > 0 && f[0] == "status-a":
			hostLine = l
		case len(f) > 1 && f[0] == "reports" && f[1] == "since":
			reportsLine = l
		}
	}
	require.Contains(t, hostLine, "worker", out)
	require.Contains(t, hostLine, "live", out)
	require.Contains(t, hostLine, "insight_extraction,theme_extraction", out)
	require.NotEmpty(t, reportsLine, "the paused queue is listed as paused:\n"+out)
	out, err = run("queue", "resume", "reports")
	require.NoError(t, err, out)
	out, err = run("queue", "list")
	require.NoError(t, err, out)
	require.Regexp(t, `(?m)^reports\s+no\s`, out)
}
