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
-- Only pending reviews move, so a replayed batch changes nothing. A review
-- whose translation is skipped keeps its translated columns as they are:
-- with no indexed column changed, Postgres can update it in place (HOT)
-- instead of adding a new entry to every index of reviews, the trigram
-- index over the whole text among them.
UPDATE reviews r SET translation_status = u.status,
    title_translated = CASE WHEN u.status = 'skipped' THEN r.title_translated ELSE u.title END,
    body_translated = CASE WHEN u.status = 'skipped' THEN r.body_translated ELSE u.body END
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@statuses::text[]) AS status,
             unnest(@titles::text[]) AS title, unnest(@bodies::text[]) AS body) u
WHERE r.id = u.id AND r.translation_status = 'pending';

-- name: AnalysisProgressAdd :exec
-- A batch's progress, folded into its analysis later (AnalysisProgressFold):
-- an insert takes no lock another batch waits on.
INSERT INTO analysis_progress (analysis_id, stage, done, failed) VALUES (@analysis_id, @stage, @done, @failed);

-- name: AnalysisProgressFold :one
-- Moves the analysis's unfolded progress into its row and returns the row
-- (locked until the transaction ends). Concurrent folds serialize on the
-- row; each delta is folded once (a row another fold deleted is skipped).
WITH d AS (
    DELETE FROM analysis_progress WHERE analysis_id = @id RETURNING stage, done, failed
), s AS (
    SELECT coalesce(sum(done) FILTER (WHERE stage = 'translation'), 0)::int AS t_done,
           coalesce(sum(failed) FILTER (WHERE stage = 'translation'), 0)::int AS t_failed,
           coalesce(sum(done) FILTER (WHERE stage = 'insight_extraction'), 0)::int AS i_done,
           coalesce(sum(failed) FILTER (WHERE stage = 'insight_extraction'), 0)::int AS i_failed,
           coalesce(sum(done) FILTER (WHERE stage = 'theme_extraction'), 0)::int AS th_done,
           coalesce(sum(failed) FILTER (WHERE stage = 'theme_extraction'), 0)::int AS th_failed
    FROM d
)
UPDATE analyses a SET
    translation_done = a.translation_done + s.t_done, translation_failed = a.translation_failed + s.t_failed,
    insights_done = a.insights_done + s.i_done, insights_failed = a.insights_failed + s.i_failed,
    themes_done = a.themes_done + s.th_done, themes_failed = a.themes_failed + s.th_failed
FROM s
WHERE a.id = @id
RETURNING a.*;

-- name: AnalysisProgressPending :many
-- The progress not folded yet, for a live view of the counters (no row
-- when there is none).
SELECT t_done, t_failed, i_done, i_failed, th_done, th_failed FROM analysis_progress_pending WHERE analysis_id = @id;

-- name: InsightsDeleteForReviews :exec
DELETE FROM insights WHERE review_id = ANY(@ids::bigint[]);

-- name: InsightInsertBatch :copyfrom
INSERT INTO insights (review_id, analysis_id, type, dimension_id, dimension_kind, quote, quote_translated, analysis, sentiment, confidence,
    quote_field, quote_start, quote_end)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: ReviewsSetSentiment :exec
INSERT INTO review_sentiments (review_id, sentiment)
SELECT unnest(@ids::bigint[]), unnest(@sentiments::text[])
ON CONFLICT (review_id) DO UPDATE SET sentiment = excluded.sentiment
WHERE review_sentiments.sentiment IS DISTINCT FROM excluded.sentiment;

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

-- name: LLMCallInsertBatch :copyfrom
INSERT INTO llm_calls (analysis_id, stage, provider, model, tokens_in, tokens_out, latency_ms, status, cache_hit, repair, dropped, error, created_at)
VALUES (@analysis_id, @stage, @provider, @model, @tokens_in, @tokens_out, @latency_ms, @status, @cache_hit, @repair, @dropped, @error, @created_at);

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
