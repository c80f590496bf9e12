-- +goose Up
-- Views for operators who inspect the pipeline with SQL. River's tables are
-- created by River's own migrations, which voc migrate applies first.
CREATE VIEW voc_queue_depth AS
SELECT queue, state::text AS state, count(*) AS jobs,
       min(scheduled_at) FILTER (WHERE state IN ('available', 'scheduled', 'retryable')) AS oldest_scheduled_at
FROM river_job
GROUP BY queue, state;

CREATE VIEW voc_pipeline_progress AS
SELECT a.id AS analysis_id, p.marketplace, p.asin, a.kind, a.status, a.reviews_total,
       a.translation_done, a.translation_failed,
       a.insights_done, a.insights_failed,
       a.themes_done, a.themes_failed,
       round(100.0 * (a.insights_done + a.insights_failed) / nullif(a.reviews_total, 0), 1) AS insights_pct,
       round(100.0 * (a.themes_done + a.themes_failed) / nullif(a.reviews_total, 0), 1) AS themes_pct,
       a.created_at, a.finished_at
FROM analyses a JOIN products p ON p.id = a.product_id;

-- +goose Down
DROP VIEW voc_pipeline_progress;
DROP VIEW voc_queue_depth;
