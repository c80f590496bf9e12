-- name: ProductLockRow :one
-- Serialises starts of analyses of one product (re-runs).
SELECT id FROM products WHERE id = @id FOR UPDATE;

-- name: AnalysisRunningByProduct :one
SELECT id FROM analyses
WHERE product_id = @product_id AND status = 'running'
ORDER BY id DESC LIMIT 1;
