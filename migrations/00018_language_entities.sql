-- +goose Up
-- 1. A product's target language defaults to English, never silently to
--    Chinese. The API fills it from the upload form, the UI language or
--    VOC_DEFAULT_TARGET_LANGUAGE; this default only catches other writers.
--    Existing products keep the language they have.
ALTER TABLE products ALTER COLUMN target_language SET DEFAULT 'en';

-- 2. Decode HTML character references in text stored before ingestion
--    decoded them (ingest/doc.go). The decoder reads the text once, left to
--    right, so "&amp;#34;" becomes the literal "&#34;" exactly as Go's
--    html.UnescapeString does. It decodes the named references quot, amp,
--    apos, lt, gt and nbsp and numeric ones (&#34;, &#x22;) for code points
--    outside C0/C1 controls and surrogates; anything else (other names,
--    references without the semicolon) is left as it is, which is always
--    safe. content_hash is not touched: it is over the source text, as the
--    ingest package computes it. Stored reports are snapshots and keep
--    their text; the next report is built from the decoded text.
-- +goose StatementBegin
CREATE FUNCTION voc_decode_entities(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    out  text := '';
    rest text := s;
    i    int;
    m    text[];
    ref  text;
    cp   bigint;
BEGIN
    LOOP
        i := strpos(rest, '&');
        EXIT WHEN i = 0;
        out := out || substr(rest, 1, i - 1);
        rest := substr(rest, i);
        m := regexp_match(rest, '^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|quot|amp|apos|lt|gt|nbsp);');
        IF m IS NULL THEN
            out := out || '&';
            rest := substr(rest, 2);
            CONTINUE;
        END IF;
        ref := m[1];
        cp := CASE ref
            WHEN 'quot' THEN 34 WHEN 'amp' THEN 38 WHEN 'apos' THEN 39
            WHEN 'lt' THEN 60 WHEN 'gt' THEN 62 WHEN 'nbsp' THEN 160
            ELSE NULL END;
        IF cp IS NULL AND substr(ref, 2, 1) IN ('x', 'X') THEN
            cp := ('x' || lpad(substr(ref, 3), 8, '0'))::bit(32)::bigint;
        ELSIF cp IS NULL THEN
            cp := substr(ref, 2)::bigint;
        END IF;
        IF cp < 32 OR cp BETWEEN 127 AND 159 OR cp BETWEEN 55296 AND 57343 OR cp > 1114111 THEN
            out := out || '&' || ref || ';';  -- controls and surrogates stay encoded
        ELSE
            out := out || chr(cp::int);
        END IF;
        rest := substr(rest, length(ref) + 3);
    END LOOP;
    RETURN out || rest;
END
$$;
-- +goose StatementEnd

-- The reviews whose text changes.
CREATE TEMP TABLE voc_entity_reviews AS
SELECT id FROM reviews
WHERE strpos(title, '&') > 0 OR strpos(body, '&') > 0 OR strpos(author, '&') > 0 OR strpos(variant, '&') > 0
   OR strpos(title_translated, '&') > 0 OR strpos(body_translated, '&') > 0;

-- Quote spans (migration 00012: quote_field, quote_start, quote_end count
-- characters into the review's field) move with the decoded text: the new
-- start is the length of the decoded text before the old start, computed
-- before the text changes. The columns are looked up, so this migration
-- also runs on a schema without them.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = 'insights' AND column_name = 'quote_field') THEN
        RETURN;
    END IF;
    FOREACH t IN ARRAY ARRAY['insights', 'review_tags'] LOOP
        EXECUTE format($f$
            UPDATE %1$I x SET quote_start = n.s, quote_end = n.s + length(voc_decode_entities(x.quote))
            FROM (SELECT y.id, length(voc_decode_entities(substr(CASE y.quote_field WHEN 'title' THEN r.title
                        WHEN 'body' THEN r.body WHEN 'title_translated' THEN r.title_translated
                        ELSE r.body_translated END, 1, y.quote_start))) AS s
                  FROM %1$I y JOIN voc_entity_reviews e ON e.id = y.review_id JOIN reviews r ON r.id = y.review_id
                  WHERE y.quote_field IS NOT NULL) n
            WHERE x.id = n.id$f$, t);
    END LOOP;
END
$$;
-- +goose StatementEnd

UPDATE reviews SET
    title = voc_decode_entities(title),
    body = voc_decode_entities(body),
    author = voc_decode_entities(author),
    variant = voc_decode_entities(variant),
    title_translated = voc_decode_entities(title_translated),
    body_translated = voc_decode_entities(body_translated)
WHERE id IN (SELECT id FROM voc_entity_reviews);

-- Quotes are verbatim excerpts of the text above, so they are decoded the
-- same way and stay excerpts of it.
UPDATE insights SET
    quote = voc_decode_entities(quote),
    quote_translated = voc_decode_entities(quote_translated),
    analysis = voc_decode_entities(analysis)
WHERE strpos(quote, '&') > 0 OR strpos(quote_translated, '&') > 0 OR strpos(analysis, '&') > 0;

UPDATE review_tags SET
    quote = voc_decode_entities(quote),
    quote_translated = voc_decode_entities(quote_translated),
    explanation = voc_decode_entities(explanation)
WHERE strpos(quote, '&') > 0 OR strpos(quote_translated, '&') > 0 OR strpos(explanation, '&') > 0;

-- A span that no longer frames its quote (a quote that began or ended
-- inside a reference) is dropped, as for rows stored before spans existed:
-- substr(<field>, quote_start + 1, quote_end - quote_start) = quote holds
-- for every span that stays.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = 'insights' AND column_name = 'quote_field') THEN
        RETURN;
    END IF;
    FOREACH t IN ARRAY ARRAY['insights', 'review_tags'] LOOP
        EXECUTE format($f$
            UPDATE %1$I x SET quote_field = NULL, quote_start = NULL, quote_end = NULL
            FROM reviews r, voc_entity_reviews e
            WHERE r.id = x.review_id AND e.id = x.review_id AND x.quote_field IS NOT NULL
              AND substr(CASE x.quote_field WHEN 'title' THEN r.title WHEN 'body' THEN r.body
                         WHEN 'title_translated' THEN r.title_translated ELSE r.body_translated END,
                         x.quote_start + 1, x.quote_end - x.quote_start) IS DISTINCT FROM x.quote$f$, t);
    END LOOP;
END
$$;
-- +goose StatementEnd

UPDATE products SET title = voc_decode_entities(title) WHERE strpos(title, '&') > 0;

DROP TABLE voc_entity_reviews;

-- +goose Down
-- Decoding cannot be undone (the source spelling is not kept); only the
-- default goes back.
DROP FUNCTION IF EXISTS voc_decode_entities(text);
ALTER TABLE products ALTER COLUMN target_language SET DEFAULT 'zh';
