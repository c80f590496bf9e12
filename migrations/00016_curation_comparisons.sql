-- +goose Up
-- Review curation: an excluded review (spam, wrong variant) leaves the next
-- analysis and every report; a pinned one leads its dimension's evidence.
ALTER TABLE reviews
    ADD COLUMN excluded boolean NOT NULL DEFAULT false,
    ADD COLUMN pinned   boolean NOT NULL DEFAULT false;
CREATE INDEX reviews_product_excluded ON reviews (product_id) WHERE excluded;

-- A comparison of 2–10 products. alignment groups the products' dimensions
-- by meaning ([{key, name, kind, members: [{product_id, dimension_id}]}]);
-- alignment_source says who made it: the LLM, the offline matcher, or an
-- analyst's correction (which later alignments never overwrite).
CREATE TABLE comparisons (
    id               bigserial PRIMARY KEY,
    name             text NOT NULL CHECK (name <> ''),
    created_by       bigint REFERENCES users ON DELETE SET NULL,
    alignment        jsonb NOT NULL DEFAULT '[]',
    alignment_source text NOT NULL DEFAULT 'offline' CHECK (alignment_source IN ('llm', 'offline', 'edited')),
    alignment_note   text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE comparison_products (
    comparison_id bigint NOT NULL REFERENCES comparisons ON DELETE CASCADE,
    product_id    bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    position      integer NOT NULL,
    PRIMARY KEY (comparison_id, product_id)
);
CREATE INDEX comparison_products_product_id ON comparison_products (product_id);

-- +goose Down
DROP TABLE comparison_products;
DROP TABLE comparisons;
DROP INDEX reviews_product_excluded;
ALTER TABLE reviews DROP COLUMN pinned, DROP COLUMN excluded;
