package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// ReportWorker builds a report: SQL aggregates plus an LLM narrative whose
// every claim cites review ids from the evidence it was given.
type ReportWorker struct {
	river.WorkerDefaults[ReportArgs]
	*stage
}

// Work implements river.Worker.
func (w *ReportWorker) Work(ctx context.Context, job *river.Job[ReportArgs]) error {
	ctx = store.WithAnalysisID(ctx, job.Args.AnalysisID)
	a, err := store.AnalysisGet(ctx, w.pool, job.Args.AnalysisID)
	if err != nil {
		return fmt.Errorf("load analysis %d: %w", job.Args.AnalysisID, err)
	}
	if job.Args.ReportKind == ReportFinal && time.Since(job.CreatedAt) < maxFinalReportWait {
		// The final report ends the analysis, so it goes last: when one
		// commit queued both reports, they run side by side and the
		// preliminary one could otherwise be stored after the analysis is
		// done. The preliminary job always ends with a report (without
		// narrative on its last attempt); the bound only guards against one
		// removed by hand.
		stored, err := reportStored(ctx, w.pool, a, ReportPreliminary)
		if err != nil {
			return err
		}
		if !stored {
			return river.JobSnooze(time.Second)
		}
	}
	p, err := store.ProductGet(ctx, w.pool, a.ProductID)
	if err != nil {
		return err
	}
	agg, err := store.ReportAggregates(ctx, w.pool, a)
	if err != nil {
		return err
	}
	evidence := reportEvidence(agg)
	narrative, _, err := w.llm.Narrate(ctx, llm.ReportInput{TargetLanguage: a.TargetLanguage, ProductTitle: p.Title, Facts: agg, Evidence: evidence})
	if err != nil {
		_, refused := llm.AsRefusal(err)
		if !refused && !llm.IsInvalidOutput(err) && !lastAttempt(job) {
			return llmFailure(err)
		}
		// The numbers stand on their own; say why the prose is missing.
		narrative = llm.ReportOutput{ExecutiveSummary: llm.Claim{Text: "Narrative unavailable: " + err.Error()}}
	}
	narrative = citeOnly(narrative, evidence)
	return commit(ctx, w.pool, job, func(tx pgx.Tx) ([]river.InsertManyParams, error) {
		if _, err := store.ReportCreate(ctx, tx, a, job.Args.ReportKind, agg.Coverage.Fraction, agg, narrative); err != nil {
			return nil, err
		}
		if job.Args.ReportKind == ReportFinal {
			return nil, store.AnalysisFinish(ctx, tx, a.ID, "done")
		}
		return nil, nil
	})
}

// maxFinalReportWait bounds how long the final report waits for the
// preliminary one.
const maxFinalReportWait = 30 * time.Minute

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

// reportEvidence lists the quotes the narrative may cite.
func reportEvidence(g store.Aggregates) []llm.Evidence {
	var out []llm.Evidence
	add := func(kind, sentiment string, ts []store.TopicStat) {
		for _, t := range ts {
			for _, q := range t.Evidence {
				out = append(out, llm.Evidence{ReviewID: q.ReviewID, Kind: kind, Topic: t.Topic, Sentiment: sentiment, Quote: q.Quote})
			}
		}
	}
	add(llm.InsightStrength, llm.Positive, g.TopStrengths)
	add(llm.InsightWeakness, llm.Negative, g.TopWeaknesses)
	add(llm.InsightSuggestion, "", g.TopSuggestions)
	for _, f := range g.FiveW {
		add(f.Type, "", f.Labels)
	}
	return out
}

// citeOnly drops cited ids that are not in the evidence, and claims left
// with no citation, so every stored claim is backed by a real review.
func citeOnly(n llm.ReportOutput, ev []llm.Evidence) llm.ReportOutput {
	known := make(map[int64]bool, len(ev))
	for _, e := range ev {
		known[e.ReviewID] = true
	}
	keep := func(ids []int64) []int64 {
		var out []int64
		for _, id := range ids {
			if known[id] {
				out = append(out, id)
			}
		}
		return out
	}
	claims := func(cs []llm.Claim) []llm.Claim {
		out := []llm.Claim{}
		for _, c := range cs {
			if c.ReviewIDs = keep(c.ReviewIDs); len(c.ReviewIDs) > 0 {
				out = append(out, c)
			}
		}
		return out
	}
	n.ExecutiveSummary.ReviewIDs = keep(n.ExecutiveSummary.ReviewIDs)
	n.Strengths = claims(n.Strengths)
	n.Weaknesses = claims(n.Weaknesses)
	n.PriorityActions = claims(n.PriorityActions)
	personas := []llm.Persona{}
	for _, p := range n.Personas {
		if p.ReviewIDs = keep(p.ReviewIDs); len(p.ReviewIDs) > 0 {
			personas = append(personas, p)
		}
	}
	n.Personas = personas
	return n
}
