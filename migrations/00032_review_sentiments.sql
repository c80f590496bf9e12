-- +goose Up
-- A review's overall sentiment moves out of reviews into a table of its own
-- (issue 10). The insight stage sets it for every review it analyses, and
-- an update of a reviews row is not a HOT update (its pages are packed by
-- COPY), so it re-indexed the row in every index of reviews, the trigram
-- index of its text included: about 100 µs a review, 5 s of Postgres time
-- for 50,000 reviews. An upsert into this narrow table costs a few µs and
-- leaves the review untouched.
CREATE TABLE review_sentiments (
    review_id bigint PRIMARY KEY REFERENCES reviews ON DELETE CASCADE,
    sentiment text NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative'))
);
INSERT INTO review_sentiments (review_id, sentiment)
SELECT id, sentiment FROM reviews WHERE sentiment IS NOT NULL;
ALTER TABLE reviews DROP COLUMN sentiment;

-- +goose Down
ALTER TABLE reviews ADD COLUMN sentiment text CHECK (sentiment IN ('positive', 'neutral', 'negative'));
UPDATE reviews r SET sentiment = s.sentiment FROM review_sentiments s WHERE s.review_id = r.id;
DROP TABLE review_sentiments;
