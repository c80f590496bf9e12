package store_test

import (
	"context"
	"html"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/migrations"
	"github.com/voc-project/voc/store/storetest"
)

// The SQL decoder of migration 00018 agrees with Go's html.UnescapeString
// (what ingestion uses) on the references it knows, and leaves the others
// as they are.
func TestDecodeEntitiesSQLMatchesGo(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	same := []string{
		"I don't have a &#34;smart&#34; home",
		"&quot;quoted&quot; &amp; more &lt;b&gt; &apos;x&apos;",
		"a&nbsp;b", "&#x22;hex&#X27;", "&amp;#34; decodes once", "&amp;amp;",
		"no references", "lone & ampersand", "&&#34;", "trailing &", "&#34",
		"日本語&#26085;&#x672C;", "emoji &#128512;", "",
	}
	for _, s := range same {
		var got string
		require.NoError(t, pool.QueryRow(ctx, "SELECT voc_decode_entities($1)", s).Scan(&got))
		want := html.UnescapeString(s)
		if s == "&#34" {
			want = s // without its semicolon the SQL decoder leaves a reference alone
		}
		require.Equal(t, want, got, "input %q", s)
	}
	kept := []string{"&#0;", "&#1;", "&#xD800;", "&#150;", "&eacute;", "&#99999999;", "&#x110000;"}
	for _, s := range kept {
		var got string
		require.NoError(t, pool.QueryRow(ctx, "SELECT voc_decode_entities($1)", s).Scan(&got))
		require.Equal(t, s, got, "left as it is")
	}
}

// Migration 00018 decodes text stored before ingestion decoded it, in
// reviews, their quotes and product titles, and leaves content hashes alone.
func TestMigrationDecodesStoredText(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
	require.NoError(t, err)
	_, err = provider.DownTo(ctx, 17)
	require.NoError(t, err)

	var pid, rid, aid, did int64
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO products (marketplace, asin, title) VALUES ('US', 'B0ENTITY01', 'Echo &amp; Dot')
		RETURNING id, target_language`).Scan(&pid, new(string)))
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO reviews (product_id, content_hash, title, body, variant)
		VALUES ($1, '\x01', 'A &#34;smart&#34; buy', 'I don''t have a &#34;smart&#34; home &amp;amp; more', 'Black &amp; White')
		RETURNING id`, pid).Scan(&rid))
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO analyses (product_id, kind, target_language, scope) VALUES ($1, 'full', 'en', 'product') RETURNING id`, pid).Scan(&aid))
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO dimensions (product_id, kind, name) VALUES ($1, 'product', 'Smart home') RETURNING id`, pid).Scan(&did))
	_, err = pool.Exec(ctx, `INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, quote_translated, sentiment, confidence)
		VALUES ($1, $2, 'weakness', $3, 'product', 'a &#34;smart&#34; home', 'a &#34;smart&#34; home', 'negative', 'high')`, rid, aid, did)
	require.NoError(t, err)

	_, err = provider.Up(ctx)
	require.NoError(t, err)

	var title, body, variant, ptitle, quote, hash string
	require.NoError(t, pool.QueryRow(ctx, `SELECT r.title, r.body, r.variant, p.title, i.quote, encode(r.content_hash, 'hex')
		FROM reviews r JOIN products p ON p.id = r.product_id JOIN insights i ON i.review_id = r.id WHERE r.id = $1`, rid).
		Scan(&title, &body, &variant, &ptitle, &quote, &hash))
	require.Equal(t, `A "smart" buy`, title)
	require.Equal(t, `I don't have a "smart" home &amp; more`, body, "decoded once")
	require.Equal(t, "Black & White", variant)
	require.Equal(t, "Echo & Dot", ptitle)
	require.Equal(t, `a "smart" home`, quote)
	require.Contains(t, body, quote, "the quote is still an excerpt of the body")
	require.Equal(t, "01", hash, "the content hash is over the source text and stays")

	var def string
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO products (marketplace, asin) VALUES ('US', 'B0ENTITY02') RETURNING target_language`).Scan(&def))
	require.Equal(t, "en", def, "the default target language is English")
}
