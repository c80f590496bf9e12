-- name: ReportGetByID :one
SELECT * FROM reports WHERE id = @id;

-- name: ReportListByProduct :many
SELECT id, analysis_id, product_id, kind, status, coverage, created_at FROM reports
WHERE product_id = @product_id ORDER BY id DESC;

-- name: ReportInsertBuilding :one
-- An on-demand report, to be filled in by its job.
INSERT INTO reports (analysis_id, product_id, kind, coverage, aggregates, narrative, status)
VALUES (@analysis_id, @product_id, @kind, 0, '{}', '{}', 'building')
RETURNING *;

-- name: ReportFinish :execrows
-- Stores a built on-demand report; no row when it was deleted meanwhile.
UPDATE reports SET status = @status, error = @error, coverage = @coverage, aggregates = @aggregates,
    narrative = @narrative, created_at = now()
WHERE id = @id AND status = 'building';

-- name: ReportDelete :execrows
DELETE FROM reports WHERE id = @id;

-- name: ShareInsert :one
INSERT INTO report_shares (report_id, token_hash, expires_at)
VALUES (@report_id, @token_hash, @expires_at)
RETURNING *;

-- name: ShareListByReport :many
SELECT * FROM report_shares WHERE report_id = @report_id ORDER BY id DESC;

-- name: ShareDelete :execrows
DELETE FROM report_shares WHERE id = @id;

-- name: ShareGetByTokenHash :one
SELECT * FROM report_shares WHERE token_hash = @token_hash;

-- name: ShareCountView :exec
UPDATE report_shares SET views = views + 1, last_viewed_at = now() WHERE id = @id;
