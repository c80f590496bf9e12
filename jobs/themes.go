package jobs

import (
	"context"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// ThemeWorker tags reviews with 5W labels from the product's library only.
type ThemeWorker struct {
	river.WorkerDefaults[ThemeArgs]
	*stage
}

// Work implements river.Worker.
func (w *ThemeWorker) Work(ctx context.Context, job *river.Job[ThemeArgs]) error {
	ctx, closeCalls := batchContext(ctx, job.Args.AnalysisID)
	defer closeCalls()
	release, err := w.llmTurn(ctx)
	if err != nil {
		return err
	}
	defer release()
	b, err := w.loadBatch(ctx, BatchArgs(job.Args))
	if err != nil {
		return err
	}
	a, model, batchIDs := b.analysis, b.model, b.ids
	labels := model.LLMLabels()
	results, fails, rest, err := runBatch(ctx, job, b.calls(BatchArgs(job.Args)), func(ctx context.Context, sub []int64) (map[int64]llm.ReviewTags, error) {
		out, _, err := w.llm.Themes(ctx, llm.ThemeInput{TargetLanguage: a.TargetLanguage, Labels: labels, Reviews: reviewTexts(b.reviews, sub)})
		return keyed(out.Reviews, func(r llm.ReviewTags) int64 { return r.ID }), err
	})
	if err != nil {
		return err
	}
	release() // the commit does not need the LLM turn
	labelIDs := map[string]int64{}
	for _, l := range model.Labels {
		labelIDs[l.Type+"\x00"+strings.ToLower(l.Name)] = l.ID
	}
	// Quotes are stored as the review's own characters, located here
	// whatever the analyser (the provider cleans its answers the same way;
	// the offline analyser and the cache are checked here).
	texts := keyed(reviewTexts(b.reviews, batchIDs), func(r llm.ReviewText) int64 { return r.ID })
	unquoted := 0
	var done []int64
	var rows []store.StoredTag
	for _, id := range batchIDs {
		r, ok := results[id]
		if !ok {
			continue
		}
		done = append(done, id)
		for _, t := range r.Tags {
			lid, ok := labelIDs[t.Type+"\x00"+strings.ToLower(strings.TrimSpace(t.Label))]
			if !ok {
				continue // labels come from the library; nothing invented
			}
			span, ok := llm.LocateQuote(t.Quote, texts[id])
			if !ok {
				unquoted++
				continue // not the review's words: never stored
			}
			rows = append(rows, store.StoredTag{ReviewID: id, LabelID: lid, Tag: t, Span: span})
		}
	}
	if unquoted > 0 {
		w.log.WarnContext(ctx, "quotes not found in their review were dropped", slog.String("stage", job.Kind), slog.Int("dropped", unquoted))
	}
	// The fold that decides on the reports after this commit (ProgressArgs).
	next := append(rest.job(a.ID, func(b BatchArgs) river.JobArgs { return ThemeArgs(b) }), foldJob(a.ID))
	return commitBatch(ctx, w.pool, job, next, func(tx pgx.Tx) error {
		return store.ThemesApply(ctx, tx, a.ID, done, rows, fails)
	})
}
