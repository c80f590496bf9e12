-- +goose Up
-- Every insight and tag insert checked its foreign key to analyses by
-- locking the analysis row FOR KEY SHARE, while every batch commit of that
-- analysis also updates the row's progress counters. Hundreds of concurrent
-- batches of one analysis then pile MultiXacts onto that one row, and the
-- pipeline spends its time in MultiXact bookkeeping (issue 10). Analyses are
-- never deleted by voc; whoever deletes one by hand deletes its insights
-- and tags first. The review and dimension/label keys stay.
ALTER TABLE insights DROP CONSTRAINT insights_analysis_id_fkey;
ALTER TABLE review_tags DROP CONSTRAINT review_tags_analysis_id_fkey;

-- +goose Down
ALTER TABLE review_tags ADD CONSTRAINT review_tags_analysis_id_fkey FOREIGN KEY (analysis_id) REFERENCES analyses ON DELETE CASCADE;
ALTER TABLE insights ADD CONSTRAINT insights_analysis_id_fkey FOREIGN KEY (analysis_id) REFERENCES analyses ON DELETE CASCADE;
