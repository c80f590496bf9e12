package jobs

import (
	"context"
	"fmt"
	"slices"

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

// BatchArgs is a stage's batch: review ids of one analysis, in one or more
// LLM calls. Args stay small and readable; no review text ever goes in a
// job.
type BatchArgs struct {
	AnalysisID int64   `json:"analysis_id"`
	ReviewIDs  []int64 `json:"review_ids"`
	// Calls splits ReviewIDs, in order, into the job's LLM calls: the first
	// Calls[0] reviews go in one call, the next Calls[1] in another, and so
	// on; the calls run side by side and the job commits them together
	// (CallsPerJob). Empty: one call for all of them.
	Calls []int `json:"calls,omitempty"`
}

// CallsPerJob is how many LLM batches one stage job carries. Each batch is
// its own LLM call, sized by llmBatches; a job makes its calls side by side
// and commits their results in one transaction, so the per-job cost (a River
// job row, its fetch and completion, the commit) is paid once for up to
// CallsPerJob calls (issue 10: at 200 calls/s, one job per call made the
// commits, not the budget, the limit).
const CallsPerJob = 4

// groups returns the job's LLM calls, each a slice of ReviewIDs. Calls that
// do not add up to the reviews (a hand-made job) make one call.
func (a BatchArgs) groups() [][]int64 {
	total := 0
	for _, n := range a.Calls {
		if n <= 0 {
			return [][]int64{a.ReviewIDs}
		}
		total += n
	}
	if len(a.Calls) <= 1 || total != len(a.ReviewIDs) {
		return [][]int64{a.ReviewIDs}
	}
	out := make([][]int64, 0, len(a.Calls))
	off := 0
	for _, n := range a.Calls {
		out = append(out, a.ReviewIDs[off:off+n])
		off += n
	}
	return out
}

// batchOf builds the args of a job making the given calls; empty calls are
// dropped.
func batchOf(analysisID int64, groups [][]int64) BatchArgs {
	a := BatchArgs{AnalysisID: analysisID}
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		a.ReviewIDs = append(a.ReviewIDs, g...)
		a.Calls = append(a.Calls, len(g))
	}
	if len(a.Calls) == 1 {
		a.Calls = nil
	}
	return a
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

// batchJobs splits an analysis into its first LLM stage's jobs: batches
// with a review to translate start with translation, the others with
// insights (skipTranslation starts them all with insights; a translate-only
// analysis has only translation jobs, which count what needs none).
// Consecutive batches of one first stage share a job, up to CallsPerJob.
func batchJobs(ctx context.Context, tx pgx.Tx, a store.Analysis, skipTranslation bool) ([]river.InsertManyParams, error) {
	batches, err := store.AnalysisBatches(ctx, tx, a.ID, llmBatches)
	if err != nil {
		return nil, err
	}
	var translate, insights [][]int64
	for _, b := range batches {
		if a.Kind != AnalysisTranslateOnly && (skipTranslation || !b.NeedsTranslation) {
			insights = append(insights, b.ReviewIDs)
		} else {
			translate = append(translate, b.ReviewIDs)
		}
	}
	var out []river.InsertManyParams
	for calls := range slices.Chunk(translate, CallsPerJob) {
		out = append(out, river.InsertManyParams{Args: TranslateArgs(batchOf(a.ID, calls))})
	}
	for calls := range slices.Chunk(insights, CallsPerJob) {
		out = append(out, river.InsertManyParams{Args: InsightArgs(batchOf(a.ID, calls))})
	}
	return out, nil
}
