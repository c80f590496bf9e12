-- +goose Up
-- Accounts: users with one role each, server-side sessions, login throttling
-- and the audit log. Tokens may belong to a user and then act with the
-- user's role; a token without a user (VOC_ADMIN_TOKEN, `voc token create`)
-- acts as admin when is_admin, else as analyst.
CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    email         text NOT NULL CHECK (email <> '' AND email = lower(email)),
    name          text NOT NULL DEFAULT '',
    -- PHC string: $argon2id$v=19$m=...,t=...,p=...$salt$hash
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (email)
);

ALTER TABLE api_tokens ADD COLUMN user_id bigint REFERENCES users ON DELETE CASCADE;
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

-- A session is a random secret whose SHA-256 is stored here. kind says how
-- it travels: 'cookie' (the web app; CSRF-checked) or 'bearer' (the browser
-- extension's access_token). A session belongs to a user or, for the token
-- login of the web UI, to an API token; its role is read live from either,
-- so disabling a user or revoking the token ends the session at once.
CREATE TABLE sessions (
    id_hash      bytea PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    user_id      bigint REFERENCES users ON DELETE CASCADE,
    token_id     bigint REFERENCES api_tokens ON DELETE CASCADE,
    client_addr  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) <> (token_id IS NULL))
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Failed logins per key ('account:<email>' or 'addr:<ip>'). After a few
-- failures in a window, each further one locks the key for twice as long.
CREATE TABLE login_throttle (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    first_failed timestamptz NOT NULL,
    last_failed  timestamptz NOT NULL,
    locked_until timestamptz
);

-- Who changed what. actor is a readable label ("user 3 <a@b.c>", "token 7
-- (ci)"); the ids stay even when the user is gone.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    user_id     bigint,
    token_id    bigint,
    actor       text NOT NULL,
    action      text NOT NULL,
    method      text NOT NULL DEFAULT '',
    path        text NOT NULL DEFAULT '',
    status      integer NOT NULL DEFAULT 0,
    target      text NOT NULL DEFAULT '',
    details     jsonb NOT NULL DEFAULT '{}',
    client_addr text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_user_id ON audit_log (user_id, id DESC);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE login_throttle;
DROP TABLE sessions;
ALTER TABLE api_tokens DROP COLUMN user_id;
DROP TABLE users;
