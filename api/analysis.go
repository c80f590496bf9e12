package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

// StageProgress is one stage's counts.
type StageProgress struct {
	Total  int `json:"total"`
	Done   int `json:"done"`
	Failed int `json:"failed"`
}

// AnalysisStatus is a product's latest analysis with per-stage progress and
// LLM spend.
type AnalysisStatus struct {
	AnalysisID int64                    `json:"analysis_id"`
	ProductID  int64                    `json:"product_id"`
	Kind       string                   `json:"kind"`
	Status     string                   `json:"status"`
	Stages     map[string]StageProgress `json:"stages"`
	Calls      int64                    `json:"calls"`
	CacheHits  int64                    `json:"cache_hits"`
	TokensIn   int64                    `json:"tokens_in"`
	TokensOut  int64                    `json:"tokens_out"`
	// TargetLanguage is the language translations and analyses are in.
	TargetLanguage string     `json:"target_language"`
	ReviewsTotal   int        `json:"reviews_total"`
	CreatedAt      time.Time  `json:"created_at"`
	FinishedAt     *time.Time `json:"finished_at,omitempty"`
	// OrphanedJobs are running jobs of the analysis held by a host that is
	// gone: they wait for River's rescuer (their queue's timeout).
	OrphanedJobs int64 `json:"orphaned_jobs" doc:"running jobs of the analysis held by a host that stopped or has not beaten for 30 s; River hands them back after their queue's job timeout, and until then the analysis waits on them"`
}

type productIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type analysisOutput struct {
	Body AnalysisStatus
}

type rerunOutput struct {
	Status int
	Body   struct {
		AnalysisID int64 `json:"analysis_id"`
		Jobs       int   `json:"jobs"`
	}
}

func (s *server) registerAnalysisRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "get-analysis",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/analysis",
		Summary:     "Latest analysis of a product: status, per-stage progress, LLM calls and tokens",
		Tags:        []string{"analysis"},
		Errors:      []int{401, 404},
	}, func(ctx context.Context, in *productIDInput) (*analysisOutput, error) {
		a, err := store.AnalysisLatest(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "analysis of product", err)
		}
		// Live counts: the row's, plus batches committed but not folded.
		if a, err = store.AnalysisWithPending(ctx, s.Pool, a); err != nil {
			return nil, s.storeError(ctx, "analysis progress", err)
		}
		orphaned, err := store.AnalysisOrphanedJobs(ctx, s.Pool, a.ID)
		if err != nil {
			return nil, s.storeError(ctx, "analysis jobs", err)
		}
		u, err := store.AnalysisUsage(ctx, s.Pool, a.ID)
		if err != nil {
			return nil, s.storeError(ctx, "analysis usage", err)
		}
		st := AnalysisStatus{AnalysisID: a.ID, ProductID: a.ProductID, Kind: a.Kind, Status: a.Status,
			TargetLanguage: a.TargetLanguage, ReviewsTotal: a.ReviewsTotal, CreatedAt: a.CreatedAt, FinishedAt: a.FinishedAt,
			Calls: u.Calls, CacheHits: u.CacheHits, TokensIn: u.TokensIn, TokensOut: u.TokensOut, OrphanedJobs: orphaned,
			Stages: map[string]StageProgress{
				"translation":        {Total: a.ReviewsTotal, Done: a.TranslationDone, Failed: a.TranslationFailed},
				"insight_extraction": {Total: a.ReviewsTotal, Done: a.InsightsDone, Failed: a.InsightsFailed},
				"theme_extraction":   {Total: a.ReviewsTotal, Done: a.ThemesDone, Failed: a.ThemesFailed},
			}}
		return &analysisOutput{Body: st}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "rerun-analysis",
		Method:      http.MethodPost,
		Path:        "/api/v1/products/{id}/rerun",
		Summary:     "Re-run insights, themes and the report on the current model, without re-translating",
		Description: "Reviews already translated are never translated again. Only reviews whose translation is pending " +
			"(after POST /api/v1/products/{id}/model/language switched the product's language) are translated first.",
		Tags:          []string{"analysis"},
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{401, 404, 409},
	}, func(ctx context.Context, in *productIDInput) (*rerunOutput, error) {
		p, err := store.ProductGet(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		if p.ModelVersion == 0 {
			return nil, huma.Error409Conflict("the product has no model yet; wait for its first analysis to learn one")
		}
		out := &rerunOutput{Status: http.StatusAccepted}
		var running int64
		err = store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			// One analysis of a product at a time: ten POSTs must not buy
			// ten full runs of LLM calls.
			if running, err = store.AnalysisRunningForUpdate(ctx, tx, p.ID); err != nil || running != 0 {
				return err
			}
			aid, next, err := jobs.StartAnalysis(ctx, tx, p.ID, jobs.AnalysisRerun, nil, 0)
			if err != nil {
				return err
			}
			if len(next) > 0 {
				if _, err := s.River.InsertManyTx(ctx, tx, next); err != nil {
					return fmt.Errorf("queue re-analysis: %w", err)
				}
			}
			out.Body.AnalysisID, out.Body.Jobs = aid, len(next)
			return nil
		})
		if err != nil {
			return nil, s.storeError(ctx, "analysis", err)
		}
		if running != 0 {
			return nil, huma.Error409Conflict(fmt.Sprintf("analysis %d of this product is still running; wait for it to finish (GET /api/v1/products/%d/analysis), then re-run", running, p.ID))
		}
		auditDetail(ctx, "analysis_id", out.Body.AnalysisID)
		return out, nil
	})
}
