package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// DimensionRatingStat is what a dimension's effect on rating is computed
// from: its mentions by sentiment, and the rated reviews with a negative
// mention of it (how many, and the sum of their stars).
type DimensionRatingStat struct {
	Kind              string `json:"kind"`
	Name              string `json:"name"`
	Positive          int64  `json:"positive"`
	Negative          int64  `json:"negative"`
	Neutral           int64  `json:"neutral"`
	NegativeReviews   int64  `json:"negative_reviews"`
	NegativeRated     int64  `json:"negative_rated"`
	NegativeRatingSum int64  `json:"negative_rating_sum"`
}

// RatingTotals are a product's rated reviews and the sum of their stars.
type RatingTotals struct {
	Rated int64 `json:"rated"`
	Sum   int64 `json:"sum"`
}

// ReportDimensionRatings returns, for every dimension of a product, its
// mentions and the rated reviews that mention it negatively, plus the
// product's rating totals. Everything is one scan of insights and reviews.
func ReportDimensionRatings(ctx context.Context, db DBTX, productID int64) ([]DimensionRatingStat, RatingTotals, error) {
	var tot RatingTotals
	if err := db.QueryRow(ctx, `SELECT count(rating), coalesce(sum(rating), 0) FROM reviews WHERE product_id = $1 AND NOT excluded`, productID).
		Scan(&tot.Rated, &tot.Sum); err != nil {
		return nil, tot, fmt.Errorf("rating totals of product %d: %w", productID, err)
	}
	rows, err := collect(ctx, db, `WITH neg AS (
			SELECT DISTINCT i.dimension_id, i.review_id, r.rating
			FROM insights i JOIN reviews r ON r.id = i.review_id
			WHERE r.product_id = $1 AND i.sentiment = 'negative' AND NOT r.excluded
		), negagg AS (
			SELECT dimension_id, count(*) AS reviews, count(rating) AS rated, coalesce(sum(rating), 0) AS rating_sum
			FROM neg GROUP BY dimension_id
		), mentions AS (
			SELECT i.dimension_id,
				count(*) FILTER (WHERE i.sentiment = 'positive') AS pos,
				count(*) FILTER (WHERE i.sentiment = 'negative') AS neg,
				count(*) FILTER (WHERE i.sentiment = 'neutral') AS neu
			FROM insights i JOIN dimensions d ON d.id = i.dimension_id JOIN reviews r ON r.id = i.review_id
			WHERE d.product_id = $1 AND NOT r.excluded GROUP BY i.dimension_id
		)
		SELECT d.kind, d.name, coalesce(m.pos, 0), coalesce(m.neg, 0), coalesce(m.neu, 0),
			coalesce(n.reviews, 0), coalesce(n.rated, 0), coalesce(n.rating_sum, 0)
		FROM dimensions d LEFT JOIN mentions m ON m.dimension_id = d.id LEFT JOIN negagg n ON n.dimension_id = d.id
		WHERE d.product_id = $1 ORDER BY d.kind, d.name`, []any{productID}, func(r pgx.Rows) (DimensionRatingStat, error) {
		var s DimensionRatingStat
		return s, r.Scan(&s.Kind, &s.Name, &s.Positive, &s.Negative, &s.Neutral, &s.NegativeReviews, &s.NegativeRated, &s.NegativeRatingSum)
	})
	if err != nil {
		return nil, tot, fmt.Errorf("dimension ratings of product %d: %w", productID, err)
	}
	return rows, tot, nil
}

// Trend periods.
const (
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

// PeriodStat is one period of one dimension's trend (Dimension empty: all
// reviews of the period).
type PeriodStat struct {
	Start     time.Time `json:"start"`
	Kind      string    `json:"kind,omitempty"`
	Dimension string    `json:"dimension,omitempty"`
	// Reviews: dated reviews in the period (all of them for the total row;
	// those mentioning the dimension otherwise).
	Reviews int64 `json:"reviews"`
	// Mentions: the dimension's insights in the period (0 for totals).
	Mentions int64 `json:"mentions"`
	Positive int64 `json:"positive"`
	Negative int64 `json:"negative"`
	// NegativeReviews: reviews with a negative mention of the dimension.
	NegativeReviews int64 `json:"negative_reviews"`
}

// ReportTrend returns, for the last `periods` weeks or months that have
// dated reviews, the reviews per period (totals) and each dimension's
// mentions per period, oldest first.
func ReportTrend(ctx context.Context, db DBTX, productID int64, period string, periods int) (totals, dims []PeriodStat, err error) {
	if period != PeriodWeek && period != PeriodMonth {
		return nil, nil, fmt.Errorf("trend period %q: want week or month", period)
	}
	totals, err = collect(ctx, db, `SELECT * FROM (
			SELECT date_trunc($2, review_date)::date AS p, count(*),
				count(*) FILTER (WHERE sentiment = 'positive'), count(*) FILTER (WHERE sentiment = 'negative')
			FROM reviews LEFT JOIN review_sentiments ON review_sentiments.review_id = reviews.id WHERE product_id = $1 AND review_date IS NOT NULL AND NOT excluded GROUP BY 1 ORDER BY 1 DESC LIMIT $3
		) t ORDER BY p`, []any{productID, period, periods}, func(r pgx.Rows) (PeriodStat, error) {
		var s PeriodStat
		return s, r.Scan(&s.Start, &s.Reviews, &s.Positive, &s.Negative)
	})
	if err != nil || len(totals) == 0 {
		return totals, []PeriodStat{}, err
	}
	dims, err = collect(ctx, db, `SELECT date_trunc($2, r.review_date)::date, d.kind, d.name, count(DISTINCT r.id), count(*),
			count(*) FILTER (WHERE i.sentiment = 'positive'), count(*) FILTER (WHERE i.sentiment = 'negative'),
			count(DISTINCT r.id) FILTER (WHERE i.sentiment = 'negative')
		FROM insights i JOIN reviews r ON r.id = i.review_id JOIN dimensions d ON d.id = i.dimension_id
		WHERE r.product_id = $1 AND r.review_date >= $3 AND NOT r.excluded
		GROUP BY 1, d.id ORDER BY 1, d.kind, d.name`, []any{productID, period, totals[0].Start}, func(r pgx.Rows) (PeriodStat, error) {
		var s PeriodStat
		return s, r.Scan(&s.Start, &s.Kind, &s.Dimension, &s.Reviews, &s.Mentions, &s.Positive, &s.Negative, &s.NegativeReviews)
	})
	return totals, dims, err
}
