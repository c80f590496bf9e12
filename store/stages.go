package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Translation states of a review.
const (
	TranslationPending = "pending"
	TranslationDone    = "done"
	TranslationSkipped = "skipped"
	TranslationFailed  = "failed"
)

// BatchReview is a review as a stage reads it.
type BatchReview struct {
	ID                int64
	ProductID         int64
	Rating            int
	Title             string
	Body              string
	Language          string
	TranslationStatus string
	TitleTranslated   string
	BodyTranslated    string
	HelpfulVotes      int
}

// ReviewsForBatch returns the reviews with these ids, ordered by id.
func ReviewsForBatch(ctx context.Context, db DBTX, ids []int64) ([]BatchReview, error) {
	rows, err := q(db).ReviewsForBatch(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load %d reviews: %w", len(ids), err)
	}
	out := make([]BatchReview, len(rows))
	for i, r := range rows {
		out[i] = BatchReview{ID: r.ID, ProductID: r.ProductID, Rating: int(deref(r.Rating)), Title: r.Title, Body: r.Body,
			Language: r.Language, TranslationStatus: r.TranslationStatus, TitleTranslated: deref(r.TitleTranslated),
			BodyTranslated: deref(r.BodyTranslated), HelpfulVotes: int(r.HelpfulVotes)}
	}
	return out, nil
}

// LearningSample returns a stratified sample of a product's reviews: up to
// perRating per star rating, helpful and long ones first, at most limit.
func LearningSample(ctx context.Context, db DBTX, productID int64, perRating, limit int) ([]BatchReview, error) {
	rows, err := q(db).ReviewsLearningSample(ctx, dbsqlc.ReviewsLearningSampleParams{ProductID: productID, PerRating: int32(perRating), Lim: int32(limit)})
	if err != nil {
		return nil, fmt.Errorf("sample reviews of product %d: %w", productID, err)
	}
	out := make([]BatchReview, len(rows))
	for i, r := range rows {
		out[i] = BatchReview{ID: r.ID, Rating: int(deref(r.Rating)), Title: r.Title, Body: r.Body, Language: r.Language, HelpfulVotes: int(r.HelpfulVotes)}
	}
	return out, nil
}

// Dimension is one dimension of a product's model.
type Dimension struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

// Label is one 5W label of a product's library.
type Label struct {
	ID         int64  `json:"id"`
	Type       string `json:"type"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

// Model is a product's current dimensions and labels.
type Model struct {
	Version    int         `json:"version"`
	Dimensions []Dimension `json:"dimensions"`
	Labels     []Label     `json:"labels"`
}

// ModelGet returns a product's live model.
func ModelGet(ctx context.Context, db DBTX, productID int64) (Model, error) {
	p, err := ProductGet(ctx, db, productID)
	if err != nil {
		return Model{}, err
	}
	dims, err := q(db).DimensionList(ctx, productID)
	if err != nil {
		return Model{}, fmt.Errorf("list dimensions of product %d: %w", productID, err)
	}
	labels, err := q(db).LabelList(ctx, productID)
	if err != nil {
		return Model{}, fmt.Errorf("list labels of product %d: %w", productID, err)
	}
	m := Model{Version: p.ModelVersion, Dimensions: make([]Dimension, len(dims)), Labels: make([]Label, len(labels))}
	for i, d := range dims {
		m.Dimensions[i] = Dimension{ID: d.ID, Kind: d.Kind, Name: d.Name, Definition: d.Definition}
	}
	for i, l := range labels {
		m.Labels[i] = Label{ID: l.ID, Type: l.Type, Name: l.Name, Definition: l.Definition}
	}
	return m, nil
}

// LLMDimensions returns the model's dimensions in the LLM contract's shape.
func (m Model) LLMDimensions() voc.Dimensions {
	var d voc.Dimensions
	for _, x := range m.Dimensions {
		v := voc.Dimension{Name: x.Name, Definition: x.Definition}
		switch x.Kind {
		case voc.DimProduct:
			d.Product = append(d.Product, v)
		case voc.DimScenario:
			d.Scenario = append(d.Scenario, v)
		case voc.DimEmotion:
			d.Emotion = append(d.Emotion, v)
		}
	}
	return d
}

// LLMLabels returns the model's 5W library in the LLM contract's shape.
func (m Model) LLMLabels() voc.Labels {
	var l voc.Labels
	for _, x := range m.Labels {
		v := voc.Label{Name: x.Name, Definition: x.Definition}
		switch x.Type {
		case voc.WBuyer:
			l.Buyer = append(l.Buyer, v)
		case voc.WUser:
			l.User = append(l.User, v)
		case voc.WWhere:
			l.Where = append(l.Where, v)
		case voc.WWhen:
			l.When = append(l.When, v)
		case voc.WWhy:
			l.Why = append(l.Why, v)
		case voc.WWhat:
			l.What = append(l.What, v)
		}
	}
	return l
}

// ModelStoreLearned stores a learned model as version 1 of the product's
// model unless the product already has one (another analysis learned it
// first); it reports whether it stored.
func ModelStoreLearned(ctx context.Context, tx pgx.Tx, productID int64, out voc.Model) (bool, error) {
	version, err := q(tx).ProductLockModel(ctx, productID)
	if err != nil {
		return false, fmt.Errorf("lock model of product %d: %w", productID, mapErr(err))
	}
	if version > 0 {
		return false, nil
	}
	add := func(kind string, ds []voc.Dimension) error {
		for _, d := range ds {
			if _, err := q(tx).DimensionInsert(ctx, dbsqlc.DimensionInsertParams{ProductID: productID, Kind: kind, Name: d.Name, Definition: d.Definition}); err != nil {
				return fmt.Errorf("insert %s dimension %q: %w", kind, d.Name, err)
			}
		}
		return nil
	}
	for kind, ds := range map[string][]voc.Dimension{voc.DimProduct: out.Dimensions.Product, voc.DimScenario: out.Dimensions.Scenario, voc.DimEmotion: out.Dimensions.Emotion} {
		if err := add(kind, ds); err != nil {
			return false, err
		}
	}
	for _, t := range voc.WTypes {
		for _, l := range out.Labels.ByType(t) {
			if _, err := q(tx).LabelInsert(ctx, dbsqlc.LabelInsertParams{ProductID: productID, Type: t, Name: l.Name, Definition: l.Definition}); err != nil {
				return false, fmt.Errorf("insert %s label %q: %w", t, l.Name, err)
			}
		}
	}
	if err := snapshotModel(ctx, tx, productID, 1, "learned"); err != nil {
		return false, err
	}
	return true, nil
}

// snapshotModel records the live model as a version and makes it current.
func snapshotModel(ctx context.Context, tx pgx.Tx, productID int64, version int, source string) error {
	m, err := ModelGet(ctx, tx, productID)
	if err != nil {
		return err
	}
	m.Version = version
	snap, _ := json.Marshal(m)
	if err := q(tx).ProductModelInsert(ctx, dbsqlc.ProductModelInsertParams{ProductID: productID, Version: int32(version), Source: source, Snapshot: snap}); err != nil {
		return fmt.Errorf("snapshot model v%d of product %d: %w", version, productID, err)
	}
	if err := q(tx).ProductSetModelVersion(ctx, dbsqlc.ProductSetModelVersionParams{ID: productID, ModelVersion: int32(version)}); err != nil {
		return fmt.Errorf("set model version of product %d: %w", productID, err)
	}
	return nil
}

// Failure is a review a stage gave up on, with the reason.
type Failure struct {
	ReviewID int64
	Reason   string
}

// Translation is one review's translation outcome.
type Translation struct {
	ReviewID int64
	Status   string // done, skipped
	Title    string
	Body     string
}

// TranslationsApply stores a batch's translations and failures and adds
// the reviews that actually changed to the analysis's progress, so a
// replayed batch counts nothing twice. settled counts, as done, the batch's
// reviews whose translation was settled before (a translate-only analysis
// of reviews stored skipped, or translated by an earlier analysis).
func TranslationsApply(ctx context.Context, tx pgx.Tx, analysisID int64, ts []Translation, fails []Failure, settled int64) error {
	done, failed := settled, int64(0)
	if len(ts) > 0 {
		p := dbsqlc.ReviewsSetTranslationParams{}
		for _, t := range ts {
			p.Ids = append(p.Ids, t.ReviewID)
			p.Statuses = append(p.Statuses, t.Status)
			p.Titles = append(p.Titles, t.Title)
			p.Bodies = append(p.Bodies, t.Body)
		}
		n, err := q(tx).ReviewsSetTranslation(ctx, p)
		if err != nil {
			return fmt.Errorf("store %d translations: %w", len(ts), err)
		}
		done += n
	}
	if len(fails) > 0 {
		p := dbsqlc.ReviewsSetTranslationParams{}
		for _, f := range fails {
			p.Ids = append(p.Ids, f.ReviewID)
			p.Statuses = append(p.Statuses, TranslationFailed)
			p.Titles = append(p.Titles, "")
			p.Bodies = append(p.Bodies, "")
		}
		n, err := q(tx).ReviewsSetTranslation(ctx, p)
		if err != nil {
			return fmt.Errorf("mark %d translations failed: %w", len(fails), err)
		}
		failed = n
		if err := insertFailures(ctx, tx, analysisID, voc.StageTranslation, fails); err != nil {
			return err
		}
	}
	return progressAdd(ctx, tx, analysisID, voc.StageTranslation, done, failed)
}

// progressAdd records a batch's progress for AnalysisProgressFold. It takes
// no lock on the analysis: batches of one analysis commit side by side.
func progressAdd(ctx context.Context, tx pgx.Tx, analysisID int64, stage string, done, failed int64) error {
	if done == 0 && failed == 0 {
		return nil
	}
	err := q(tx).AnalysisProgressAdd(ctx, dbsqlc.AnalysisProgressAddParams{AnalysisID: analysisID, Stage: stage, Done: int32(done), Failed: int32(failed)})
	if err != nil {
		return fmt.Errorf("add %s progress of analysis %d: %w", stage, analysisID, err)
	}
	return nil
}

// AnalysisProgressFold moves the progress batches added since the last
// fold into the analysis row and returns the row, locked until tx ends.
func AnalysisProgressFold(ctx context.Context, tx pgx.Tx, analysisID int64) (Analysis, error) {
	r, err := q(tx).AnalysisProgressFold(ctx, analysisID)
	if err != nil {
		return Analysis{}, fmt.Errorf("fold progress of analysis %d: %w", analysisID, mapErr(err))
	}
	return analysisFromRow(r), nil
}

// AnalysisWithPending adds the progress not folded yet to a's counters,
// for a live view; the row's own counters lag by the folds still queued.
func AnalysisWithPending(ctx context.Context, db DBTX, a Analysis) (Analysis, error) {
	rows, err := q(db).AnalysisProgressPending(ctx, a.ID)
	if err != nil {
		return a, fmt.Errorf("pending progress of analysis %d: %w", a.ID, err)
	}
	if len(rows) == 0 {
		return a, nil
	}
	p := rows[0]
	a.TranslationDone += int(p.TDone)
	a.TranslationFailed += int(p.TFailed)
	a.InsightsDone += int(p.IDone)
	a.InsightsFailed += int(p.IFailed)
	a.ThemesDone += int(p.ThDone)
	a.ThemesFailed += int(p.ThFailed)
	return a, nil
}

func insertFailures(ctx context.Context, tx pgx.Tx, analysisID int64, stage string, fails []Failure) error {
	for _, f := range fails {
		if _, err := q(tx).FailureInsert(ctx, dbsqlc.FailureInsertParams{AnalysisID: analysisID, ReviewID: f.ReviewID, Stage: stage, Reason: f.Reason}); err != nil {
			return fmt.Errorf("record %s failure of review %d: %w", stage, f.ReviewID, err)
		}
	}
	return nil
}

// StoredInsight is an insight resolved against the product's model.
type StoredInsight struct {
	ReviewID      int64
	DimensionID   int64
	DimensionKind string
	voc.Insight
	// Span locates the quote in the review; when set, its Text is stored as
	// the quote, whatever Insight.Quote says.
	Span voc.QuoteSpan
}

// spanColumns returns the quote to store and its span columns.
func spanColumns(quote string, sp voc.QuoteSpan) (string, *string, *int32, *int32) {
	if sp.Field == "" {
		return quote, nil, nil, nil
	}
	f, start, end := sp.Field, int32(sp.Start), int32(sp.End)
	return sp.Text, &f, &start, &end
}

// InsightsApply replaces the insights of the done reviews, sets their
// overall sentiment, records failures, and adds the reviews whose state
// changed to the analysis's progress (see progressAdd).
func InsightsApply(ctx context.Context, tx pgx.Tx, analysisID int64, done []int64, sentiments []string, ins []StoredInsight, fails []Failure) error {
	var nDone, nFailed int64
	if len(done) > 0 {
		var err error
		if ins, err = keepExisting(ctx, tx, ins, func(x StoredInsight) int64 { return x.DimensionID }, q(tx).DimensionsLockExisting); err != nil {
			return fmt.Errorf("lock dimensions: %w", err)
		}
		if err := q(tx).InsightsDeleteForReviews(ctx, done); err != nil {
			return fmt.Errorf("clear insights: %w", err)
		}
		rows := make([]dbsqlc.InsightInsertBatchParams, len(ins))
		for i, x := range ins {
			quote, field, start, end := spanColumns(x.Quote, x.Span)
			rows[i] = dbsqlc.InsightInsertBatchParams{ReviewID: x.ReviewID, AnalysisID: analysisID, Type: x.Type, DimensionID: x.DimensionID,
				DimensionKind: x.DimensionKind, Quote: quote, QuoteTranslated: x.QuoteTranslated, Analysis: x.Analysis,
				Sentiment: x.Sentiment, Confidence: x.Confidence, QuoteField: field, QuoteStart: start, QuoteEnd: end}
		}
		if _, err := q(tx).InsightInsertBatch(ctx, rows); err != nil {
			return fmt.Errorf("insert %d insights: %w", len(rows), err)
		}
		if err := q(tx).ReviewsSetSentiment(ctx, dbsqlc.ReviewsSetSentimentParams{Ids: done, Sentiments: sentiments}); err != nil {
			return fmt.Errorf("set review sentiment: %w", err)
		}
		n, err := q(tx).AnalysisReviewsSetInsightState(ctx, dbsqlc.AnalysisReviewsSetInsightStateParams{State: "done", AnalysisID: analysisID, Ids: done})
		if err != nil {
			return fmt.Errorf("mark insights done: %w", err)
		}
		nDone = n
	}
	if len(fails) > 0 {
		if err := insertFailures(ctx, tx, analysisID, voc.StageInsights, fails); err != nil {
			return err
		}
		n, err := q(tx).AnalysisReviewsSetInsightState(ctx, dbsqlc.AnalysisReviewsSetInsightStateParams{State: "failed", AnalysisID: analysisID, Ids: failureIDs(fails)})
		if err != nil {
			return fmt.Errorf("mark insights failed: %w", err)
		}
		nFailed = n
	}
	return progressAdd(ctx, tx, analysisID, voc.StageInsights, nDone, nFailed)
}

// StoredTag is a 5W tag resolved against the product's label library.
type StoredTag struct {
	ReviewID int64
	LabelID  int64
	voc.Tag
	// Span locates the tag's evidence in the review, as for StoredInsight.
	Span voc.QuoteSpan
}

// ThemesApply replaces the tags of the done reviews, records failures and
// adds to progress like InsightsApply.
func ThemesApply(ctx context.Context, tx pgx.Tx, analysisID int64, done []int64, tags []StoredTag, fails []Failure) error {
	var nDone, nFailed int64
	if len(done) > 0 {
		var err error
		if tags, err = keepExisting(ctx, tx, tags, func(x StoredTag) int64 { return x.LabelID }, q(tx).LabelsLockExisting); err != nil {
			return fmt.Errorf("lock labels: %w", err)
		}
		if err := q(tx).TagsDeleteForReviews(ctx, done); err != nil {
			return fmt.Errorf("clear tags: %w", err)
		}
		rows := make([]dbsqlc.TagInsertBatchParams, len(tags))
		for i, x := range tags {
			quote, field, start, end := spanColumns(x.Quote, x.Span)
			rows[i] = dbsqlc.TagInsertBatchParams{ReviewID: x.ReviewID, AnalysisID: analysisID, Type: x.Type, LabelID: x.LabelID,
				Quote: quote, QuoteTranslated: x.QuoteTranslated, Explanation: x.Explanation, Confidence: x.Confidence,
				QuoteField: field, QuoteStart: start, QuoteEnd: end}
		}
		if _, err := q(tx).TagInsertBatch(ctx, rows); err != nil {
			return fmt.Errorf("insert %d tags: %w", len(rows), err)
		}
		n, err := q(tx).AnalysisReviewsSetThemeState(ctx, dbsqlc.AnalysisReviewsSetThemeStateParams{State: "done", AnalysisID: analysisID, Ids: done})
		if err != nil {
			return fmt.Errorf("mark themes done: %w", err)
		}
		nDone = n
	}
	if len(fails) > 0 {
		if err := insertFailures(ctx, tx, analysisID, voc.StageThemes, fails); err != nil {
			return err
		}
		n, err := q(tx).AnalysisReviewsSetThemeState(ctx, dbsqlc.AnalysisReviewsSetThemeStateParams{State: "failed", AnalysisID: analysisID, Ids: failureIDs(fails)})
		if err != nil {
			return fmt.Errorf("mark themes failed: %w", err)
		}
		nFailed = n
	}
	return progressAdd(ctx, tx, analysisID, voc.StageThemes, nDone, nFailed)
}

// keepExisting drops rows whose dimension or label was deleted (by a model
// edit) after the stage read the model, and locks the rest against deletion
// until commit, so the insert never trips the foreign key.
func keepExisting[T any](ctx context.Context, tx pgx.Tx, rows []T, ref func(T) int64, lock func(context.Context, []int64) ([]int64, error)) ([]T, error) {
	if len(rows) == 0 {
		return rows, nil
	}
	want := make([]int64, 0, len(rows))
	for _, r := range rows {
		want = append(want, ref(r))
	}
	have, err := lock(ctx, want)
	if err != nil {
		return nil, err
	}
	ok := make(map[int64]bool, len(have))
	for _, id := range have {
		ok[id] = true
	}
	out := rows[:0]
	for _, r := range rows {
		if ok[ref(r)] {
			out = append(out, r)
		}
	}
	return out, nil
}

func failureIDs(fs []Failure) []int64 {
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.ReviewID
	}
	return ids
}

// AnalysisMarkReportQueued records that a report job was queued.
func AnalysisMarkReportQueued(ctx context.Context, tx pgx.Tx, id int64, preliminary, final bool) error {
	if err := q(tx).AnalysisMarkReportQueued(ctx, dbsqlc.AnalysisMarkReportQueuedParams{ID: id, Preliminary: preliminary, Final: final}); err != nil {
		return fmt.Errorf("mark report queued for analysis %d: %w", id, err)
	}
	return nil
}

// AnalysisFinish ends a running analysis with a status.
func AnalysisFinish(ctx context.Context, db DBTX, id int64, status string) error {
	if err := q(db).AnalysisFinish(ctx, dbsqlc.AnalysisFinishParams{ID: id, Status: status}); err != nil {
		return fmt.Errorf("finish analysis %d: %w", id, err)
	}
	return nil
}

// Usage is an analysis's LLM spend.
type Usage struct {
	Calls     int64 `json:"calls"`
	CacheHits int64 `json:"cache_hits"`
	TokensIn  int64 `json:"tokens_in"`
	TokensOut int64 `json:"tokens_out"`
}

// AnalysisUsage sums the LLM calls recorded for an analysis.
func AnalysisUsage(ctx context.Context, db DBTX, analysisID int64) (Usage, error) {
	r, err := q(db).LLMUsageForAnalysis(ctx, &analysisID)
	if err != nil {
		return Usage{}, fmt.Errorf("sum llm usage of analysis %d: %w", analysisID, err)
	}
	return Usage{Calls: r.Calls, CacheHits: r.CacheHits, TokensIn: r.TokensIn, TokensOut: r.TokensOut}, nil
}

type analysisKey struct{}

// WithAnalysisID tags ctx so LLM calls made under it are recorded against
// the analysis.
func WithAnalysisID(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, analysisKey{}, id)
}

// CallRecorder stores every LLM call in llm_calls. It implements
// llm.Recorder; a failed insert is logged by the caller's logger, never
// fails the job.
type CallRecorder struct {
	DB  DBTX
	Log interface {
		WarnContext(ctx context.Context, msg string, args ...any)
	}
}

// RecordCall implements llm.Recorder. Under WithCallLog the call is kept
// for the job's own commit (CallLog.Flush) instead of a transaction of its
// own.
func (r CallRecorder) RecordCall(ctx context.Context, c llm.Call) {
	var aid *int64
	if v, ok := ctx.Value(analysisKey{}).(int64); ok {
		aid = &v
	}
	row := callRow(aid, c, time.Now())
	if l := CallLogOf(ctx); l != nil {
		l.add(r, row)
		return
	}
	r.write(ctx, []dbsqlc.LLMCallInsertBatchParams{row})
}

// write stores call records. A call record is an audit row, not a promise
// to anyone: it need not wait for a disk flush (see AsyncCommit), which at
// hundreds of calls a second would queue every job behind the WAL.
func (r CallRecorder) write(ctx context.Context, rows []dbsqlc.LLMCallInsertBatchParams) {
	if len(rows) == 0 || r.DB == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	var err error
	if db, ok := r.DB.(DB); ok {
		err = InTx(ctx, db, func(tx pgx.Tx) error {
			if err := AsyncCommit(ctx, tx); err != nil {
				return err
			}
			_, err := q(tx).LLMCallInsertBatch(ctx, rows)
			return err
		})
	} else {
		_, err = q(r.DB).LLMCallInsertBatch(ctx, rows)
	}
	if err != nil && r.Log != nil {
		r.Log.WarnContext(ctx, "record llm calls", "error", err, "calls", len(rows))
	}
}

type callLogKey struct{}

// CallLog holds the LLM calls a batch job made until its commit writes
// them (Flush), so a call costs no transaction of its own: at hundreds of
// calls a second that was one commit per call on top of the job's. Calls of
// a job that ends without committing are written by Close. It is safe for
// concurrent use (a job's calls run side by side).
type CallLog struct {
	mu   sync.Mutex
	rows []dbsqlc.LLMCallInsertBatchParams
	rec  CallRecorder
}

// WithCallLog returns ctx under which a CallRecorder keeps its calls in the
// returned log instead of writing each at once.
func WithCallLog(ctx context.Context) (context.Context, *CallLog) {
	l := &CallLog{}
	return context.WithValue(ctx, callLogKey{}, l), l
}

// CallLogOf returns ctx's CallLog, or nil.
func CallLogOf(ctx context.Context) *CallLog {
	l, _ := ctx.Value(callLogKey{}).(*CallLog)
	return l
}

func (l *CallLog) add(rec CallRecorder, row dbsqlc.LLMCallInsertBatchParams) {
	l.mu.Lock()
	l.rec = rec
	l.rows = append(l.rows, row)
	l.mu.Unlock()
}

// Flush writes the calls logged so far in tx. They count as written only
// if tx commits: call Written then, and Close writes them otherwise. A nil
// log flushes nothing.
func (l *CallLog) Flush(ctx context.Context, tx pgx.Tx) (written int, err error) {
	if l == nil {
		return 0, nil
	}
	l.mu.Lock()
	rows := l.rows
	l.mu.Unlock()
	if len(rows) == 0 {
		return 0, nil
	}
	if _, err := q(tx).LLMCallInsertBatch(ctx, rows); err != nil {
		return 0, fmt.Errorf("record %d llm calls: %w", len(rows), err)
	}
	return len(rows), nil
}

// Written drops the first n calls, which a committed Flush wrote.
func (l *CallLog) Written(n int) {
	if l == nil || n == 0 {
		return
	}
	l.mu.Lock()
	l.rows = l.rows[n:]
	l.mu.Unlock()
}

// Close writes the calls no commit wrote (a job that failed, snoozed or
// was cancelled still spent them).
func (l *CallLog) Close(ctx context.Context) {
	l.mu.Lock()
	rows, rec := l.rows, l.rec
	l.rows = nil
	l.mu.Unlock()
	rec.write(ctx, rows)
}

func callRow(aid *int64, c llm.Call, at time.Time) dbsqlc.LLMCallInsertBatchParams {
	return dbsqlc.LLMCallInsertBatchParams{
		AnalysisID: aid, Stage: c.Stage, Provider: c.Provider, Model: c.Model, TokensIn: int32(c.TokensIn),
		TokensOut: int32(c.TokensOut), LatencyMs: int32(c.Latency / time.Millisecond), Status: c.Status,
		CacheHit: c.CacheHit, Repair: c.Repair, Dropped: int32(c.Dropped), Error: c.Error,
		CreatedAt: at,
	}
}

func deref[T any](p *T) T {
	var z T
	if p == nil {
		return z
	}
	return *p
}
