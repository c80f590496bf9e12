-- +goose Up
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL,
    token_hash   bytea NOT NULL UNIQUE,
    is_admin     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE products (
    id              bigserial PRIMARY KEY,
    marketplace     text NOT NULL,
    asin            text NOT NULL,
    title           text NOT NULL DEFAULT '',
    image_url       text NOT NULL DEFAULT '',
    average_rating  numeric(3, 2) CHECK (average_rating BETWEEN 0 AND 5),
    price           text NOT NULL DEFAULT '',
    bullet_points   jsonb NOT NULL DEFAULT '[]',
    categories      jsonb NOT NULL DEFAULT '[]',
    target_language text NOT NULL DEFAULT 'zh',
    model_version   integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (marketplace, asin)
);

-- uploads keeps the raw body until the ingestion job has loaded it, so an
-- upload survives any crash between the 202 and the import.
CREATE TABLE uploads (
    id             bigserial PRIMARY KEY,
    product_id     bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    source         text NOT NULL CHECK (source IN ('file', 'extension', 'cli')),
    filename       text NOT NULL DEFAULT '',
    format         text NOT NULL,
    mapping        jsonb,
    -- zstd-compressed by voc (store.UploadCreate), so Postgres stores it
    -- out of line without compressing it again (STORAGE EXTERNAL below).
    body           bytea,
    size_bytes     bigint NOT NULL,
    status         text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'ingesting', 'done', 'failed')),
    start_pipeline boolean NOT NULL DEFAULT true,
    rows_total     integer NOT NULL DEFAULT 0,
    rows_ingested  integer NOT NULL DEFAULT 0,
    rows_duplicate integer NOT NULL DEFAULT 0,
    rows_rejected  integer NOT NULL DEFAULT 0,
    error          text,
    analysis_id    bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz
);
CREATE INDEX uploads_product_id ON uploads (product_id);
ALTER TABLE uploads ALTER COLUMN body SET STORAGE EXTERNAL;

CREATE TABLE upload_rejections (
    id        bigserial PRIMARY KEY,
    upload_id bigint NOT NULL REFERENCES uploads ON DELETE CASCADE,
    row_num   integer NOT NULL,
    col       text NOT NULL,
    reason    text NOT NULL
);
CREATE INDEX upload_rejections_upload_id ON upload_rejections (upload_id, row_num);

CREATE TABLE reviews (
    id                 bigserial PRIMARY KEY,
    product_id         bigint NOT NULL REFERENCES products ON DELETE CASCADE,
    upload_id          bigint REFERENCES uploads ON DELETE SET NULL,
    source_review_id   text,
    content_hash       bytea NOT NULL,
    author             text NOT NULL DEFAULT '',
    rating             smallint CHECK (rating BETWEEN 1 AND 5),
    title              text NOT NULL DEFAULT '',
    body               text NOT NULL CHECK (body <> ''),
    review_date        date,
    review_date_raw    text NOT NULL DEFAULT '',
    verified_purchase  boolean NOT NULL DEFAULT false,
    helpful_votes      integer NOT NULL DEFAULT 0,
    has_video          boolean NOT NULL DEFAULT false,
    has_images         boolean NOT NULL DEFAULT false,
    image_urls         text[] NOT NULL DEFAULT '{}',
    video_url          text NOT NULL DEFAULT '',
    review_url         text NOT NULL DEFAULT '',
    variant            text NOT NULL DEFAULT '',
    language           text NOT NULL DEFAULT 'und',
    -- translation is per review, not per analysis: re-analysis never
    -- re-translates.
    translation_status text NOT NULL DEFAULT 'pending'
                       CHECK (translation_status IN ('pending', 'done', 'skipped', 'failed')),
    title_translated   text,
    body_translated    text,
    sentiment          text CHECK (sentiment IN ('positive', 'neutral', 'negative')),
    created_at         timestamptz NOT NULL DEFAULT now()
);
-- Dedupe: the source review id when there is one, else the content hash.
CREATE UNIQUE INDEX reviews_product_source_id ON reviews (product_id, source_review_id)
    WHERE source_review_id IS NOT NULL;
CREATE UNIQUE INDEX reviews_product_content_hash ON reviews (product_id, content_hash)
    WHERE source_review_id IS NULL;
CREATE INDEX reviews_upload_id ON reviews (upload_id);
CREATE INDEX reviews_product_id ON reviews (product_id, id);

-- +goose Down
DROP TABLE reviews;
DROP TABLE upload_rejections;
DROP TABLE uploads;
DROP TABLE products;
DROP TABLE api_tokens;
