-- +goose Up
-- The dashboard (store.DashboardGet) groups the filtered reviews' insights
-- per (review, dimension) with their sentiment. With this index that is an
-- index-only scan in (review_id, dimension_id) order merged with the
-- reviews, and a streaming group: no hash table of every insight, which
-- spilled to disk at 100k reviews. It serves every lookup by review_id, so
-- it replaces insights_review_id.
CREATE INDEX insights_review_dimension ON insights (review_id, dimension_id) INCLUDE (sentiment);
DROP INDEX insights_review_id;

-- +goose Down
CREATE INDEX insights_review_id ON insights (review_id);
DROP INDEX insights_review_dimension;
