-- +goose Up
-- Batch commits no longer update their analysis's progress row: each
-- inserts its counts here instead, and a fold_progress job folds them
-- into the row (and decides on the report jobs). Hundreds of batches of
-- one analysis then commit without waiting on one another (issue 10).
-- No foreign key: checking it would share-lock the analysis row from every
-- batch, the contention this table removes. Rows live only until folded
-- (voc never deletes analyses; see 00014 for deleting one by hand).
CREATE TABLE analysis_progress (
    id          bigserial PRIMARY KEY,
    analysis_id bigint NOT NULL,
    stage       text   NOT NULL CHECK (stage IN ('translation', 'insight_extraction', 'theme_extraction')),
    done        int    NOT NULL,
    failed      int    NOT NULL
);
CREATE INDEX analysis_progress_analysis_idx ON analysis_progress (analysis_id);

-- Progress not folded yet, per analysis and stage column (store.AnalysisWithPending
-- and the SQL view below add it to the analysis row's counts).
CREATE VIEW analysis_progress_pending AS
SELECT analysis_id,
       coalesce(sum(done) FILTER (WHERE stage = 'translation'), 0)::int AS t_done,
       coalesce(sum(failed) FILTER (WHERE stage = 'translation'), 0)::int AS t_failed,
       coalesce(sum(done) FILTER (WHERE stage = 'insight_extraction'), 0)::int AS i_done,
       coalesce(sum(failed) FILTER (WHERE stage = 'insight_extraction'), 0)::int AS i_failed,
       coalesce(sum(done) FILTER (WHERE stage = 'theme_extraction'), 0)::int AS th_done,
       coalesce(sum(failed) FILTER (WHERE stage = 'theme_extraction'), 0)::int AS th_failed
FROM analysis_progress GROUP BY analysis_id;

-- The SQL view of progress counts what is not folded yet too.
CREATE OR REPLACE VIEW voc_pipeline_progress AS
SELECT a.id AS analysis_id, p.marketplace, p.asin, a.kind, a.status, a.reviews_total,
       a.translation_done + coalesce(d.t_done, 0) AS translation_done, a.translation_failed + coalesce(d.t_failed, 0) AS translation_failed,
       a.insights_done + coalesce(d.i_done, 0) AS insights_done, a.insights_failed + coalesce(d.i_failed, 0) AS insights_failed,
       a.themes_done + coalesce(d.th_done, 0) AS themes_done, a.themes_failed + coalesce(d.th_failed, 0) AS themes_failed,
       round(100.0 * (a.insights_done + a.insights_failed + coalesce(d.i_done + d.i_failed, 0)) / nullif(a.reviews_total, 0), 1) AS insights_pct,
       round(100.0 * (a.themes_done + a.themes_failed + coalesce(d.th_done + d.th_failed, 0)) / nullif(a.reviews_total, 0), 1) AS themes_pct,
       a.created_at, a.finished_at
FROM analyses a JOIN products p ON p.id = a.product_id
LEFT JOIN analysis_progress_pending d ON d.analysis_id = a.id;

-- +goose Down
CREATE OR REPLACE VIEW voc_pipeline_progress AS
SELECT a.id AS analysis_id, p.marketplace, p.asin, a.kind, a.status, a.reviews_total,
       a.translation_done, a.translation_failed,
       a.insights_done, a.insights_failed,
       a.themes_done, a.themes_failed,
       round(100.0 * (a.insights_done + a.insights_failed) / nullif(a.reviews_total, 0), 1) AS insights_pct,
       round(100.0 * (a.themes_done + a.themes_failed) / nullif(a.reviews_total, 0), 1) AS themes_pct,
       a.created_at, a.finished_at
FROM analyses a JOIN products p ON p.id = a.product_id;
DROP VIEW analysis_progress_pending;
DROP TABLE analysis_progress;
