package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AlignMember is one product's dimension in an aligned group.
type AlignMember struct {
	ProductID   int64  `json:"product_id"`
	DimensionID int64  `json:"dimension_id"`
	Name        string `json:"name,omitempty" doc:"the dimension's name in its product's model"`
}

// AlignGroup is a set of dimensions of different products that mean the
// same thing, e.g. "battery life", "Akkulaufzeit" and "续航".
type AlignGroup struct {
	Key     string        `json:"key,omitempty" doc:"what the grouping rests on: concept:<key>, name:<normalised name>, llm, or edited"`
	Name    string        `json:"name"`
	Kind    string        `json:"kind" enum:"product,scenario,emotion"`
	Members []AlignMember `json:"members"`
}

// Comparison is a named set of 2–10 products with the alignment of their
// dimensions.
type Comparison struct {
	ID              int64        `json:"id"`
	Name            string       `json:"name"`
	ProductIDs      []int64      `json:"product_ids"`
	CreatedBy       *int64       `json:"created_by,omitempty"`
	Alignment       []AlignGroup `json:"alignment"`
	AlignmentSource string       `json:"alignment_source" enum:"llm,offline,edited"`
	AlignmentNote   string       `json:"alignment_note,omitempty"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// ComparisonCreate stores a comparison of products (in order) with its
// alignment and returns its id.
func ComparisonCreate(ctx context.Context, tx pgx.Tx, name string, createdBy *int64, productIDs []int64, groups []AlignGroup, source, note string) (int64, error) {
	al, err := json.Marshal(nonNil(groups))
	if err != nil {
		return 0, fmt.Errorf("encode alignment: %w", err)
	}
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO comparisons (name, created_by, alignment, alignment_source, alignment_note)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, name, createdBy, al, source, note).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert comparison: %w", mapErr(err))
	}
	if _, err := tx.Exec(ctx, `INSERT INTO comparison_products (comparison_id, product_id, position)
		SELECT $1, p, o FROM unnest($2::bigint[]) WITH ORDINALITY AS u(p, o)`, id, productIDs); err != nil {
		return 0, fmt.Errorf("insert products of comparison %d: %w", id, mapErr(err))
	}
	return id, nil
}

const comparisonSelect = `SELECT c.id, c.name, c.created_by, c.alignment, c.alignment_source, c.alignment_note, c.created_at, c.updated_at,
	coalesce((SELECT array_agg(cp.product_id ORDER BY cp.position) FROM comparison_products cp WHERE cp.comparison_id = c.id), '{}')
	FROM comparisons c`

func scanComparison(row pgx.Row) (Comparison, error) {
	var c Comparison
	var al []byte
	if err := row.Scan(&c.ID, &c.Name, &c.CreatedBy, &al, &c.AlignmentSource, &c.AlignmentNote, &c.CreatedAt, &c.UpdatedAt, &c.ProductIDs); err != nil {
		return c, mapErr(err)
	}
	if err := json.Unmarshal(al, &c.Alignment); err != nil {
		return c, fmt.Errorf("decode alignment of comparison %d: %w", c.ID, err)
	}
	return c, nil
}

// ComparisonGet returns a comparison, or ErrNotFound.
func ComparisonGet(ctx context.Context, db DBTX, id int64) (Comparison, error) {
	return scanComparison(db.QueryRow(ctx, comparisonSelect+` WHERE c.id = $1`, id))
}

// ComparisonList returns comparisons, newest first.
func ComparisonList(ctx context.Context, db DBTX, limit int) ([]Comparison, error) {
	rows, err := db.Query(ctx, comparisonSelect+` ORDER BY c.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("list comparisons: %w", err)
	}
	defer rows.Close()
	out := []Comparison{}
	for rows.Next() {
		c, err := scanComparison(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ComparisonSetAlignment replaces a comparison's alignment; ErrNotFound
// when there is no such comparison.
func ComparisonSetAlignment(ctx context.Context, db DBTX, id int64, groups []AlignGroup, source, note string) error {
	al, err := json.Marshal(nonNil(groups))
	if err != nil {
		return fmt.Errorf("encode alignment: %w", err)
	}
	tag, err := db.Exec(ctx, `UPDATE comparisons SET alignment = $2, alignment_source = $3, alignment_note = $4, updated_at = now() WHERE id = $1`,
		id, al, source, note)
	if err != nil {
		return fmt.Errorf("set alignment of comparison %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return nil
}

// DimensionCell is one dimension's insight counts in a product, over the
// reviews that are not excluded, with its best evidence (pinned first).
type DimensionCell struct {
	DimensionID int64   `json:"dimension_id"`
	Kind        string  `json:"kind"`
	Name        string  `json:"name"`
	Definition  string  `json:"definition,omitempty"`
	Positive    int64   `json:"positive"`
	Negative    int64   `json:"negative"`
	Neutral     int64   `json:"neutral"`
	Evidence    []Quote `json:"evidence"`
}

// ProductDimensionCells returns every dimension of a product with its
// counts and up to perDim evidence quotes.
func ProductDimensionCells(ctx context.Context, db DBTX, productID int64, perDim int) ([]DimensionCell, error) {
	return collect(ctx, db, `SELECT d.id, d.kind, d.name, d.definition,
			count(i.id) FILTER (WHERE i.sentiment = 'positive'), count(i.id) FILTER (WHERE i.sentiment = 'negative'),
			count(i.id) FILTER (WHERE i.sentiment = 'neutral'),
			coalesce((array_agg(jsonb_build_object('review_id', i.review_id, 'quote', i.quote)
				ORDER BY r.pinned DESC, i.confidence = 'high' DESC, i.id) FILTER (WHERE i.id IS NOT NULL))[1:$2], '{}')
		FROM dimensions d
		LEFT JOIN (insights i JOIN reviews r ON r.id = i.review_id AND NOT r.excluded) ON i.dimension_id = d.id
		WHERE d.product_id = $1
		GROUP BY d.id ORDER BY d.kind, d.id`, []any{productID, perDim}, func(r pgx.Rows) (DimensionCell, error) {
		var c DimensionCell
		var ev []map[string]any
		if err := r.Scan(&c.DimensionID, &c.Kind, &c.Name, &c.Definition, &c.Positive, &c.Negative, &c.Neutral, &ev); err != nil {
			return c, err
		}
		c.Evidence = evidenceQuotes(ev)
		return c, nil
	})
}

// ProductOverview is a product's review-level numbers for a comparison,
// over the reviews that are not excluded.
type ProductOverview struct {
	Reviews         int64       `json:"reviews"`
	ExcludedReviews int64       `json:"excluded_reviews"`
	AvgRating       *float64    `json:"avg_rating"`
	RatingDist      []CountItem `json:"rating_distribution"`
	SentimentShare  []ShareItem `json:"sentiment_share"`
}

// ProductOverviewGet computes a product's overview.
func ProductOverviewGet(ctx context.Context, db DBTX, productID int64) (ProductOverview, error) {
	var o ProductOverview
	if err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE NOT excluded), count(*) FILTER (WHERE excluded),
		avg(rating) FILTER (WHERE NOT excluded)::float8 FROM reviews WHERE product_id = $1`, productID).Scan(&o.Reviews, &o.ExcludedReviews, &o.AvgRating); err != nil {
		return o, fmt.Errorf("overview of product %d: %w", productID, err)
	}
	var err error
	if o.RatingDist, err = collect(ctx, db, `SELECT coalesce(rating::text, 'none'), count(*) FROM reviews
		WHERE product_id = $1 AND NOT excluded GROUP BY rating ORDER BY rating NULLS LAST`, []any{productID}, func(r pgx.Rows) (CountItem, error) {
		var c CountItem
		return c, r.Scan(&c.Key, &c.Count)
	}); err != nil {
		return o, err
	}
	o.SentimentShare, err = collect(ctx, db, `SELECT sentiment, count(*), count(*)::float8 / sum(count(*)) OVER ()
		FROM reviews JOIN review_sentiments ON review_sentiments.review_id = reviews.id WHERE product_id = $1 AND NOT excluded GROUP BY sentiment ORDER BY sentiment`, []any{productID},
		func(r pgx.Rows) (ShareItem, error) {
			var s ShareItem
			return s, r.Scan(&s.Key, &s.Count, &s.Share)
		})
	return o, err
}

// LabelShare is a 5W label's tag count and share within its type, in one
// product.
type LabelShare struct {
	Type     string  `json:"type"`
	LabelID  int64   `json:"label_id"`
	Name     string  `json:"name"`
	Count    int64   `json:"count"`
	Share    float64 `json:"share"`
	Evidence []Quote `json:"evidence"`
}

// ProductLabelShares returns every 5W label of a product with its count,
// share within its type and one evidence quote.
func ProductLabelShares(ctx context.Context, db DBTX, productID int64) ([]LabelShare, error) {
	return collect(ctx, db, `SELECT l.type, l.id, l.name, count(t.id),
			coalesce(count(t.id)::float8 / nullif(sum(count(t.id)) OVER (PARTITION BY l.type), 0), 0),
			coalesce((array_agg(jsonb_build_object('review_id', t.review_id, 'quote', t.quote) ORDER BY r.pinned DESC, t.id) FILTER (WHERE t.id IS NOT NULL))[1:1], '{}')
		FROM labels l LEFT JOIN (review_tags t JOIN reviews r ON r.id = t.review_id AND NOT r.excluded) ON t.label_id = l.id
		WHERE l.product_id = $1
		GROUP BY l.id ORDER BY l.type, count(t.id) DESC, l.name`, []any{productID}, func(r pgx.Rows) (LabelShare, error) {
		var s LabelShare
		var ev []map[string]any
		if err := r.Scan(&s.Type, &s.LabelID, &s.Name, &s.Count, &s.Share, &ev); err != nil {
			return s, err
		}
		s.Evidence = evidenceQuotes(ev)
		return s, nil
	})
}

// evidenceQuotes decodes jsonb evidence objects ({review_id, quote}).
func evidenceQuotes(ev []map[string]any) []Quote {
	out := make([]Quote, 0, len(ev))
	for _, e := range ev {
		id, _ := e["review_id"].(float64)
		q := Quote{ReviewID: int64(id)}
		q.Quote, _ = e["quote"].(string)
		out = append(out, q)
	}
	return out
}
