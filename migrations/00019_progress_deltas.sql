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

-- +goose Down
DROP TABLE analysis_progress;
