package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/voc-project/voc/ingest"

	"github.com/klauspost/compress/zstd"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Upload statuses.
const (
	UploadPending   = "pending"
	UploadIngesting = "ingesting"
	UploadDone      = "done"
	UploadFailed    = "failed"
)

// Upload sources.
const (
	SourceFile      = "file"
	SourceExtension = "extension"
	SourceCLI       = "cli"
)

// Upload is a stored upload and its ingestion outcome.
type Upload struct {
	ID            int64             `json:"id"`
	ProductID     int64             `json:"product_id"`
	Source        string            `json:"source"`
	Filename      string            `json:"filename,omitempty"`
	Format        string            `json:"format"`
	Mapping       map[string]string `json:"mapping,omitempty"`
	SizeBytes     int64             `json:"size_bytes"`
	Status        string            `json:"status"`
	RowsTotal     int               `json:"rows_total"`
	RowsIngested  int               `json:"rows_ingested"`
	RowsDuplicate int               `json:"rows_duplicate"`
	RowsRejected  int               `json:"rows_rejected"`
	Error         string            `json:"error,omitempty"`
	AnalysisID    *int64            `json:"analysis_id,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	StartedAt     *time.Time        `json:"started_at,omitempty"`
	FinishedAt    *time.Time        `json:"finished_at,omitempty"`
	Rejections    []Rejection       `json:"rejections"`
}

// Rejection is one rejected row: where it was and what to fix.
type Rejection struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// UploadInput is a raw upload to store before anything is parsed.
type UploadInput struct {
	ProductID int64
	Source    string
	Filename  string
	Format    string
	Mapping   map[string]string
	// Body is the raw body; Compressed, when set, replaces it.
	Body       []byte
	Compressed *UploadBody
	// StartPipeline queues the analysis once the upload is ingested.
	StartPipeline bool
}

// Raw bodies are stored zstd-compressed: review exports shrink 3–5×, which
// cuts the WAL each acknowledged upload must make durable and the TOAST
// chunks ingestion reads back. Both coders are safe for concurrent use.
var (
	// EncodeAll holds one of the encoder's states for each call: one state
	// made concurrent uploads queue on compression.
	bodyEncoder, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
	bodyDecoder, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(4<<30))
	// bodyStreams are the encoders of UploadBody: a streaming encoder has
	// one state, and its buffers are worth keeping between uploads.
	bodyStreams = sync.Pool{New: func() any {
		enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
		return enc
	}}
)

// UploadBody is an upload's raw body compressed as it is written, for
// UploadInput.Compressed. A request streams its file into one, so the
// file is compressed while it arrives and never held raw. Close it once
// written; its encoder goes back to a pool then.
type UploadBody struct {
	enc *zstd.Encoder
	out bytes.Buffer
	n   int64
}

// NewUploadBody returns an empty body whose buffer is sized for about
// sizeHint raw bytes (0 when unknown).
func NewUploadBody(sizeHint int64) *UploadBody {
	b := &UploadBody{enc: bodyStreams.Get().(*zstd.Encoder)}
	if sizeHint > 0 {
		// Review exports shrink about 3×; an XLSX (already a ZIP) does
		// not, and the buffer grows for it.
		b.out.Grow(int(min(sizeHint, 1<<30) / 3))
	}
	b.enc.Reset(&b.out)
	return b
}

// Write compresses p. It fails after Close.
func (b *UploadBody) Write(p []byte) (int, error) {
	if b.enc == nil {
		return 0, errors.New("write to a closed upload body")
	}
	n, err := b.enc.Write(p)
	b.n += int64(n)
	return n, err
}

// Close ends the compressed stream and returns the encoder to its pool.
// Calling it again does nothing.
func (b *UploadBody) Close() error {
	if b.enc == nil {
		return nil
	}
	err := b.enc.Close()
	b.enc.Reset(io.Discard)
	bodyStreams.Put(b.enc)
	b.enc = nil
	return err
}

// Size returns the raw bytes written.
func (b *UploadBody) Size() int64 { return b.n }

// UploadCreate stores a raw upload and returns its id.
func UploadCreate(ctx context.Context, db DBTX, in UploadInput) (int64, error) {
	var mapping []byte
	if len(in.Mapping) > 0 {
		mapping, _ = json.Marshal(in.Mapping)
	}
	var body []byte
	size := int64(len(in.Body))
	if c := in.Compressed; c != nil {
		if c.enc != nil {
			return 0, fmt.Errorf("insert upload for product %d: the body is still open", in.ProductID)
		}
		body, size = c.out.Bytes(), c.n
	} else {
		body = bodyEncoder.EncodeAll(in.Body, make([]byte, 0, len(in.Body)/3))
	}
	id, err := q(db).UploadInsert(ctx, dbsqlc.UploadInsertParams{
		ProductID: in.ProductID, Source: in.Source, Filename: in.Filename, Format: in.Format,
		Mapping: mapping, Body: body, SizeBytes: size, StartPipeline: in.StartPipeline,
	})
	if err != nil {
		return 0, fmt.Errorf("insert upload for product %d: %w", in.ProductID, mapErr(err))
	}
	return id, nil
}

// UploadGet returns an upload with up to maxRejections of its rejections, or
// ErrNotFound.
func UploadGet(ctx context.Context, db DBTX, id int64, maxRejections int) (Upload, error) {
	r, err := q(db).UploadGetByID(ctx, id)
	if err != nil {
		return Upload{}, mapErr(err)
	}
	u := uploadFromRow(dbsqlc.UploadListByProductRow(r))
	rows, err := q(db).RejectionList(ctx, dbsqlc.RejectionListParams{UploadID: id, Lim: int32(maxRejections)})
	if err != nil {
		return Upload{}, fmt.Errorf("list rejections of upload %d: %w", id, err)
	}
	for _, rr := range rows {
		u.Rejections = append(u.Rejections, Rejection{Row: int(rr.RowNum), Column: rr.Col, Reason: rr.Reason})
	}
	return u, nil
}

// UploadListByProduct returns a product's latest uploads.
func UploadListByProduct(ctx context.Context, db DBTX, productID int64, limit int) ([]Upload, error) {
	rows, err := q(db).UploadListByProduct(ctx, dbsqlc.UploadListByProductParams{ProductID: productID, Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("list uploads of product %d: %w", productID, err)
	}
	out := make([]Upload, len(rows))
	for i, r := range rows {
		out[i] = uploadFromRow(r)
	}
	return out, nil
}

// UploadsInFlight counts a product's uploads that are not yet ingested.
func UploadsInFlight(ctx context.Context, db DBTX, productID int64) (int64, error) {
	n, err := q(db).UploadPendingForProduct(ctx, productID)
	if err != nil {
		return 0, fmt.Errorf("count in-flight uploads of product %d: %w", productID, err)
	}
	return n, nil
}

func uploadFromRow(r dbsqlc.UploadListByProductRow) Upload {
	u := Upload{
		ID: r.ID, ProductID: r.ProductID, Source: r.Source, Filename: r.Filename, Format: r.Format,
		SizeBytes: r.SizeBytes, Status: r.Status, RowsTotal: int(r.RowsTotal), RowsIngested: int(r.RowsIngested),
		RowsDuplicate: int(r.RowsDuplicate), RowsRejected: int(r.RowsRejected), AnalysisID: r.AnalysisID,
		CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Rejections: []Rejection{},
	}
	if r.Error != nil {
		u.Error = *r.Error
	}
	if len(r.Mapping) > 0 {
		_ = json.Unmarshal(r.Mapping, &u.Mapping)
	}
	return u
}

// IngestUpload is an upload row locked for ingestion.
type IngestUpload struct {
	ID            int64
	ProductID     int64
	Source        string
	Format        string
	Mapping       map[string]string
	Body          []byte
	Status        string
	StartPipeline bool
}

// UploadLockForIngest locks and returns the upload for the ingestion
// transaction, or ErrNotFound.
func UploadLockForIngest(ctx context.Context, db DBTX, id int64) (IngestUpload, error) {
	r, err := q(db).UploadGetForIngest(ctx, id)
	if err != nil {
		return IngestUpload{}, mapErr(err)
	}
	u := IngestUpload{ID: r.ID, ProductID: r.ProductID, Source: r.Source, Format: r.Format, Status: r.Status, StartPipeline: r.StartPipeline}
	if r.Body != nil {
		if u.Body, err = bodyDecoder.DecodeAll(r.Body, nil); err != nil {
			return IngestUpload{}, fmt.Errorf("decompress body of upload %d: %w", id, err)
		}
	}
	if len(r.Mapping) > 0 {
		if err := json.Unmarshal(r.Mapping, &u.Mapping); err != nil {
			return IngestUpload{}, fmt.Errorf("decode mapping of upload %d: %w", id, err)
		}
	}
	return u, nil
}

// UploadMarkIngesting flags a pending upload as being ingested. It runs
// outside the ingestion transaction so progress is visible; a crash leaves
// the flag and the retry proceeds.
func UploadMarkIngesting(ctx context.Context, db DBTX, id int64) error {
	if err := q(db).UploadMarkIngesting(ctx, id); err != nil {
		return fmt.Errorf("mark upload %d ingesting: %w", id, err)
	}
	return nil
}

// UploadOutcome is what ingestion found.
type UploadOutcome struct {
	Status        string
	RowsTotal     int
	RowsIngested  int
	RowsDuplicate int
	RowsRejected  int
	Error         string
	AnalysisID    *int64
}

// UploadFinish records the outcome and drops the raw body.
func UploadFinish(ctx context.Context, db DBTX, id int64, o UploadOutcome) error {
	var errText *string
	if o.Error != "" {
		e := ingest.Clip(o.Error, maxErrorBytes)
		errText = &e
	}
	err := q(db).UploadFinish(ctx, dbsqlc.UploadFinishParams{
		ID: id, Status: o.Status, RowsTotal: int32(o.RowsTotal), RowsIngested: int32(o.RowsIngested),
		RowsDuplicate: int32(o.RowsDuplicate), RowsRejected: int32(o.RowsRejected), Error: errText, AnalysisID: o.AnalysisID,
	})
	if err != nil {
		return fmt.Errorf("finish upload %d: %w", id, err)
	}
	return nil
}

// RejectionInsertBatch stores rejected rows with COPY.
func RejectionInsertBatch(ctx context.Context, db DBTX, uploadID int64, rs []Rejection) error {
	if len(rs) == 0 {
		return nil
	}
	params := make([]dbsqlc.RejectionInsertBatchParams, len(rs))
	for i, r := range rs {
		params[i] = dbsqlc.RejectionInsertBatchParams{UploadID: uploadID, RowNum: int32(r.Row),
			Col: ingest.Clip(r.Column, maxErrorBytes), Reason: ingest.Clip(r.Reason, maxErrorBytes)}
	}
	if _, err := q(db).RejectionInsertBatch(ctx, params); err != nil {
		return fmt.Errorf("insert %d rejections of upload %d: %w", len(rs), uploadID, err)
	}
	return nil
}

// maxErrorBytes bounds every error text and rejection stored with an
// upload, whatever the caller passes: a file can make a message as long as
// it likes, and an unbounded one breaks COPY and bloats every read.
const maxErrorBytes = 2000

// UploadsUnfinished counts the stored uploads not yet ingested, of every
// product.
func UploadsUnfinished(ctx context.Context, db DBTX) (int64, error) {
	n, err := q(db).UploadUnfinishedCount(ctx)
	if err != nil {
		return 0, fmt.Errorf("count unfinished uploads: %w", err)
	}
	return n, nil
}
