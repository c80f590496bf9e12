package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// LearnWorker learns a product's dimensions and 5W library from a stratified
// sample, then queues the analysis's translation batches.
type LearnWorker struct {
	river.WorkerDefaults[LearnArgs]
	*stage
}

// Work implements river.Worker.
func (w *LearnWorker) Work(ctx context.Context, job *river.Job[LearnArgs]) error {
	ctx = store.WithAnalysisID(ctx, job.Args.AnalysisID)
	a, err := store.AnalysisGet(ctx, w.pool, job.Args.AnalysisID)
	if err != nil {
		return fmt.Errorf("load analysis %d: %w", job.Args.AnalysisID, err)
	}
	p, err := store.ProductGet(ctx, w.pool, a.ProductID)
	if err != nil {
		return fmt.Errorf("load product %d: %w", a.ProductID, err)
	}
	learn := p.ModelVersion == 0 && a.Kind != AnalysisTranslateOnly
	var out voc.Model
	if learn {
		sample, err := store.LearningSample(ctx, w.pool, p.ID, 12, 60)
		if err != nil {
			return err
		}
		out, err = w.learn(ctx, llm.LearnInput{ProductTitle: p.Title, BulletPoints: p.BulletPoints,
			TargetLanguage: a.TargetLanguage, Reviews: reviewTexts(sample, ids(sample))})
		if err == nil {
			out = cleanModel(out)
			if len(out.Dimensions.Product) == 0 {
				err = errors.New("learned model has no product dimensions")
			}
		}
		if err != nil {
			if !lastAttempt(job) {
				return llmFailure(err)
			}
			// Out of attempts: with no model nothing can follow, so end the
			// analysis as failed rather than leave it running for ever.
			w.log.ErrorContext(ctx, "model learning failed for good", slog.Int64("analysis_id", a.ID), slog.String("error", err.Error()))
			return commit(ctx, w.pool, job, func(tx pgx.Tx) ([]river.InsertManyParams, error) {
				return nil, store.AnalysisFinish(ctx, tx, a.ID, "failed")
			})
		}
	}
	return commit(ctx, w.pool, job, func(tx pgx.Tx) ([]river.InsertManyParams, error) {
		// Serialise with ingestion and other plans of this product.
		if err := store.ProductLockForIngest(ctx, tx, p.ID); err != nil {
			return nil, err
		}
		if learn {
			if _, err := store.ModelStoreLearned(ctx, tx, p.ID, out); err != nil {
				return nil, err
			}
		}
		a, err := store.AnalysisPlan(ctx, tx, a)
		if err != nil {
			return nil, err
		}
		if a.ReviewsTotal == 0 {
			return nil, store.AnalysisFinish(ctx, tx, a.ID, "done")
		}
		if a.Kind != AnalysisTranslateOnly {
			// Reviews that need no translation are marked so now, in one
			// statement, rather than by a translation job per batch; a
			// batch left with nothing to translate starts with insights.
			// (A translate-only analysis ends with its translation jobs.)
			if _, err := store.AnalysisSkipTranslations(ctx, tx, a, w.llm.Translates()); err != nil {
				return nil, err
			}
		}
		skipTranslation := a.Kind == AnalysisRerun
		if skipTranslation {
			// A re-analysis translates only what a language switch reset.
			pending, err := store.AnalysisPendingTranslations(ctx, tx, a.ID)
			if err != nil {
				return nil, err
			}
			skipTranslation = pending == 0
		}
		return batchJobs(ctx, tx, a, skipTranslation)
	})
}

// learn asks for the model. The provider refuses a whole sample over any one
// of its reviews, on every retry; the model is then learned from the
// reviews of the sample it accepts, found by splitting, or from the title
// and bullet points alone if it accepts none.
func (w *LearnWorker) learn(ctx context.Context, in llm.LearnInput) (voc.Model, error) {
	out, _, err := w.llm.Learn(ctx, in)
	if _, refused := llm.AsRefusal(err); !refused || len(in.Reviews) == 0 {
		return out, err
	}
	byID := make(map[int64]llm.ReviewText, len(in.Reviews))
	var sampleIDs []int64
	for _, r := range in.Reviews {
		byID[r.ID] = r
		sampleIDs = append(sampleIDs, r.ID)
	}
	subset := func(ids []int64) llm.LearnInput {
		sub := in
		sub.Reviews = make([]llm.ReviewText, 0, len(ids))
		for _, id := range ids {
			sub.Reviews = append(sub.Reviews, byID[id])
		}
		return sub
	}
	// Each half goes through splitCall, which narrows refusals down to
	// single reviews; what it answers for is what the provider accepts.
	mid := len(sampleIDs) / 2
	accepted := map[int64]bool{}
	for _, part := range [][]int64{sampleIDs[:mid], sampleIDs[mid:]} {
		ok, _, err := splitCall(ctx, part, func(ctx context.Context, ids []int64) (map[int64]bool, error) {
			if _, _, err := w.llm.Learn(ctx, subset(ids)); err != nil {
				return nil, err
			}
			m := make(map[int64]bool, len(ids))
			for _, id := range ids {
				m[id] = true
			}
			return m, nil
		})
		if err != nil {
			return voc.Model{}, err
		}
		for id := range ok {
			accepted[id] = true
		}
	}
	var keep []int64
	for _, id := range sampleIDs {
		if accepted[id] {
			keep = append(keep, id)
		}
	}
	return retrySubCall(ctx, func() (voc.Model, error) {
		out, _, err := w.llm.Learn(ctx, subset(keep))
		return out, err
	})
}

// cleanModel trims names and merges duplicates (case-insensitive) so the
// stored model has each dimension and label once.
func cleanModel(m voc.Model) voc.Model {
	dedupeDims := func(ds []voc.Dimension) []voc.Dimension {
		seen := map[string]bool{}
		var out []voc.Dimension
		for _, d := range ds {
			d.Name = strings.TrimSpace(d.Name)
			k := strings.ToLower(d.Name)
			if d.Name == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, d)
		}
		return out
	}
	dedupeLabels := func(ls []voc.Label) []voc.Label {
		seen := map[string]bool{}
		var out []voc.Label
		for _, l := range ls {
			l.Name = strings.TrimSpace(l.Name)
			k := strings.ToLower(l.Name)
			if l.Name == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, l)
		}
		return out
	}
	m.Dimensions.Product = dedupeDims(m.Dimensions.Product)
	m.Dimensions.Scenario = dedupeDims(m.Dimensions.Scenario)
	m.Dimensions.Emotion = dedupeDims(m.Dimensions.Emotion)
	m.Labels.Buyer = dedupeLabels(m.Labels.Buyer)
	m.Labels.User = dedupeLabels(m.Labels.User)
	m.Labels.Where = dedupeLabels(m.Labels.Where)
	m.Labels.When = dedupeLabels(m.Labels.When)
	m.Labels.Why = dedupeLabels(m.Labels.Why)
	m.Labels.What = dedupeLabels(m.Labels.What)
	return m
}
