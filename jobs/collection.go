package jobs

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/store"
)

// CollectionCompleteArgs starts the analysis of a product's pushed reviews
// once its uploads are ingested (the extension's collection-complete call).
type CollectionCompleteArgs struct {
	ProductID    int64  `json:"product_id"`
	AnalysisKind string `json:"analysis_kind"`
}

// Kind implements river.JobArgs.
func (CollectionCompleteArgs) Kind() string { return "collection_complete" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (CollectionCompleteArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueIngestion, MaxAttempts: 10, Priority: 2}
}

// maxCollectionWait bounds how long an analysis waits for in-flight uploads;
// every upload ends done or failed well before, so this only guards against
// an upload stranded by an operator.
const maxCollectionWait = time.Hour

// CollectionCompleteWorker waits (by snoozing) for the product's uploads to
// finish ingesting, then starts the analysis in the same transaction as its
// own completion.
type CollectionCompleteWorker struct {
	river.WorkerDefaults[CollectionCompleteArgs]
	*stage
}

// Work implements river.Worker.
func (w *CollectionCompleteWorker) Work(ctx context.Context, job *river.Job[CollectionCompleteArgs]) error {
	n, err := store.UploadsInFlight(ctx, w.pool, job.Args.ProductID)
	if err != nil {
		return err
	}
	if n > 0 && time.Since(job.CreatedAt) < maxCollectionWait {
		return river.JobSnooze(2 * time.Second)
	}
	return commit(ctx, w.pool, job, func(tx pgx.Tx) ([]river.InsertManyParams, error) {
		_, next, err := StartAnalysis(ctx, tx, job.Args.ProductID, job.Args.AnalysisKind, nil, 0)
		return next, err
	})
}
