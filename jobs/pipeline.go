package jobs

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/voc-project/voc/store"
)

// Analysis kinds, re-exported for callers that start analyses.
const (
	AnalysisFull          = store.AnalysisFull
	AnalysisTranslateOnly = store.AnalysisTranslateOnly
	AnalysisRerun         = store.AnalysisRerun
)

// Translation batch sizes (SPEC 3.3): 30 short reviews or 10 long ones per
// call. Insights and themes follow the translation batch.
var llmBatches = store.BatchSizes{ShortChars: 200, Short: 30, Long: 10}

// LearnArgs starts an analysis: learn the product's model if it has none,
// then plan the analysis's batches.
type LearnArgs struct {
	AnalysisID int64 `json:"analysis_id"`
}

// Kind implements river.JobArgs.
func (LearnArgs) Kind() string { return "learn_model" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (LearnArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueLearning, MaxAttempts: 8, Priority: 1,
		UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// BatchArgs is a stage's batch: review ids of one analysis. Args stay small
// and readable; no review text ever goes in a job.
type BatchArgs struct {
	AnalysisID int64   `json:"analysis_id"`
	ReviewIDs  []int64 `json:"review_ids"`
}

// TranslateArgs is a translation batch.
type TranslateArgs BatchArgs

// Kind implements river.JobArgs.
func (TranslateArgs) Kind() string { return "translate_batch" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (TranslateArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueTranslate, MaxAttempts: 8, Priority: 2}
}

// InsightArgs is an insight-extraction batch.
type InsightArgs BatchArgs

// Kind implements river.JobArgs.
func (InsightArgs) Kind() string { return "extract_insights" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (InsightArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueInsights, MaxAttempts: 8, Priority: 3}
}

// ThemeArgs is a theme-extraction batch.
type ThemeArgs BatchArgs

// Kind implements river.JobArgs.
func (ThemeArgs) Kind() string { return "extract_themes" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ThemeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueThemes, MaxAttempts: 8, Priority: 3}
}

// Report kinds.
const (
	ReportPreliminary = "preliminary"
	ReportFinal       = "final"
)

// ReportArgs asks for an analysis's report of one kind. Preliminary and
// final reports are unique per analysis and kind; an on-demand role report
// (report.OnDemandKinds) names the report row its request recorded.
type ReportArgs struct {
	AnalysisID int64  `json:"analysis_id"`
	ReportKind string `json:"report_kind"`
	ReportID   int64  `json:"report_id,omitempty"`
}

// Kind implements river.JobArgs.
func (ReportArgs) Kind() string { return "build_report" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ReportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueReports, MaxAttempts: 8, Priority: 4,
		UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// StartAnalysis records an analysis of the product in tx and returns it
// with its first job, to insert in the same transaction. That job (on the
// learning queue) learns the product's model when it has none, fills in the
// analysis's reviews and queues the LLM batches, so the caller's transaction
// stays short. uploadID (with total, its new reviews) scopes the analysis to
// one upload; nil takes the product's unanalysed reviews, or all of them for
// a re-analysis.
func StartAnalysis(ctx context.Context, tx pgx.Tx, productID int64, kind string, uploadID *int64, total int) (int64, []river.InsertManyParams, error) {
	p, err := store.ProductGet(ctx, tx, productID)
	if err != nil {
		return 0, nil, fmt.Errorf("load product %d: %w", productID, err)
	}
	scope := store.ScopeUnanalysed
	switch {
	case kind == AnalysisRerun:
		scope, uploadID, total = store.ScopeProduct, nil, 0
	case uploadID != nil:
		scope = store.ScopeUpload
	default:
		total = 0
	}
	a, err := store.AnalysisCreate(ctx, tx, productID, kind, p.TargetLanguage, scope, uploadID, total)
	if err != nil {
		return 0, nil, err
	}
	return a.ID, []river.InsertManyParams{{Args: LearnArgs{AnalysisID: a.ID}}}, nil
}

// batchJobs splits an analysis into its first LLM stage's batches: a batch
// with a review to translate starts with translation, any other with
// insights (skipTranslation starts them all with insights).
func batchJobs(ctx context.Context, tx pgx.Tx, analysisID int64, skipTranslation bool) ([]river.InsertManyParams, error) {
	batches, err := store.AnalysisBatches(ctx, tx, analysisID, llmBatches)
	if err != nil {
		return nil, err
	}
	out := make([]river.InsertManyParams, len(batches))
	for i, b := range batches {
		if skipTranslation || !b.NeedsTranslation {
			out[i] = river.InsertManyParams{Args: InsightArgs{AnalysisID: analysisID, ReviewIDs: b.ReviewIDs}}
		} else {
			out[i] = river.InsertManyParams{Args: TranslateArgs{AnalysisID: analysisID, ReviewIDs: b.ReviewIDs}}
		}
	}
	return out, nil
}
