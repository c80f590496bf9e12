-- +goose Up
-- Role reports on demand (comprehensive, operations, product, supply_chain)
-- next to the automatic preliminary and final ones. An on-demand report is
-- a row in state 'building' from the request until its job stores it, so
-- the API can answer 409 for a PDF or share of one not built yet. Several
-- of one role kind may exist per analysis; preliminary and final stay
-- unique per analysis.
ALTER TABLE reports DROP CONSTRAINT reports_kind_check;
ALTER TABLE reports ADD CONSTRAINT reports_kind_check
    CHECK (kind IN ('preliminary', 'final', 'comprehensive', 'operations', 'product', 'supply_chain'));
ALTER TABLE reports ADD COLUMN status text NOT NULL DEFAULT 'ready'
    CHECK (status IN ('building', 'ready', 'failed'));
ALTER TABLE reports ADD COLUMN error text NOT NULL DEFAULT '';
ALTER TABLE reports DROP CONSTRAINT reports_analysis_id_kind_key;
CREATE UNIQUE INDEX reports_analysis_automatic ON reports (analysis_id, kind)
    WHERE kind IN ('preliminary', 'final');

-- Share links: a public, read-only, expiring view of one report. Only the
-- SHA-256 of the token is stored; the token itself is shown once.
CREATE TABLE report_shares (
    id             bigserial PRIMARY KEY,
    report_id      bigint NOT NULL REFERENCES reports ON DELETE CASCADE,
    token_hash     bytea NOT NULL UNIQUE,
    expires_at     timestamptz NOT NULL,
    views          bigint NOT NULL DEFAULT 0,
    last_viewed_at timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_shares_report_id ON report_shares (report_id);

-- +goose Down
DROP TABLE report_shares;
DROP INDEX reports_analysis_automatic;
DELETE FROM reports WHERE kind NOT IN ('preliminary', 'final');
ALTER TABLE reports ADD CONSTRAINT reports_analysis_id_kind_key UNIQUE (analysis_id, kind);
ALTER TABLE reports DROP COLUMN error;
ALTER TABLE reports DROP COLUMN status;
ALTER TABLE reports DROP CONSTRAINT reports_kind_check;
ALTER TABLE reports ADD CONSTRAINT reports_kind_check CHECK (kind IN ('preliminary', 'final'));
