-- Operator controls and process identity: hosts, start-up hand-back of a
-- crashed incarnation's jobs, queue pause state, analysis cancel and retry.

-- name: HostUpsert :exec
INSERT INTO voc_hosts (host_id, role, queues, hostname, pid, started_at, heartbeat_at, stopped_at)
VALUES (@host_id, @role, @queues::text[], @hostname, @pid, now(), now(), NULL)
ON CONFLICT (host_id) DO UPDATE SET
    role = excluded.role, queues = excluded.queues, hostname = excluded.hostname, pid = excluded.pid,
    started_at = now(), heartbeat_at = now(), stopped_at = NULL;

-- name: HostHeartbeat :execrows
UPDATE voc_hosts SET heartbeat_at = now() WHERE host_id = @host_id;

-- name: HostStop :exec
UPDATE voc_hosts SET stopped_at = now() WHERE host_id = @host_id;

-- name: HostList :many
-- Every known host; live ones stopped cleanly never and beat within
-- @stale_secs seconds.
SELECT host_id, role, queues, hostname, pid, started_at, heartbeat_at, stopped_at,
       (stopped_at IS NULL AND heartbeat_at > now() - make_interval(secs => @stale_secs::float8))::boolean AS live
FROM voc_hosts
ORDER BY host_id;

-- name: JobsRunningByHost :many
-- Running jobs per host (the last id in attempted_by is the client that
-- holds the job) and queue.
SELECT coalesce(attempted_by[cardinality(attempted_by)], '')::text AS host_id, queue, count(*) AS jobs
FROM river_job
WHERE state = 'running'
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: JobsHandBack :execrows
-- Makes the jobs a host's earlier incarnation left running available at
-- once, giving back the attempt that the crash interrupted (as River does
-- for jobs interrupted by a shutdown).
UPDATE river_job
SET state = 'available',
    attempt = greatest(attempt - 1, 0),
    scheduled_at = now(),
    metadata = metadata || jsonb_build_object('voc_handed_back_at', now(), 'voc_handed_back_by', @host_id::text)
WHERE state = 'running' AND attempted_by[cardinality(attempted_by)] = @host_id::text;

-- name: QueueEnsure :exec
-- River creates a queue's row when a client first serves it; an operator
-- may pause a queue before any worker has.
INSERT INTO river_queue (name, created_at, metadata, paused_at, updated_at)
VALUES (@name, now(), '{}', NULL, now())
ON CONFLICT (name) DO NOTHING;

-- name: QueueStates :many
SELECT q.name::text AS name, rq.paused_at,
       count(j.id) FILTER (WHERE j.state IN ('available', 'scheduled', 'retryable', 'pending')) AS waiting,
       count(j.id) FILTER (WHERE j.state = 'running') AS running
FROM unnest(@names::text[]) AS q(name)
LEFT JOIN river_queue rq ON rq.name = q.name
LEFT JOIN river_job j ON j.queue = q.name AND j.state IN ('available', 'scheduled', 'retryable', 'pending', 'running')
GROUP BY q.name, rq.paused_at
ORDER BY array_position(@names::text[], q.name::text);

-- name: AnalysisCommitGuard :exec
-- A stage's guard against a concurrent cancel: a shared advisory lock on
-- the analysis, held until the transaction ends, then its status. Stages
-- share the lock with one another (no row lock, no MultiXact); a cancel
-- takes it exclusively (AnalysisCancelBarrier) after marking the analysis
-- cancelled, so a stage either commits before the cancel does or reads
-- "cancelled" here. The status is read in a statement after the lock is
-- granted, so it sees a cancel that committed while this waited.
SELECT pg_advisory_xact_lock_shared(1987011, mod(@id::bigint, 2147483647)::int);

-- name: AnalysisStatus :one
SELECT status FROM analyses WHERE id = @id;

-- name: AnalysisCancelBarrier :exec
-- Waits for every stage transaction of the analysis that took its guard to
-- end, and keeps new ones waiting until this transaction ends.
SELECT pg_advisory_xact_lock(1987011, mod(@id::bigint, 2147483647)::int);

-- name: AnalysisCancel :one
UPDATE analyses SET status = 'cancelled', finished_at = now()
WHERE id = @id AND status = 'running'
RETURNING *;

-- name: AnalysisOpenJobIDs :many
-- The jobs of an analysis that have not finished.
SELECT id FROM river_job
WHERE state NOT IN ('completed', 'cancelled', 'discarded')
  AND kind = ANY(@kinds::text[])
  AND (args ->> 'analysis_id')::bigint = @analysis_id::bigint
ORDER BY id;

-- name: AnalysisLockForUpdate :one
SELECT * FROM analyses WHERE id = @id FOR UPDATE;

-- name: FailuresTake :many
-- Removes an analysis's failure records and returns them.
DELETE FROM review_failures WHERE analysis_id = @analysis_id
RETURNING review_id, stage;

-- name: AnalysisReviewsResetInsights :execrows
UPDATE analysis_reviews SET insights_state = 'pending'
WHERE analysis_id = @analysis_id AND review_id = ANY(@ids::bigint[]) AND insights_state = 'failed';

-- name: AnalysisReviewsResetThemes :execrows
UPDATE analysis_reviews SET themes_state = 'pending'
WHERE analysis_id = @analysis_id AND review_id = ANY(@ids::bigint[]) AND themes_state = 'failed';

-- name: ReviewsResetFailedTranslation :execrows
UPDATE reviews SET translation_status = 'pending'
WHERE id = ANY(@ids::bigint[]) AND translation_status = 'failed';

-- name: AnalysisReopen :one
-- Takes retried reviews off the failure counts and reopens the analysis so
-- that its final report is built again.
UPDATE analyses SET
    status = 'running', finished_at = NULL, final_queued = false,
    translation_failed = greatest(translation_failed - @translation::int, 0),
    insights_failed = greatest(insights_failed - @insights::int, 0),
    themes_failed = greatest(themes_failed - @themes::int, 0)
WHERE id = @id
RETURNING *;

-- name: ReportDeleteFinal :exec
DELETE FROM reports WHERE analysis_id = @analysis_id AND kind = 'final';

-- name: ReportJobReleaseFinal :exec
-- A final report job is unique per analysis (ByArgs), and River keeps a
-- completed job's unique key; a reopened analysis needs a new one.
UPDATE river_job SET unique_key = NULL
WHERE kind = 'build_report' AND args ->> 'report_kind' = 'final'
  AND (args ->> 'analysis_id')::bigint = @analysis_id::bigint;

-- name: AnalysisOrphanedJobs :one
-- The analysis's running jobs held by a host that is gone (stopped, or no
-- heartbeat within @stale_secs seconds): River's rescuer hands them back
-- once their queue's timeout has passed, and until then nothing works them.
SELECT count(*) FROM river_job j
JOIN voc_hosts h ON h.host_id = j.attempted_by[cardinality(j.attempted_by)]
WHERE j.state = 'running' AND (j.args ->> 'analysis_id')::bigint = @analysis_id::bigint
  AND NOT (h.stopped_at IS NULL AND h.heartbeat_at > now() - make_interval(secs => @stale_secs::float8));
