package jobs

// This file holds what operators control: cancelling an analysis (no LLM
// call starts for it afterwards, and no stage commits for it), retrying its
// failed reviews, and the timeouts River's generic rescue is tuned from.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/voc-project/voc/store"
)

// QueueTimeouts is the longest a job of each queue may run (River cancels
// its context after this). IngestWorker.Timeout returns the ingestion
// entry; every other kind runs under River's JobTimeout, the default entry.
var QueueTimeouts = map[string]time.Duration{
	QueueIngestion: 10 * time.Minute,
	QueueLearning:  defaultJobTimeout,
	QueueTranslate: defaultJobTimeout,
	QueueInsights:  defaultJobTimeout,
	QueueThemes:    defaultJobTimeout,
	QueueReports:   defaultJobTimeout,
	QueueDefault:   defaultJobTimeout,
}

// defaultJobTimeout is River's JobTimeout for every kind without its own.
const defaultJobTimeout = 5 * time.Minute

// rescueMargin is how long past its timeout a job must still be running
// before River's generic rescue takes it back: a job whose context was
// cancelled at its timeout has had this long to return.
const rescueMargin = time.Minute

// RescueStuckJobsAfter is River's generic rescue threshold. River 0.51 has
// one threshold per client, not per queue, so it is the longest queue
// timeout plus a margin: a shorter one would rescue (and run twice) jobs
// that are still working. It only matters for hosts that never come back;
// a restarted host hands its jobs back at once (see store.JobsHandBack).
func RescueStuckJobsAfter() time.Duration {
	var longest time.Duration
	for _, d := range QueueTimeouts {
		longest = max(longest, d)
	}
	return longest + rescueMargin
}

// analysisKinds are the job kinds that work for one analysis and carry its
// id as analysis_id.
var analysisKinds = []string{LearnArgs{}.Kind(), TranslateArgs{}.Kind(), InsightArgs{}.Kind(), ThemeArgs{}.Kind(), ProgressArgs{}.Kind(), ReportArgs{}.Kind()}

// AnalysisKinds returns the job kinds that belong to one analysis.
func AnalysisKinds() []string { return slices.Clone(analysisKinds) }

// errAnalysisCancelled ends a job of a cancelled analysis.
var errAnalysisCancelled = errors.New("analysis was cancelled")

// jobAnalysisID returns the analysis a job works for, or 0.
func jobAnalysisID(job *rivertype.JobRow) int64 {
	if !slices.Contains(analysisKinds, job.Kind) {
		return 0
	}
	var a struct {
		AnalysisID int64 `json:"analysis_id"`
	}
	if err := json.Unmarshal(job.EncodedArgs, &a); err != nil {
		return 0
	}
	return a.AnalysisID
}

// cancelGuard is worker middleware: a job of a cancelled analysis is
// cancelled before its worker runs, so no LLM call starts for it.
type cancelGuard struct {
	river.MiddlewareDefaults
	db store.DBTX
}

// Work implements rivertype.WorkerMiddleware.
func (g *cancelGuard) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	if id := jobAnalysisID(job); id > 0 {
		a, err := store.AnalysisGet(ctx, g.db, id)
		if err == nil && a.Status == store.AnalysisCancelled {
			return river.JobCancel(fmt.Errorf("analysis %d: %w", id, errAnalysisCancelled))
		}
	}
	return doInner(ctx)
}

// checkNotCancelled runs in a stage's commit, after its writes: it takes the
// analysis's commit guard against a concurrent cancel (shared with the
// analysis's other commits, store.AnalysisStatusGuarded) and cancels the
// job (rolling back its writes) when the analysis was cancelled while the
// job called the LLM.
func checkNotCancelled(ctx context.Context, tx pgx.Tx, job *rivertype.JobRow) error {
	id := jobAnalysisID(job)
	if id == 0 {
		return nil
	}
	st, err := store.AnalysisStatusGuarded(ctx, tx, id)
	if err != nil {
		return fmt.Errorf("check analysis %d: %w", id, err)
	}
	if st == store.AnalysisCancelled {
		return river.JobCancel(fmt.Errorf("analysis %d: %w", id, errAnalysisCancelled))
	}
	return nil
}

// CancelAnalysis marks a running analysis cancelled and cancels its
// unfinished jobs in tx: pending ones never run, and a running one has its
// context cancelled once tx commits (its LLM call is abandoned and its
// commit refused). It returns store.ErrNotFound for an unknown id and
// store.ErrAnalysisFinished when the analysis is not running.
func CancelAnalysis(ctx context.Context, tx pgx.Tx, client *river.Client[pgx.Tx], id int64) (store.Analysis, int, error) {
	a, jobIDs, err := store.AnalysisCancel(ctx, tx, id, analysisKinds)
	if err != nil {
		return a, 0, err
	}
	n := 0
	for _, jid := range jobIDs {
		if _, err := client.JobCancelTx(ctx, tx, jid); err != nil {
			if errors.Is(err, rivertype.ErrNotFound) {
				continue
			}
			return a, n, fmt.Errorf("cancel job %d of analysis %d: %w", jid, id, err)
		}
		n++
	}
	return a, n, nil
}

// RetryFailed re-queues an analysis's failed reviews in tx: their failure
// records are cleared, they go back to pending, and new stage jobs are
// returned for the caller to insert in the same transaction. It returns
// store.ErrNotFound for an unknown id and store.ErrAnalysisFinished for a
// cancelled analysis.
func RetryFailed(ctx context.Context, tx pgx.Tx, id int64) (store.Analysis, store.RetryReviews, []river.InsertManyParams, error) {
	a, rr, err := store.AnalysisRetryFailed(ctx, tx, id)
	if err != nil {
		return a, rr, nil, err
	}
	// A translation job queues insights for its reviews, and an insight job
	// themes: a review retried at an earlier stage is not queued again at a
	// later one.
	later := func(ids, earlier []int64) []int64 {
		return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return slices.Contains(earlier, id) })
	}
	insights := later(rr.Insights, rr.Translation)
	themes := later(later(rr.Themes, rr.Translation), rr.Insights)
	var out []river.InsertManyParams
	for _, ids := range slices.Collect(slices.Chunk(rr.Translation, llmBatches.Long)) {
		out = append(out, river.InsertManyParams{Args: TranslateArgs{AnalysisID: id, ReviewIDs: ids}})
	}
	for _, ids := range slices.Collect(slices.Chunk(insights, llmBatches.Long)) {
		out = append(out, river.InsertManyParams{Args: InsightArgs{AnalysisID: id, ReviewIDs: ids}})
	}
	for _, ids := range slices.Collect(slices.Chunk(themes, llmBatches.Long)) {
		out = append(out, river.InsertManyParams{Args: ThemeArgs{AnalysisID: id, ReviewIDs: ids}})
	}
	return a, rr, out, nil
}
