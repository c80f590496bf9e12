-- Read side of reviews and products: the review reader's filtered pages,
-- their insights and tags, the XLSX export and product listings.

-- name: ProductCount :one
SELECT count(*) FROM products;

-- name: ProductReviewCount :one
SELECT count(*) FROM reviews WHERE product_id = @product_id;

-- name: ReviewListFiltered :many
-- One page of a product's reviews in id order. Each filter is off when its
-- array is empty (or its flag false); values within one filter are ORed,
-- filters are ANDed. Dimension and label filters match a review that has at
-- least one insight (tag) on a matching dimension (label). @after_id is the
-- keyset cursor (0: from the start); @off skips rows after it.
SELECT r.id, r.source_review_id, r.author, r.rating, r.title, r.body, r.review_date, r.review_date_raw,
       r.variant, r.language, r.verified_purchase, r.helpful_votes, r.translation_status,
       r.title_translated, r.body_translated, s.sentiment,
       r.has_images, r.image_urls, r.has_video, r.video_url, r.review_url, r.excluded, r.pinned
FROM reviews r LEFT JOIN review_sentiments s ON s.review_id = r.id
WHERE r.product_id = @product_id
  AND r.id > @after_id::bigint
  AND (cardinality(@review_ids::bigint[]) = 0 OR r.id = ANY(@review_ids::bigint[]))
  AND (cardinality(@ratings::smallint[]) = 0 OR r.rating = ANY(@ratings::smallint[]))
  AND (cardinality(@sentiments::text[]) = 0 OR s.sentiment = ANY(@sentiments::text[]))
  AND (cardinality(@languages::text[]) = 0 OR r.language = ANY(@languages::text[]))
  AND (NOT @by_dimension::boolean OR EXISTS (
        SELECT 1 FROM insights i JOIN dimensions d ON d.id = i.dimension_id
        WHERE i.review_id = r.id
          AND (cardinality(@dimension_ids::bigint[]) + cardinality(@dimension_names::text[]) = 0
               OR d.id = ANY(@dimension_ids::bigint[]) OR d.name = ANY(@dimension_names::text[]))
          AND (@insight_type::text = '' OR i.type = @insight_type::text)))
  AND (NOT @by_label::boolean OR EXISTS (
        SELECT 1 FROM review_tags t JOIN labels l ON l.id = t.label_id
        WHERE t.review_id = r.id
          AND (cardinality(@label_ids::bigint[]) + cardinality(@label_names::text[]) = 0
               OR l.id = ANY(@label_ids::bigint[]) OR l.name = ANY(@label_names::text[]))
          AND (@label_type::text = '' OR t.type = @label_type::text)))
ORDER BY r.id
LIMIT @lim OFFSET @off;

-- name: ReviewCountFiltered :one
-- The number of reviews ReviewListFiltered's filters match, ignoring the
-- cursor. Keep the WHERE clause in step with ReviewListFiltered.
SELECT count(*)
FROM reviews r LEFT JOIN review_sentiments s ON s.review_id = r.id
WHERE r.product_id = @product_id
  AND (cardinality(@review_ids::bigint[]) = 0 OR r.id = ANY(@review_ids::bigint[]))
  AND (cardinality(@ratings::smallint[]) = 0 OR r.rating = ANY(@ratings::smallint[]))
  AND (cardinality(@sentiments::text[]) = 0 OR s.sentiment = ANY(@sentiments::text[]))
  AND (cardinality(@languages::text[]) = 0 OR r.language = ANY(@languages::text[]))
  AND (NOT @by_dimension::boolean OR EXISTS (
        SELECT 1 FROM insights i JOIN dimensions d ON d.id = i.dimension_id
        WHERE i.review_id = r.id
          AND (cardinality(@dimension_ids::bigint[]) + cardinality(@dimension_names::text[]) = 0
               OR d.id = ANY(@dimension_ids::bigint[]) OR d.name = ANY(@dimension_names::text[]))
          AND (@insight_type::text = '' OR i.type = @insight_type::text)))
  AND (NOT @by_label::boolean OR EXISTS (
        SELECT 1 FROM review_tags t JOIN labels l ON l.id = t.label_id
        WHERE t.review_id = r.id
          AND (cardinality(@label_ids::bigint[]) + cardinality(@label_names::text[]) = 0
               OR l.id = ANY(@label_ids::bigint[]) OR l.name = ANY(@label_names::text[]))
          AND (@label_type::text = '' OR t.type = @label_type::text)));

-- name: InsightListForReviews :many
SELECT i.id, i.review_id, i.type, i.dimension_id, d.name AS dimension, i.quote, i.quote_translated,
       i.analysis, i.sentiment, i.confidence
FROM insights i JOIN dimensions d ON d.id = i.dimension_id
WHERE i.review_id = ANY(@review_ids::bigint[])
ORDER BY i.review_id, i.id;

-- name: TagListForReviews :many
SELECT t.id, t.review_id, t.type, t.label_id, l.name AS label, t.quote, t.quote_translated,
       t.explanation, t.confidence
FROM review_tags t JOIN labels l ON l.id = t.label_id
WHERE t.review_id = ANY(@review_ids::bigint[])
ORDER BY t.review_id, t.id;

-- name: InsightExportPage :many
-- A product's insights in id order after @after_id, with their review's
-- language, for the export.
SELECT i.id, i.review_id, i.type, i.dimension_id, d.name AS dimension, i.quote, i.quote_translated,
       i.analysis, i.sentiment, i.confidence, r.language
FROM insights i JOIN dimensions d ON d.id = i.dimension_id JOIN reviews r ON r.id = i.review_id
WHERE d.product_id = @product_id AND i.id > @after_id::bigint
ORDER BY i.id
LIMIT @lim;

-- name: TagExportPage :many
-- A product's 5W tags in id order after @after_id, for the export.
SELECT t.id, t.review_id, t.type, t.label_id, l.name AS label, t.quote, t.quote_translated,
       t.explanation, t.confidence, r.language
FROM review_tags t JOIN labels l ON l.id = t.label_id JOIN reviews r ON r.id = t.review_id
WHERE l.product_id = @product_id AND t.id > @after_id::bigint
ORDER BY t.id
LIMIT @lim;
