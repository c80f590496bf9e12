package main

import (
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// pipelineRun is one database with the multilingual fixture uploaded, and the
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
	body := fixture.Read(t, fixture.Multilingual)
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

// start runs a worker for queues; env adds to its environment.
func (r *pipelineRun) start(queues string, env ...string) *exec.Cmd {
	cmd := exec.Command(r.bin, "worker", "--migrate=false", "--queues", queues, "--log-level", "error")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+r.dbURL, "VOC_LLM_PROVIDER=openai", "VOC_LLM_API_KEY=sim-key",
		"VOC_LLM_BASE_URL="+r.simURL+"/v1", "VOC_LLM_MODEL=voc-sim", "VOC_LLM_RPS=100000") // a budget that never binds (zero is refused)
	cmd.Env = append(cmd.Env, env...)
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

// killWhileRunning starts a worker with start, waits until a job of queue
// is running, lets it run for a random moment (a different crash point each
// time), kills the process with SIGKILL and reports whether the kill landed:
// the job it saw running was still running, uncommitted, when the process
// died. It then hands the dead worker's jobs back, as River's rescuer would
// after RescueStuckJobsAfter. It returns false at once when the queue has
// no job to run.
func killWhileRunning(t *testing.T, pool *pgxpool.Pool, queue string, start func() *exec.Cmd, maxDelay time.Duration) bool {
	t.Helper()
	ctx := context.Background()
	var open int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE queue = $1 AND state NOT IN ('completed', 'discarded', 'cancelled')`, queue).Scan(&open))
	if open == 0 {
		return false
	}
	cmd := start()
	var jobID int64
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := pool.QueryRow(ctx, `SELECT id FROM river_job WHERE queue = $1 AND state = 'running' ORDER BY id LIMIT 1`, queue).Scan(&jobID)
		if err == nil {
			break
		}
		require.ErrorIs(t, err, pgx.ErrNoRows)
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("no %s job started running within a minute", queue)
		}
		time.Sleep(5 * time.Millisecond) // polling for the job to start
	}
	time.Sleep(time.Duration(rand.Int64N(int64(maxDelay) + 1))) // a random crash point inside the job
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	var state string
	require.NoError(t, pool.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, jobID).Scan(&state))
	_, err := pool.Exec(ctx, "UPDATE river_job SET state = 'available', attempted_by = NULL WHERE state = 'running' AND queue = $1", queue)
	require.NoError(t, err)
	return state == "running"
}

// minLandedKills is how many kills must interrupt a running job of each
// stage.
const minLandedKills = 3

// TestPipelineSurvivesKill9 kills the worker with SIGKILL while a job of
// each stage is running (at least three kills that interrupt a running job
// per stage, at random points inside it), restarts it, and checks that the
// final result is exactly what an undisturbed run produces: nothing lost,
// nothing duplicated.
func TestPipelineSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	bin := buildVoc(t)
	cfg := llmsim.DefaultConfig()
	// Each call takes long enough for the test to see its job running
	// and kill the worker inside it.
	cfg.Latency, cfg.Jitter = 300*time.Millisecond, 100*time.Millisecond
	sim := httptest.NewServer(llmsim.New(cfg, offline.New()))
	defer sim.Close()

	// Reference: the same upload analysed without interruption.
	ref := newPipelineRun(t, bin, sim.URL)
	for _, q := range []string{jobs.QueueIngestion, jobs.QueueLearning, jobs.QueueTranslate, jobs.QueueInsights, jobs.QueueThemes, jobs.QueueReports} {
		ref.drain(q)
	}
	want := ref.outcome()
	require.Equal(t, fixture.MultilingualRows, want.Reviews)
	require.Equal(t, 2, want.Reports)
	require.Positive(t, want.Insights)

	run := newPipelineRun(t, bin, sim.URL)
	run.drain(jobs.QueueIngestion)
	landed, tries := map[string]int{}, map[string]int{}
	for _, q := range []string{jobs.QueueLearning, jobs.QueueTranslate, jobs.QueueInsights, jobs.QueueThemes, jobs.QueueReports} {
		// Each try costs the running jobs an attempt (8 in all), so stop
		// after six.
		for landed[q] < minLandedKills && tries[q] < 6 {
			tries[q]++
			if killWhileRunning(t, run.pool, q, func() *exec.Cmd { return run.start(q + "=4") }, 250*time.Millisecond) {
				landed[q]++
			}
		}
		run.drain(q)
	}
	got := run.outcome()
	t.Logf("kills that interrupted a running job, per stage: %v (of %v tries)", landed, tries)
	t.Logf("reference: %+v", want)
	t.Logf("after kills: %+v", got)
	for _, q := range []string{jobs.QueueLearning, jobs.QueueTranslate, jobs.QueueInsights, jobs.QueueThemes, jobs.QueueReports} {
		require.GreaterOrEqual(t, landed[q], minLandedKills, "kills inside a running %s job", q)
	}
	require.Equal(t, want, got)
	require.Equal(t, got.Insights, got.DistinctInsights, "no duplicated insight")
	require.Equal(t, got.Tags, got.DistinctTags, "no duplicated tag")
	require.Equal(t, 1, run.int("SELECT count(*) FROM reports WHERE kind = 'preliminary'"))
	require.Equal(t, 1, run.int("SELECT count(*) FROM analyses WHERE status = 'done'"))
}
