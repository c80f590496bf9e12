package store

import (
	"context"
	"fmt"
	"time"

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
		ReviewsTotal: int(r.ReviewsTotal), TranslationDone: int(r.TranslationDone), TranslationFailed: int(r.TranslationFailed),
		InsightsDone: int(r.InsightsDone), InsightsFailed: int(r.InsightsFailed), ThemesDone: int(r.ThemesDone),
		ThemesFailed: int(r.ThemesFailed), PreliminaryQueued: r.PreliminaryQueued, FinalQueued: r.FinalQueued,
		CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt,
	}
}

// Scope says which reviews an analysis covers.
type Scope int

// Scopes.
const (
	ScopeUpload       Scope = iota // the reviews one upload added
	ScopeUnanalysed                // the product's reviews no analysis has covered
	ScopeAllOfProduct              // every review of the product (re-analysis)
)

// AnalysisCreate creates an analysis over the given scope and returns it
// with its review count.
func AnalysisCreate(ctx context.Context, db DBTX, productID int64, kind, targetLang string, scope Scope, uploadID int64) (Analysis, error) {
	r, err := q(db).AnalysisInsert(ctx, dbsqlc.AnalysisInsertParams{ProductID: productID, Kind: kind, TargetLanguage: targetLang})
	if err != nil {
		return Analysis{}, fmt.Errorf("insert analysis for product %d: %w", productID, err)
	}
	switch scope {
	case ScopeUpload:
		_, err = q(db).AnalysisAddUploadReviews(ctx, dbsqlc.AnalysisAddUploadReviewsParams{AnalysisID: r.ID, UploadID: &uploadID})
	case ScopeUnanalysed:
		_, err = q(db).AnalysisAddPendingProductReviews(ctx, dbsqlc.AnalysisAddPendingProductReviewsParams{AnalysisID: r.ID, ProductID: productID})
	case ScopeAllOfProduct:
		_, err = q(db).AnalysisAddAllProductReviews(ctx, dbsqlc.AnalysisAddAllProductReviewsParams{AnalysisID: r.ID, ProductID: productID})
	}
	if err != nil {
		return Analysis{}, fmt.Errorf("add reviews to analysis %d: %w", r.ID, err)
	}
	total, err := q(db).AnalysisSetTotal(ctx, r.ID)
	if err != nil {
		return Analysis{}, fmt.Errorf("count reviews of analysis %d: %w", r.ID, err)
	}
	r.ReviewsTotal = total
	return analysisFromRow(r), nil
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

// AnalysisBatches splits an analysis's reviews into batches of ids.
func AnalysisBatches(ctx context.Context, db DBTX, analysisID int64, bs BatchSizes) ([][]int64, error) {
	rows, err := q(db).AnalysisBatches(ctx, dbsqlc.AnalysisBatchesParams{
		AnalysisID: analysisID, ShortChars: int32(bs.ShortChars), ShortSize: int32(bs.Short), LongSize: int32(bs.Long),
	})
	if err != nil {
		return nil, fmt.Errorf("batch reviews of analysis %d: %w", analysisID, err)
	}
	return rows, nil
}
