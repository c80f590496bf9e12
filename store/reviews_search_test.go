package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// searchFixture loads n generated reviews into a product: ratings 1–5 and
// none, dates over 2024 (some none), two variants, three languages, a
// translation on every third review, insights on two dimensions with mixed
// sentiments, and 5W tags. Another product gets the same, to prove nothing
// leaks across products. It returns the product and the ids of its
// dimensions and a label.
func searchFixture(t testing.TB, pool *pgxpool.Pool, n int) (product, battery, sound, gym int64) {
	t.Helper()
	ctx := context.Background()
	for _, asin := range []string{"B0SEARCH01", "B0SEARCH02"} {
		var pid, aid, b, s, g int64
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO products (marketplace, asin, model_version) VALUES ('US', $1, 1) RETURNING id`, asin).Scan(&pid))
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO analyses (product_id, kind, target_language, scope) VALUES ($1, 'full', 'en', 'product') RETURNING id`, pid).Scan(&aid))
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO dimensions (product_id, kind, name) VALUES ($1, 'product', 'battery life') RETURNING id`, pid).Scan(&b))
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO dimensions (product_id, kind, name) VALUES ($1, 'product', 'sound') RETURNING id`, pid).Scan(&s))
		require.NoError(t, pool.QueryRow(ctx, `INSERT INTO labels (product_id, type, name) VALUES ($1, 'where', 'gym') RETURNING id`, pid).Scan(&g))
		_, err := pool.Exec(ctx, `INSERT INTO reviews (product_id, content_hash, rating, title, body, language, review_date,
				variant, helpful_votes, translation_status, title_translated, body_translated)
			SELECT $1::bigint, decode(md5($1::bigint::text || '-' || i), 'hex'),
				CASE WHEN i % 7 = 0 THEN NULL ELSE 1 + i % 5 END,
				'title ' || i,
				CASE WHEN i % 4 = 0 THEN 'Der Akku ist schwach ' || i WHEN i % 4 = 1 THEN '电池续航很好 ' || i ELSE 'great sound, the battery is fine ' || i END,
				(ARRAY['de', 'zh', 'en', 'en'])[1 + i % 4],
				CASE WHEN i % 11 = 0 THEN NULL ELSE date '2024-01-01' + (i % 300) END,
				CASE WHEN i % 2 = 0 THEN 'Color: Black' ELSE 'Color: White' END,
				i % 13, 
				CASE WHEN i % 3 = 0 THEN 'done' ELSE 'skipped' END,
				CASE WHEN i % 3 = 0 THEN 'translated title' END,
				CASE WHEN i % 3 = 0 THEN 'The battery is weak (translated)' END
			FROM generate_series(1, $2::int) i`, pid, n)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `INSERT INTO review_sentiments (review_id, sentiment)
			SELECT id, (ARRAY['positive', 'neutral', 'negative'])[1 + id % 3] FROM reviews WHERE product_id = $1`, pid)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, quote_translated, analysis, sentiment, confidence)
			SELECT r.id, $2, CASE WHEN r.id % 2 = 0 THEN 'strength' ELSE 'weakness' END, $3, 'product', 'q', 'qt', 'a',
				CASE WHEN r.id % 2 = 0 THEN 'positive' ELSE 'negative' END, 'high'
			FROM reviews r WHERE r.product_id = $1 AND r.id % 3 <> 0`, pid, aid, b)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, quote_translated, analysis, sentiment, confidence)
			SELECT r.id, $2, 'suggestion', $3, 'product', 'q', 'qt', 'a', (ARRAY['positive','neutral','negative'])[1 + r.id % 3], 'low'
			FROM reviews r WHERE r.product_id = $1 AND r.id % 5 IN (0, 1)`, pid, aid, s)
		require.NoError(t, err)
		// Two insights on one dimension for some reviews: counts stay per review.
		_, err = pool.Exec(ctx, `INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, quote_translated, analysis, sentiment, confidence)
			SELECT r.id, $2, 'suggestion', $3, 'product', 'q2', 'qt', 'a', 'negative', 'low'
			FROM reviews r WHERE r.product_id = $1 AND r.id % 10 = 0`, pid, aid, s)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `INSERT INTO review_tags (review_id, analysis_id, type, label_id, quote, quote_translated, explanation, confidence)
			SELECT r.id, $2, 'where', $3, 'tq', 'tqt', 'ex', 'medium' FROM reviews r WHERE r.product_id = $1 AND r.id % 4 = 0`, pid, aid, g)
		require.NoError(t, err)
		if product == 0 {
			product, battery, sound, gym = pid, b, s, g
		}
	}
	return product, battery, sound, gym
}

// all pages through a search with the given page size and returns every
// review id in order.
func all(t *testing.T, pool *pgxpool.Pool, product int64, rq store.ReviewQuery, size int) ([]int64, []store.ReviewDetail) {
	t.Helper()
	var ids []int64
	var rows []store.ReviewDetail
	var after store.SearchCursor
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10_000, "paging does not end")
		p, err := store.ReviewSearch(context.Background(), pool, product, rq, after, size)
		require.NoError(t, err)
		require.LessOrEqual(t, len(p.Reviews), size)
		for _, r := range p.Reviews {
			ids = append(ids, r.ID)
			rows = append(rows, r)
		}
		if p.Next == nil {
			return ids, rows
		}
		// The cursor survives its text form, as it does over HTTP.
		c, ok := store.ParseSearchCursor(p.Next.String(), p.Next.Sort)
		require.True(t, ok, p.Next.String())
		after = c
	}
}

func date(s string) *time.Time {
	d, _ := time.Parse(time.DateOnly, s)
	return &d
}

func TestReviewSearchPagingAndCounts(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	product, battery, sound, gym := searchFixture(t, pool, 300)

	queries := map[string]store.ReviewQuery{
		"everything":         {},
		"search two words":   {Terms: []string{"BATTERY", "fine"}},
		"search translation": {Terms: []string{"translated"}},
		"search chinese":     {Terms: []string{"续航"}},
		"search wildcard":    {Terms: []string{"100%"}},
		"rating and none":    {ReviewFilter: store.ReviewFilter{Ratings: []int{5}}, NoRating: true},
		"no rating only":     {NoRating: true},
		"dates":              {DateFrom: date("2024-03-01"), DateTo: date("2024-03-31")},
		"variant":            {Variants: []string{"Color: Black"}},
		"dimension negative": {ReviewFilter: store.ReviewFilter{DimensionIDs: []int64{battery}}, InsightSentiment: "negative"},
		"sentiment alone":    {InsightSentiment: "neutral"},
		"label and language": {ReviewFilter: store.ReviewFilter{LabelIDs: []int64{gym}, Languages: []string{"de"}}},
		"dimension by name":  {ReviewFilter: store.ReviewFilter{DimensionNames: []string{"sound"}, InsightType: "suggestion"}},
	}
	for name, rq := range queries {
		for _, sort := range store.ReviewSorts {
			rq := rq
			rq.Sort = sort
			total, err := store.ReviewSearchCount(ctx, pool, product, rq)
			require.NoError(t, err)
			ids, rows := all(t, pool, product, rq, 45)
			require.Len(t, ids, int(total), "%s, %s: paging lists every match once", name, sort)
			seen := map[int64]bool{}
			for _, id := range ids {
				require.False(t, seen[id], "%s, %s: review %d listed twice", name, sort, id)
				seen[id] = true
			}
			// Order holds across page boundaries.
			require.True(t, slices.IsSortedFunc(rows, func(a, b store.ReviewDetail) int { return order(sort, a, b) }), "%s, %s: order", name, sort)
			var exported []int64
			require.NoError(t, store.ReviewSearchEach(ctx, pool, product, rq, func(r store.ReviewDetail) error {
				exported = append(exported, r.ID)
				return nil
			}))
			require.Equal(t, ids, exported, "%s, %s: the export holds exactly the listed reviews", name, sort)
		}
	}
	// Sanity of the filters themselves.
	n := func(rq store.ReviewQuery) int64 {
		c, err := store.ReviewSearchCount(ctx, pool, product, rq)
		require.NoError(t, err)
		return c
	}
	require.EqualValues(t, 300, n(store.ReviewQuery{}))
	require.EqualValues(t, 300/7, n(store.ReviewQuery{NoRating: true}))
	require.EqualValues(t, 0, n(store.ReviewQuery{Terms: []string{"100%"}}), "% is a literal, not a wildcard")
	require.Positive(t, n(store.ReviewQuery{Terms: []string{"translated"}}), "the translation is searched")
	require.Equal(t, n(store.ReviewQuery{Terms: []string{"akku"}}), n(store.ReviewQuery{ReviewFilter: store.ReviewFilter{Languages: []string{"de"}}}))
	require.Positive(t, n(store.ReviewQuery{ReviewFilter: store.ReviewFilter{DimensionIDs: []int64{sound}}}))
}

func order(sort string, a, b store.ReviewDetail) int {
	cmp := func(x, y int64) int {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	key := func(r store.ReviewDetail) int64 {
		switch sort {
		case store.SortNewest, store.SortOldest:
			if r.ReviewDate == "" {
				return 0
			}
			d, _ := time.Parse(time.DateOnly, r.ReviewDate)
			return d.Unix()
		case store.SortRatingHigh, store.SortRatingLow:
			if r.Rating == nil {
				return 0
			}
			return int64(*r.Rating)
		case store.SortHelpful:
			return int64(r.HelpfulVotes)
		}
		return r.ID
	}
	c := cmp(key(a), key(b))
	if c == 0 {
		c = cmp(a.ID, b.ID)
	}
	if sort == store.SortNewest || sort == store.SortRatingHigh || sort == store.SortHelpful {
		return -c
	}
	return c
}

// Every count the dashboard shows is the number of reviews the search lists
// for the same filter plus the chart's own.
func TestDashboardCountsEqualSearch(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	product, _, _, _ := searchFixture(t, pool, 400)
	base := store.ReviewQuery{Variants: []string{"Color: Black"}, DateFrom: date("2024-02-01")}
	for _, g := range []string{"week", "month"} {
		d, err := store.DashboardGet(ctx, pool, product, base, g)
		require.NoError(t, err)
		count := func(rq store.ReviewQuery) int64 {
			c, err := store.ReviewSearchCount(ctx, pool, product, rq)
			require.NoError(t, err)
			return c
		}
		with := func(f func(*store.ReviewQuery)) store.ReviewQuery {
			rq := base
			f(&rq)
			return rq
		}
		require.Equal(t, count(base), d.KPI.Reviews)
		var sum int64
		for _, r := range d.Ratings {
			sum += r.Count
			rq := with(func(q *store.ReviewQuery) {
				if r.Rating == 0 {
					q.NoRating = true
				} else {
					q.Ratings = []int{r.Rating}
				}
			})
			require.Equal(t, count(rq), r.Count, "rating %d", r.Rating)
		}
		require.Equal(t, d.KPI.Reviews, sum)
		for _, s := range d.Sentiments {
			require.Equal(t, count(with(func(q *store.ReviewQuery) { q.Sentiments = []string{s.Sentiment} })), s.Count, s.Sentiment)
		}
		require.Len(t, d.Dimensions, 2)
		for _, dim := range d.Dimensions {
			require.Equal(t, count(with(func(q *store.ReviewQuery) { q.DimensionIDs = []int64{dim.ID} })), dim.Reviews, dim.Name)
			for s, want := range map[string]int64{"positive": dim.Positive, "negative": dim.Negative, "neutral": dim.Neutral} {
				got := count(with(func(q *store.ReviewQuery) { q.DimensionIDs = []int64{dim.ID}; q.InsightSentiment = s }))
				require.Equal(t, got, want, "%s %s", dim.Name, s)
			}
		}
		require.NotEmpty(t, d.Trend.Periods)
		var inPeriods int64
		for i, p := range d.Trend.Periods {
			inPeriods += p.Reviews
			rq := with(func(q *store.ReviewQuery) { q.DateFrom, q.DateTo = date(max(p.Start, "2024-02-01")), date(p.End) })
			require.Equal(t, count(rq), p.Reviews, "%s period %s", g, p.Start)
			for _, s := range d.Trend.Dimensions {
				rq := rq
				rq.DimensionIDs = []int64{s.ID}
				require.Equal(t, count(rq), s.Counts[i], "%s period %s dimension %s", g, p.Start, s.Name)
			}
		}
		require.Equal(t, d.KPI.Reviews, inPeriods+d.Trend.Undated)
		for _, w := range d.FiveW {
			for _, l := range w.Labels {
				require.Equal(t, count(with(func(q *store.ReviewQuery) { q.LabelIDs = []int64{l.ID} })), l.Reviews, l.Name)
			}
		}
		for _, e := range d.Emerging {
			rq := with(func(q *store.ReviewQuery) {
				q.DimensionIDs, q.InsightSentiment = []int64{e.ID}, "negative"
				q.DateFrom, q.DateTo = date(e.DateFrom), date(e.DateTo)
			})
			require.Equal(t, count(rq), e.Recent, e.Name)
		}
		require.Len(t, d.Facets.Marketplaces, 1)
		require.EqualValues(t, 400, d.Facets.Translation["done"]+d.Facets.Translation["skipped"])
	}
}

func TestParseSearchCursor(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in, sort string
		ok       bool
	}{
		{"newest~2024-03-01~12", "newest", true},
		{"newest~2024-03-01~12", "oldest", false},
		{"rating_desc~5~3", "rating_desc", true},
		{"rating_desc~x~3", "rating_desc", false},
		{"newest~2024-13-01~12", "newest", false},
		{"newest~2024-03-01~0", "newest", false},
		{"r12", "id", false},
		{"nope~1~1", "nope", false},
	} {
		_, ok := store.ParseSearchCursor(tt.in, tt.sort)
		require.Equal(t, tt.ok, ok, fmt.Sprintf("%s/%s", tt.in, tt.sort))
	}
}

// BenchmarkReviewSearch100k measures a search page, its total and the
// dashboard on a product with 100,000 reviews (run with make bench).
func BenchmarkReviewSearch100k(b *testing.B) {
	pool := storetest.NewPool(b)
	ctx := context.Background()
	product, battery, _, _ := searchFixture(b, pool, 100_000)
	_, err := pool.Exec(ctx, "ANALYZE")
	require.NoError(b, err)
	cases := map[string]store.ReviewQuery{
		"all newest":         {},
		"search":             {Terms: []string{"schwach"}},
		"search rare":        {Terms: []string{"99999"}},
		"rating 1 by rating": {ReviewFilter: store.ReviewFilter{Ratings: []int{1}}, Sort: store.SortRatingLow},
		"dimension negative": {ReviewFilter: store.ReviewFilter{DimensionIDs: []int64{battery}}, InsightSentiment: "negative"},
	}
	for name, rq := range cases {
		b.Run("page/"+name, func(b *testing.B) {
			// A deep page: the 200th page of 25.
			var after store.SearchCursor
			for range 200 {
				p, err := store.ReviewSearch(ctx, pool, product, rq, after, 25)
				require.NoError(b, err)
				if p.Next == nil {
					break
				}
				after = *p.Next
			}
			b.ResetTimer()
			for b.Loop() {
				_, err := store.ReviewSearch(ctx, pool, product, rq, after, 25)
				require.NoError(b, err)
			}
		})
	}
	b.Run("dashboard", func(b *testing.B) {
		for b.Loop() {
			_, err := store.DashboardGet(ctx, pool, product, store.ReviewQuery{}, "week")
			require.NoError(b, err)
		}
	})
}
