package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// BenchmarkDashboard100k computes the product dashboard (KPIs, ratings,
// sentiments, dimension impact, monthly trend with per-dimension series,
// 5W, emerging issues, facets) for a product with 100,000 synthetic reviews
// over two years, 2 insights and 1 tag each: unfiltered, and filtered to
// negative reviews with a date range. Each runs three times: right after
// the bulk load (no statistics), after ANALYZE (what autovacuum's analyze
// leaves), and after the vacuum the final report queues (jobs.VacuumArgs).
//
//	go test -run '^$' -bench Dashboard100k -benchtime 5x ./store/
func BenchmarkDashboard100k(b *testing.B) {
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
		`INSERT INTO reviews (product_id, content_hash, rating, body, review_date, language, variant)
			SELECT 1, sha256(g::text::bytea), 1 + g % 5, 'review text number ' || g, date '2024-01-01' + (g % 730),
				(ARRAY['en','de','zh'])[1 + g % 3], 'Color: ' || (g % 7)
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
	} {
		_, err := pool.Exec(ctx, sql)
		require.NoError(b, err, sql)
	}
	from, to := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 5, 31, 0, 0, 0, 0, time.UTC)
	for _, phase := range []string{"fresh", "analysed", "vacuumed"} {
		if phase == "analysed" {
			_, err := pool.Exec(ctx, "ANALYZE")
			require.NoError(b, err)
		}
		if phase == "vacuumed" {
			_, err := pool.Exec(ctx, "VACUUM (ANALYZE, SKIP_LOCKED) insights, review_tags, review_sentiments, reviews")
			require.NoError(b, err)
		}
		benchDashboards(b, pool, phase, from, to)
	}
}

func benchDashboards(b *testing.B, pool *pgxpool.Pool, phase string, from, to time.Time) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		rq   store.ReviewQuery
		want int64
	}{
		{"all", store.ReviewQuery{}, 100000},
		{"negative_year", store.ReviewQuery{ReviewFilter: store.ReviewFilter{Sentiments: []string{"negative"}},
			DateFrom: &from, DateTo: &to}, 0},
	} {
		b.Run(phase+"/"+c.name, func(b *testing.B) {
			for range b.N {
				// As the API reads it: one read-only snapshot.
				tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
				require.NoError(b, err)
				d, err := store.DashboardGet(ctx, tx, 1, c.rq, "month")
				require.NoError(b, err)
				require.NoError(b, tx.Rollback(ctx))
				if c.want > 0 {
					require.EqualValues(b, c.want, d.KPI.Reviews)
				}
				require.NotEmpty(b, d.Trend.Periods)
			}
		})
	}
}
