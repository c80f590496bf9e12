package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/report"
	"github.com/voc-project/voc/store"
)

// ReportWorker builds a report: aggregates computed from the database plus
// an LLM narrative that report.Check verifies, figure by figure and
// citation by citation, before it is stored.
type ReportWorker struct {
	river.WorkerDefaults[ReportArgs]
	*stage
}

// Work implements river.Worker. An on-demand report whose last attempt
// fails is stored as failed, so it never stays "building".
func (w *ReportWorker) Work(ctx context.Context, job *river.Job[ReportArgs]) error {
	err := w.build(ctx, job)
	var snooze *river.JobSnoozeError
	if err == nil || job.Args.ReportID == 0 || !lastAttempt(job) || errors.As(err, &snooze) {
		return err
	}
	w.log.ErrorContext(ctx, "report build failed for good", "report_id", job.Args.ReportID, "error", err)
	return commit(ctx, w.pool, job, func(tx pgx.Tx) ([]river.InsertManyParams, error) {
		_, ferr := store.ReportFinish(ctx, tx, job.Args.ReportID, store.ReportFailed,
			fmt.Sprintf("the report job failed after %d attempts (see the server log)", job.Attempt), 0, struct{}{}, struct{}{})
		return nil, ferr
	})
}

func (w *ReportWorker) build(ctx context.Context, job *river.Job[ReportArgs]) error {
	ctx = store.WithAnalysisID(ctx, job.Args.AnalysisID)
	a, err := store.AnalysisGet(ctx, w.pool, job.Args.AnalysisID)
	if err != nil {
		return fmt.Errorf("load analysis %d: %w", job.Args.AnalysisID, err)
	}
	// The report's coverage counts every batch committed by now, folded or
	// not, as its aggregates read every stored insight.
	if a, err = store.AnalysisWithPending(ctx, w.pool, a); err != nil {
		return err
	}
	if job.Args.ReportID != 0 {
		// An on-demand report: its row was recorded with the request.
		// Deleted meanwhile: nothing to build.
		r, err := store.ReportGet(ctx, w.pool, job.Args.ReportID)
		if errors.Is(err, store.ErrNotFound) || err == nil && r.Status != store.ReportBuilding {
			return commit(ctx, w.pool, job, func(pgx.Tx) ([]river.InsertManyParams, error) { return nil, nil })
		}
		if err != nil {
			return err
		}
	}
	p, err := store.ProductGet(ctx, w.pool, a.ProductID)
	if err != nil {
		return err
	}
	agg, err := report.Aggregate(ctx, w.pool, a)
	if err != nil {
		return err
	}
	evidence := report.Evidence(agg)
	kind, _ := report.KindOf(job.Args.ReportKind)
	// No evidence, nothing a claim could cite: the numbers stand alone.
	var raw voc.Narrative
	if len(evidence) > 0 {
		raw, _, err = w.llm.Narrate(ctx, llm.ReportInput{TargetLanguage: a.TargetLanguage, ProductTitle: p.Title,
			Audience: kind.Audience, Goal: kind.Goal, Facts: agg, Evidence: evidence})
	}
	if err != nil {
		_, refused := llm.AsRefusal(err)
		if !refused && !llm.IsInvalidOutput(err) && !lastAttempt(job) {
			return llmFailure(err)
		}
		// The numbers stand on their own; say why the prose is missing.
		raw = voc.Narrative{ExecutiveSummary: voc.Claim{Text: "Narrative unavailable: " + err.Error()}}
	}
	narrative := report.Check(raw, agg, evidence)
	if job.Args.ReportKind == ReportFinal && time.Since(job.CreatedAt) < maxFinalReportWait {
		// The final report ends the analysis, so it is stored last: when
		// one commit queued both reports, they are built side by side and
		// the preliminary one could otherwise be stored after the analysis
		// is done. The final one waits here, built, for a while; then it
		// snoozes. The preliminary job always ends with a report (without
		// narrative on its last attempt); the bound only guards against one
		// removed by hand.
		if err := waitForReport(ctx, w.pool, a, ReportPreliminary, finalReportPoll); err != nil {
			return err
		}
	}
	return commit(ctx, w.pool, job, func(tx pgx.Tx) ([]river.InsertManyParams, error) {
		if job.Args.ReportID != 0 {
			_, err := store.ReportFinish(ctx, tx, job.Args.ReportID, store.ReportReady, "", agg.Coverage.Fraction, agg, narrative)
			return nil, err
		}
		if _, err := store.ReportCreate(ctx, tx, a, job.Args.ReportKind, agg.Coverage.Fraction, agg, narrative); err != nil {
			return nil, err
		}
		if job.Args.ReportKind == ReportFinal {
			// The analysis's rows are all in: vacuum them (VacuumArgs).
			return []river.InsertManyParams{{Args: VacuumArgs{}}}, store.AnalysisFinish(ctx, tx, a.ID, "done")
		}
		return nil, nil
	})
}

// maxFinalReportWait bounds how long the final report waits for the
// preliminary one.
const maxFinalReportWait = 30 * time.Minute

// finalReportPoll is how long a built final report waits in its job for
// the preliminary one before it snoozes.
const finalReportPoll = 5 * time.Second

// waitForReport waits up to d for the analysis's report of a kind to be
// stored, then answers with a snooze.
func waitForReport(ctx context.Context, db store.DBTX, a store.Analysis, kind string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		stored, err := reportStored(ctx, db, a, kind)
		if err != nil || stored {
			return err
		}
		if time.Now().After(deadline) {
			return river.JobSnooze(time.Second)
		}
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}

// reportStored reports whether the analysis has a stored report of a kind.
func reportStored(ctx context.Context, db store.DBTX, a store.Analysis, kind string) (bool, error) {
	rs, err := store.ReportList(ctx, db, a.ProductID)
	if err != nil {
		return false, err
	}
	for _, r := range rs {
		if r.AnalysisID == a.ID && r.Kind == kind {
			return true, nil
		}
	}
	return false, nil
}

// RequestReport records an on-demand report of an analysis (state
// building) and queues its job, both in tx. It returns the report.
func RequestReport(ctx context.Context, tx pgx.Tx, client *river.Client[pgx.Tx], a store.Analysis, kind string) (store.Report, error) {
	r, err := store.ReportCreateBuilding(ctx, tx, a, kind)
	if err != nil {
		return store.Report{}, err
	}
	if _, err := client.InsertTx(ctx, tx, ReportArgs{AnalysisID: a.ID, ReportKind: kind, ReportID: r.ID}, nil); err != nil {
		return store.Report{}, fmt.Errorf("queue %s report of analysis %d: %w", kind, a.ID, err)
	}
	return r, nil
}
