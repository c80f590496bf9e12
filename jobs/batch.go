package jobs

// This file holds what every analysis stage shares: loading a batch, calling
// the LLM with splitting and in-place retries, and commit, the one function
// that writes a stage's results, inserts the next jobs and completes the job
// in one transaction. The stages follow in order: learn.go, translate.go,
// insights.go, themes.go, report.go.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// stage holds what every worker shares.
type stage struct {
	pool  store.DB
	log   *slog.Logger
	llm   llm.Analyzer
	xlsx  ingest.XLSXLimits
	turns chan struct{} // LLM turns of this process; nil: unbounded
}

func newStage(d Deps) *stage {
	db := d.DB
	if db == nil {
		db = d.Pool
	}
	s := &stage{pool: db, log: d.Log, llm: d.LLM, xlsx: d.XLSX}
	if d.LLMInFlight > 0 {
		s.turns = make(chan struct{}, d.LLMInFlight)
	}
	return s
}

// llmTurn waits for one of the process's LLM turns (Deps.LLMInFlight) and
// returns its release. Each LLM queue has enough River slots to spend the
// budget on its own, but all three together would load three times the
// batches the budget can serve; a job takes its turn before it reads its
// batch, so the jobs that wait hold only their arguments. It returns
// ctx.Err() if ctx ends first.
func (s *stage) llmTurn(ctx context.Context) (func(), error) {
	if s.turns == nil {
		return func() {}, nil
	}
	var once sync.Once
	release := func() { once.Do(func() { <-s.turns }) }
	select { // a free turn is taken even when ctx is done
	case s.turns <- struct{}{}:
		return release, nil
	default:
	}
	select {
	case s.turns <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// NewWorker returns the worker of one job kind, for tests that work single
// jobs with rivertest.
func NewWorker[T river.JobArgs](d Deps) river.Worker[T] {
	s := newStage(d)
	var w any
	switch any(*new(T)).(type) {
	case IngestArgs:
		w = &IngestWorker{stage: s}
	case LearnArgs:
		w = &LearnWorker{stage: s}
	case TranslateArgs:
		w = &TranslateWorker{stage: s}
	case InsightArgs:
		w = &InsightWorker{stage: s}
	case ThemeArgs:
		w = &ThemeWorker{stage: s}
	case ReportArgs:
		w = &ReportWorker{stage: s}
	case CollectionCompleteArgs:
		w = &CollectionCompleteWorker{stage: s}
	}
	return w.(river.Worker[T])
}

// llmFailure turns an LLM error into the job's answer: a rate limit snoozes
// (no attempt burnt); anything else is returned for River's retry with
// backoff.
func llmFailure(err error) error {
	if rl, ok := llm.AsRateLimit(err); ok {
		return river.JobSnooze(rl.RetryAfter)
	}
	return err
}

// lastAttempt reports whether a failure now would discard the job. Stages
// then record the unresolved reviews as failed and move on, so nothing
// stalls and nothing loops.
func lastAttempt[T river.JobArgs](job *river.Job[T]) bool {
	return job.Attempt >= job.MaxAttempts
}

// splitCall runs fn over ids, splitting on content refusals and invalid
// output down to single reviews, and retrying ids missing from an answer in
// a smaller batch. A single review that is still refused or unanswerable is
// a failure with a reason. Other errors (transient, rate limits) return at
// once from the first call; once the batch is split, retrySubCall retries
// them a few times in place first. Every path shrinks the batch, so it ends.
func splitCall[O any](ctx context.Context, ids []int64, fn func(ctx context.Context, ids []int64) (map[int64]O, error)) (map[int64]O, []store.Failure, error) {
	results := make(map[int64]O, len(ids))
	var fails []store.Failure
	first := true
	var run func(ids []int64) error
	run = func(ids []int64) error {
		if len(ids) == 0 {
			return nil
		}
		call := func() (map[int64]O, error) { return fn(ctx, ids) }
		var out map[int64]O
		var err error
		if first {
			first = false
			out, err = call()
		} else {
			out, err = retrySubCall(ctx, call)
		}
		if err != nil {
			ref, refused := llm.AsRefusal(err)
			if !refused && !llm.IsInvalidOutput(err) {
				return err
			}
			if len(ids) == 1 {
				reason := err.Error()
				if refused {
					reason = "refused by the provider (" + ref.Code + ")"
				}
				fails = append(fails, store.Failure{ReviewID: ids[0], Reason: reason})
				return nil
			}
			mid := len(ids) / 2
			if err := run(ids[:mid]); err != nil {
				return err
			}
			return run(ids[mid:])
		}
		var missing []int64
		for _, id := range ids {
			if o, ok := out[id]; ok {
				results[id] = o
			} else {
				missing = append(missing, id)
			}
		}
		switch {
		case len(missing) == 0:
			return nil
		case len(ids) == 1:
			fails = append(fails, store.Failure{ReviewID: ids[0], Reason: "the model returned no answer for this review"})
			return nil
		case len(missing) == len(ids):
			mid := len(ids) / 2
			if err := run(ids[:mid]); err != nil {
				return err
			}
			return run(ids[mid:])
		default:
			return run(missing)
		}
	}
	err := run(ids)
	return results, fails, err
}

// subCallTries bounds the tries of one call made after its batch was split.
// By then the job holds answers for part of the batch, and an error returned
// to River would throw them away; at a high error rate a split that needs a
// dozen calls would then rarely finish within the job's attempts. The job's
// first call has nothing to lose and returns its error at once.
const subCallTries = 4

// maxSubCallWait is the longest rate-limit wait a job sits out in place;
// longer ones snooze the job.
const maxSubCallWait = 5 * time.Second

// retrySubCall retries call on transient errors and short rate limits, at
// most subCallTries times in all. It returns the last error otherwise.
func retrySubCall[O any](ctx context.Context, call func() (O, error)) (O, error) {
	for try := 1; ; try++ {
		out, err := call()
		if err == nil || try >= subCallTries || ctx.Err() != nil || !transient(err) {
			return out, err
		}
		wait := time.Duration(try) * 100 * time.Millisecond
		if rl, ok := llm.AsRateLimit(err); ok {
			if rl.RetryAfter > maxSubCallWait {
				return out, err
			}
			wait = max(wait, rl.RetryAfter)
		}
		if sleepCtx(ctx, wait) != nil {
			return out, err
		}
	}
}

// sleepCtx waits d, or returns ctx.Err() if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// transient reports whether the same call may succeed if made again.
func transient(err error) bool {
	var perm *llm.PermanentError
	_, refused := llm.AsRefusal(err)
	return !refused && !llm.IsInvalidOutput(err) && !errors.As(err, &perm)
}

// batch is what an insight or theme job reads before calling the LLM.
type batch struct {
	analysis store.Analysis
	model    store.Model
	reviews  []store.BatchReview
	ids      []int64
}

// calls returns the job's LLM calls (BatchArgs.groups) over the reviews
// that were loaded: a review deleted since the job was queued is in no call.
func (b batch) calls(args BatchArgs) [][]int64 {
	loaded := make(map[int64]bool, len(b.ids))
	for _, id := range b.ids {
		loaded[id] = true
	}
	return filterGroups(args.groups(), func(id int64) bool { return loaded[id] })
}

// filterGroups keeps, call by call, the reviews keep accepts. Calls left
// empty stay in place, so the result lines up with groups.
func filterGroups(groups [][]int64, keep func(id int64) bool) [][]int64 {
	out := make([][]int64, len(groups))
	for i, g := range groups {
		for _, id := range g {
			if keep(id) {
				out[i] = append(out[i], id)
			}
		}
	}
	return out
}

// loadBatch reads a batch's analysis, the product's model and the reviews.
func (s *stage) loadBatch(ctx context.Context, args BatchArgs) (batch, error) {
	var b batch
	var err error
	if b.analysis, err = store.AnalysisGet(ctx, s.pool, args.AnalysisID); err != nil {
		return b, fmt.Errorf("load analysis %d: %w", args.AnalysisID, err)
	}
	if b.model, err = store.ModelGet(ctx, s.pool, b.analysis.ProductID); err != nil {
		return b, err
	}
	if b.reviews, err = store.ReviewsForBatch(ctx, s.pool, args.ReviewIDs); err != nil {
		return b, err
	}
	b.ids = ids(b.reviews)
	return b, nil
}

// runBatch makes the job's LLM calls (groups, one call each, side by side)
// through splitCall. A failure that leaves nothing resolved in any call is
// returned for River to retry (or snooze, for a rate limit). A failure after
// some reviews were resolved keeps them: the unresolved ones come back as
// rest, for the caller to queue as a new job of the same stage after delay,
// so progress under faults is never thrown away. Each such job resolves at
// least one review, so the chain ends. On the job's last attempt the
// unresolved reviews become failures instead.
func runBatch[O any, T river.JobArgs](ctx context.Context, job *river.Job[T], groups [][]int64, call func(ctx context.Context, ids []int64) (map[int64]O, error)) (results map[int64]O, fails []store.Failure, rest batchRest, err error) {
	type outcome struct {
		results map[int64]O
		fails   []store.Failure
		err     error
	}
	outs := make([]outcome, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		if len(g) == 0 || i == 0 {
			continue
		}
		wg.Go(func() {
			r, f, err := splitCall(ctx, g, call)
			outs[i] = outcome{r, f, err}
		})
	}
	if len(groups) > 0 && len(groups[0]) > 0 {
		// The first call runs in the job's own goroutine: one stack less
		// per job, and none extra for a job of one call.
		r, f, err := splitCall(ctx, groups[0], call)
		outs[0] = outcome{r, f, err}
	}
	wg.Wait()
	results = map[int64]O{}
	var firstErr error
	for _, o := range outs {
		for id, r := range o.results {
			results[id] = r
		}
		fails = append(fails, o.fails...)
		if o.err != nil && firstErr == nil {
			firstErr = o.err
		}
	}
	if firstErr == nil {
		return results, fails, rest, nil
	}
	if lastAttempt(job) {
		var all []int64
		for _, g := range groups {
			all = append(all, g...)
		}
		return results, giveUp(all, results, fails, firstErr), rest, nil
	}
	if len(results)+len(fails) == 0 {
		return nil, nil, rest, llmFailure(firstErr)
	}
	failed := make(map[int64]bool, len(fails))
	for _, f := range fails {
		failed[f.ReviewID] = true
	}
	rest.groups = filterGroups(groups, func(id int64) bool {
		_, ok := results[id]
		return !ok && !failed[id]
	})
	rest.delay = restDelay
	for _, o := range outs {
		if rl, ok := llm.AsRateLimit(o.err); ok && rl.RetryAfter > rest.delay {
			rest.delay = rl.RetryAfter
		}
	}
	return results, fails, rest, nil
}

// restDelay is how long the unresolved part of a batch waits before it is
// tried again as a job of its own.
const restDelay = 2 * time.Second

// batchRest is the part of a job's calls left for a follow-up job: per
// call, its unresolved reviews.
type batchRest struct {
	groups [][]int64
	delay  time.Duration
}

// job returns the follow-up job of the rest, built by args, or nothing.
func (r batchRest) job(analysisID int64, args func(BatchArgs) river.JobArgs) []river.InsertManyParams {
	b := batchOf(analysisID, r.groups)
	if len(b.ReviewIDs) == 0 {
		return nil
	}
	return []river.InsertManyParams{{Args: args(b), InsertOpts: &river.InsertOpts{ScheduledAt: time.Now().Add(r.delay)}}}
}

// resolved returns the job's calls without the rest: what moves on to the
// next stage.
func (r batchRest) resolved(analysisID int64, groups [][]int64) BatchArgs {
	left := map[int64]bool{}
	for _, g := range r.groups {
		for _, id := range g {
			left[id] = true
		}
	}
	return batchOf(analysisID, filterGroups(groups, func(id int64) bool { return !left[id] }))
}

// keyed indexes outputs by review id.
func keyed[O any](items []O, id func(O) int64) map[int64]O {
	m := make(map[int64]O, len(items))
	for _, it := range items {
		m[id(it)] = it
	}
	return m
}

// giveUp turns every id without a result into a failure with err's reason.
func giveUp[O any](ids []int64, results map[int64]O, fails []store.Failure, err error) []store.Failure {
	failed := map[int64]bool{}
	for _, f := range fails {
		failed[f.ReviewID] = true
	}
	for _, id := range ids {
		if _, ok := results[id]; !ok && !failed[id] {
			fails = append(fails, store.Failure{ReviewID: id, Reason: "gave up after retries: " + err.Error()})
		}
	}
	return fails
}

func reviewTexts(rs []store.BatchReview, ids []int64) []llm.ReviewText {
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	out := make([]llm.ReviewText, 0, len(ids))
	for _, r := range rs {
		if want[r.ID] {
			out = append(out, llm.ReviewText{ID: r.ID, Rating: r.Rating, Title: r.Title, Body: r.Body, Language: r.Language,
				TitleTranslated: r.TitleTranslated, BodyTranslated: r.BodyTranslated, HelpfulVotes: r.HelpfulVotes})
		}
	}
	return out
}

func ids(rs []store.BatchReview) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// reportJobs decides, from the analysis row this transaction just folded
// progress into (and so holds locked), whether this fold is the one that
// first brings insights and themes to 90% (preliminary) or to 100% (final).
// Each report job is also unique per analysis and kind.
func reportJobs(ctx context.Context, tx pgx.Tx, a store.Analysis) ([]river.InsertManyParams, error) {
	if a.Kind == AnalysisTranslateOnly || a.ReviewsTotal == 0 {
		return nil, nil
	}
	ins := a.InsightsDone + a.InsightsFailed
	thm := a.ThemesDone + a.ThemesFailed
	prelim := !a.PreliminaryQueued && ins*10 >= a.ReviewsTotal*9 && thm*10 >= a.ReviewsTotal*9
	final := !a.FinalQueued && ins >= a.ReviewsTotal && thm >= a.ReviewsTotal
	if !prelim && !final {
		return nil, nil
	}
	if err := store.AnalysisMarkReportQueued(ctx, tx, a.ID, prelim, final); err != nil {
		return nil, err
	}
	var out []river.InsertManyParams
	if prelim {
		out = append(out, river.InsertManyParams{Args: ReportArgs{AnalysisID: a.ID, ReportKind: ReportPreliminary}})
	}
	if final {
		out = append(out, river.InsertManyParams{Args: ReportArgs{AnalysisID: a.ID, ReportKind: ReportFinal}})
	}
	return out, nil
}

// commit runs the stage's transaction: write, insert next jobs, complete.
func commit[T river.JobArgs](ctx context.Context, pool store.DB, job *river.Job[T], write func(tx pgx.Tx) ([]river.InsertManyParams, error)) error {
	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		next, err := write(tx)
		if err != nil {
			return err
		}
		// After the writes: a cancel that committed first is seen, and one
		// that comes later waits for this commit (checkNotCancelled).
		if err := checkNotCancelled(ctx, tx, job.JobRow); err != nil {
			return err
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

// commitBatch is commit for the batch stages (translation, insights,
// themes), built so that batches of one analysis never wait on one another:
// write stores the results and adds the batch's progress as a row of its
// own (no update of the analysis row; ProgressArgs folds it), next holds
// the next stage's jobs and any fold, and the cancel check shares its lock
// (checkNotCancelled). The commit is asynchronous (store.AsyncCommit): a
// commit lost in a Postgres crash is lost whole, so its job runs again.
// Everything is one transaction.
func commitBatch[T river.JobArgs](ctx context.Context, pool store.DB, job *river.Job[T], next []river.InsertManyParams, write func(tx pgx.Tx) error) error {
	calls := store.CallLogOf(ctx)
	recorded := 0
	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		if err := store.AsyncCommit(ctx, tx); err != nil {
			return err
		}
		if err := insertMany(ctx, tx, next); err != nil {
			return err
		}
		if err := write(tx); err != nil {
			return err
		}
		var err error
		if recorded, err = calls.Flush(ctx, tx); err != nil {
			return err
		}
		if err := checkNotCancelled(ctx, tx, job.JobRow); err != nil {
			return err
		}
		if err := testHookBeforeCommit(ctx, job.Kind); err != nil {
			return err
		}
		return complete(ctx, tx, job)
	})
	if err == nil {
		err = testHookAfterCommit(ctx, job.Kind)
	}
	// A commit whose acknowledgement was lost (the connection dropped as it
	// answered) may have landed all the same, calls included: then Close
	// must not write them again.
	if err == nil || (recorded > 0 && completedAnyway(ctx, pool, job.ID)) {
		calls.Written(recorded)
	}
	return err
}

// completedAnyway reports whether the job's row says completed after its
// commit answered with an error: only the stage's own commit completes it.
// When that cannot be read either, it answers false (the calls are then
// written again rather than lost).
func completedAnyway(ctx context.Context, pool store.DB, jobID int64) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var done bool
	err := pool.QueryRow(ctx, "SELECT state = 'completed' FROM river_job WHERE id = $1", jobID).Scan(&done)
	return err == nil && done
}

// batchContext tags ctx with the job's analysis and keeps the LLM calls made
// under it for the job's commit (store.CallLog); the returned done writes
// the calls no commit wrote. Every batch stage's Work starts with it.
func batchContext(ctx context.Context, analysisID int64) (context.Context, func()) {
	ctx, calls := store.WithCallLog(store.WithAnalysisID(ctx, analysisID))
	return ctx, func() { calls.Close(ctx) }
}

// testHookBeforeCommit lets tests inject a failure between a stage's writes
// and its commit. It is nil outside tests.
var beforeCommitHook func(ctx context.Context, kind string) error

func testHookBeforeCommit(ctx context.Context, kind string) error {
	if beforeCommitHook == nil {
		return nil
	}
	return beforeCommitHook(ctx, kind)
}

// afterCommitHook lets tests turn a batch stage's successful commit into an
// error, as a lost acknowledgement would. It is nil outside tests.
var afterCommitHook func(ctx context.Context, kind string) error

func testHookAfterCommit(ctx context.Context, kind string) error {
	if afterCommitHook == nil {
		return nil
	}
	return afterCommitHook(ctx, kind)
}
