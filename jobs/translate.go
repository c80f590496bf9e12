package jobs

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// TranslateWorker translates a batch's titles and bodies in one call.
// Reviews already in the target language skip the LLM.
type TranslateWorker struct {
	river.WorkerDefaults[TranslateArgs]
	*stage
}

// Work implements river.Worker.
func (w *TranslateWorker) Work(ctx context.Context, job *river.Job[TranslateArgs]) error {
	ctx, closeCalls := batchContext(ctx, job.Args.AnalysisID)
	defer closeCalls()
	release, err := w.llmTurn(ctx)
	if err != nil {
		return err
	}
	defer release()
	a, err := store.AnalysisGet(ctx, w.pool, job.Args.AnalysisID)
	if err != nil {
		return fmt.Errorf("load analysis %d: %w", job.Args.AnalysisID, err)
	}
	reviews, err := store.ReviewsForBatch(ctx, w.pool, job.Args.ReviewIDs)
	if err != nil {
		return err
	}
	var ts []store.Translation
	var settled int64
	needs := map[int64]bool{}
	for _, r := range reviews {
		switch {
		case r.TranslationStatus == store.TranslationSkipped || r.TranslationStatus == store.TranslationDone:
			// Settled before: the plan counted it, except for a
			// translate-only analysis, whose progress is its translation
			// jobs'.
			if a.Kind == AnalysisTranslateOnly {
				settled++
			}
		case r.TranslationStatus != store.TranslationPending:
		case !w.llm.Translates() || store.SameLanguage(r.Language, a.TargetLanguage):
			ts = append(ts, store.Translation{ReviewID: r.ID, Status: store.TranslationSkipped})
		default:
			needs[r.ID] = true
		}
	}
	// Each call translates its reviews that need it (maybe none).
	groups := BatchArgs(job.Args).groups()
	need := filterGroups(groups, func(id int64) bool { return needs[id] })
	results, fails, rest, err := runBatch(ctx, job, need, func(ctx context.Context, sub []int64) (map[int64]llm.Translation, error) {
		out, _, err := w.llm.Translate(ctx, llm.TranslateInput{TargetLanguage: a.TargetLanguage, Reviews: reviewTexts(reviews, sub)})
		return keyed(out.Translations, func(t llm.Translation) int64 { return t.ID }), err
	})
	if err != nil {
		return err
	}
	release() // the commit does not need the LLM turn
	for id, t := range results {
		ts = append(ts, store.Translation{ReviewID: id, Status: store.TranslationDone, Title: t.Title, Body: t.Body})
	}
	next := rest.job(a.ID, func(b BatchArgs) river.JobArgs { return TranslateArgs(b) })
	if a.Kind != AnalysisTranslateOnly {
		if insights := rest.resolved(a.ID, groups); len(insights.ReviewIDs) > 0 {
			next = append(next, river.InsertManyParams{Args: InsightArgs(insights)})
		}
	} else {
		// A translate-only analysis ends with its translations: the fold
		// after this commit decides whether it did (ProgressArgs).
		next = append(next, foldJob(a.ID))
	}
	return commitBatch(ctx, w.pool, job, next, func(tx pgx.Tx) error {
		return store.TranslationsApply(ctx, tx, a.ID, ts, fails, settled)
	})
}
