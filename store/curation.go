package store

import (
	"context"
	"fmt"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Curation is a review's curation state.
type Curation struct {
	ReviewID  int64 `json:"review_id"`
	ProductID int64 `json:"product_id"`
	Excluded  bool  `json:"excluded" doc:"left out of the next analysis and of every report"`
	Pinned    bool  `json:"pinned" doc:"leads its dimensions' and labels' evidence in reports"`
}

// ReviewCurationGet returns a review's curation state, or ErrNotFound.
func ReviewCurationGet(ctx context.Context, db DBTX, reviewID int64) (Curation, error) {
	r, err := q(db).ReviewCurationGet(ctx, reviewID)
	if err != nil {
		return Curation{}, mapErr(err)
	}
	return Curation{ReviewID: r.ID, ProductID: r.ProductID, Excluded: r.Excluded, Pinned: r.Pinned}, nil
}

// ReviewCurationSet changes a review's excluded and pinned flags (nil:
// keep) and returns its new state, or ErrNotFound.
func ReviewCurationSet(ctx context.Context, db DBTX, reviewID int64, excluded, pinned *bool) (Curation, error) {
	r, err := q(db).ReviewCurationSet(ctx, dbsqlc.ReviewCurationSetParams{ID: reviewID, Excluded: excluded, Pinned: pinned})
	if err != nil {
		return Curation{}, fmt.Errorf("curate review %d: %w", reviewID, mapErr(err))
	}
	return Curation{ReviewID: r.ID, ProductID: r.ProductID, Excluded: r.Excluded, Pinned: r.Pinned}, nil
}

// ProductExcludedCount returns how many of a product's reviews are
// excluded.
func ProductExcludedCount(ctx context.Context, db DBTX, productID int64) (int64, error) {
	var n int64
	if err := db.QueryRow(ctx, `SELECT count(*) FROM reviews WHERE product_id = $1 AND excluded`, productID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count excluded reviews of product %d: %w", productID, err)
	}
	return n, nil
}
