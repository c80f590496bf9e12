package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
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
//
// The filtered reviews are read once: one statement materialises them (f)
// and their insights grouped per dimension and review (m), and every chart
// aggregates those two sets (see dashboardSQL). Computing the filter once
// per chart cost 2.7 s at 100k reviews; see docs/BENCHMARKS.md.
func DashboardGet(ctx context.Context, db DBTX, productID int64, rq ReviewQuery, granularity string) (Dashboard, error) {
	if granularity != "week" {
		granularity = "month"
	}
	var args []any
	where := rq.where(productID, &args)
	pid := "$" + strconv.Itoa(len(args)+1)
	args = append(args, productID)
	g := Dashboard{FiveW: []FiveWCounts{}, Emerging: []EmergingIssue{},
		Trend: DashboardTrend{Granularity: granularity, Dimensions: []TrendSeries{}, Periods: []TrendPeriod{}}}

	var raw dashboardRaw
	sql := strings.NewReplacer("{from}", reviewsFrom, "{where}", where, "{pid}", pid, "{unit}", granularity,
		"{window}", strconv.Itoa(emergingWindow)).Replace(dashboardSQL)
	if err := db.QueryRow(ctx, sql, args...).Scan(&raw); err != nil {
		return g, fmt.Errorf("dashboard of product %d: %w", productID, err)
	}

	t := raw.Totals
	g.KPI = DashboardKPI{Reviews: t.Reviews, Rated: t.Rated, AvgRating: t.AvgRating, Positive: t.Positive,
		Neutral: t.Neutral, Negative: t.Negative, WithInsights: raw.WithInsights, Insights: raw.Insights}
	ratings := map[int]int64{}
	for _, r := range raw.Ratings {
		ratings[r.Rating] = r.Count
	}
	for _, n := range []int{1, 2, 3, 4, 5, 0} {
		g.Ratings = append(g.Ratings, RatingCount{Rating: n, Count: ratings[n]})
	}
	sentiments := map[string]int64{}
	for _, s := range raw.Sentiments {
		sentiments[s.Sentiment] = s.Count
	}
	for _, s := range []string{"positive", "neutral", "negative"} {
		g.Sentiments = append(g.Sentiments, SentimentCount{Sentiment: s, Count: sentiments[s]})
	}

	g.Dimensions = make([]DimensionImpact, 0, len(raw.Dimensions))
	for _, x := range raw.Dimensions {
		d := DimensionImpact{ID: x.ID, Kind: x.Kind, Name: x.Name, Reviews: x.Reviews, Positive: x.Positive,
			Negative: x.Negative, Neutral: x.Neutral}
		if d.Reviews > 0 {
			d.Net = float64(d.Positive-d.Negative) / float64(d.Reviews)
		}
		if x.AvgRating != nil && t.RatingSum != nil && t.Rated > x.Rated {
			without := (*t.RatingSum - *x.AvgRating*float64(x.Rated)) / float64(t.Rated-x.Rated)
			e := *x.AvgRating - without
			d.RatingEffect = &e
		}
		g.Dimensions = append(g.Dimensions, d)
	}

	// Emerging: at least 2 reviews with a negative insight on the dimension
	// in the latest window of the data, and more than 1.5× the window
	// before (or new).
	if t.Last != nil {
		hi, err := time.Parse(time.DateOnly, *t.Last)
		if err != nil {
			return g, fmt.Errorf("dashboard of product %d: latest date %q: %w", productID, *t.Last, err)
		}
		from, to := hi.AddDate(0, 0, -(emergingWindow-1)).Format(time.DateOnly), hi.Format(time.DateOnly)
		for _, x := range raw.Dimensions {
			if x.Recent >= 2 && float64(x.Recent) > 1.5*float64(x.Previous) {
				g.Emerging = append(g.Emerging, EmergingIssue{ID: x.ID, Name: x.Name, Recent: x.Recent,
					Previous: x.Previous, DateFrom: from, DateTo: to})
			}
		}
		sort.SliceStable(g.Emerging, func(i, j int) bool {
			a, b := g.Emerging[i], g.Emerging[j]
			if a.Recent != b.Recent {
				return a.Recent > b.Recent
			}
			if a.Previous != b.Previous {
				return a.Previous < b.Previous
			}
			return a.Name < b.Name
		})
		if len(g.Emerging) > 20 {
			g.Emerging = g.Emerging[:20]
		}
	}

	g.Trend.Undated = t.Undated
	index := make(map[string]int, len(raw.Periods))
	for i, p := range raw.Periods {
		start, err := time.Parse(time.DateOnly, p.Start)
		if err != nil {
			return g, fmt.Errorf("dashboard of product %d: period %q: %w", productID, p.Start, err)
		}
		end := start.AddDate(0, 1, -1)
		if granularity == "week" {
			end = start.AddDate(0, 0, 6)
		}
		index[p.Start] = i
		g.Trend.Periods = append(g.Trend.Periods, TrendPeriod{Start: p.Start, End: end.Format(time.DateOnly),
			Reviews: p.Reviews, AvgRating: p.AvgRating, Positive: p.Positive, Negative: p.Negative})
	}
	for _, c := range raw.Cells {
		if n := len(g.Trend.Dimensions); n == 0 || g.Trend.Dimensions[n-1].ID != c.ID {
			g.Trend.Dimensions = append(g.Trend.Dimensions, TrendSeries{ID: c.ID, Name: c.Name, Counts: make([]int64, len(raw.Periods))})
		}
		if i, ok := index[c.Period]; ok {
			g.Trend.Dimensions[len(g.Trend.Dimensions)-1].Counts[i] = c.Count
		}
	}

	for _, x := range raw.Labels {
		if n := len(g.FiveW); n == 0 || g.FiveW[n-1].Type != x.Type {
			g.FiveW = append(g.FiveW, FiveWCounts{Type: x.Type})
		}
		g.FiveW[len(g.FiveW)-1].Labels = append(g.FiveW[len(g.FiveW)-1].Labels, LabelCount{ID: x.ID, Name: x.Name, Reviews: x.Reviews})
	}

	var err error
	g.Facets, err = dashboardFacets(ctx, db, productID)
	return g, err
}

// dashboardRaw is dashboardSQL's one JSON value.
type dashboardRaw struct {
	Totals struct {
		Reviews   int64    `json:"reviews"`
		Rated     int64    `json:"rated"`
		AvgRating *float64 `json:"avg_rating"`
		RatingSum *float64 `json:"rating_sum"`
		Positive  int64    `json:"positive"`
		Neutral   int64    `json:"neutral"`
		Negative  int64    `json:"negative"`
		Undated   int64    `json:"undated"`
		Last      *string  `json:"last"`
	} `json:"totals"`
	WithInsights int64 `json:"with_insights"`
	Insights     int64 `json:"insights"`
	Ratings      []struct {
		Rating int   `json:"rating"`
		Count  int64 `json:"count"`
	} `json:"ratings"`
	Sentiments []struct {
		Sentiment string `json:"sentiment"`
		Count     int64  `json:"count"`
	} `json:"sentiments"`
	Dimensions []struct {
		ID        int64    `json:"id"`
		Kind      string   `json:"kind"`
		Name      string   `json:"name"`
		Reviews   int64    `json:"reviews"`
		Positive  int64    `json:"positive"`
		Negative  int64    `json:"negative"`
		Neutral   int64    `json:"neutral"`
		AvgRating *float64 `json:"avg_rating"`
		Rated     int64    `json:"rated"`
		Recent    int64    `json:"recent"`
		Previous  int64    `json:"previous"`
	} `json:"dimensions"`
	Periods []struct {
		Start     string   `json:"start"`
		Reviews   int64    `json:"reviews"`
		AvgRating *float64 `json:"avg_rating"`
		Positive  int64    `json:"positive"`
		Negative  int64    `json:"negative"`
	} `json:"periods"`
	Cells []struct {
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		Period string `json:"period"`
		Count  int64  `json:"count"`
	} `json:"cells"`
	Labels []struct {
		Type    string `json:"type"`
		ID      int64  `json:"id"`
		Name    string `json:"name"`
		Reviews int64  `json:"reviews"`
	} `json:"labels"`
}

// dashboardSQL computes every filtered aggregate of the dashboard in one
// statement, as one JSON value. {where} is ReviewQuery.where's condition,
// {pid} the product's parameter, {unit} week or month, {window} the
// emerging-issue window in days.
//
//   - f: the filtered reviews, read once.
//   - m: their insights, one row per (review, dimension), so every count
//     over m is a number of distinct reviews. Migration 00030's index makes
//     it a merge with an index-only scan and a streaming group.
//   - fa: one pass over f with a grouping set per chart (GROUPING bits,
//     rating0 first: 7 totals, 3 per rating, 5 per sentiment, 6 per period).
//   - dm: one pass over m, per dimension (GROUPING(period) = 1) and per
//     dimension and period (0, the trend series).
//   - lt: the labels' distinct reviews.
const dashboardSQL = `WITH f AS MATERIALIZED (
		SELECT r.id, r.rating, coalesce(r.rating, 0) AS rating0, s.sentiment, r.review_date,
			date_trunc('{unit}', r.review_date)::date AS period
		FROM {from} WHERE {where}),
	m AS MATERIALIZED (
		SELECT i.review_id, i.dimension_id, count(*) AS n,
			bool_or(i.sentiment = 'positive') AS pos, bool_or(i.sentiment = 'negative') AS neg,
			bool_or(i.sentiment = 'neutral') AS neu,
			min(f.rating) AS rating, min(f.review_date) AS review_date, min(f.period) AS period
		FROM f JOIN insights i ON i.review_id = f.id
		GROUP BY i.review_id, i.dimension_id),
	fa AS MATERIALIZED (
		SELECT GROUPING(rating0, sentiment, period) AS g, rating0, sentiment, period,
			count(*) AS n, count(rating) AS rated, avg(rating)::float8 AS avg_rating,
			sum(rating)::float8 AS rating_sum,
			count(*) FILTER (WHERE sentiment = 'positive') AS positive,
			count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
			count(*) FILTER (WHERE sentiment = 'negative') AS negative,
			count(*) FILTER (WHERE review_date IS NULL) AS undated,
			min(period) AS lo, max(period) AS hi, max(review_date) AS last
		FROM f GROUP BY GROUPING SETS ((), (rating0), (sentiment), (period))),
	tot AS (SELECT * FROM fa WHERE g = 7),
	dm AS MATERIALIZED (
		SELECT GROUPING(m.period) AS g, m.dimension_id, m.period, count(*) AS reviews, sum(m.n) AS insights,
			count(*) FILTER (WHERE pos) AS positive, count(*) FILTER (WHERE neg) AS negative,
			count(*) FILTER (WHERE neu) AS neutral,
			avg(m.rating)::float8 AS avg_rating, count(m.rating) AS rated,
			count(*) FILTER (WHERE m.period IS NOT NULL) AS dated,
			count(*) FILTER (WHERE neg AND m.review_date > tot.last - {window}) AS recent,
			count(*) FILTER (WHERE neg AND m.review_date <= tot.last - {window}
				AND m.review_date > tot.last - 2 * {window}) AS previous
		FROM m CROSS JOIN tot GROUP BY GROUPING SETS ((m.dimension_id), (m.dimension_id, m.period))),
	top AS (SELECT dimension_id FROM dm WHERE g = 1 AND dated > 0 ORDER BY dated DESC, dimension_id LIMIT 8),
	lt AS (SELECT label_id, count(*) AS reviews
		FROM (SELECT t.label_id, t.review_id FROM review_tags t JOIN f ON f.id = t.review_id
			GROUP BY t.label_id, t.review_id) x
		GROUP BY label_id)
SELECT json_build_object(
	'totals', (SELECT json_build_object('reviews', n, 'rated', rated, 'avg_rating', avg_rating,
		'rating_sum', rating_sum, 'positive', positive, 'neutral', neutral, 'negative', negative,
		'undated', undated, 'last', to_char(last, 'YYYY-MM-DD')) FROM tot),
	'with_insights', (SELECT count(*) FROM (SELECT review_id FROM m GROUP BY review_id) x),
	'insights', (SELECT coalesce(sum(insights), 0) FROM dm WHERE g = 1),
	'ratings', (SELECT json_agg(json_build_object('rating', rating0, 'count', n)) FROM fa WHERE g = 3),
	'sentiments', (SELECT json_agg(json_build_object('sentiment', sentiment, 'count', n))
		FROM fa WHERE g = 5 AND sentiment IS NOT NULL),
	'dimensions', (SELECT json_agg(json_build_object('id', d.id, 'kind', d.kind, 'name', d.name,
			'reviews', coalesce(dm.reviews, 0), 'positive', coalesce(dm.positive, 0),
			'negative', coalesce(dm.negative, 0), 'neutral', coalesce(dm.neutral, 0),
			'avg_rating', dm.avg_rating, 'rated', coalesce(dm.rated, 0),
			'recent', coalesce(dm.recent, 0), 'previous', coalesce(dm.previous, 0))
			ORDER BY coalesce(dm.reviews, 0) DESC, d.kind, d.name)
		FROM dimensions d LEFT JOIN dm ON dm.dimension_id = d.id AND dm.g = 1 WHERE d.product_id = {pid}),
	'periods', (SELECT json_agg(json_build_object('start', to_char(p.p, 'YYYY-MM-DD'), 'reviews', coalesce(x.n, 0),
			'avg_rating', x.avg_rating, 'positive', coalesce(x.positive, 0), 'negative', coalesce(x.negative, 0))
			ORDER BY p.p)
		FROM tot CROSS JOIN generate_series(tot.lo, tot.hi, interval '1 {unit}') p(p)
		LEFT JOIN fa x ON x.g = 6 AND x.period = p.p::date),
	'cells', (SELECT json_agg(json_build_object('id', d.id, 'name', d.name, 'period', to_char(dm.period, 'YYYY-MM-DD'),
			'count', dm.reviews) ORDER BY d.id, dm.period)
		FROM dm JOIN top USING (dimension_id) JOIN dimensions d ON d.id = dm.dimension_id
		WHERE dm.g = 0 AND dm.period IS NOT NULL),
	'labels', (SELECT json_agg(json_build_object('type', l.type, 'id', l.id, 'name', l.name,
			'reviews', coalesce(lt.reviews, 0))
			ORDER BY array_position(ARRAY['buyer','user','where','when','why','what'], l.type),
				coalesce(lt.reviews, 0) DESC, l.name)
		FROM labels l LEFT JOIN lt ON lt.label_id = l.id WHERE l.product_id = {pid}))`

func dashboardFacets(ctx context.Context, db DBTX, productID int64) (DashboardFacets, error) {
	f := DashboardFacets{Languages: []FacetCount{}, Variants: []FacetCount{},
		Translation: map[string]int64{"pending": 0, "done": 0, "skipped": 0, "failed": 0}}
	// One pass over the product's reviews: a grouping set per facet, and
	// the empty set for the dates and the unrated count.
	rows, err := db.Query(ctx, `SELECT GROUPING(language, variant, translation_status), language, variant,
			translation_status, count(*), min(review_date), max(review_date), count(*) FILTER (WHERE rating IS NULL)
		FROM reviews WHERE product_id = $1
		GROUP BY GROUPING SETS ((language), (variant), (translation_status), ())
		ORDER BY 1, 5 DESC, 2, 3, 4`, productID)
	if err != nil {
		return f, fmt.Errorf("dashboard facets of product %d: %w", productID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var set int
		var lang, variant, status *string
		var n, unrated int64
		var lo, hi *time.Time
		if err := rows.Scan(&set, &lang, &variant, &status, &n, &lo, &hi, &unrated); err != nil {
			return f, fmt.Errorf("dashboard facets of product %d: %w", productID, err)
		}
		// GROUPING's bits, language first: 0b011 is the language set.
		switch set {
		case 0b011:
			f.Languages = append(f.Languages, FacetCount{Value: *lang, Count: n})
		case 0b101:
			if *variant != "" && len(f.Variants) < 100 {
				f.Variants = append(f.Variants, FacetCount{Value: *variant, Count: n})
			}
		case 0b110:
			f.Translation[*status] = n
		case 0b111:
			f.Unrated = unrated
			if lo != nil && hi != nil {
				f.DateMin, f.DateMax = lo.Format(time.DateOnly), hi.Format(time.DateOnly)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return f, fmt.Errorf("dashboard facets of product %d: %w", productID, err)
	}
	f.Marketplaces, err = queryAll(ctx, db, `SELECT p.id, p.marketplace FROM products p
		WHERE p.asin = (SELECT asin FROM products WHERE id = $1) ORDER BY p.marketplace`, []any{productID},
		func(r pgx.Rows) (MarketplaceProduct, error) {
			var m MarketplaceProduct
			return m, r.Scan(&m.ProductID, &m.Marketplace)
		})
	return f, err
}
