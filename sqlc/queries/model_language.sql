-- Switching a product's model to another language (store/model_language.go).

-- name: DimensionsParkNames :exec
-- Gives dimensions a placeholder name unique to the id, so the renames that
-- follow may swap names without tripping (product_id, kind, name).
UPDATE dimensions SET name = 'voc-rename-' || id
WHERE product_id = @product_id AND id = ANY(@ids::bigint[]);

-- name: DimensionsSetNames :execrows
UPDATE dimensions d SET name = u.name, definition = u.definition
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@names::text[]) AS name, unnest(@definitions::text[]) AS definition) u
WHERE d.id = u.id AND d.product_id = @product_id;

-- name: LabelsParkNames :exec
UPDATE labels SET name = 'voc-rename-' || id
WHERE product_id = @product_id AND id = ANY(@ids::bigint[]);

-- name: LabelsSetNames :execrows
UPDATE labels l SET name = u.name, definition = u.definition
FROM (SELECT unnest(@ids::bigint[]) AS id, unnest(@names::text[]) AS name, unnest(@definitions::text[]) AS definition) u
WHERE l.id = u.id AND l.product_id = @product_id;

-- name: ProductSetTargetLanguage :exec
UPDATE products SET target_language = @target_language, updated_at = now() WHERE id = @id;

-- name: ReviewsResetProductTranslation :execrows
-- Translations are in the old target language: the next analysis
-- translates the reviews again.
UPDATE reviews SET translation_status = 'pending', title_translated = NULL, body_translated = NULL
WHERE product_id = @product_id AND translation_status <> 'pending';

-- name: AnalysisPendingTranslations :one
-- Reviews of an analysis whose translation is pending: a re-analysis
-- translates them (after a language switch) and only them.
SELECT count(*) FROM analysis_reviews ar JOIN reviews r ON r.id = ar.review_id
WHERE ar.analysis_id = @analysis_id AND r.translation_status = 'pending';
