-- name: UserInsert :one
INSERT INTO users (email, name, password_hash, role)
VALUES (@email, @name, @password_hash, @role)
RETURNING *;

-- name: UserGetByID :one
SELECT * FROM users WHERE id = @id;

-- name: UserGetByEmail :one
SELECT * FROM users WHERE email = @email;

-- name: UserList :many
SELECT * FROM users ORDER BY id;

-- name: UserUpdate :one
UPDATE users SET
    name          = COALESCE(sqlc.narg('name'), name),
    role          = COALESCE(sqlc.narg('role'), role),
    disabled      = COALESCE(sqlc.narg('disabled'), disabled),
    password_hash = COALESCE(sqlc.narg('password_hash'), password_hash),
    updated_at    = now()
WHERE id = @id
RETURNING *;

-- name: UserCountActiveAdmins :one
SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled;

-- name: UserLockAdmins :exec
-- Serialises changes that could leave no active admin.
SELECT pg_advisory_xact_lock(7007001);

-- name: TokenOwner :one
SELECT t.id, t.name, t.is_admin, t.user_id, u.email, u.name AS user_name, u.role, u.disabled
FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id
WHERE t.id = @id;

-- name: TokenInsertForUser :one
INSERT INTO api_tokens (name, token_hash, is_admin, user_id)
VALUES (@name, @token_hash, false, @user_id)
RETURNING id, created_at;

-- name: TokenListAll :many
SELECT t.id, t.name, t.is_admin, t.user_id, t.created_at, t.last_used_at
FROM api_tokens t WHERE t.revoked_at IS NULL ORDER BY t.id;

-- name: TokenListForUser :many
SELECT t.id, t.name, t.is_admin, t.user_id, t.created_at, t.last_used_at
FROM api_tokens t WHERE t.revoked_at IS NULL AND t.user_id = @user_id ORDER BY t.id;

-- name: TokenRevokeForUser :execrows
UPDATE api_tokens SET revoked_at = now()
WHERE id = @id AND user_id = @user_id AND revoked_at IS NULL;

-- name: SessionInsert :exec
INSERT INTO sessions (id_hash, kind, user_id, token_id, client_addr, expires_at)
VALUES (@id_hash, @kind, sqlc.narg('user_id'), sqlc.narg('token_id'), @client_addr, @expires_at);

-- name: SessionGet :one
-- A live session with what its role depends on.
SELECT s.id_hash, s.kind, s.user_id, s.token_id, s.expires_at, s.last_seen_at,
       u.email, u.name AS user_name, u.role, u.disabled,
       t.name AS token_name, t.is_admin AS token_admin, t.revoked_at AS token_revoked_at
FROM sessions s
LEFT JOIN users u ON u.id = s.user_id
LEFT JOIN api_tokens t ON t.id = s.token_id
WHERE s.id_hash = @id_hash AND s.kind = @kind AND s.expires_at > now();

-- name: SessionTouch :exec
UPDATE sessions SET last_seen_at = now()
WHERE id_hash = @id_hash AND last_seen_at < now() - interval '1 minute';

-- name: SessionDelete :execrows
DELETE FROM sessions WHERE id_hash = @id_hash;

-- name: SessionDeleteForUser :execrows
DELETE FROM sessions WHERE user_id = @user_id;

-- name: SessionDeleteExpired :execrows
DELETE FROM sessions WHERE expires_at < now();

-- name: AuditInsert :exec
INSERT INTO audit_log (user_id, token_id, actor, action, method, path, status, target, details, client_addr)
VALUES (sqlc.narg('user_id'), sqlc.narg('token_id'), @actor, @action, @method, @path, @status, @target, @details, @client_addr);

-- name: AuditList :many
SELECT * FROM audit_log
WHERE (sqlc.narg('before_id')::bigint IS NULL OR id < sqlc.narg('before_id'))
  AND (sqlc.narg('action')::text IS NULL OR action = sqlc.narg('action'))
  AND (sqlc.narg('user_id')::bigint IS NULL OR user_id = sqlc.narg('user_id'))
ORDER BY id DESC
LIMIT @lim;

-- name: UserLanguageGet :one
SELECT language FROM users WHERE id = @id;

-- name: UserLanguageSet :execrows
UPDATE users SET language = @language, updated_at = now() WHERE id = @id;
