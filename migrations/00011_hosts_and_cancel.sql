-- +goose Up
-- One row per process identity (VOC_HOST_ID). A process holds a session
-- advisory lock on its id while it runs, so no two live processes share one;
-- the row says what it serves and when it last said it was alive, for
-- `voc status` and GET /api/v1/hosts.
CREATE TABLE voc_hosts (
    host_id      text PRIMARY KEY CHECK (char_length(host_id) BETWEEN 1 AND 100),
    role         text NOT NULL CHECK (role IN ('serve', 'worker')),
    queues       text[] NOT NULL DEFAULT '{}',
    hostname     text NOT NULL DEFAULT '',
    pid          integer NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    stopped_at   timestamptz
);

-- An operator may cancel a running analysis.
ALTER TABLE analyses DROP CONSTRAINT analyses_status_check;
ALTER TABLE analyses ADD CONSTRAINT analyses_status_check
    CHECK (status IN ('running', 'done', 'failed', 'cancelled'));

-- +goose Down
ALTER TABLE analyses DROP CONSTRAINT analyses_status_check;
ALTER TABLE analyses ADD CONSTRAINT analyses_status_check
    CHECK (status IN ('running', 'done', 'failed'));
DROP TABLE voc_hosts;
