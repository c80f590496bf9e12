-- Edits of a product's model by a user: dimensions and 5W labels. Every
-- query is scoped to the product so an id from another product matches
-- nothing.

-- name: DimensionCreate :one
INSERT INTO dimensions (product_id, kind, name, definition)
VALUES (@product_id, @kind, @name, @definition)
RETURNING id, kind, name, definition;

-- name: DimensionGetForProduct :one
SELECT id, kind, name, definition FROM dimensions
WHERE id = @id AND product_id = @product_id;

-- name: DimensionUpdate :one
UPDATE dimensions SET
    name       = coalesce(sqlc.narg('name')::text, name),
    definition = coalesce(sqlc.narg('definition')::text, definition)
WHERE id = @id AND product_id = @product_id
RETURNING id, kind, name, definition;

-- name: DimensionDelete :execrows
-- Its insights go with it (ON DELETE CASCADE).
DELETE FROM dimensions WHERE id = @id AND product_id = @product_id;

-- name: DimensionCountOfKind :one
SELECT count(*) FROM dimensions WHERE product_id = @product_id AND kind = @kind;

-- name: InsightCountForDimension :one
SELECT count(*) FROM insights WHERE dimension_id = @dimension_id;

-- name: InsightsMoveDimension :execrows
-- Both dimensions are of the same kind, so the (dimension_id,
-- dimension_kind) foreign key still holds.
UPDATE insights SET dimension_id = @into_id WHERE dimension_id = @from_id;

-- name: LabelCreate :one
INSERT INTO labels (product_id, type, name, definition)
VALUES (@product_id, @type, @name, @definition)
RETURNING id, type, name, definition;

-- name: LabelGetForProduct :one
SELECT id, type, name, definition FROM labels
WHERE id = @id AND product_id = @product_id;

-- name: LabelUpdate :one
UPDATE labels SET
    name       = coalesce(sqlc.narg('name')::text, name),
    definition = coalesce(sqlc.narg('definition')::text, definition)
WHERE id = @id AND product_id = @product_id
RETURNING id, type, name, definition;

-- name: LabelDelete :execrows
-- Its tags go with it (ON DELETE CASCADE).
DELETE FROM labels WHERE id = @id AND product_id = @product_id;

-- name: TagCountForLabel :one
SELECT count(*) FROM review_tags WHERE label_id = @label_id;

-- name: TagsMoveLabel :execrows
UPDATE review_tags SET label_id = @into_id WHERE label_id = @from_id;

-- name: ProductModelList :many
SELECT version, source, created_at FROM product_models
WHERE product_id = @product_id ORDER BY version DESC;
