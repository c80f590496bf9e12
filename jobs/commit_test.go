package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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

// outsideStageTx are the tables written outside a stage's transaction on
// purpose: the learning and report stages record their LLM calls as they
// happen, whatever the stage does with the answer (the batch stages record
// theirs in their commit, or on their own if the job does not commit:
// TestJobCallsSideBySide). River's own bookkeeping tables (river_leader, river_queue,
// river_client…) are left out too; river_job is checked.
var outsideStageTx = map[string]bool{"llm_calls": true, "goose_db_version": true}

// hop is one stage's run in TestEveryHopCommitsOnce.
type hop struct {
	queue, kind string
	next        []string // kinds the stage's transaction must insert
	// also names kinds on the same queue that run after the stage's jobs
	// (the progress fold after themes): their transactions are the stage's
	// too when the rows they write are checked.
	also []string
	// deltas: the stage adds its progress as one analysis_progress row per
	// job, instead of updating the analysis row.
	deltas bool
	// savepoint names tables the stage writes inside a savepoint of its
	// transaction: their rows carry the subtransaction's xid, which
	// Postgres does not map back to its parent. That they belong to the
	// job's transaction is proved by the failure run, which rolls them back.
	savepoint map[string]bool
	// results returns, for one completed job, queries that must each find
	// at least one row, and whose rows must all carry that job's xid.
	results func(args []byte) []string
}

// proof works queues through River's real executor (a river.Client that
// works only the queue under test, so the next stage's jobs stay unworked)
// and reads transaction ids from Postgres.
type proof struct {
	t    *testing.T
	pool *pgxpool.Pool
	deps jobs.Deps
}

func (p *proof) int(sql string, args ...any) int64 {
	p.t.Helper()
	var n int64
	require.NoError(p.t, p.pool.QueryRow(context.Background(), sql, args...).Scan(&n), sql)
	return n
}

// xid returns a fresh transaction id: every row written after this call
// carries an xmin at or above it (a test cluster never wraps around).
func (p *proof) xid() int64 {
	return p.int("SELECT (pg_current_xact_id()::text::bigint & 4294967295)")
}

// appTables lists the application's tables whose rows stages write.
func (p *proof) appTables() []string {
	rows, err := p.pool.Query(context.Background(), `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'river\_%' ORDER BY 1`)
	require.NoError(p.t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(p.t, err)
	return slices.DeleteFunc(names, func(n string) bool { return outsideStageTx[n] })
}

// changedSince returns, per table, the xmins of rows written since xid
// (river_job included).
func (p *proof) changedSince(xid int64) map[string][]int64 {
	out := map[string][]int64{}
	for _, tbl := range append(p.appTables(), "river_job") {
		rows, err := p.pool.Query(context.Background(), fmt.Sprintf(
			`SELECT xmin::text::bigint FROM %s WHERE xmin::text::bigint >= $1`, pgx.Identifier{tbl}.Sanitize()), xid)
		require.NoError(p.t, err)
		xs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(p.t, err)
		if len(xs) > 0 {
			out[tbl] = xs
		}
	}
	return out
}

// work runs a client on queue until done reports true, then stops it. With
// release, snoozed jobs are made available at once.
func (p *proof) work(queue string, release bool, done func() bool) {
	p.t.Helper()
	ctx := context.Background()
	client, err := jobs.NewClient(p.deps, map[string]int{queue: 2})
	require.NoError(p.t, err)
	require.NoError(p.t, client.Start(ctx))
	deadline := time.Now().Add(60 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			_ = client.Stop(ctx)
			p.t.Fatalf("queue %s: jobs did not finish in time", queue)
		}
		// The final report snoozes until the preliminary one is stored;
		// release snoozed jobs now instead of waiting for River's
		// scheduler.
		if release {
			_, err := p.pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now()
				WHERE queue = $1 AND (state = 'scheduled' OR state = 'available' AND scheduled_at > now())`, queue)
			require.NoError(p.t, err)
		}
		time.Sleep(50 * time.Millisecond) // polling for a condition, with a deadline
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(p.t, client.Stop(sctx))
}

// failThenCommit is the proof for one hop. First every job of the stage
// fails at the last moment before its commit: afterwards no row of any
// application table and no job row is new or changed, except the failed
// jobs themselves (River records the error). Then the jobs run again and
// commit: every row written by the run carries the transaction id of one of
// the stage's completed jobs — its results, the progress on analyses, the
// next jobs and the completion of the job itself — and each job's results
// and next jobs carry its own id.
func (p *proof) failThenCommit(h hop) {
	t := p.t
	ctx := context.Background()
	open := func() int64 {
		return p.int(`SELECT count(*) FROM river_job WHERE queue = $1 AND (state = 'running' OR state = 'available' AND scheduled_at <= now())`, h.queue)
	}
	require.Positive(t, open(), "queue %s has jobs", h.queue)
	maxJob := p.int("SELECT coalesce(max(id), 0) FROM river_job")

	// 1. A failure just before the commit leaves no trace.
	var injected atomic.Int64
	restore := jobs.SetBeforeCommitHook(func(_ context.Context, kind string) error {
		if kind == h.kind {
			injected.Add(1)
			return errors.New("injected failure before commit of " + kind)
		}
		return nil
	})
	start := p.xid()
	p.work(h.queue, false, func() bool {
		// Every job failed before its commit, or snoozed (the final
		// report waits for the preliminary one).
		return open() == 0 && p.int(`SELECT count(*) FROM river_job WHERE queue = $1 AND kind = $2 AND errors IS NULL AND scheduled_at <= now()`, h.queue, h.kind) == 0
	})
	restore()
	require.Positive(t, injected.Load())
	changed := p.changedSince(start)
	for tbl, xs := range changed {
		switch tbl {
		case "river_job":
			// Only the failed (or snoozed) jobs of this queue changed.
			require.Equal(t, int64(len(xs)), p.int(`SELECT count(*) FROM river_job WHERE xmin::text::bigint >= $1 AND queue = $2 AND id <= $3
				AND state IN ('retryable', 'scheduled', 'available')`, start, h.queue, maxJob), "a job row was written by a failed %s", h.kind)
		case "uploads":
			// Ingestion marks the upload as ingesting before it starts.
			require.Equal(t, int64(len(xs)), p.int(`SELECT count(*) FROM uploads WHERE xmin::text::bigint >= $1 AND status = 'ingesting'`, start))
		default:
			t.Fatalf("a failed %s left %d rows in %s", h.kind, len(xs), tbl)
		}
	}
	require.Zero(t, p.int("SELECT count(*) FROM river_job WHERE id > $1", maxJob), "a failed %s inserted jobs", h.kind)
	require.Zero(t, p.int(`SELECT count(*) FROM river_job WHERE queue = $1 AND state = 'completed' AND id <= $2 AND xmin::text::bigint >= $3`, h.queue, maxJob, start))

	// 2. The retry commits everything in one transaction per job.
	_, err := p.pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now() WHERE queue = $1 AND state IN ('retryable', 'scheduled', 'available')`, h.queue)
	require.NoError(t, err)
	start = p.xid()
	p.work(h.queue, true, func() bool {
		return p.int(`SELECT count(*) FROM river_job WHERE queue = $1 AND state <> 'completed'`, h.queue) == 0
	})
	type done struct {
		id, xid int64
		args    []byte
	}
	rows, err := p.pool.Query(ctx, `SELECT id, xmin::text::bigint, args FROM river_job WHERE queue = $1 AND kind = $2 AND state = 'completed'
		AND xmin::text::bigint >= $3 ORDER BY id`, h.queue, h.kind, start)
	require.NoError(t, err)
	completed, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (done, error) {
		var d done
		return d, r.Scan(&d.id, &d.xid, &d.args)
	})
	require.NoError(t, err)
	require.NotEmpty(t, completed)
	xids := map[int64]bool{}
	for _, d := range completed {
		require.False(t, xids[d.xid], "two jobs completed in one transaction")
		xids[d.xid] = true
	}
	for _, k := range h.also {
		rows, err := p.pool.Query(ctx, `SELECT xmin::text::bigint FROM river_job WHERE queue = $1 AND kind = $2 AND state = 'completed'
			AND xmin::text::bigint >= $3`, h.queue, k, start)
		require.NoError(t, err)
		more, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		require.NoError(t, err)
		for _, x := range more {
			require.False(t, xids[x], "a %s job completed in another job's transaction", k)
			xids[x] = true
		}
	}
	var stray []string
	for tbl, xs := range p.changedSince(start) {
		n := 0
		for _, x := range xs {
			if !xids[x] {
				n++
			}
		}
		if n > 0 && !(h.savepoint[tbl] && n == len(xs)) {
			stray = append(stray, fmt.Sprintf("%d of %d rows in %s", n, len(xs), tbl))
		}
	}
	require.Empty(t, stray, "%s: rows written by a transaction that did not complete a %s job", h.kind, h.kind)
	if h.deltas {
		// Each job added its progress as one row of its own, in its
		// transaction, and left the analysis row alone.
		for _, d := range completed {
			require.Equal(t, int64(1), p.int(`SELECT count(*) FROM analysis_progress WHERE xmin::text::bigint = $1`, d.xid),
				"%s job %d: its progress row", h.kind, d.id)
		}
		require.Less(t, p.int("SELECT xmin::text::bigint FROM analyses ORDER BY id DESC LIMIT 1"), start, "%s: a batch commit updated the analysis row", h.kind)
	} else {
		// The progress update is in one of them.
		require.True(t, xids[p.int("SELECT xmin::text::bigint FROM analyses ORDER BY id DESC LIMIT 1")], "%s: progress on analyses", h.kind)
	}
	// Each job's own results and next jobs carry its transaction id.
	for _, d := range completed {
		for _, k := range h.next {
			require.Positive(t, p.int(`SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'available' AND xmin::text::bigint = $2`, k, d.xid),
				"%s job %d: no %s job in its transaction", h.kind, d.id, k)
		}
		for _, q := range h.results(d.args) {
			n := p.int(`SELECT count(*) FROM (` + q + `) r`)
			require.Positive(t, n, "%s job %d: no rows for %s", h.kind, d.id, q)
			require.Equal(t, n, p.int(`SELECT count(*) FROM (`+q+`) r WHERE r.x = $1`, d.xid), "%s job %d: rows of %s in another transaction", h.kind, d.id, q)
		}
	}
	rowsWritten := 0
	for _, xs := range p.changedSince(start) {
		rowsWritten += len(xs)
	}
	t.Logf("%s: %d injected failures left no trace; then %d jobs committed %d rows, each job's in its own transaction",
		h.kind, injected.Load(), len(completed), rowsWritten)
}

// batchIDs is the review id list of a batch job's args, as SQL.
func batchIDs(args []byte) string {
	return fmt.Sprintf(`SELECT jsonb_array_elements_text('%s'::jsonb->'review_ids')::bigint`, strings.ReplaceAll(string(args), "'", "''"))
}

// TestEveryHopCommitsOnce proves the same-commit hand-off for every hop of
// the pipeline on the committed fixture, through River's real executor:
// ingestion → learning → translation → insights → themes → reports (and
// insights → reports, in its own subtest). For each stage a failure injected
// just before the commit leaves nothing visible, and the committed run
// writes results, progress, next jobs and the job's completion with one
// transaction id.
func TestEveryHopCommitsOnce(t *testing.T) {
	pool := storetest.NewPool(t)
	ctx := context.Background()
	sim := httptest.NewServer(llmsim.New(llmsim.Config{Seed: 1}, offline.New()))
	t.Cleanup(sim.Close)
	provider, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: sim.URL + "/v1", APIKey: "sim-key", Model: "voc-sim",
		Timeout: 20 * time.Second, Recorder: store.CallRecorder{DB: pool}})
	require.NoError(t, err)
	p := &proof{t: t, pool: pool, deps: jobs.Deps{Pool: pool, Log: quiet, LLM: provider}}

	inserter, err := river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		pr, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: "B0HOPS0001", TargetLanguage: "en"})
		if err != nil {
			return err
		}
		id, err := store.UploadCreate(ctx, tx, store.UploadInput{ProductID: pr.ID, Source: store.SourceCLI, Format: "csv",
			Body: fixture.Read(t, fixture.Multilingual), StartPipeline: true})
		if err != nil {
			return err
		}
		_, err = inserter.InsertTx(ctx, tx, jobs.IngestArgs{UploadID: id}, nil)
		return err
	}))

	analysisOf := func([]byte) string { return "(SELECT max(id) FROM analyses)" }
	hops := []hop{
		// The reviews are copied in under a savepoint (a file found broken
		// part-way imports nothing), so they carry a subtransaction's xid.
		{queue: jobs.QueueIngestion, kind: "ingest_upload", next: []string{"learn_model"}, savepoint: map[string]bool{"reviews": true}, results: func(a []byte) []string {
			return []string{
				`SELECT xmin::text::bigint AS x FROM uploads WHERE status = 'done'`,
				`SELECT xmin::text::bigint AS x FROM analyses`,
			}
		}},
		{queue: jobs.QueueLearning, kind: "learn_model", next: []string{"translate_batch"}, results: func(a []byte) []string {
			return []string{
				`SELECT xmin::text::bigint AS x FROM product_models`,
				`SELECT xmin::text::bigint AS x FROM dimensions`,
				`SELECT xmin::text::bigint AS x FROM labels`,
			}
		}},
		{queue: jobs.QueueTranslate, kind: "translate_batch", next: []string{"extract_insights"}, deltas: true, results: func(a []byte) []string {
			// The batch's reviews in the target language were marked
			// skipped by the plan (learn_model); the rest are this job's.
			return []string{`SELECT xmin::text::bigint AS x FROM reviews WHERE id IN (` + batchIDs(a) + `) AND translation_status <> 'skipped'`}
		}},
		{queue: jobs.QueueInsights, kind: "extract_insights", next: []string{"extract_themes"}, deltas: true, results: func(a []byte) []string {
			return []string{
				`SELECT xmin::text::bigint AS x FROM insights WHERE review_id IN (` + batchIDs(a) + `)`,
				`SELECT xmin::text::bigint AS x FROM analysis_reviews WHERE review_id IN (` + batchIDs(a) + `)`,
			}
		}},
		// The themes' progress is folded into the analysis row by the fold
		// jobs each theme commit queues (same queue, run in the same pass).
		{queue: jobs.QueueThemes, kind: "extract_themes", also: []string{"fold_progress"}, results: func(a []byte) []string {
			return []string{
				`SELECT xmin::text::bigint AS x FROM review_tags WHERE review_id IN (` + batchIDs(a) + `)`,
				`SELECT xmin::text::bigint AS x FROM analysis_reviews WHERE review_id IN (` + batchIDs(a) + `)`,
			}
		}},
		// The final report queues a vacuum (same queue, run in the same
		// pass), which completes in a transaction of its own.
		{queue: jobs.QueueReports, kind: "build_report", also: []string{"vacuum_analysed"}, results: func(a []byte) []string {
			return []string{`SELECT xmin::text::bigint AS x FROM reports WHERE analysis_id = ` + analysisOf(a) +
				` AND kind = '` + strings.ReplaceAll(string(a), "'", "''") + `'::jsonb->>'report_kind'`}
		}},
	}
	for _, h := range hops {
		p.failThenCommit(h)
		if h.kind == "extract_themes" {
			// themes → fold → reports: the fold that brought both stages to
			// 90% (and to 100%) inserted the report jobs, in its commit.
			require.Equal(t, int64(2), p.int(`SELECT count(*) FROM river_job r WHERE r.kind = 'build_report'
				AND r.xmin = (SELECT t.xmin FROM river_job t WHERE t.kind = 'fold_progress' AND t.xmin = r.xmin)`))
			require.Zero(t, p.int(`SELECT count(*) FROM analysis_progress`), "every batch's progress was folded")
			require.Equal(t, p.int(`SELECT count(*) FROM river_job WHERE kind = 'extract_themes' AND state = 'completed'`),
				p.int(`SELECT count(*) FROM river_job WHERE kind = 'fold_progress'`), "each theme commit queued one fold")
		}
	}
	a, err := store.AnalysisLatest(ctx, pool, p.int("SELECT product_id FROM analyses LIMIT 1"))
	require.NoError(t, err)
	require.Equal(t, "done", a.Status)
	require.Equal(t, fixture.MultilingualRows, a.InsightsDone)
	require.Equal(t, fixture.MultilingualRows, a.ThemesDone)

	t.Run("insights to reports", func(t *testing.T) {
		// Reports are queued by the fold that sees insights and themes at
		// 90% (and 100%). Here the themes are marked done first, as when
		// only insights are redone: the insight commits add their progress,
		// and the folds queued by the theme commits that follow them queue
		// the reports.
		p := &proof{t: t, pool: pool, deps: p.deps}
		_, err := pool.Exec(ctx, `UPDATE analyses SET insights_done = 0, preliminary_queued = false, final_queued = false, status = 'running', finished_at = NULL WHERE id = $1`, a.ID)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `UPDATE analysis_reviews SET insights_state = 'pending' WHERE analysis_id = $1`, a.ID)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `DELETE FROM reports WHERE analysis_id = $1`, a.ID)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `DELETE FROM river_job`)
		require.NoError(t, err)
		var ids []int64
		require.NoError(t, pool.QueryRow(ctx, `SELECT array_agg(review_id ORDER BY review_id) FROM analysis_reviews WHERE analysis_id = $1`, a.ID).Scan(&ids))
		var params []river.InsertManyParams
		for i := 0; i < len(ids); i += 10 {
			params = append(params, river.InsertManyParams{Args: jobs.InsightArgs{AnalysisID: a.ID, ReviewIDs: ids[i:min(i+10, len(ids))]}})
		}
		_, err = inserter.InsertMany(ctx, params)
		require.NoError(t, err)
		p.failThenCommit(hop{queue: jobs.QueueInsights, kind: "extract_insights", next: []string{"extract_themes"}, deltas: true, results: hops[3].results})
		require.Zero(t, p.int(`SELECT count(*) FROM river_job WHERE kind = 'build_report'`), "insight commits queue no report")
		p.work(jobs.QueueThemes, false, func() bool {
			return p.int(`SELECT count(*) FROM river_job WHERE queue = $1 AND state <> 'completed'`, jobs.QueueThemes) == 0
		})
		require.Equal(t, int64(2), p.int(`SELECT count(*) FROM river_job r WHERE r.kind = 'build_report' AND r.state = 'available'
			AND r.xmin = (SELECT f.xmin FROM river_job f WHERE f.kind = 'fold_progress' AND f.xmin = r.xmin)`),
			"the fold that saw 90% and 100% queued the reports")
	})
}
