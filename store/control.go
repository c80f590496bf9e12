package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Analysis statuses.
const (
	AnalysisRunning   = "running"
	AnalysisDone      = "done"
	AnalysisFailed    = "failed"
	AnalysisCancelled = "cancelled"
)

// ErrAnalysisFinished is returned when an analysis that is no longer
// running is asked to stop.
var ErrAnalysisFinished = errors.New("analysis is not running")

// Host is one voc process identity (VOC_HOST_ID) as it last reported
// itself.
type Host struct {
	HostID      string     `json:"host_id"`
	Role        string     `json:"role"`
	Queues      []string   `json:"queues"`
	Hostname    string     `json:"hostname"`
	PID         int        `json:"pid"`
	StartedAt   time.Time  `json:"started_at"`
	HeartbeatAt time.Time  `json:"heartbeat_at"`
	StoppedAt   *time.Time `json:"stopped_at,omitempty"`
	Live        bool       `json:"live"`
	// RunningJobs counts the jobs this host holds, per queue.
	RunningJobs map[string]int `json:"running_jobs"`
}

// HostStaleAfter is how long after its last heartbeat a host counts as
// gone.
const HostStaleAfter = 30 * time.Second

// hostLockSQL calls an advisory lock function on a host id's key.
func hostLockSQL(fn string) string {
	return "SELECT " + fn + "(hashtextextended('voc_host:' || $1::text, 0))"
}

// HostTryLock takes the session advisory lock of hostID on conn, which must
// be a dedicated connection held for the process's life. It reports false
// when another session holds it.
func HostTryLock(ctx context.Context, conn DBTX, hostID string) (bool, error) {
	var ok bool
	if err := conn.QueryRow(ctx, hostLockSQL("pg_try_advisory_lock"), hostID).Scan(&ok); err != nil {
		return false, fmt.Errorf("lock host id %q: %w", hostID, err)
	}
	return ok, nil
}

// HostRegister records a host as started. It returns the database error.
func HostRegister(ctx context.Context, db DBTX, h Host) error {
	if err := q(db).HostUpsert(ctx, dbsqlc.HostUpsertParams{HostID: h.HostID, Role: h.Role, Queues: h.Queues,
		Hostname: h.Hostname, Pid: int32(h.PID)}); err != nil {
		return fmt.Errorf("register host %q: %w", h.HostID, err)
	}
	return nil
}

// HostHeartbeat records that a host is alive. It returns ErrNotFound when
// the host's row is gone.
func HostHeartbeat(ctx context.Context, db DBTX, hostID string) error {
	n, err := q(db).HostHeartbeat(ctx, hostID)
	if err != nil {
		return fmt.Errorf("heartbeat of host %q: %w", hostID, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// HostStop records a clean stop. It returns the database error.
func HostStop(ctx context.Context, db DBTX, hostID string) error {
	if err := q(db).HostStop(ctx, hostID); err != nil {
		return fmt.Errorf("record stop of host %q: %w", hostID, err)
	}
	return nil
}

// HostList returns every known host with its running jobs per queue; jobs
// held by ids without a host row are listed under their id as a host that
// is not live.
func HostList(ctx context.Context, db DBTX) ([]Host, error) {
	rows, err := q(db).HostList(ctx, HostStaleAfter.Seconds())
	if err != nil {
		return nil, fmt.Errorf("list hosts: %w", err)
	}
	running, err := q(db).JobsRunningByHost(ctx)
	if err != nil {
		return nil, fmt.Errorf("count running jobs per host: %w", err)
	}
	out := make([]Host, 0, len(rows))
	idx := map[string]int{}
	for _, r := range rows {
		idx[r.HostID] = len(out)
		out = append(out, Host{HostID: r.HostID, Role: r.Role, Queues: r.Queues, Hostname: r.Hostname, PID: int(r.Pid),
			StartedAt: r.StartedAt, HeartbeatAt: r.HeartbeatAt, StoppedAt: r.StoppedAt, Live: r.Live, RunningJobs: map[string]int{}})
	}
	for _, r := range running {
		i, ok := idx[r.HostID]
		if !ok {
			i = len(out)
			idx[r.HostID] = i
			out = append(out, Host{HostID: r.HostID, Queues: []string{}, RunningJobs: map[string]int{}})
		}
		out[i].RunningJobs[r.Queue] = int(r.Jobs)
	}
	return out, nil
}

// JobsHandBack makes the jobs that hostID's earlier incarnation left
// running available again at once, without counting the interrupted
// attempt. Call it only while holding hostID's lock (HostTryLock), so the
// holder is known to be dead. It returns how many jobs it handed back.
func JobsHandBack(ctx context.Context, db DBTX, hostID string) (int, error) {
	n, err := q(db).JobsHandBack(ctx, hostID)
	if err != nil {
		return 0, fmt.Errorf("hand back jobs of host %q: %w", hostID, err)
	}
	return int(n), nil
}

// QueueState is one queue's pause state and job counts.
type QueueState struct {
	Name     string     `json:"name"`
	Paused   bool       `json:"paused"`
	PausedAt *time.Time `json:"paused_at,omitempty"`
	Waiting  int        `json:"waiting"`
	Running  int        `json:"running"`
}

// QueueStates returns the named queues' states, in the given order.
func QueueStates(ctx context.Context, db DBTX, names []string) ([]QueueState, error) {
	rows, err := q(db).QueueStates(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("read queue states: %w", err)
	}
	out := make([]QueueState, len(rows))
	for i, r := range rows {
		out[i] = QueueState{Name: r.Name, Paused: r.PausedAt != nil, PausedAt: r.PausedAt, Waiting: int(r.Waiting), Running: int(r.Running)}
	}
	return out, nil
}

// QueueEnsure creates River's row for a queue no client has served yet, so
// that it can be paused ahead of its workers. It returns the database
// error.
func QueueEnsure(ctx context.Context, db DBTX, name string) error {
	if err := q(db).QueueEnsure(ctx, name); err != nil {
		return fmt.Errorf("create queue %q: %w", name, err)
	}
	return nil
}

// AnalysisStatusGuarded returns an analysis's status for a stage about to
// commit, guarded against a concurrent cancel until tx ends: it first
// takes the analysis's commit guard, a shared advisory lock that stages
// hold side by side and AnalysisCancel takes exclusively. A stage then
// either commits before a cancel does, or waits for it and reads
// "cancelled". No row is locked, so batches of one analysis never queue
// on one another here. It returns ErrNotFound for an unknown id.
func AnalysisStatusGuarded(ctx context.Context, tx pgx.Tx, id int64) (string, error) {
	if err := q(tx).AnalysisCommitGuard(ctx, id); err != nil {
		return "", fmt.Errorf("guard analysis %d: %w", id, err)
	}
	st, err := q(tx).AnalysisStatus(ctx, id)
	if err != nil {
		return "", mapErr(err)
	}
	return st, nil
}

// AnalysisCancel marks a running analysis cancelled and returns the ids of
// its unfinished jobs among kinds, for the caller to cancel in the same
// transaction. It returns ErrNotFound for an unknown id and
// ErrAnalysisFinished when the analysis is no longer running.
func AnalysisCancel(ctx context.Context, tx pgx.Tx, id int64, kinds []string) (Analysis, []int64, error) {
	r, err := q(tx).AnalysisCancel(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := AnalysisGet(ctx, tx, id); err != nil {
			return Analysis{}, nil, err
		}
		return Analysis{}, nil, ErrAnalysisFinished
	}
	if err != nil {
		return Analysis{}, nil, fmt.Errorf("cancel analysis %d: %w", id, err)
	}
	// Marked cancelled (the row stays locked); now wait out the stage
	// commits that passed their guard before this, and hold off new ones
	// until this commits (AnalysisStatusGuarded).
	if err := q(tx).AnalysisCancelBarrier(ctx, id); err != nil {
		return Analysis{}, nil, fmt.Errorf("wait for the commits of analysis %d: %w", id, err)
	}
	jobIDs, err := q(tx).AnalysisOpenJobIDs(ctx, dbsqlc.AnalysisOpenJobIDsParams{Kinds: kinds, AnalysisID: id})
	if err != nil {
		return Analysis{}, nil, fmt.Errorf("list jobs of analysis %d: %w", id, err)
	}
	return analysisFromRow(r), jobIDs, nil
}

// RetryReviews are the reviews of an analysis to run a stage again for.
type RetryReviews struct {
	Translation []int64
	Insights    []int64
	Themes      []int64
}

// Total is the number of review-stage pairs to retry.
func (r RetryReviews) Total() int { return len(r.Translation) + len(r.Insights) + len(r.Themes) }

// AnalysisRetryFailed clears an analysis's failure records, puts those
// reviews back to pending for their stage, takes them off the failure
// counts and reopens the analysis (its final report is dropped, to be
// built again). The caller queues the stage jobs in the same transaction.
// It returns ErrNotFound for an unknown id and ErrAnalysisFinished for a
// cancelled analysis; with no failures it changes nothing and returns an
// empty RetryReviews.
func AnalysisRetryFailed(ctx context.Context, tx pgx.Tx, id int64) (Analysis, RetryReviews, error) {
	var rr RetryReviews
	// Fold the progress batches added first, so the failure counts the
	// retry takes off include every failure it retries.
	if _, err := q(tx).AnalysisProgressFold(ctx, id); err != nil {
		return Analysis{}, rr, mapErr(err)
	}
	r, err := q(tx).AnalysisLockForUpdate(ctx, id)
	if err != nil {
		return Analysis{}, rr, mapErr(err)
	}
	if r.Status == AnalysisCancelled {
		return Analysis{}, rr, ErrAnalysisFinished
	}
	fails, err := q(tx).FailuresTake(ctx, id)
	if err != nil {
		return Analysis{}, rr, fmt.Errorf("take failures of analysis %d: %w", id, err)
	}
	if len(fails) == 0 {
		return analysisFromRow(r), rr, nil
	}
	for _, f := range fails {
		switch f.Stage {
		case voc.StageTranslation:
			rr.Translation = append(rr.Translation, f.ReviewID)
		case voc.StageInsights:
			rr.Insights = append(rr.Insights, f.ReviewID)
		case voc.StageThemes:
			rr.Themes = append(rr.Themes, f.ReviewID)
		}
	}
	var nt, ni, nh int64
	if len(rr.Translation) > 0 {
		if nt, err = q(tx).ReviewsResetFailedTranslation(ctx, rr.Translation); err != nil {
			return Analysis{}, rr, fmt.Errorf("reset translations of analysis %d: %w", id, err)
		}
	}
	if len(rr.Insights) > 0 {
		if ni, err = q(tx).AnalysisReviewsResetInsights(ctx, dbsqlc.AnalysisReviewsResetInsightsParams{AnalysisID: id, Ids: rr.Insights}); err != nil {
			return Analysis{}, rr, fmt.Errorf("reset insights of analysis %d: %w", id, err)
		}
	}
	if len(rr.Themes) > 0 {
		if nh, err = q(tx).AnalysisReviewsResetThemes(ctx, dbsqlc.AnalysisReviewsResetThemesParams{AnalysisID: id, Ids: rr.Themes}); err != nil {
			return Analysis{}, rr, fmt.Errorf("reset themes of analysis %d: %w", id, err)
		}
	}
	if err := q(tx).ReportDeleteFinal(ctx, id); err != nil {
		return Analysis{}, rr, fmt.Errorf("drop final report of analysis %d: %w", id, err)
	}
	if err := q(tx).ReportJobReleaseFinal(ctx, id); err != nil {
		return Analysis{}, rr, fmt.Errorf("release final report job of analysis %d: %w", id, err)
	}
	r, err = q(tx).AnalysisReopen(ctx, dbsqlc.AnalysisReopenParams{ID: id, Translation: int32(nt), Insights: int32(ni), Themes: int32(nh)})
	if err != nil {
		return Analysis{}, rr, fmt.Errorf("reopen analysis %d: %w", id, err)
	}
	return analysisFromRow(r), rr, nil
}

// AnalysisOrphanedJobs counts the analysis's running jobs whose host is
// gone (HostStaleAfter without a heartbeat, or stopped): the analysis says
// running, but those batches wait for River's rescuer.
func AnalysisOrphanedJobs(ctx context.Context, db DBTX, analysisID int64) (int64, error) {
	n, err := q(db).AnalysisOrphanedJobs(ctx, dbsqlc.AnalysisOrphanedJobsParams{AnalysisID: analysisID, StaleSecs: HostStaleAfter.Seconds()})
	if err != nil {
		return 0, fmt.Errorf("orphaned jobs of analysis %d: %w", analysisID, err)
	}
	return n, nil
}
