package main

import (
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
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

// pipelineRun is one database with the MARC sample uploaded, and the
// worker processes that analyse it.
type pipelineRun struct {
	t      *testing.T
	bin    string
	dbURL  string
	simURL string
	pool   *pgxpool.Pool
}

func newPipelineRun(t *testing.T, bin, simURL string) *pipelineRun {
	t.Helper()
	r := &pipelineRun{t: t, bin: bin, dbURL: storetest.NewDB(t), simURL: simURL}
	pool, err := pgxpool.New(context.Background(), r.dbURL)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	r.pool = pool
	ctx := context.Background()
	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	require.NoError(t, err)
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "marc_multilingual_sample.csv"))
	require.NoError(t, err)
	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		p, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: "B0CRASH001"})
		if err != nil {
			return err
		}
		id, err := store.UploadCreate(ctx, tx, store.UploadInput{ProductID: p.ID, Source: store.SourceCLI, Format: "csv", Body: body, StartPipeline: true})
		if err != nil {
			return err
		}
		_, err = inserter.InsertTx(ctx, tx, jobs.IngestArgs{UploadID: id}, nil)
		return err
	}))
	return r
}

func (r *pipelineRun) start(queues string) *exec.Cmd {
	cmd := exec.Command(r.bin, "worker", "--migrate=false", "--queues", queues, "--log-level", "error")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+r.dbURL, "VOC_LLM_PROVIDER=openai", "VOC_LLM_API_KEY=sim-key",
		"VOC_LLM_BASE_URL="+r.simURL+"/v1", "VOC_LLM_MODEL=voc-sim", "VOC_LLM_RPS=100000") // a budget that never binds (zero is refused)
	cmd.Stderr = os.Stderr
	require.NoError(r.t, cmd.Start())
	return cmd
}

func (r *pipelineRun) int(sql string, args ...any) int {
	var n int
	require.NoError(r.t, r.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// pending counts the queue's jobs that are not finished.
func (r *pipelineRun) pending(queue string) int {
	return r.int("SELECT count(*) FROM river_job WHERE queue = $1 AND state NOT IN ('completed', 'discarded', 'cancelled')", queue)
}

// drain runs a worker for the queue until it has nothing left.
func (r *pipelineRun) drain(queue string) {
	cmd := r.start(queue + "=4")
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	// Generous: under CI load a restarted worker first waits out the killed
	// one's leadership before River's scheduler releases snoozed jobs.
	deadline := time.Now().Add(4 * time.Minute)
	for r.pending(queue) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if r.pending(queue) > 0 {
		rows, _ := r.pool.Query(context.Background(), `SELECT kind, state, attempt, max_attempts, scheduled_at - now(), args::text, coalesce(errors::text, '')
			FROM river_job WHERE queue = $1 AND state NOT IN ('completed', 'discarded', 'cancelled')`, queue)
		for rows.Next() {
			var kind, state, args, errs string
			var attempt, maxAttempts int
			var in time.Duration
			_ = rows.Scan(&kind, &state, &attempt, &maxAttempts, &in, &args, &errs)
			r.t.Logf("open job %s %s attempt %d/%d scheduled in %s args %s errors %.400s", kind, state, attempt, maxAttempts, in, args, errs)
		}
		rows.Close()
	}
	require.Zero(r.t, r.pending(queue), "queue %s drains", queue)
}

// outcome summarises what the analysis stored.
type outcome struct {
	Reviews, Translated, Insights, Tags, Failures, Reports, Models, Dimensions, Labels int
	DistinctInsights, DistinctTags                                                     int
	InsightsDone, ThemesDone, TranslationDone                                          int
}

func (r *pipelineRun) outcome() outcome {
	var o outcome
	require.NoError(r.t, r.pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM reviews),
		(SELECT count(*) FROM reviews WHERE translation_status IN ('done', 'skipped')),
		(SELECT count(*) FROM insights),
		(SELECT count(*) FROM review_tags),
		(SELECT count(*) FROM review_failures),
		(SELECT count(*) FROM reports),
		(SELECT count(*) FROM product_models),
		(SELECT count(*) FROM dimensions),
		(SELECT count(*) FROM labels),
		(SELECT count(*) FROM (SELECT DISTINCT review_id, type, dimension_id, quote FROM insights) d),
		(SELECT count(*) FROM (SELECT DISTINCT review_id, type, label_id, quote FROM review_tags) d),
		(SELECT sum(insights_done) FROM analyses),
		(SELECT sum(themes_done) FROM analyses),
		(SELECT sum(translation_done) FROM analyses)`).Scan(
		&o.Reviews, &o.Translated, &o.Insights, &o.Tags, &o.Failures, &o.Reports, &o.Models, &o.Dimensions, &o.Labels,
		&o.DistinctInsights, &o.DistinctTags, &o.InsightsDone, &o.ThemesDone, &o.TranslationDone))
	return o
}

// TestPipelineSurvivesKill9 kills the worker with SIGKILL at random moments
// while each stage runs (5 times per stage), restarts it, and checks that
// the final result is exactly what an undisturbed run produces: nothing
// lost, nothing duplicated.
func TestPipelineSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	bin := buildVoc(t)
	cfg := llmsim.DefaultConfig()
	cfg.Latency, cfg.Jitter = 150*time.Millisecond, 100*time.Millisecond
	sim := httptest.NewServer(llmsim.New(cfg, offline.New()))
	defer sim.Close()

	// Reference: the same upload analysed without interruption.
	ref := newPipelineRun(t, bin, sim.URL)
	for _, q := range []string{jobs.QueueIngestion, jobs.QueueLearning, jobs.QueueTranslate, jobs.QueueInsights, jobs.QueueThemes, jobs.QueueReports} {
		ref.drain(q)
	}
	want := ref.outcome()
	require.Equal(t, 1200, want.Reviews)
	require.Equal(t, 2, want.Reports)
	require.Positive(t, want.Insights)

	run := newPipelineRun(t, bin, sim.URL)
	run.drain(jobs.QueueIngestion)
	kills := map[string]int{}
	for _, q := range []string{jobs.QueueLearning, jobs.QueueTranslate, jobs.QueueInsights, jobs.QueueThemes, jobs.QueueReports} {
		for k := 0; k < 5; k++ {
			cmd := run.start(q + "=4")
			time.Sleep(time.Duration(100+rand.IntN(900)) * time.Millisecond)
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			_ = cmd.Wait()
			kills[q]++
			// River's rescuer would return a dead worker's jobs after
			// RescueStuckJobsAfter; do it now.
			_, err := run.pool.Exec(context.Background(), "UPDATE river_job SET state = 'available' WHERE state = 'running' AND queue = $1", q)
			require.NoError(t, err)
		}
		run.drain(q)
	}
	got := run.outcome()
	t.Logf("kills per stage: %v", kills)
	t.Logf("reference: %+v", want)
	t.Logf("after kills: %+v", got)
	require.Equal(t, want, got)
	require.Equal(t, got.Insights, got.DistinctInsights, "no duplicated insight")
	require.Equal(t, got.Tags, got.DistinctTags, "no duplicated tag")
	require.Equal(t, 1, run.int("SELECT count(*) FROM reports WHERE kind = 'preliminary'"))
	require.Equal(t, 1, run.int("SELECT count(*) FROM analyses WHERE status = 'done'"))
}
