package report

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// BenchmarkAggregate100k builds the report JSON (every aggregate, impact,
// weekly and monthly trends, emerging issues) for a product with 100,000
// synthetic reviews spread over two years, 2 insights and 1 tag each.
//
//	go test -run '^$' -bench Aggregate100k -benchtime 3x ./report/
func BenchmarkAggregate100k(b *testing.B) {
	pool, a := seed100k(b)
	ctx := context.Background()
	b.ResetTimer()
	var size int
	for range b.N {
		g, err := Aggregate(ctx, pool, a)
		require.NoError(b, err)
		raw, err := json.Marshal(g)
		require.NoError(b, err)
		size = len(raw)
		require.EqualValues(b, 100000, g.Reviews)
	}
	b.ReportMetric(float64(size), "json_bytes")
}

func seed100k(b testing.TB) (*pgxpool.Pool, store.Analysis) {
	pool := storetest.NewPool(b)
	ctx := context.Background()
	for _, sql := range []string{
		`INSERT INTO products (id, marketplace, asin, title) VALUES (1, 'US', 'B0BENCH001', 'Bench')`,
		`INSERT INTO dimensions (product_id, kind, name) SELECT 1, 'product', 'dim ' || g FROM generate_series(1, 8) g`,
		`INSERT INTO dimensions (product_id, kind, name) SELECT 1, 'scenario', 'scene ' || g FROM generate_series(1, 4) g`,
		`INSERT INTO labels (product_id, type, name) SELECT 1, t, t || ' ' || g FROM generate_series(1, 6) g,
			unnest(ARRAY['buyer','user','where','when','why','what']) t`,
		`INSERT INTO analyses (id, product_id, kind, status, target_language, scope, reviews_total, insights_done, themes_done, translation_done)
			VALUES (1, 1, 'full', 'done', 'en', 'product', 100000, 100000, 100000, 100000)`,
		`INSERT INTO reviews (product_id, content_hash, rating, body, review_date)
			SELECT 1, sha256(g::text::bytea), 1 + g % 5, 'review text number ' || g, date '2024-01-01' + (g % 730)
			FROM generate_series(1, 100000) g`,
		`INSERT INTO review_sentiments (review_id, sentiment)
			SELECT id, (ARRAY['positive','neutral','negative'])[1 + id % 3] FROM reviews`,
		`INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, sentiment, confidence)
			SELECT r.id, 1, CASE WHEN r.id % 2 = 0 THEN 'strength' ELSE 'weakness' END, d.id, 'product', 'quote ' || r.id,
				CASE WHEN r.id % 2 = 0 THEN 'positive' ELSE 'negative' END, 'high'
			FROM reviews r JOIN LATERAL (SELECT id FROM dimensions WHERE kind = 'product' ORDER BY id OFFSET r.id % 8 LIMIT 1) d ON true`,
		`INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, sentiment, confidence)
			SELECT r.id, 1, 'scenario', d.id, 'scenario', 'scene ' || r.id, 'neutral', 'medium'
			FROM reviews r JOIN LATERAL (SELECT id FROM dimensions WHERE kind = 'scenario' ORDER BY id OFFSET r.id % 4 LIMIT 1) d ON true`,
		`INSERT INTO review_tags (review_id, analysis_id, type, label_id, quote, confidence)
			SELECT r.id, 1, l.type, l.id, 'tag ' || r.id, 'high'
			FROM reviews r JOIN LATERAL (SELECT id, type FROM labels ORDER BY id OFFSET r.id % 36 LIMIT 1) l ON true`,
		`ANALYZE`,
	} {
		_, err := pool.Exec(ctx, sql)
		require.NoError(b, err, sql)
	}
	a, err := store.AnalysisGet(ctx, pool, 1)
	require.NoError(b, err)
	return pool, a
}
