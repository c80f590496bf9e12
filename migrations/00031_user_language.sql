-- +goose Up
-- The web app's language, remembered per user rather than per browser
-- (PATCH /api/v1/me). NULL: not chosen yet; the browser's choice applies.
ALTER TABLE users ADD COLUMN language text CHECK (language IN ('zh', 'en'));

-- +goose Down
ALTER TABLE users DROP COLUMN language;
