-- name: ProductUpsert :one
-- Products are unique per (marketplace, asin). Later pushes fill in metadata
-- without erasing what an earlier push knew.
INSERT INTO products (marketplace, asin, title, image_url, average_rating, price,
                      bullet_points, categories, target_language)
VALUES (@marketplace, @asin, @title, @image_url, sqlc.narg('average_rating'), @price,
        @bullet_points, @categories, @target_language)
ON CONFLICT (marketplace, asin) DO UPDATE SET
    title          = COALESCE(NULLIF(excluded.title, ''), products.title),
    image_url      = COALESCE(NULLIF(excluded.image_url, ''), products.image_url),
    average_rating = COALESCE(excluded.average_rating, products.average_rating),
    price          = COALESCE(NULLIF(excluded.price, ''), products.price),
    bullet_points  = CASE WHEN excluded.bullet_points = '[]'::jsonb THEN products.bullet_points ELSE excluded.bullet_points END,
    categories     = CASE WHEN excluded.categories = '[]'::jsonb THEN products.categories ELSE excluded.categories END,
    target_language = CASE WHEN @set_target_language::boolean THEN excluded.target_language ELSE products.target_language END,
    updated_at     = now()
RETURNING *;

-- name: ProductGetByID :one
SELECT * FROM products WHERE id = @id;

-- name: ProductGetByKey :one
SELECT * FROM products WHERE marketplace = @marketplace AND asin = @asin;

-- name: ProductList :many
SELECT p.*, (SELECT count(*) FROM reviews r WHERE r.product_id = p.id) AS review_count
FROM products p
ORDER BY p.id DESC
LIMIT @lim OFFSET @off;

-- name: ProductLockForIngest :exec
-- Serialises ingestion per product so dedupe and model checks see a stable
-- set of reviews; other products ingest in parallel.
SELECT pg_advisory_xact_lock(@key::bigint);

-- name: ProductContents :one
-- What keeps a product from being deleted: its reviews, and uploads still
-- waiting for or in ingestion (they would store reviews into it).
SELECT (SELECT count(*) FROM reviews r WHERE r.product_id = @id)::bigint AS reviews,
       (SELECT count(*) FROM uploads u WHERE u.product_id = @id AND u.status IN ('pending', 'ingesting'))::bigint AS uploads_in_flight;

-- name: ProductDelete :execrows
-- Everything of the product (uploads, analyses, model, reports) goes with it
-- by ON DELETE CASCADE.
DELETE FROM products WHERE id = @id;
