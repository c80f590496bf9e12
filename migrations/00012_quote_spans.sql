-- +goose Up
-- Quotes are the review's own characters. Each insight and tag records where
-- its quote sits: the field (title, body or their translations) and the
-- half-open range [quote_start, quote_end) in characters, so that
--   substr(<field>, quote_start + 1, quote_end - quote_start) = quote
-- holds for every row written from now on. Rows stored before this
-- migration have no offsets (NULL).
ALTER TABLE insights
    ADD COLUMN quote_field text CHECK (quote_field IN ('title', 'body', 'title_translated', 'body_translated')),
    ADD COLUMN quote_start integer,
    ADD COLUMN quote_end   integer,
    ADD CONSTRAINT insights_quote_span CHECK (
        (quote_field IS NULL AND quote_start IS NULL AND quote_end IS NULL)
        OR (quote_field IS NOT NULL AND quote_start >= 0 AND quote_end > quote_start));
ALTER TABLE review_tags
    ADD COLUMN quote_field text CHECK (quote_field IN ('title', 'body', 'title_translated', 'body_translated')),
    ADD COLUMN quote_start integer,
    ADD COLUMN quote_end   integer,
    ADD CONSTRAINT review_tags_quote_span CHECK (
        (quote_field IS NULL AND quote_start IS NULL AND quote_end IS NULL)
        OR (quote_field IS NOT NULL AND quote_start >= 0 AND quote_end > quote_start));

-- +goose Down
ALTER TABLE review_tags DROP CONSTRAINT review_tags_quote_span, DROP COLUMN quote_end, DROP COLUMN quote_start, DROP COLUMN quote_field;
ALTER TABLE insights DROP CONSTRAINT insights_quote_span, DROP COLUMN quote_end, DROP COLUMN quote_start, DROP COLUMN quote_field;
