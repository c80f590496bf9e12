-- name: ProductLockRow :one
-- Serialises starts of analyses of one product (re-runs).
SELECT id FROM products WHERE id = @id FOR UPDATE;

-- name: AnalysisRunningByProduct :one
SELECT id FROM analyses
WHERE product_id = @product_id AND status = 'running'
ORDER BY id DESC LIMIT 1;

-- name: TokenGetAnyByHash :one
-- A token by its hash, revoked or not.
SELECT id, from_env, (revoked_at IS NOT NULL)::boolean AS revoked
FROM api_tokens WHERE token_hash = @token_hash;

-- name: TokenInsertFromEnv :one
INSERT INTO api_tokens (name, token_hash, is_admin, from_env)
VALUES (@name, @token_hash, true, true)
RETURNING id;

-- name: TokenRevokeFromEnvExcept :execrows
-- Revokes the live env-derived tokens other than keep.
UPDATE api_tokens SET revoked_at = now()
WHERE from_env AND revoked_at IS NULL AND id <> @keep;

-- name: UploadUnfinishedCount :one
SELECT count(*) FROM uploads WHERE status IN ('pending', 'ingesting');
