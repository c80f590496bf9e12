-- name: ReviewCurationGet :one
SELECT id, product_id, excluded, pinned FROM reviews WHERE id = @id;

-- name: ReviewCurationSet :one
UPDATE reviews SET
    excluded = COALESCE(sqlc.narg('excluded'), excluded),
    pinned   = COALESCE(sqlc.narg('pinned'), pinned)
WHERE id = @id
RETURNING id, product_id, excluded, pinned;
