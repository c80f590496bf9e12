package jobs

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/store"
)

// ProgressArgs folds an analysis's batch progress into its row and decides
// what the new progress starts: the preliminary and final report jobs, or
// the end of a translate-only analysis.
//
// Batch commits do not touch the analysis row: each adds its counts to
// analysis_progress (store.*Apply), so hundreds of batches of one analysis
// commit side by side instead of queueing on one row lock (issue 10). Every
// theme batch, and every translation batch of a translate-only analysis,
// inserts one of these jobs in its own commit, so the fold that sees a
// threshold crossed always runs after the commit that crossed it. Folds of
// one analysis serialize on its row, and the report flags they set under
// that lock (store.AnalysisMarkReportQueued) make each report job queued
// once; a fold that finds nothing new changes nothing.
//
// Only theme commits need a fold for the reports: a review's theme batch is
// queued by the commit that settles its insights, so insights progress is
// never behind themes progress, and both thresholds are crossed when the
// themes one is.
type ProgressArgs struct {
	AnalysisID int64 `json:"analysis_id"`
}

// Kind implements river.JobArgs.
func (ProgressArgs) Kind() string { return "fold_progress" }

// InsertOpts implements river.JobArgsWithInsertOpts. The fold is the tail
// of the theme stage and runs on its queue, which has slots to spare (a
// fold takes no LLM turn).
func (ProgressArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueThemes, MaxAttempts: 25, Priority: 2}
}

// ProgressWorker works ProgressArgs.
type ProgressWorker struct {
	river.WorkerDefaults[ProgressArgs]
	*stage
}

// Work implements river.Worker.
func (w *ProgressWorker) Work(ctx context.Context, job *river.Job[ProgressArgs]) error {
	ctx = store.WithAnalysisID(ctx, job.Args.AnalysisID)
	return store.InTx(ctx, w.pool, func(tx pgx.Tx) error {
		if err := store.AsyncCommit(ctx, tx); err != nil {
			return err
		}
		a, err := store.AnalysisProgressFold(ctx, tx, job.Args.AnalysisID)
		if err != nil {
			return err
		}
		var next []river.InsertManyParams
		switch {
		case a.Status != store.AnalysisRunning:
			// Cancelled or finished: the counts are folded, nothing starts.
		case a.Kind == AnalysisTranslateOnly:
			if a.ReviewsTotal > 0 && a.TranslationDone+a.TranslationFailed >= a.ReviewsTotal {
				if err := store.AnalysisFinish(ctx, tx, a.ID, "done"); err != nil {
					return err
				}
			}
		default:
			if next, err = reportJobs(ctx, tx, a); err != nil {
				return err
			}
		}
		if err := insertMany(ctx, tx, next); err != nil {
			return err
		}
		if err := testHookBeforeCommit(ctx, job.Kind); err != nil {
			return err
		}
		return complete(ctx, tx, job)
	})
}

// foldJob is the fold a batch commit queues with its results.
func foldJob(analysisID int64) river.InsertManyParams {
	return river.InsertManyParams{Args: ProgressArgs{AnalysisID: analysisID}}
}
