-- +goose Up
-- Tokens derived from VOC_ADMIN_TOKEN are marked, so that start-up can
-- revoke the previous ones when the variable changes, and can tell a token
-- an admin revoked (which must stay revoked) from one never stored.
ALTER TABLE api_tokens ADD COLUMN from_env boolean NOT NULL DEFAULT false;
UPDATE api_tokens SET from_env = true WHERE name = 'admin (VOC_ADMIN_TOKEN)';

-- Uploads count the unfinished ones on every upload (back-pressure).
CREATE INDEX uploads_unfinished ON uploads (id) WHERE status IN ('pending', 'ingesting');

-- +goose Down
DROP INDEX uploads_unfinished;
ALTER TABLE api_tokens DROP COLUMN from_env;
