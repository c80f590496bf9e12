-- name: UploadInsert :one
INSERT INTO uploads (product_id, source, filename, format, mapping, body, size_bytes, start_pipeline)
VALUES (@product_id, @source, @filename, @format, @mapping, @body, @size_bytes, @start_pipeline)
RETURNING id;

-- name: UploadGetByID :one
SELECT id, product_id, source, filename, format, mapping, size_bytes, status, start_pipeline,
       rows_total, rows_ingested, rows_duplicate, rows_rejected, error, analysis_id,
       created_at, started_at, finished_at
FROM uploads WHERE id = @id;

-- name: UploadGetForIngest :one
-- Locks the upload row for the ingestion transaction.
SELECT id, product_id, source, format, mapping, body, status, start_pipeline
FROM uploads WHERE id = @id
FOR UPDATE;

-- name: UploadMarkIngesting :exec
UPDATE uploads SET status = 'ingesting', started_at = now()
WHERE id = @id AND status = 'pending';

-- name: UploadFinish :exec
-- The raw body is dropped once its rows are in (or the file was refused).
UPDATE uploads SET
    status         = @status,
    rows_total     = @rows_total,
    rows_ingested  = @rows_ingested,
    rows_duplicate = @rows_duplicate,
    rows_rejected  = @rows_rejected,
    error          = sqlc.narg('error'),
    analysis_id    = sqlc.narg('analysis_id'),
    body           = NULL,
    finished_at    = now()
WHERE id = @id;

-- name: UploadListByProduct :many
SELECT id, product_id, source, filename, format, mapping, size_bytes, status, start_pipeline,
       rows_total, rows_ingested, rows_duplicate, rows_rejected, error, analysis_id,
       created_at, started_at, finished_at
FROM uploads WHERE product_id = @product_id ORDER BY id DESC LIMIT @lim;

-- name: UploadPendingForProduct :one
SELECT count(*) FROM uploads
WHERE product_id = @product_id AND status IN ('pending', 'ingesting');

-- name: RejectionInsertBatch :copyfrom
INSERT INTO upload_rejections (upload_id, row_num, col, reason) VALUES ($1, $2, $3, $4);

-- name: RejectionList :many
SELECT row_num, col, reason FROM upload_rejections
WHERE upload_id = @upload_id ORDER BY row_num, id LIMIT @lim;
