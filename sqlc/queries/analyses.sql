-- name: AnalysisInsert :one
INSERT INTO analyses (product_id, kind, target_language, scope, upload_id, reviews_total)
VALUES (@product_id, @kind, @target_language, @scope, sqlc.narg('upload_id'), @reviews_total)
RETURNING *;

-- name: AnalysisMarkPlanned :exec
UPDATE analyses SET planned = true WHERE id = @id;

-- name: AnalysisAddUploadReviews :execrows
-- Excluded reviews never enter an analysis.
INSERT INTO analysis_reviews (analysis_id, review_id)
SELECT @analysis_id, id FROM reviews WHERE upload_id = @upload_id AND NOT excluded;

-- name: AnalysisAddPendingProductReviews :execrows
-- Reviews of the product that no analysis of this kind has covered yet
-- (extension pushes followed by collection-complete). A translate-only
-- analysis does not count for a full one, which then analyses those
-- reviews, reusing their stored translations.
INSERT INTO analysis_reviews (analysis_id, review_id)
SELECT @analysis_id, r.id FROM reviews r
WHERE r.product_id = @product_id AND NOT r.excluded
  AND NOT EXISTS (SELECT 1 FROM analysis_reviews ar JOIN analyses a ON a.id = ar.analysis_id
                  WHERE ar.review_id = r.id AND (a.kind <> 'translate_only' OR @kind::text = 'translate_only'));

-- name: AnalysisAddAllProductReviews :execrows
INSERT INTO analysis_reviews (analysis_id, review_id)
SELECT @analysis_id, id FROM reviews WHERE product_id = @product_id AND NOT excluded;

-- name: AnalysisPendingCount :one
-- How many reviews a new analysis of this kind with the "unanalysed" scope
-- would cover; keep in step with AnalysisAddPendingProductReviews.
SELECT count(*) FROM reviews r
WHERE r.product_id = @product_id AND NOT r.excluded
  AND NOT EXISTS (SELECT 1 FROM analysis_reviews ar JOIN analyses a ON a.id = ar.analysis_id
                  WHERE ar.review_id = r.id AND (a.kind <> 'translate_only' OR @kind::text = 'translate_only'));

-- name: AnalysisRunningForProduct :one
SELECT count(*) FROM analyses WHERE product_id = @product_id AND status = 'running';

-- name: AnalysisSetTotal :one
UPDATE analyses SET reviews_total = (SELECT count(*) FROM analysis_reviews WHERE analysis_id = @id)
WHERE id = @id
RETURNING reviews_total;

-- name: AnalysisGetByID :one
SELECT * FROM analyses WHERE id = @id;

-- name: AnalysisLatestByProduct :one
SELECT * FROM analyses WHERE product_id = @product_id ORDER BY id DESC LIMIT 1;

-- name: AnalysisListByProduct :many
SELECT * FROM analyses WHERE product_id = @product_id ORDER BY id DESC LIMIT @lim;

-- name: AnalysisBatches :many
-- Splits an analysis's reviews into LLM batches: short reviews (under
-- @short_chars characters) @short_size per batch, long ones @long_size.
-- needs_translation says whether any review of the batch still waits for
-- its translation (the others go straight to insights).
SELECT array_agg(id ORDER BY id)::bigint[] AS review_ids, bool_or(pending)::boolean AS needs_translation
FROM (
    SELECT r.id, r.translation_status = 'pending' AS pending,
           (char_length(r.body) + char_length(r.title) < @short_chars::int) AS short,
           row_number() OVER (PARTITION BY (char_length(r.body) + char_length(r.title) < @short_chars::int) ORDER BY r.id) AS rn
    FROM analysis_reviews ar JOIN reviews r ON r.id = ar.review_id
    WHERE ar.analysis_id = @analysis_id
) s
GROUP BY short, (rn - 1) / CASE WHEN short THEN @short_size::int ELSE @long_size::int END
ORDER BY min(id);

-- name: AnalysisSkipTranslations :one
-- Marks the analysis's pending reviews that need no translation skipped,
-- at planning, so that batches with nothing to translate skip the
-- translation stage: reviews already in the target language (same base
-- language, as store.SameLanguage compares; ingestion stores most of them
-- skipped already), or every review when the analyser does not translate.
-- Returns how many of the analysis's reviews need no translation job: those
-- marked now and those skipped or translated before.
WITH marked AS (
    UPDATE reviews r SET translation_status = 'skipped'
    FROM analysis_reviews ar
    WHERE ar.analysis_id = @analysis_id AND r.id = ar.review_id AND r.translation_status = 'pending'
      AND (NOT @translates::boolean
           OR lower(split_part(replace(r.language, '_', '-'), '-', 1)) = lower(split_part(replace(@target_language::text, '_', '-'), '-', 1)))
    RETURNING r.id
)
SELECT ((SELECT count(*) FROM marked)
      + (SELECT count(*) FROM analysis_reviews ar JOIN reviews r ON r.id = ar.review_id
         WHERE ar.analysis_id = @analysis_id AND r.translation_status IN ('skipped', 'done')))::bigint AS settled;
