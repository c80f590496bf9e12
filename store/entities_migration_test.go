package store_test

import (
	"context"
	"html"
	"strings"
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
	// Quote spans (migration 00012) move with the text; the columns are
	// added here when this branch's schema lacks them.
	_, err = pool.Exec(ctx, `ALTER TABLE insights ADD COLUMN IF NOT EXISTS quote_field text,
		ADD COLUMN IF NOT EXISTS quote_start integer, ADD COLUMN IF NOT EXISTS quote_end integer`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `ALTER TABLE review_tags ADD COLUMN IF NOT EXISTS quote_field text,
		ADD COLUMN IF NOT EXISTS quote_start integer, ADD COLUMN IF NOT EXISTS quote_end integer`)
	require.NoError(t, err)
	oldBody := `I don't have a &#34;smart&#34; home &amp;amp; more`
	span := func(quote string) (int, int) {
		i := strings.Index(oldBody, quote)
		require.GreaterOrEqual(t, i, 0)
		return i, i + len(quote) // ASCII: bytes are characters
	}
	var okID, cutID int64
	s, e := span(`a &#34;smart&#34; home`)
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, quote_translated,
		sentiment, confidence, quote_field, quote_start, quote_end)
		VALUES ($1, $2, 'weakness', $3, 'product', 'a &#34;smart&#34; home', 'a &#34;smart&#34; home', 'negative', 'high', 'body', $4, $5)
		RETURNING id`, rid, aid, did, s, e).Scan(&okID))
	// A quote that ends inside a reference cannot keep its span.
	s, e = span(`smart&#3`)
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote,
		sentiment, confidence, quote_field, quote_start, quote_end)
		VALUES ($1, $2, 'weakness', $3, 'product', 'smart&#3', 'negative', 'high', 'body', $4, $5)
		RETURNING id`, rid, aid, did, s, e).Scan(&cutID))

	_, err = provider.Up(ctx)
	require.NoError(t, err)

	var title, body, variant, ptitle, quote, hash string
	require.NoError(t, pool.QueryRow(ctx, `SELECT r.title, r.body, r.variant, p.title, i.quote, encode(r.content_hash, 'hex')
		FROM reviews r JOIN products p ON p.id = r.product_id JOIN insights i ON i.review_id = r.id WHERE r.id = $1 AND i.id = $2`, rid, okID).
		Scan(&title, &body, &variant, &ptitle, &quote, &hash))
	require.Equal(t, `A "smart" buy`, title)
	require.Equal(t, `I don't have a "smart" home &amp; more`, body, "decoded once")
	require.Equal(t, "Black & White", variant)
	require.Equal(t, "Echo & Dot", ptitle)
	require.Equal(t, `a "smart" home`, quote)
	require.Contains(t, body, quote, "the quote is still an excerpt of the body")
	require.Equal(t, "01", hash, "the content hash is over the source text and stays")

	var field *string
	var start, end *int
	require.NoError(t, pool.QueryRow(ctx, "SELECT quote_field, quote_start, quote_end FROM insights WHERE id = $1", okID).Scan(&field, &start, &end))
	require.NotNil(t, start)
	require.Equal(t, "body", *field)
	require.Equal(t, quote, string([]rune(body)[*start:*end]), "the span frames the decoded quote")
	require.NoError(t, pool.QueryRow(ctx, "SELECT quote_field, quote_start, quote_end FROM insights WHERE id = $1", cutID).Scan(&field, &start, &end))
	require.Nil(t, field, "a span cut by decoding is dropped")
	require.Nil(t, start)
	require.Nil(t, end)

	var def string
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO products (marketplace, asin) VALUES ('US', 'B0ENTITY02') RETURNING target_language`).Scan(&def))
	require.Equal(t, "en", def, "the default target language is English")
}
