package jobs

import (
	"context"
	"log/slog"
	"strings"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// InsightWorker extracts per-review insights against the product's model.
type InsightWorker struct {
	river.WorkerDefaults[InsightArgs]
	*stage
}

// Work implements river.Worker.
func (w *InsightWorker) Work(ctx context.Context, job *river.Job[InsightArgs]) error {
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
	dims := model.LLMDimensions()
	groups := b.calls(BatchArgs(job.Args))
	results, fails, rest, err := runBatch(ctx, job, groups, func(ctx context.Context, sub []int64) (map[int64]llm.ReviewInsights, error) {
		out, _, err := w.llm.Insights(ctx, llm.InsightInput{TargetLanguage: a.TargetLanguage, Dimensions: dims, Reviews: reviewTexts(b.reviews, sub)})
		return keyed(out.Reviews, func(r llm.ReviewInsights) int64 { return r.ID }), err
	})
	if err != nil {
		return err
	}
	release() // the commit does not need the LLM turn
	dimIDs := map[string]int64{}
	for _, d := range model.Dimensions {
		dimIDs[d.Kind+"\x00"+strings.ToLower(d.Name)] = d.ID
	}
	// Quotes are stored as the review's own characters, located here
	// whatever the analyser (the provider cleans its answers the same way;
	// the offline analyser and the cache are checked here).
	texts := keyed(reviewTexts(b.reviews, batchIDs), func(r llm.ReviewText) int64 { return r.ID })
	unquoted := 0
	var done []int64
	var sentiments []string
	var rows []store.StoredInsight
	for _, id := range batchIDs {
		r, ok := results[id]
		if !ok {
			continue
		}
		done = append(done, id)
		sentiments = append(sentiments, r.Sentiment)
		for _, in := range r.Insights {
			kind := voc.DimensionKindFor(in.Type)
			dimID, ok := dimIDs[kind+"\x00"+strings.ToLower(strings.TrimSpace(in.Dimension))]
			if !ok {
				continue // not in the model: dropped rather than invented
			}
			span, ok := llm.LocateQuote(in.Quote, texts[id])
			if !ok {
				unquoted++
				continue // not the review's words: never stored
			}
			rows = append(rows, store.StoredInsight{ReviewID: id, DimensionID: dimID, DimensionKind: kind, Insight: in, Span: span})
		}
	}
	if unquoted > 0 {
		w.log.WarnContext(ctx, "quotes not found in their review were dropped", slog.String("stage", job.Kind), slog.Int("dropped", unquoted))
	}
	next := rest.job(a.ID, func(b BatchArgs) river.JobArgs { return InsightArgs(b) })
	if themes := rest.resolved(a.ID, groups); len(themes.ReviewIDs) > 0 {
		next = append(next, river.InsertManyParams{Args: ThemeArgs(themes)})
	}
	return commitBatch(ctx, w.pool, job, next, func(tx pgx.Tx) error {
		return store.InsightsApply(ctx, tx, a.ID, done, sentiments, rows, fails)
	})
}
