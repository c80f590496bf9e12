-- name: ReviewsForBatch :many
SELECT id, product_id, rating, title, body, language, translation_status,
       title_translated, body_translated, helpful_votes
FROM reviews WHERE id = ANY(@ids::bigint[]) ORDER BY id;

-- name: ReviewsLearningSample :many
-- A stratified sample of the product's reviews for learning: up to
-- @per_rating per star rating, preferring helpful and longer ones.
SELECT id, rating, title, body, language, helpful_votes FROM (
    SELECT r.id, r.rating, r.title, r.body, r.language, r.helpful_votes,
           row_number() OVER (PARTITION BY coalesce(r.rating, 0)
                              ORDER BY r.helpful_votes DESC, char_length(r.body) DESC, r.id) AS rn
    FROM reviews r
    WHERE r.product_id = @product_id
) s
WHERE rn <= @per_rating::int
ORDER BY rn, rating
LIMIT @lim;

-- name: ProductLockModel :one
SELECT model_version FROM products WHERE id = @id FOR UPDATE;

-- name: ProductSetModelVersion :exec
UPDATE products SET model_version = @model_version, updated_at = now() WHERE id = @id;

-- name: ProductModelInsert :exec
INSERT INTO product_models (product_id, version, source, snapshot)
VALUES (@product_id, @version, @source, @snapshot);

-- name: DimensionInsert :one
INSERT INTO dimensions (product_id, kind, name, definition)
VALUES (@product_id, @kind, @name, @definition)
ON CONFLICT (product_id, kind, name) DO UPDATE SET definition = excluded.definition
RETURNING id;

-- name: DimensionList :many
SELECT id, product_id, kind, name, definition, created_at FROM dimensions
WHERE product_id = @product_id ORDER BY kind, id;

-- name: LabelInsert :one
INSERT INTO labels (product_id, type, name, definition)
VALUES (@product_id, @type, @name, @definition)
ON CONFLICT (product_id, type, name) DO UPDATE SET definition = excluded.definition
RETURNING id;

-- name: LabelList :many
SELECT id, product_id, type, name, definition, created_at FROM labels
WHERE product_id = @product_id ORDER BY type, id;

-- name: ReviewsSetTranslation :execrows
-- Only pending reviews move, so a replayed batch changes nothing.
UPDATE reviews r SET translation_status = u.status, title_translated = u.title, body_translated = u.body
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@statuses::text[]) AS status,
             unnest(@titles::text[]) AS title, unnest(@bodies::text[]) AS body) u
WHERE r.id = u.id AND r.translation_status = 'pending';

-- name: AnalysisBumpTranslation :one
UPDATE analyses SET translation_done = translation_done + @done::int, translation_failed = translation_failed + @failed::int
WHERE id = @id RETURNING *;

-- name: InsightsDeleteForReviews :exec
DELETE FROM insights WHERE review_id = ANY(@ids::bigint[]);

-- name: InsightInsertBatch :copyfrom
INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, quote_translated, analysis, sentiment, confidence,
    quote_field, quote_start, quote_end)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: ReviewsSetSentiment :exec
UPDATE reviews r SET sentiment = u.sentiment
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@sentiments::text[]) AS sentiment) u
WHERE r.id = u.id;

-- name: TagsDeleteForReviews :exec
DELETE FROM review_tags WHERE review_id = ANY(@ids::bigint[]);

-- name: TagInsertBatch :copyfrom
INSERT INTO review_tags (review_id, analysis_id, type, label_id, quote, quote_translated, explanation, confidence,
    quote_field, quote_start, quote_end)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: AnalysisReviewsSetInsightState :execrows
UPDATE analysis_reviews SET insights_state = @state
WHERE analysis_id = @analysis_id AND review_id = ANY(@ids::bigint[]) AND insights_state = 'pending';

-- name: AnalysisReviewsSetThemeState :execrows
UPDATE analysis_reviews SET themes_state = @state
WHERE analysis_id = @analysis_id AND review_id = ANY(@ids::bigint[]) AND themes_state = 'pending';

-- name: AnalysisBumpInsights :one
UPDATE analyses SET insights_done = insights_done + @done::int, insights_failed = insights_failed + @failed::int
WHERE id = @id RETURNING *;

-- name: AnalysisBumpThemes :one
UPDATE analyses SET themes_done = themes_done + @done::int, themes_failed = themes_failed + @failed::int
WHERE id = @id RETURNING *;

-- name: AnalysisMarkReportQueued :exec
UPDATE analyses SET
    preliminary_queued = preliminary_queued OR @preliminary::boolean,
    final_queued = final_queued OR @final::boolean
WHERE id = @id;

-- name: AnalysisFinish :exec
UPDATE analyses SET status = @status, finished_at = now() WHERE id = @id AND status = 'running';

-- name: FailureInsert :execrows
INSERT INTO review_failures (analysis_id, review_id, stage, reason)
VALUES (@analysis_id, @review_id, @stage, @reason)
ON CONFLICT DO NOTHING;

-- name: LLMCallInsert :exec
INSERT INTO llm_calls (analysis_id, stage, provider, model, tokens_in, tokens_out, latency_ms, status, cache_hit, repair, dropped, error)
VALUES (sqlc.narg('analysis_id'), @stage, @provider, @model, @tokens_in, @tokens_out, @latency_ms, @status, @cache_hit, @repair, @dropped, @error);

-- name: LLMUsageForAnalysis :one
SELECT count(*) FILTER (WHERE NOT cache_hit) AS calls,
       count(*) FILTER (WHERE cache_hit) AS cache_hits,
       coalesce(sum(tokens_in), 0)::bigint AS tokens_in,
       coalesce(sum(tokens_out), 0)::bigint AS tokens_out
FROM llm_calls WHERE analysis_id = @analysis_id;

-- name: ReportInsert :one
INSERT INTO reports (analysis_id, product_id, kind, coverage, aggregates, narrative)
VALUES (@analysis_id, @product_id, @kind, @coverage, @aggregates, @narrative)
ON CONFLICT (analysis_id, kind) WHERE kind IN ('preliminary', 'final') DO NOTHING
RETURNING id;

-- name: DimensionsLockExisting :many
-- The dimensions among @ids that still exist, locked against deletion until
-- the transaction ends (a model edit may delete one mid-batch).
SELECT id FROM dimensions WHERE id = ANY(@ids::bigint[]) FOR KEY SHARE;

-- name: LabelsLockExisting :many
SELECT id FROM labels WHERE id = ANY(@ids::bigint[]) FOR KEY SHARE;
