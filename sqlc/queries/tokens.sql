-- name: TokenInsert :one
INSERT INTO api_tokens (name, token_hash, is_admin)
VALUES (@name, @token_hash, @is_admin)
ON CONFLICT (token_hash) DO UPDATE SET is_admin = excluded.is_admin, revoked_at = NULL
RETURNING id;

-- name: TokenGetByHash :one
SELECT id, name, is_admin, created_at, last_used_at
FROM api_tokens
WHERE token_hash = @token_hash AND revoked_at IS NULL;

-- name: TokenTouch :exec
UPDATE api_tokens SET last_used_at = now()
WHERE id = @id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');

-- name: TokenList :many
SELECT id, name, is_admin, created_at, last_used_at
FROM api_tokens WHERE revoked_at IS NULL ORDER BY id;

-- name: TokenRevoke :execrows
UPDATE api_tokens SET revoked_at = now() WHERE id = @id AND revoked_at IS NULL;

-- name: TokenIdentityByHash :one
-- TokenGetByHash, TokenTouch and TokenOwner in one round trip: a bearer
-- token is resolved on every API request.
WITH t AS (
    SELECT a.id, a.name, a.is_admin, a.user_id FROM api_tokens a
    WHERE a.token_hash = sqlc.arg(token_hash)::bytea AND a.revoked_at IS NULL
), touched AS (
    UPDATE api_tokens SET last_used_at = now()
    WHERE api_tokens.id = (SELECT t.id FROM t)
      AND (api_tokens.last_used_at IS NULL OR api_tokens.last_used_at < now() - interval '1 minute')
)
SELECT t.id, t.name, t.is_admin, t.user_id, u.email, u.name AS user_name, u.role, u.disabled
FROM t LEFT JOIN users u ON u.id = t.user_id;
