package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc"
	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Analysis kinds.
const (
	AnalysisFull          = "full"
	AnalysisTranslateOnly = "translate_only"
	AnalysisRerun         = "rerun"
)

// Analysis is one pipeline run over a set of a product's reviews.
type Analysis struct {
	ID                int64      `json:"id"`
	ProductID         int64      `json:"product_id"`
	Kind              string     `json:"kind"`
	Status            string     `json:"status"`
	TargetLanguage    string     `json:"target_language"`
	Scope             string     `json:"scope"`
	UploadID          *int64     `json:"upload_id,omitempty"`
	Planned           bool       `json:"planned"`
	ReviewsTotal      int        `json:"reviews_total"`
	TranslationDone   int        `json:"translation_done"`
	TranslationFailed int        `json:"translation_failed"`
	InsightsDone      int        `json:"insights_done"`
	InsightsFailed    int        `json:"insights_failed"`
	ThemesDone        int        `json:"themes_done"`
	ThemesFailed      int        `json:"themes_failed"`
	PreliminaryQueued bool       `json:"preliminary_queued"`
	FinalQueued       bool       `json:"final_queued"`
	CreatedAt         time.Time  `json:"created_at"`
	FinishedAt        *time.Time `json:"finished_at,omitempty"`
}

func analysisFromRow(r dbsqlc.Analysis) Analysis {
	return Analysis{
		ID: r.ID, ProductID: r.ProductID, Kind: r.Kind, Status: r.Status, TargetLanguage: r.TargetLanguage,
		Scope: r.Scope, UploadID: r.UploadID, Planned: r.Planned,
		ReviewsTotal: int(r.ReviewsTotal), TranslationDone: int(r.TranslationDone), TranslationFailed: int(r.TranslationFailed),
		InsightsDone: int(r.InsightsDone), InsightsFailed: int(r.InsightsFailed), ThemesDone: int(r.ThemesDone),
		ThemesFailed: int(r.ThemesFailed), PreliminaryQueued: r.PreliminaryQueued, FinalQueued: r.FinalQueued,
		CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt,
	}
}

// Scopes say which reviews an analysis covers.
const (
	ScopeUpload     = "upload"     // the reviews one upload added
	ScopeUnanalysed = "unanalysed" // the product's reviews no analysis has covered
	ScopeProduct    = "product"    // every review of the product (re-analysis)
)

// AnalysisCreate records a new analysis of a scope. total is the number of
// reviews when the caller knows it (an upload's), else 0 until planned.
func AnalysisCreate(ctx context.Context, db DBTX, productID int64, kind, targetLang, scope string, uploadID *int64, total int) (Analysis, error) {
	r, err := q(db).AnalysisInsert(ctx, dbsqlc.AnalysisInsertParams{ProductID: productID, Kind: kind, TargetLanguage: targetLang,
		Scope: scope, UploadID: uploadID, ReviewsTotal: int32(total)})
	if err != nil {
		return Analysis{}, fmt.Errorf("insert analysis for product %d: %w", productID, err)
	}
	return analysisFromRow(r), nil
}

// AnalysisPlan fills in the reviews an analysis covers, from its scope, and
// sets its total. The caller holds the product's ingest lock so that
// concurrent plans of "unanalysed" reviews do not overlap. Planning twice is
// a no-op.
func AnalysisPlan(ctx context.Context, db DBTX, a Analysis) (Analysis, error) {
	if a.Planned {
		return a, nil
	}
	var err error
	switch a.Scope {
	case ScopeUpload:
		_, err = q(db).AnalysisAddUploadReviews(ctx, dbsqlc.AnalysisAddUploadReviewsParams{AnalysisID: a.ID, UploadID: a.UploadID})
	case ScopeUnanalysed:
		_, err = q(db).AnalysisAddPendingProductReviews(ctx, dbsqlc.AnalysisAddPendingProductReviewsParams{AnalysisID: a.ID, ProductID: a.ProductID, Kind: a.Kind})
	case ScopeProduct:
		_, err = q(db).AnalysisAddAllProductReviews(ctx, dbsqlc.AnalysisAddAllProductReviewsParams{AnalysisID: a.ID, ProductID: a.ProductID})
	default:
		err = fmt.Errorf("unknown scope %q", a.Scope)
	}
	if err != nil {
		return Analysis{}, fmt.Errorf("add reviews to analysis %d: %w", a.ID, err)
	}
	total, err := q(db).AnalysisSetTotal(ctx, a.ID)
	if err != nil {
		return Analysis{}, fmt.Errorf("count reviews of analysis %d: %w", a.ID, err)
	}
	if err := q(db).AnalysisMarkPlanned(ctx, a.ID); err != nil {
		return Analysis{}, fmt.Errorf("mark analysis %d planned: %w", a.ID, err)
	}
	a.ReviewsTotal, a.Planned = int(total), true
	return a, nil
}

// AnalysisGet returns an analysis, or ErrNotFound.
func AnalysisGet(ctx context.Context, db DBTX, id int64) (Analysis, error) {
	r, err := q(db).AnalysisGetByID(ctx, id)
	if err != nil {
		return Analysis{}, mapErr(err)
	}
	return analysisFromRow(r), nil
}

// AnalysisLatest returns a product's newest analysis, or ErrNotFound.
func AnalysisLatest(ctx context.Context, db DBTX, productID int64) (Analysis, error) {
	r, err := q(db).AnalysisLatestByProduct(ctx, productID)
	if err != nil {
		return Analysis{}, mapErr(err)
	}
	return analysisFromRow(r), nil
}

// BatchSizes says how many reviews go in one LLM call.
type BatchSizes struct {
	ShortChars int // reviews shorter than this (title + body) are short
	Short      int
	Long       int
}

// Batch is one LLM batch of an analysis's reviews.
type Batch struct {
	ReviewIDs []int64
	// NeedsTranslation: a review of the batch still waits for its
	// translation; without one the batch goes straight to insights.
	NeedsTranslation bool
}

// AnalysisBatches splits an analysis's reviews into batches.
func AnalysisBatches(ctx context.Context, db DBTX, analysisID int64, bs BatchSizes) ([]Batch, error) {
	rows, err := q(db).AnalysisBatches(ctx, dbsqlc.AnalysisBatchesParams{
		AnalysisID: analysisID, ShortChars: int32(bs.ShortChars), ShortSize: int32(bs.Short), LongSize: int32(bs.Long),
	})
	if err != nil {
		return nil, fmt.Errorf("batch reviews of analysis %d: %w", analysisID, err)
	}
	out := make([]Batch, len(rows))
	for i, r := range rows {
		out[i] = Batch{ReviewIDs: r.ReviewIds, NeedsTranslation: r.NeedsTranslation}
	}
	return out, nil
}

// AnalysisSkipTranslations marks the analysis's pending reviews that need
// no translation skipped (all of them when translates is false, else those
// already in the target language) and counts, as the translation stage
// would have, every review of the analysis that needs no translation job:
// those it marked and those skipped (at ingestion) or translated before. It
// returns that count.
func AnalysisSkipTranslations(ctx context.Context, tx pgx.Tx, a Analysis, translates bool) (int64, error) {
	n, err := q(tx).AnalysisSkipTranslations(ctx, dbsqlc.AnalysisSkipTranslationsParams{AnalysisID: a.ID, Translates: translates, TargetLanguage: a.TargetLanguage})
	if err != nil {
		return 0, fmt.Errorf("skip translations of analysis %d: %w", a.ID, err)
	}
	return n, progressAdd(ctx, tx, a.ID, voc.StageTranslation, n, 0)
}

// AnalysisRunningForUpdate locks the product's row for the rest of tx (so
// two callers cannot both see "none running" and both start one) and
// returns the id of its running analysis, or 0 when none runs. It returns
// ErrNotFound when the product does not exist.
func AnalysisRunningForUpdate(ctx context.Context, tx pgx.Tx, productID int64) (int64, error) {
	if _, err := q(tx).ProductLockRow(ctx, productID); err != nil {
		return 0, mapErr(err)
	}
	id, err := q(tx).AnalysisRunningByProduct(ctx, productID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("running analysis of product %d: %w", productID, err)
	}
	return id, nil
}

// AnalysisPendingCount returns how many reviews a new analysis of a kind
// would cover when started without an upload: those no analysis of that
// kind has covered (translate-only analyses do not count for full ones),
// without excluded reviews.
func AnalysisPendingCount(ctx context.Context, db DBTX, productID int64, kind string) (int64, error) {
	n, err := q(db).AnalysisPendingCount(ctx, dbsqlc.AnalysisPendingCountParams{ProductID: productID, Kind: kind})
	if err != nil {
		return 0, fmt.Errorf("count reviews to analyse of product %d: %w", productID, err)
	}
	return n, nil
}

// AnalysisRunningCount returns how many analyses of a product are running.
func AnalysisRunningCount(ctx context.Context, db DBTX, productID int64) (int64, error) {
	n, err := q(db).AnalysisRunningForProduct(ctx, productID)
	if err != nil {
		return 0, fmt.Errorf("count running analyses of product %d: %w", productID, err)
	}
	return n, nil
}
