package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// VacuumArgs asks for a VACUUM (ANALYZE) of the tables an analysis fills.
// The final report's commit queues one: an analysis writes thousands of
// rows at once, and until a vacuum marks their pages all-visible the
// dashboard cannot read the insights by index alone (it was 1.1–1.3 s
// instead of 0.6–0.9 s at 100k reviews right after a bulk load, until
// autovacuum came by; docs/BENCHMARKS.md). Autovacuum's insert threshold
// (20% of the table) may not come at all for a new product in a large
// deployment.
type VacuumArgs struct{}

// Kind implements river.JobArgs.
func (VacuumArgs) Kind() string { return "vacuum_analysed" }

// InsertOpts implements river.JobArgsWithInsertOpts: the reports queue, at
// low priority, behind any report.
func (VacuumArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueReports, MaxAttempts: 3, Priority: 4}
}

// vacuumTables are the tables an analysis writes and the dashboard reads.
const vacuumTables = "insights, review_tags, review_sentiments, reviews"

// VacuumWorker vacuums and analyses vacuumTables. SKIP_LOCKED: a table
// that another vacuum (autovacuum, or this job for another analysis) holds
// is skipped rather than waited for. VACUUM runs outside any transaction,
// so the job completes on its own afterwards; a crash in between vacuums
// again, which is harmless.
type VacuumWorker struct {
	river.WorkerDefaults[VacuumArgs]
	*stage
}

// Timeout implements river.Worker: a vacuum of large tables may take
// minutes (it reads only pages not yet all-visible).
func (w *VacuumWorker) Timeout(*river.Job[VacuumArgs]) time.Duration { return 30 * time.Minute }

// Work implements river.Worker.
func (w *VacuumWorker) Work(ctx context.Context, _ *river.Job[VacuumArgs]) error {
	_, err := w.pool.Exec(ctx, "VACUUM (ANALYZE, SKIP_LOCKED) "+vacuumTables)
	return err
}
