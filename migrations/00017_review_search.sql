-- +goose Up
-- The review reader's search and sort (store/reviews_search.go).
--
-- Search: trigram matching (ILIKE '%term%') over one expression that joins
-- the original and the translation, so a word is found in either. pg_trgm
-- works for any script and for substrings, which full-text search does not
-- do for Chinese or Japanese without a segmenter. The expression here and
-- the one in store.reviewSearchText must stay identical, or the planner
-- cannot use the index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX reviews_search_trgm ON reviews USING gin (
    (title || ' ' || body || ' ' || coalesce(title_translated, '') || ' ' || coalesce(body_translated, '')) gin_trgm_ops);

-- Keyset paging for every sort order: (product, sort key, id). NULL dates
-- and ratings sort as the lowest value through coalesce, the same
-- expressions the queries order by.
CREATE INDEX reviews_product_date ON reviews (product_id, coalesce(review_date, '0001-01-01'::date), id);
CREATE INDEX reviews_product_rating ON reviews (product_id, coalesce(rating, 0::smallint), id);
CREATE INDEX reviews_product_helpful ON reviews (product_id, helpful_votes, id);

-- +goose Down
DROP INDEX reviews_product_helpful;
DROP INDEX reviews_product_rating;
DROP INDEX reviews_product_date;
DROP INDEX reviews_search_trgm;
