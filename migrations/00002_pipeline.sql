-- +goose Up
-- The product's learned model: live dimensions and labels plus a snapshot of
-- every version.
CREATE TABLE dimensions (
    id         bigserial PRIMARY KEY,
    product_id bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('product', 'scenario', 'emotion')),
    name       text NOT NULL CHECK (name <> ''),
    definition text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, kind, name),
    UNIQUE (id, kind)
);

CREATE TABLE labels (
    id         bigserial PRIMARY KEY,
    product_id bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    type       text NOT NULL CHECK (type IN ('buyer', 'user', 'where', 'when', 'why', 'what')),
    name       text NOT NULL CHECK (name <> ''),
    definition text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, type, name),
    UNIQUE (id, type)
);

CREATE TABLE product_models (
    product_id bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    version    integer NOT NULL,
    source     text NOT NULL CHECK (source IN ('learned', 'edited')),
    snapshot   jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (product_id, version)
);

CREATE TABLE analyses (
    id                 bigserial PRIMARY KEY,
    product_id         bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('full', 'translate_only', 'rerun')),
    status             text NOT NULL DEFAULT 'running'
                       CHECK (status IN ('running', 'done', 'failed')),
    target_language    text NOT NULL,
    -- Which reviews the analysis covers; analysis_reviews is filled from
    -- this by the first job (learning), not by ingestion, which keeps the
    -- ingestion transaction short.
    scope              text NOT NULL CHECK (scope IN ('upload', 'unanalysed', 'product')),
    upload_id          bigint,
    planned            boolean NOT NULL DEFAULT false,
    reviews_total      integer NOT NULL DEFAULT 0,
    translation_done   integer NOT NULL DEFAULT 0,
    translation_failed integer NOT NULL DEFAULT 0,
    insights_done      integer NOT NULL DEFAULT 0,
    insights_failed    integer NOT NULL DEFAULT 0,
    themes_done        integer NOT NULL DEFAULT 0,
    themes_failed      integer NOT NULL DEFAULT 0,
    preliminary_queued boolean NOT NULL DEFAULT false,
    final_queued       boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz
);
CREATE INDEX analyses_product_id ON analyses (product_id, id DESC);

-- Per analysis, per review stage state. Progress counters move only when a
-- row's state changes, so a replayed batch never double counts.
CREATE TABLE analysis_reviews (
    analysis_id    bigint NOT NULL REFERENCES analyses ON DELETE CASCADE,
    review_id      bigint NOT NULL REFERENCES reviews ON DELETE CASCADE,
    insights_state text NOT NULL DEFAULT 'pending' CHECK (insights_state IN ('pending', 'done', 'failed')),
    themes_state   text NOT NULL DEFAULT 'pending' CHECK (themes_state IN ('pending', 'done', 'failed')),
    PRIMARY KEY (analysis_id, review_id)
);
CREATE INDEX analysis_reviews_review_id ON analysis_reviews (review_id);

CREATE TABLE insights (
    id               bigserial PRIMARY KEY,
    review_id        bigint NOT NULL REFERENCES reviews ON DELETE CASCADE,
    analysis_id      bigint NOT NULL REFERENCES analyses ON DELETE CASCADE,
    type             text NOT NULL CHECK (type IN ('strength', 'weakness', 'suggestion', 'scenario', 'emotion')),
    dimension_id     bigint NOT NULL,
    dimension_kind   text NOT NULL,
    quote            text NOT NULL,
    quote_translated text NOT NULL DEFAULT '',
    analysis         text NOT NULL DEFAULT '',
    sentiment        text NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative')),
    confidence       text NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    -- An insight's dimension is of the kind its type demands.
    CHECK (dimension_kind = CASE type WHEN 'scenario' THEN 'scenario' WHEN 'emotion' THEN 'emotion' ELSE 'product' END),
    FOREIGN KEY (dimension_id, dimension_kind) REFERENCES dimensions (id, kind) ON DELETE CASCADE
);
CREATE INDEX insights_review_id ON insights (review_id);
CREATE INDEX insights_dimension_id ON insights (dimension_id);

CREATE TABLE review_tags (
    id               bigserial PRIMARY KEY,
    review_id        bigint NOT NULL REFERENCES reviews ON DELETE CASCADE,
    analysis_id      bigint NOT NULL REFERENCES analyses ON DELETE CASCADE,
    type             text NOT NULL,
    label_id         bigint NOT NULL,
    quote            text NOT NULL,
    quote_translated text NOT NULL DEFAULT '',
    explanation      text NOT NULL DEFAULT '',
    confidence       text NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    FOREIGN KEY (label_id, type) REFERENCES labels (id, type) ON DELETE CASCADE
);
CREATE INDEX review_tags_review_id ON review_tags (review_id);
CREATE INDEX review_tags_label_id ON review_tags (label_id);

CREATE TABLE review_failures (
    analysis_id bigint NOT NULL REFERENCES analyses ON DELETE CASCADE,
    review_id   bigint NOT NULL REFERENCES reviews ON DELETE CASCADE,
    stage       text NOT NULL,
    reason      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (analysis_id, review_id, stage)
);

CREATE TABLE llm_calls (
    id          bigserial PRIMARY KEY,
    analysis_id bigint,
    stage       text NOT NULL,
    provider    text NOT NULL,
    model       text NOT NULL,
    tokens_in   integer NOT NULL DEFAULT 0,
    tokens_out  integer NOT NULL DEFAULT 0,
    latency_ms  integer NOT NULL DEFAULT 0,
    status      text NOT NULL,
    cache_hit   boolean NOT NULL DEFAULT false,
    repair      boolean NOT NULL DEFAULT false, -- the one retry that sends an invalid answer back
    dropped     integer NOT NULL DEFAULT 0,     -- outputs removed by validation (unknown id, non-verbatim quote, ...)
    error       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_calls_analysis_id ON llm_calls (analysis_id);

CREATE TABLE reports (
    id          bigserial PRIMARY KEY,
    analysis_id bigint NOT NULL REFERENCES analyses ON DELETE CASCADE,
    product_id  bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('preliminary', 'final')),
    coverage    numeric(5, 4) NOT NULL,
    aggregates  jsonb NOT NULL,
    narrative   jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (analysis_id, kind)
);
CREATE INDEX reports_product_id ON reports (product_id, id DESC);

-- +goose Down
DROP TABLE reports;
DROP TABLE llm_calls;
DROP TABLE review_failures;
DROP TABLE review_tags;
DROP TABLE insights;
DROP TABLE analysis_reviews;
DROP TABLE analyses;
DROP TABLE product_models;
DROP TABLE labels;
DROP TABLE dimensions;
