package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Dashboard is the product dashboard's aggregates over the reviews a
// ReviewQuery matches (its Terms, sort and paging aside, every filter
// applies). Every count is a number of distinct reviews, so the review
// reader lists exactly that many for the same filter plus the chart's own
// (see the Drill fields).
type Dashboard struct {
	KPI        DashboardKPI      `json:"kpi"`
	Ratings    []RatingCount     `json:"ratings" doc:"1–5, then 0 for reviews without a rating; drill: rating (0: none)"`
	Sentiments []SentimentCount  `json:"sentiments" doc:"drill: sentiment"`
	Dimensions []DimensionImpact `json:"dimensions" doc:"every dimension of the model; drill: dimension=id (and insight_sentiment)"`
	Trend      DashboardTrend    `json:"trend"`
	FiveW      []FiveWCounts     `json:"five_w" doc:"drill: label=id"`
	Emerging   []EmergingIssue   `json:"emerging" doc:"drill: dimension=id, insight_sentiment=negative, date_from, date_to"`
	Facets     DashboardFacets   `json:"facets"`
}

// DashboardKPI is the headline numbers.
type DashboardKPI struct {
	Reviews      int64    `json:"reviews"`
	Rated        int64    `json:"rated"`
	AvgRating    *float64 `json:"avg_rating"`
	Positive     int64    `json:"positive"`
	Neutral      int64    `json:"neutral"`
	Negative     int64    `json:"negative"`
	WithInsights int64    `json:"with_insights"`
	Insights     int64    `json:"insights"`
}

// RatingCount is the reviews with one star rating (0: none).
type RatingCount struct {
	Rating int   `json:"rating"`
	Count  int64 `json:"count"`
}

// SentimentCount is the reviews of one overall sentiment.
type SentimentCount struct {
	Sentiment string `json:"sentiment"`
	Count     int64  `json:"count"`
}

// DimensionImpact is one dimension's volume, sentiment and effect on rating.
type DimensionImpact struct {
	ID       int64  `json:"id"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Reviews  int64  `json:"reviews" doc:"reviews with an insight on the dimension"`
	Positive int64  `json:"positive" doc:"reviews with a positive insight on it"`
	Negative int64  `json:"negative" doc:"reviews with a negative insight on it"`
	Neutral  int64  `json:"neutral" doc:"reviews with a neutral insight on it"`
	// Net is (Positive − Negative) / Reviews, in [−1, 1].
	Net float64 `json:"net"`
	// RatingEffect is the mean rating of rated reviews that mention the
	// dimension minus that of rated reviews that do not; nil when either
	// side has no rated review.
	RatingEffect *float64 `json:"rating_effect"`
}

// DashboardTrend is reviews per week or month, overall and per dimension.
type DashboardTrend struct {
	Granularity string        `json:"granularity" enum:"week,month"`
	Periods     []TrendPeriod `json:"periods"`
	Dimensions  []TrendSeries `json:"dimensions" doc:"the most mentioned dimensions (at most 8), counts aligned with periods"`
	Undated     int64         `json:"undated" doc:"matching reviews without a date, not in any period"`
}

// TrendPeriod is one week (Monday first) or calendar month.
type TrendPeriod struct {
	Start     string   `json:"start" doc:"first day, YYYY-MM-DD"`
	End       string   `json:"end" doc:"last day, YYYY-MM-DD"`
	Reviews   int64    `json:"reviews"`
	AvgRating *float64 `json:"avg_rating"`
	Positive  int64    `json:"positive"`
	Negative  int64    `json:"negative"`
}

// TrendSeries is one dimension's reviews per period.
type TrendSeries struct {
	ID     int64   `json:"id"`
	Name   string  `json:"name"`
	Counts []int64 `json:"counts"`
}

// FiveWCounts is one 5W type's labels with their review counts.
type FiveWCounts struct {
	Type   string       `json:"type"`
	Labels []LabelCount `json:"labels"`
}

// LabelCount is the reviews tagged with one label.
type LabelCount struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Reviews int64  `json:"reviews"`
}

// EmergingIssue is a dimension whose negative mentions rose in the latest
// 28 days of the data against the 28 days before.
type EmergingIssue struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Recent   int64  `json:"recent" doc:"reviews with a negative insight on it in [date_from, date_to]"`
	Previous int64  `json:"previous" doc:"the same in the 28 days before"`
	DateFrom string `json:"date_from"`
	DateTo   string `json:"date_to"`
}

// DashboardFacets is what the filter bar offers for the product, unfiltered.
type DashboardFacets struct {
	Languages []FacetCount `json:"languages"`
	Variants  []FacetCount `json:"variants" doc:"the 100 most frequent"`
	DateMin   string       `json:"date_min,omitempty"`
	DateMax   string       `json:"date_max,omitempty"`
	Unrated   int64        `json:"unrated"`
	// Marketplaces are the products with this product's ASIN, this one
	// included: the filter bar's marketplace switch.
	Marketplaces []MarketplaceProduct `json:"marketplaces"`
	// Translation counts the product's reviews per translation status
	// (pending, done, skipped, failed): the offline analyser skips them.
	Translation map[string]int64 `json:"translation"`
}

// MarketplaceProduct is the product of an ASIN in one marketplace.
type MarketplaceProduct struct {
	ProductID   int64  `json:"product_id"`
	Marketplace string `json:"marketplace"`
}

// FacetCount is one value of a facet with its number of reviews.
type FacetCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// emergingWindow is the span the emerging issues compare.
const emergingWindow = 28

// DashboardGet computes the dashboard of a product for the reviews rq
// matches, with the trend per "week" or "month". It returns an error when a
// query fails.
func DashboardGet(ctx context.Context, db DBTX, productID int64, rq ReviewQuery, granularity string) (Dashboard, error) {
	if granularity != "week" {
		granularity = "month"
	}
	var args []any
	where := rq.where(productID, &args)
	// Every aggregate reads the filtered set through this CTE.
	with := "WITH f AS (SELECT r.id, r.rating, r.sentiment, r.review_date FROM reviews r WHERE " + where + ") "
	g := Dashboard{FiveW: []FiveWCounts{}, Trend: DashboardTrend{Granularity: granularity, Dimensions: []TrendSeries{}}}

	err := db.QueryRow(ctx, with+`SELECT count(*), count(rating), avg(rating)::float8,
			count(*) FILTER (WHERE sentiment = 'positive'), count(*) FILTER (WHERE sentiment = 'neutral'),
			count(*) FILTER (WHERE sentiment = 'negative'),
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM insights i WHERE i.review_id = f.id)),
			(SELECT count(*) FROM insights i JOIN f f2 ON f2.id = i.review_id)
		FROM f`, args...).Scan(&g.KPI.Reviews, &g.KPI.Rated, &g.KPI.AvgRating, &g.KPI.Positive, &g.KPI.Neutral,
		&g.KPI.Negative, &g.KPI.WithInsights, &g.KPI.Insights)
	if err != nil {
		return g, fmt.Errorf("dashboard totals of product %d: %w", productID, err)
	}

	if g.Ratings, err = queryAll(ctx, db, with+`SELECT s.n, count(f.id)
		FROM unnest(ARRAY[1, 2, 3, 4, 5, 0]) WITH ORDINALITY s(n, o) LEFT JOIN f ON coalesce(f.rating, 0) = s.n
		GROUP BY s.n, s.o ORDER BY s.o`, args,
		func(r pgx.Rows) (RatingCount, error) {
			var c RatingCount
			return c, r.Scan(&c.Rating, &c.Count)
		}); err != nil {
		return g, err
	}
	if g.Sentiments, err = queryAll(ctx, db, with+`SELECT s.v, count(f.id)
		FROM unnest(ARRAY['positive', 'neutral', 'negative']) WITH ORDINALITY s(v, o) LEFT JOIN f ON f.sentiment = s.v
		GROUP BY s.v, s.o ORDER BY s.o`, args, func(r pgx.Rows) (SentimentCount, error) {
		var c SentimentCount
		return c, r.Scan(&c.Sentiment, &c.Count)
	}); err != nil {
		return g, err
	}

	pid := "$" + strconv.Itoa(len(args)+1)
	dargs := append(append([]any{}, args...), productID)
	if g.Dimensions, err = queryAll(ctx, db, with+`, m AS (
			SELECT i.dimension_id, i.review_id,
				bool_or(i.sentiment = 'positive') AS pos, bool_or(i.sentiment = 'negative') AS neg,
				bool_or(i.sentiment = 'neutral') AS neu
			FROM insights i JOIN f ON f.id = i.review_id GROUP BY i.dimension_id, i.review_id),
		rated AS (SELECT sum(rating)::float8 AS s, count(rating) AS n FROM f)
		SELECT d.id, d.kind, d.name, count(m.review_id), count(*) FILTER (WHERE m.pos),
			count(*) FILTER (WHERE m.neg), count(*) FILTER (WHERE m.neu),
			avg(f.rating)::float8, count(f.rating), (SELECT s FROM rated), (SELECT n FROM rated)
		FROM dimensions d LEFT JOIN m ON m.dimension_id = d.id LEFT JOIN f ON f.id = m.review_id
		WHERE d.product_id = `+pid+`
		GROUP BY d.id ORDER BY count(m.review_id) DESC, d.kind, d.name`, dargs,
		func(r pgx.Rows) (DimensionImpact, error) {
			var d DimensionImpact
			var avgWith, sumAll *float64
			var nWith, nAll int64
			if err := r.Scan(&d.ID, &d.Kind, &d.Name, &d.Reviews, &d.Positive, &d.Negative, &d.Neutral,
				&avgWith, &nWith, &sumAll, &nAll); err != nil {
				return d, err
			}
			if d.Reviews > 0 {
				d.Net = float64(d.Positive-d.Negative) / float64(d.Reviews)
			}
			if avgWith != nil && sumAll != nil && nAll > nWith {
				without := (*sumAll - *avgWith*float64(nWith)) / float64(nAll-nWith)
				e := *avgWith - without
				d.RatingEffect = &e
			}
			return d, nil
		}); err != nil {
		return g, err
	}

	if err := dashboardTrend(ctx, db, with, args, &g); err != nil {
		return g, err
	}

	labels, err := queryAll(ctx, db, with+`SELECT l.type, l.id, l.name, count(DISTINCT f.id)
		FROM labels l LEFT JOIN review_tags t ON t.label_id = l.id LEFT JOIN f ON f.id = t.review_id
		WHERE l.product_id = `+pid+`
		GROUP BY l.id ORDER BY array_position(ARRAY['buyer','user','where','when','why','what'], l.type), 4 DESC, l.name`, dargs,
		func(r pgx.Rows) (struct {
			Type string
			LabelCount
		}, error) {
			var x struct {
				Type string
				LabelCount
			}
			return x, r.Scan(&x.Type, &x.ID, &x.Name, &x.Reviews)
		})
	if err != nil {
		return g, err
	}
	for _, x := range labels {
		if n := len(g.FiveW); n == 0 || g.FiveW[n-1].Type != x.Type {
			g.FiveW = append(g.FiveW, FiveWCounts{Type: x.Type})
		}
		g.FiveW[len(g.FiveW)-1].Labels = append(g.FiveW[len(g.FiveW)-1].Labels, x.LabelCount)
	}

	if g.Emerging, err = queryAll(ctx, db, with+`, w AS (SELECT max(review_date) AS hi FROM f),
		neg AS (SELECT i.dimension_id, f.id, f.review_date FROM insights i JOIN f ON f.id = i.review_id
			WHERE i.sentiment = 'negative' AND f.review_date IS NOT NULL GROUP BY i.dimension_id, f.id, f.review_date)
		SELECT d.id, d.name,
			count(DISTINCT neg.id) FILTER (WHERE neg.review_date > w.hi - `+strconv.Itoa(emergingWindow)+`),
			count(DISTINCT neg.id) FILTER (WHERE neg.review_date <= w.hi - `+strconv.Itoa(emergingWindow)+`
				AND neg.review_date > w.hi - `+strconv.Itoa(2*emergingWindow)+`),
			to_char(w.hi - `+strconv.Itoa(emergingWindow-1)+`, 'YYYY-MM-DD'), to_char(w.hi, 'YYYY-MM-DD')
		FROM dimensions d JOIN neg ON neg.dimension_id = d.id CROSS JOIN w
		WHERE d.product_id = `+pid+` AND w.hi IS NOT NULL
		GROUP BY d.id, d.name, w.hi
		HAVING count(DISTINCT neg.id) FILTER (WHERE neg.review_date > w.hi - `+strconv.Itoa(emergingWindow)+`) >= 2
		ORDER BY 3 DESC, 4, d.name LIMIT 20`, dargs, func(r pgx.Rows) (EmergingIssue, error) {
		var e EmergingIssue
		return e, r.Scan(&e.ID, &e.Name, &e.Recent, &e.Previous, &e.DateFrom, &e.DateTo)
	}); err != nil {
		return g, err
	}
	// Rising: more than 1.5× the previous window (or new).
	kept := g.Emerging[:0]
	for _, e := range g.Emerging {
		if float64(e.Recent) > 1.5*float64(e.Previous) {
			kept = append(kept, e)
		}
	}
	g.Emerging = kept

	g.Facets, err = dashboardFacets(ctx, db, productID)
	return g, err
}

func dashboardTrend(ctx context.Context, db DBTX, with string, args []any, g *Dashboard) error {
	unit, step := "month", "1 month"
	if g.Trend.Granularity == "week" {
		unit, step = "week", "1 week"
	}
	// Every period from the first to the last dated review, empty ones
	// included, so the axis is continuous.
	periods, err := queryAll(ctx, db, with+`, b AS (SELECT date_trunc('`+unit+`', min(review_date)) AS lo,
			date_trunc('`+unit+`', max(review_date)) AS hi FROM f)
		SELECT to_char(p, 'YYYY-MM-DD'), to_char(p + interval '`+step+`' - interval '1 day', 'YYYY-MM-DD'),
			count(f.id), avg(f.rating)::float8, count(f.id) FILTER (WHERE f.sentiment = 'positive'),
			count(f.id) FILTER (WHERE f.sentiment = 'negative')
		FROM b, generate_series(b.lo, b.hi, interval '`+step+`') p
		LEFT JOIN f ON date_trunc('`+unit+`', f.review_date) = p
		GROUP BY p ORDER BY p`, args, func(r pgx.Rows) (TrendPeriod, error) {
		var p TrendPeriod
		return p, r.Scan(&p.Start, &p.End, &p.Reviews, &p.AvgRating, &p.Positive, &p.Negative)
	})
	if err != nil {
		return err
	}
	g.Trend.Periods = periods
	if err := db.QueryRow(ctx, with+`SELECT count(*) FROM f WHERE review_date IS NULL`, args...).Scan(&g.Trend.Undated); err != nil {
		return fmt.Errorf("dashboard undated reviews: %w", err)
	}
	if len(periods) == 0 {
		return nil
	}
	index := make(map[string]int, len(periods))
	for i, p := range periods {
		index[p.Start] = i
	}
	type cell struct {
		id     int64
		name   string
		period string
		n      int64
	}
	cells, err := queryAll(ctx, db, with+`, top AS (
			SELECT i.dimension_id FROM insights i JOIN f ON f.id = i.review_id WHERE f.review_date IS NOT NULL
			GROUP BY i.dimension_id ORDER BY count(DISTINCT f.id) DESC, i.dimension_id LIMIT 8)
		SELECT d.id, d.name, to_char(date_trunc('`+unit+`', f.review_date), 'YYYY-MM-DD'), count(DISTINCT f.id)
		FROM top JOIN dimensions d ON d.id = top.dimension_id JOIN insights i ON i.dimension_id = d.id
			JOIN f ON f.id = i.review_id
		WHERE f.review_date IS NOT NULL
		GROUP BY d.id, d.name, 3 ORDER BY d.id, 3`, args, func(r pgx.Rows) (cell, error) {
		var c cell
		return c, r.Scan(&c.id, &c.name, &c.period, &c.n)
	})
	if err != nil {
		return err
	}
	for _, c := range cells {
		if n := len(g.Trend.Dimensions); n == 0 || g.Trend.Dimensions[n-1].ID != c.id {
			g.Trend.Dimensions = append(g.Trend.Dimensions, TrendSeries{ID: c.id, Name: c.name, Counts: make([]int64, len(periods))})
		}
		if i, ok := index[c.period]; ok {
			g.Trend.Dimensions[len(g.Trend.Dimensions)-1].Counts[i] = c.n
		}
	}
	return nil
}

func dashboardFacets(ctx context.Context, db DBTX, productID int64) (DashboardFacets, error) {
	var f DashboardFacets
	facet := func(r pgx.Rows) (FacetCount, error) {
		var c FacetCount
		return c, r.Scan(&c.Value, &c.Count)
	}
	var err error
	if f.Languages, err = queryAll(ctx, db, `SELECT language, count(*) FROM reviews WHERE product_id = $1
		GROUP BY language ORDER BY 2 DESC, 1`, []any{productID}, facet); err != nil {
		return f, err
	}
	if f.Variants, err = queryAll(ctx, db, `SELECT variant, count(*) FROM reviews WHERE product_id = $1 AND variant <> ''
		GROUP BY variant ORDER BY 2 DESC, 1 LIMIT 100`, []any{productID}, facet); err != nil {
		return f, err
	}
	var lo, hi *time.Time
	if err := db.QueryRow(ctx, `SELECT min(review_date), max(review_date), count(*) FILTER (WHERE rating IS NULL)
		FROM reviews WHERE product_id = $1`, productID).Scan(&lo, &hi, &f.Unrated); err != nil {
		return f, fmt.Errorf("dashboard facets of product %d: %w", productID, err)
	}
	if lo != nil && hi != nil {
		f.DateMin, f.DateMax = lo.Format(time.DateOnly), hi.Format(time.DateOnly)
	}
	ts, err := queryAll(ctx, db, `SELECT translation_status, count(*) FROM reviews WHERE product_id = $1
		GROUP BY 1`, []any{productID}, facet)
	if err != nil {
		return f, err
	}
	f.Translation = map[string]int64{"pending": 0, "done": 0, "skipped": 0, "failed": 0}
	for _, t := range ts {
		f.Translation[t.Value] = t.Count
	}
	f.Marketplaces, err = queryAll(ctx, db, `SELECT p.id, p.marketplace FROM products p
		WHERE p.asin = (SELECT asin FROM products WHERE id = $1) ORDER BY p.marketplace`, []any{productID},
		func(r pgx.Rows) (MarketplaceProduct, error) {
			var m MarketplaceProduct
			return m, r.Scan(&m.ProductID, &m.Marketplace)
		})
	return f, err
}
