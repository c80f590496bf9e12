package jobs

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/store"
)

// maxStoredRejections caps the rejection rows kept per upload; the count is
// always exact.
const maxStoredRejections = 10_000

// maxColumnBytes bounds the column name stored with a rejection.
const maxColumnBytes = 200

// IngestArgs asks for one stored upload to be parsed and loaded.
type IngestArgs struct {
	UploadID int64 `json:"upload_id"`
}

// Kind implements river.JobArgs.
func (IngestArgs) Kind() string { return "ingest_upload" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (IngestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueIngestion, MaxAttempts: 10, Priority: 1}
}

// IngestWorker parses an upload, validates and dedupes its rows, COPYs them
// in, and queues the next stage, all in one transaction with its own
// completion.
type IngestWorker struct {
	river.WorkerDefaults[IngestArgs]
	*stage
}

// Timeout allows for million-row files.
func (w *IngestWorker) Timeout(*river.Job[IngestArgs]) time.Duration { return 10 * time.Minute }

// Work implements river.Worker.
func (w *IngestWorker) Work(ctx context.Context, job *river.Job[IngestArgs]) error {
	err := w.ingest(ctx, job)
	if err == nil {
		return nil
	}
	if !lastAttempt(job) {
		return boundError(err)
	}
	// Out of attempts: end the upload as failed, with the reason, so that
	// nothing waits on it forever.
	return boundError(store.InTx(ctx, w.pool, func(tx pgx.Tx) error {
		if err := store.UploadFinish(ctx, tx, job.Args.UploadID, store.UploadOutcome{Status: store.UploadFailed,
			Error: fmt.Sprintf("ingestion failed after %d attempts: %v", job.Attempt, err)}); err != nil {
			return err
		}
		return complete(ctx, tx, job)
	}))
}

// maxJobErrorBytes bounds the error text River stores with a job attempt.
const maxJobErrorBytes = 2000

// boundedError keeps an error's identity (errors.Is and As see through it)
// but bounds its text, which River stores in the job row.
type boundedError struct{ err error }

func (e boundedError) Error() string { return ingest.Clip(e.err.Error(), maxJobErrorBytes) }
func (e boundedError) Unwrap() error { return e.err }

func boundError(err error) error {
	if err == nil {
		return nil
	}
	return boundedError{err}
}

func (w *IngestWorker) ingest(ctx context.Context, job *river.Job[IngestArgs]) error {
	id := job.Args.UploadID
	if err := store.UploadMarkIngesting(ctx, w.pool, id); err != nil {
		return err
	}
	return store.InTx(ctx, w.pool, func(tx pgx.Tx) error {
		up, err := store.UploadLockForIngest(ctx, tx, id)
		if errors.Is(err, store.ErrNotFound) {
			// Deleted with its product: nothing to do.
			return complete(ctx, tx, job)
		}
		if err != nil {
			return err
		}
		if up.Status == store.UploadDone || up.Status == store.UploadFailed {
			return complete(ctx, tx, job)
		}
		if err := store.ProductLockForIngest(ctx, tx, up.ProductID); err != nil {
			return err
		}
		outcome, err := w.load(ctx, tx, up)
		if err != nil {
			return err
		}
		var next []river.InsertManyParams
		if outcome.Status == store.UploadDone && up.StartPipeline && outcome.RowsIngested > 0 {
			aid, jobs, err := StartAnalysis(ctx, tx, up.ProductID, AnalysisFull, &up.ID, outcome.RowsIngested)
			if err != nil {
				return err
			}
			outcome.AnalysisID = &aid
			next = jobs
		}
		if err := store.UploadFinish(ctx, tx, id, outcome); err != nil {
			return err
		}
		if err := insertMany(ctx, tx, next); err != nil {
			return err
		}
		w.log.InfoContext(ctx, "upload ingested", slog.Int64("upload_id", id), slog.String("status", outcome.Status),
			slog.Int("rows_total", outcome.RowsTotal), slog.Int("rows_ingested", outcome.RowsIngested),
			slog.Int("rows_duplicate", outcome.RowsDuplicate), slog.Int("rows_rejected", outcome.RowsRejected))
		if err := testHookBeforeCommit(ctx, job.Kind); err != nil {
			return err
		}
		return complete(ctx, tx, job)
	})
}

// load parses the upload and copies its rows in under a savepoint, so that a
// file found broken part-way imports nothing while the failure itself is
// recorded.
func (w *IngestWorker) load(ctx context.Context, tx pgx.Tx, up store.IngestUpload) (store.UploadOutcome, error) {
	opts := ingest.Options{Format: ingest.Format(up.Format), DefaultRating: unknownRating, XLSX: w.xlsx}
	if len(up.Mapping) > 0 {
		opts.Mapping = ingest.Mapping{}
		for k, v := range up.Mapping {
			opts.Mapping[ingest.Field(k)] = v
		}
	}
	direct := false
	if has, err := store.ProductHasReviews(ctx, tx, up.ProductID); err != nil {
		return store.UploadOutcome{}, err
	} else if !has {
		direct = true
	}

	product, err := store.ProductGet(ctx, tx, up.ProductID)
	if err != nil {
		return store.UploadOutcome{}, fmt.Errorf("load product %d: %w", up.ProductID, err)
	}

	sp, err := tx.Begin(ctx)
	if err != nil {
		return store.UploadOutcome{}, fmt.Errorf("savepoint: %w", err)
	}
	src := newParseStream(ctx, up.Body, opts)
	inserted, copyErr := store.ReviewCopyIn(ctx, sp, store.ReviewCopyTarget{ProductID: up.ProductID, UploadID: up.ID, TargetLanguage: product.TargetLanguage}, src, direct)
	summary, parseErr := src.wait()
	var fe *ingest.FileError
	if errors.As(parseErr, &fe) {
		if err := sp.Rollback(ctx); err != nil {
			return store.UploadOutcome{}, fmt.Errorf("rollback savepoint: %w", err)
		}
		return store.UploadOutcome{Status: store.UploadFailed, RowsTotal: summary.RowsTotal, Error: fe.Reason}, nil
	}
	if parseErr != nil {
		return store.UploadOutcome{}, parseErr
	}
	if copyErr != nil {
		return store.UploadOutcome{}, copyErr
	}
	if err := sp.Commit(ctx); err != nil {
		return store.UploadOutcome{}, fmt.Errorf("release savepoint: %w", err)
	}
	if err := store.RejectionInsertBatch(ctx, tx, up.ID, src.rejections); err != nil {
		return store.UploadOutcome{}, err
	}
	return store.UploadOutcome{
		Status:        store.UploadDone,
		RowsTotal:     summary.RowsTotal,
		RowsIngested:  int(inserted),
		RowsDuplicate: summary.RowsValid - int(inserted),
		RowsRejected:  summary.RowsRejected,
	}, nil
}

// unknownRating is the rating files without a star column get while
// parsing; such reviews are stored with a NULL rating, never a made-up one.
const unknownRating = 3

// parseStream runs ingest.Parse in a goroutine and hands its reviews, free
// of in-file duplicates, to COPY in batches.
type parseStream struct {
	cancel     context.CancelFunc
	batches    chan []store.NewReview
	done       chan struct{}
	cur        []store.NewReview
	pos        int
	rejections []store.Rejection

	mu      sync.Mutex
	summary ingest.Summary
	err     error
}

const streamBatch = 2048

func newParseStream(ctx context.Context, body []byte, opts ingest.Options) *parseStream {
	ctx, cancel := context.WithCancel(ctx)
	s := &parseStream{cancel: cancel, batches: make(chan []store.NewReview, 4), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer close(s.batches)
		seen := make(map[[16]byte]struct{}, 1024)
		batch := make([]store.NewReview, 0, streamBatch)
		emit := func(r *ingest.Review) error {
			var key [16]byte
			if r.SourceReviewID != "" {
				sum := sha256.Sum256([]byte("id\x00" + r.SourceReviewID))
				copy(key[:], sum[:])
			}
			hash := r.ContentHash()
			if r.SourceReviewID == "" {
				copy(key[:], hash[:])
			}
			if _, dup := seen[key]; dup {
				return nil
			}
			seen[key] = struct{}{}
			batch = append(batch, toNewReview(r, hash))
			if len(batch) == streamBatch {
				select {
				case s.batches <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
				batch = make([]store.NewReview, 0, streamBatch)
			}
			return nil
		}
		reject := func(rj ingest.Rejection) {
			if rj.Warning {
				rj.Reason = "warning (row kept): " + rj.Reason
			}
			if len(s.rejections) < maxStoredRejections {
				s.rejections = append(s.rejections, store.Rejection{Row: rj.Row,
					Column: ingest.Clip(rj.Column, maxColumnBytes), Reason: ingest.Clip(rj.Reason, ingest.MaxReasonBytes)})
			}
		}
		summary, err := parseContained(body, opts, emit, reject)
		if err == nil && len(batch) > 0 {
			select {
			case s.batches <- batch:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		// Set before batches closes, so a reader that saw the end sees it.
		s.mu.Lock()
		s.summary, s.err = summary, err
		s.mu.Unlock()
	}()
	return s
}

// parseContained runs ingest.Parse and turns a panic into a *FileError.
// The parse runs on its own goroutine, where River's own recovery does not
// reach: without this, one hostile file would take down the process, with
// every other job and the API, and again on each retry.
func parseContained(body []byte, opts ingest.Options, emit func(*ingest.Review) error, reject func(ingest.Rejection)) (sum ingest.Summary, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &ingest.FileError{Reason: ingest.Clip(fmt.Sprintf("the file cannot be processed (%v): re-save it, or export it as CSV UTF-8", r), ingest.MaxReasonBytes)}
		}
	}()
	return ingest.Parse(body, opts, emit, reject)
}

func toNewReview(r *ingest.Review, hash [32]byte) store.NewReview {
	nr := store.NewReview{
		SourceReviewID: r.SourceReviewID, ContentHash: append([]byte(nil), hash[:]...), Author: r.Author,
		Rating: r.Rating, Title: r.Title, Body: r.Body, ReviewDateRaw: r.ReviewDateRaw,
		VerifiedPurchase: r.VerifiedPurchase, HelpfulVotes: r.HelpfulVotes, HasVideo: r.HasVideo,
		HasImages: r.HasImages, ImageURLs: r.ImageURLs, VideoURL: r.VideoURL, ReviewURL: r.ReviewURL,
		Variant: r.Variant, Language: r.Language,
	}
	if r.RatingDefaulted {
		nr.Rating = 0
	}
	if r.HasDate {
		d := r.ReviewDate
		nr.ReviewDate = &d
	}
	return nr
}

// Next implements store.ReviewSource.
func (s *parseStream) Next() bool {
	s.pos++
	if s.pos < len(s.cur) {
		return true
	}
	b, ok := <-s.batches
	if !ok {
		return false
	}
	s.cur, s.pos = b, 0
	return true
}

// Review implements store.ReviewSource.
func (s *parseStream) Review() *store.NewReview { return &s.cur[s.pos] }

// errParseAborted is what COPY is aborted with when the parse fails. pgx
// sends the error's text to Postgres in a CopyFail message, which the
// server caps at 10,000 bytes and answers by dropping the connection; the
// parse error itself can quote a 20,000-character header. So the abort
// carries this short constant and the real error comes from wait().
var errParseAborted = errors.New("parse failed; copy aborted")

// Err implements store.ReviewSource: a parse failure aborts the COPY. pgx
// calls it between chunks too, so it must not block.
func (s *parseStream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return errParseAborted
	}
	return nil
}

// wait stops the parser if COPY gave up early and returns its result.
func (s *parseStream) wait() (ingest.Summary, error) {
	s.cancel()
	for range s.batches { //nolint:revive // drain so the parser can exit
	}
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.summary, s.err
}

func complete[T river.JobArgs](ctx context.Context, tx pgx.Tx, job *river.Job[T]) error {
	if _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); err != nil {
		return fmt.Errorf("complete job %d: %w", job.ID, err)
	}
	return nil
}

func insertMany(ctx context.Context, tx pgx.Tx, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	client, err := river.ClientFromContextSafely[pgx.Tx](ctx)
	if err != nil {
		return fmt.Errorf("river client from context: %w", err)
	}
	if _, err := client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("insert %d next jobs: %w", len(params), err)
	}
	return nil
}
