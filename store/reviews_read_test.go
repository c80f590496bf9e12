package store_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestMain drops the migrated template database the tests clone.
func TestMain(m *testing.M) { storetest.Main(m) }

// readFixture is a product with a learned model, reviews, insights and
// tags, plus a second product whose rows must never leak into the first's
// results.
type readFixture struct {
	product, other int64
	analysis       int64
	// dimensions of product: battery (product), sound (product), commute
	// (scenario), joy (emotion); otherBattery belongs to other.
	battery, sound, commute, joy, otherBattery int64
	// labels of product: parents (buyer), gym (where), office (where);
	// otherParents belongs to other.
	parents, gym, office, otherParents int64
	// reviews r[0..4] of product, r[5] of other.
	r [6]int64
}

func insertID(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&id), sql)
	return id
}

func newReadFixture(t *testing.T, pool *pgxpool.Pool) readFixture {
	t.Helper()
	var f readFixture
	product := func(asin string) int64 {
		id := insertID(t, pool, `INSERT INTO products (marketplace, asin, title, model_version) VALUES ('US', $1, 'Headphones', 1) RETURNING id`, asin)
		_, err := pool.Exec(context.Background(), `INSERT INTO product_models (product_id, version, source, snapshot) VALUES ($1, 1, 'learned', '{}')`, id)
		require.NoError(t, err)
		return id
	}
	f.product, f.other = product("B000000001"), product("B000000002")
	f.analysis = insertID(t, pool, `INSERT INTO analyses (product_id, kind, target_language, scope) VALUES ($1, 'full', 'zh', 'product') RETURNING id`, f.product)
	otherAnalysis := insertID(t, pool, `INSERT INTO analyses (product_id, kind, target_language, scope) VALUES ($1, 'full', 'zh', 'product') RETURNING id`, f.other)

	dim := func(p int64, kind, name string) int64 {
		return insertID(t, pool, `INSERT INTO dimensions (product_id, kind, name, definition) VALUES ($1, $2, $3, 'def') RETURNING id`, p, kind, name)
	}
	f.battery, f.sound = dim(f.product, "product", "battery life"), dim(f.product, "product", "sound quality")
	f.commute, f.joy = dim(f.product, "scenario", "commute"), dim(f.product, "emotion", "joy")
	f.otherBattery = dim(f.other, "product", "battery life")
	label := func(p int64, typ, name string) int64 {
		return insertID(t, pool, `INSERT INTO labels (product_id, type, name) VALUES ($1, $2, $3) RETURNING id`, p, typ, name)
	}
	f.parents, f.gym, f.office = label(f.product, "buyer", "parents"), label(f.product, "where", "gym"), label(f.product, "where", "office")
	f.otherParents = label(f.other, "buyer", "parents")

	review := func(p int64, n int, rating any, lang string, sentiment any) int64 {
		id := insertID(t, pool, `INSERT INTO reviews (product_id, content_hash, rating, title, body, language,
				review_date, translation_status, title_translated, body_translated)
			VALUES ($1, decode(md5($2::text), 'hex'), $3, 'title ' || $2::text, 'body ' || $2::text, $4,
				'2024-03-05', 'done', '标题', '正文') RETURNING id`, p, strconv.Itoa(n), rating, lang)
		if sentiment != nil {
			_, err := pool.Exec(context.Background(), `INSERT INTO review_sentiments (review_id, sentiment) VALUES ($1, $2)`, id, sentiment)
			require.NoError(t, err)
		}
		return id
	}
	f.r[0] = review(f.product, 0, 5, "en", "positive")
	f.r[1] = review(f.product, 1, 1, "de", "negative")
	f.r[2] = review(f.product, 2, 3, "en", "neutral")
	f.r[3] = review(f.product, 3, 5, "zh", "positive")
	f.r[4] = review(f.product, 4, 2, "en", nil)
	f.r[5] = review(f.other, 5, 5, "en", "positive")

	insight := func(a, review int64, typ string, dimID int64, kind, sentiment string) {
		_, err := pool.Exec(context.Background(), `INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind,
				quote, quote_translated, analysis, sentiment, confidence)
			VALUES ($1, $2, $3, $4, $5, 'q', 'qt', 'an', $6, 'high')`, review, a, typ, dimID, kind, sentiment)
		require.NoError(t, err)
	}
	insight(f.analysis, f.r[0], "strength", f.battery, "product", "positive")
	insight(f.analysis, f.r[0], "emotion", f.joy, "emotion", "positive")
	insight(f.analysis, f.r[1], "weakness", f.battery, "product", "negative")
	insight(f.analysis, f.r[1], "weakness", f.sound, "product", "negative")
	insight(f.analysis, f.r[2], "suggestion", f.sound, "product", "neutral")
	insight(f.analysis, f.r[3], "scenario", f.commute, "scenario", "positive")
	insight(otherAnalysis, f.r[5], "strength", f.otherBattery, "product", "positive")

	tag := func(a, review int64, typ string, labelID int64) {
		_, err := pool.Exec(context.Background(), `INSERT INTO review_tags (review_id, analysis_id, type, label_id, quote, quote_translated, explanation, confidence)
			VALUES ($1, $2, $3, $4, 'tq', 'tqt', 'ex', 'medium')`, review, a, typ, labelID)
		require.NoError(t, err)
	}
	tag(f.analysis, f.r[0], "buyer", f.parents)
	tag(f.analysis, f.r[1], "where", f.gym)
	tag(f.analysis, f.r[3], "where", f.office)
	tag(otherAnalysis, f.r[5], "buyer", f.otherParents)
	return f
}

func reviewIDs(rs []store.ReviewDetail) []int64 {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func TestReviewList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := storetest.NewPool(t)
	f := newReadFixture(t, pool)
	all := store.Page{Limit: 50}

	t.Run("no filter: every review with its insights and tags", func(t *testing.T) {
		t.Parallel()
		page, err := store.ReviewList(ctx, pool, f.product, store.ReviewFilter{}, all)
		require.NoError(t, err)
		require.Equal(t, int64(5), page.Total)
		require.False(t, page.HasMore)
		require.Equal(t, f.r[:5], reviewIDs(page.Reviews))

		r0 := page.Reviews[0]
		require.Equal(t, 5, *r0.Rating)
		require.Equal(t, "positive", *r0.Sentiment)
		require.Equal(t, "2024-03-05", r0.ReviewDate)
		require.Equal(t, "done", r0.TranslationStatus)
		require.Equal(t, "正文", *r0.BodyTranslated)
		require.Len(t, r0.Insights, 2)
		require.Equal(t, store.ReviewInsight{ID: r0.Insights[0].ID, ReviewID: f.r[0], Type: "strength", DimensionID: f.battery,
			Dimension: "battery life", Quote: "q", QuoteTranslated: "qt", Analysis: "an", Sentiment: "positive", Confidence: "high"}, r0.Insights[0])
		require.Equal(t, "joy", r0.Insights[1].Dimension)
		require.Equal(t, []store.ReviewTag{{ID: r0.Tags[0].ID, ReviewID: f.r[0], Type: "buyer", LabelID: f.parents, Label: "parents",
			Quote: "tq", QuoteTranslated: "tqt", Explanation: "ex", Confidence: "medium"}}, r0.Tags)

		r4 := page.Reviews[4]
		require.Nil(t, r4.Sentiment)
		require.NotNil(t, r4.Insights, "empty, not null, in JSON")
		require.Empty(t, r4.Insights)
		require.Empty(t, r4.Tags)
	})

	tests := []struct {
		name   string
		filter store.ReviewFilter
		want   []int64
	}{
		{"one rating", store.ReviewFilter{Ratings: []int{5}}, []int64{f.r[0], f.r[3]}},
		{"several ratings", store.ReviewFilter{Ratings: []int{1, 2}}, []int64{f.r[1], f.r[4]}},
		{"sentiment", store.ReviewFilter{Sentiments: []string{"negative"}}, []int64{f.r[1]}},
		{"sentiments", store.ReviewFilter{Sentiments: []string{"negative", "neutral"}}, []int64{f.r[1], f.r[2]}},
		{"language", store.ReviewFilter{Languages: []string{"en"}}, []int64{f.r[0], f.r[2], f.r[4]}},
		{"dimension by name, own product only", store.ReviewFilter{DimensionNames: []string{"battery life"}}, []int64{f.r[0], f.r[1]}},
		{"dimension by id", store.ReviewFilter{DimensionIDs: []int64{f.sound}}, []int64{f.r[1], f.r[2]}},
		{"dimension of another product", store.ReviewFilter{DimensionIDs: []int64{f.otherBattery}}, []int64{}},
		{"dimension id or name", store.ReviewFilter{DimensionIDs: []int64{f.commute}, DimensionNames: []string{"joy"}}, []int64{f.r[0], f.r[3]}},
		{"dimension and insight type", store.ReviewFilter{DimensionNames: []string{"battery life"}, InsightType: "weakness"}, []int64{f.r[1]}},
		{"insight type alone", store.ReviewFilter{InsightType: "scenario"}, []int64{f.r[3]}},
		{"unknown dimension", store.ReviewFilter{DimensionNames: []string{"nope"}}, []int64{}},
		{"label by name", store.ReviewFilter{LabelNames: []string{"gym"}}, []int64{f.r[1]}},
		{"label by id", store.ReviewFilter{LabelIDs: []int64{f.parents}}, []int64{f.r[0]}},
		{"label of another product", store.ReviewFilter{LabelIDs: []int64{f.otherParents}}, []int64{}},
		{"label type alone", store.ReviewFilter{LabelType: "where"}, []int64{f.r[1], f.r[3]}},
		{"label name with the wrong type", store.ReviewFilter{LabelNames: []string{"gym"}, LabelType: "buyer"}, []int64{}},
		{"filters combine with AND", store.ReviewFilter{Ratings: []int{5}, LabelType: "where"}, []int64{f.r[3]}},
		{"dimension and label", store.ReviewFilter{DimensionNames: []string{"battery life"}, LabelNames: []string{"gym"}}, []int64{f.r[1]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := store.ReviewList(ctx, pool, f.product, tt.filter, all)
			require.NoError(t, err)
			require.Equal(t, tt.want, reviewIDs(page.Reviews))
			require.Equal(t, int64(len(tt.want)), page.Total)
		})
	}

	t.Run("pages by cursor and offset", func(t *testing.T) {
		t.Parallel()
		page, err := store.ReviewList(ctx, pool, f.product, store.ReviewFilter{}, store.Page{Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []int64{f.r[0], f.r[1]}, reviewIDs(page.Reviews))
		require.True(t, page.HasMore)
		require.Equal(t, int64(5), page.Total)

		page, err = store.ReviewList(ctx, pool, f.product, store.ReviewFilter{}, store.Page{AfterID: f.r[1], Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []int64{f.r[2], f.r[3]}, reviewIDs(page.Reviews))
		require.True(t, page.HasMore)
		require.Equal(t, int64(5), page.Total, "the total ignores the cursor")

		page, err = store.ReviewList(ctx, pool, f.product, store.ReviewFilter{}, store.Page{AfterID: f.r[3], Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []int64{f.r[4]}, reviewIDs(page.Reviews))
		require.False(t, page.HasMore)

		page, err = store.ReviewList(ctx, pool, f.product, store.ReviewFilter{}, store.Page{Offset: 3, Limit: 2})
		require.NoError(t, err)
		require.Equal(t, []int64{f.r[3], f.r[4]}, reviewIDs(page.Reviews))
		require.False(t, page.HasMore)

		page, err = store.ReviewList(ctx, pool, f.product, store.ReviewFilter{Ratings: []int{5}}, store.Page{Offset: 10, Limit: 2})
		require.NoError(t, err)
		require.Empty(t, page.Reviews)
		require.Equal(t, int64(2), page.Total)
	})

	t.Run("unknown product", func(t *testing.T) {
		t.Parallel()
		page, err := store.ReviewList(ctx, pool, 1<<40, store.ReviewFilter{}, all)
		require.NoError(t, err)
		require.Empty(t, page.Reviews)
		require.Zero(t, page.Total)
	})

	t.Run("counts", func(t *testing.T) {
		t.Parallel()
		n, err := store.ProductReviewCount(ctx, pool, f.product)
		require.NoError(t, err)
		require.Equal(t, int64(5), n)
		n, err = store.ProductCount(ctx, pool)
		require.NoError(t, err)
		require.Equal(t, int64(2), n)
	})
}

func TestExportEach(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := storetest.NewPool(t)
	f := newReadFixture(t, pool)

	t.Run("one product's rows only", func(t *testing.T) {
		var reviews, insights, tags []int64
		require.NoError(t, store.ReviewExportEach(ctx, pool, f.product, func(r store.ReviewDetail) error {
			reviews = append(reviews, r.ID)
			return nil
		}))
		require.Equal(t, f.r[:5], reviews)
		require.NoError(t, store.InsightExportEach(ctx, pool, f.product, func(i store.ExportInsight) error {
			insights = append(insights, i.ReviewID)
			var lang string
			require.NoError(t, pool.QueryRow(ctx, "SELECT language FROM reviews WHERE id = $1", i.ReviewID).Scan(&lang))
			require.Equal(t, lang, i.Language, "the review's language comes with its insight")
			return nil
		}))
		require.Equal(t, []int64{f.r[0], f.r[0], f.r[1], f.r[1], f.r[2], f.r[3]}, insights)
		require.NoError(t, store.TagExportEach(ctx, pool, f.product, func(x store.ExportTag) error {
			tags = append(tags, x.ReviewID)
			return nil
		}))
		require.Equal(t, []int64{f.r[0], f.r[1], f.r[3]}, tags)
	})

	t.Run("across page boundaries", func(t *testing.T) {
		// 2,345 reviews with one insight and one tag each span three pages.
		const n = 2345
		_, err := pool.Exec(ctx, `INSERT INTO reviews (product_id, content_hash, rating, body)
			SELECT $1, decode(md5('bulk' || g), 'hex'), 1 + g % 5, 'bulk ' || g FROM generate_series(1, $2::int) g`, f.other, n)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, sentiment, confidence)
			SELECT r.id, a.id, 'strength', $2, 'product', 'q', 'positive', 'low'
			FROM reviews r, analyses a WHERE r.product_id = $1 AND a.product_id = $1 AND r.body LIKE 'bulk %'`, f.other, f.otherBattery)
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `INSERT INTO review_tags (review_id, analysis_id, type, label_id, quote, confidence)
			SELECT r.id, a.id, 'buyer', $2, 'q', 'low'
			FROM reviews r, analyses a WHERE r.product_id = $1 AND a.product_id = $1 AND r.body LIKE 'bulk %'`, f.other, f.otherParents)
		require.NoError(t, err)

		var last int64
		count := 0
		require.NoError(t, store.ReviewExportEach(ctx, pool, f.other, func(r store.ReviewDetail) error {
			require.Greater(t, r.ID, last)
			last = r.ID
			count++
			return nil
		}))
		require.Equal(t, n+1, count)
		count, last = 0, 0
		require.NoError(t, store.InsightExportEach(ctx, pool, f.other, func(i store.ExportInsight) error {
			require.Greater(t, i.ID, last)
			last = i.ID
			count++
			return nil
		}))
		require.Equal(t, n+1, count)
		count = 0
		require.NoError(t, store.TagExportEach(ctx, pool, f.other, func(store.ExportTag) error {
			count++
			return nil
		}))
		require.Equal(t, n+1, count)
	})

	t.Run("stops at the callback's error", func(t *testing.T) {
		stop := context.Canceled
		calls := 0
		err := store.ReviewExportEach(ctx, pool, f.product, func(store.ReviewDetail) error {
			calls++
			return stop
		})
		require.ErrorIs(t, err, stop)
		require.Equal(t, 1, calls)
	})
}
