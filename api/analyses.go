package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

type analysisStartInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Mode string `json:"mode" enum:"full,translate_only,rerun" doc:"full: analyse the reviews no full analysis has covered (reusing stored translations); translate_only: only translate them; rerun: re-analyse every review on the current model, without re-translating"`
	}
}

// AnalysisStarted is the answer to starting an analysis.
type AnalysisStarted struct {
	AnalysisID int64  `json:"analysis_id"`
	ProductID  int64  `json:"product_id"`
	Mode       string `json:"mode"`
	Reviews    int64  `json:"reviews" doc:"reviews it will cover (rerun: every review not excluded)"`
	StatusURL  string `json:"status_url"`
}

type analysisStartOutput struct {
	Status int
	Body   AnalysisStarted
}

func (s *server) registerAnalysesRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "start-analysis",
		Method:      http.MethodPost,
		Path:        "/api/v1/products/{id}/analyses",
		Summary:     "Start an analysis: full, translate_only or rerun",
		Description: "A full analysis after a translate-only one analyses the same reviews and reuses their stored translations: " +
			"it makes no translation call for them. Excluded reviews are left out. 409 while another analysis of the product runs, " +
			"when there is nothing new to analyse (use `rerun`), or for a rerun of a product without a model (use `full`).",
		Tags:          []string{"analysis"},
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{401, 403, 404, 409, 422},
	}, func(ctx context.Context, in *analysisStartInput) (*analysisStartOutput, error) {
		p, err := store.ProductGet(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		started, err := s.startAnalysis(ctx, p, in.Body.Mode)
		if err != nil {
			return nil, err
		}
		return &analysisStartOutput{Status: http.StatusAccepted, Body: started}, nil
	})
}

// Conflicts of startAnalysis, for callers that answer them differently.
var (
	errAnalysisRunning = huma.Error409Conflict("an analysis of this product is running; wait for it to finish")
	errNoModel         = huma.Error409Conflict("the product has no model yet: start a full analysis first")
)

// startAnalysis starts an analysis of p in mode (full, translate_only or
// rerun): it counts the reviews it covers and queues its first jobs in one
// transaction, and audits it. It returns errAnalysisRunning, errNoModel, a
// 409 when there is nothing to analyse, or a store error.
func (s *server) startAnalysis(ctx context.Context, p store.Product, mode string) (AnalysisStarted, error) {
	kind := map[string]string{"full": jobs.AnalysisFull, "translate_only": jobs.AnalysisTranslateOnly, "rerun": jobs.AnalysisRerun}[mode]
	var out AnalysisStarted
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		// Serialise with ingestion and other starts of this product.
		if err := store.ProductLockForIngest(ctx, tx, p.ID); err != nil {
			return err
		}
		running, err := store.AnalysisRunningCount(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if running > 0 {
			return errAnalysisRunning
		}
		var n int64
		if kind == jobs.AnalysisRerun {
			if p.ModelVersion == 0 {
				return errNoModel
			}
			if n, err = store.ProductReviewCount(ctx, tx, p.ID); err != nil {
				return err
			}
			ex, err := store.ProductExcludedCount(ctx, tx, p.ID)
			if err != nil {
				return err
			}
			n -= ex
		} else if n, err = store.AnalysisPendingCount(ctx, tx, p.ID, kind); err != nil {
			return err
		}
		if n == 0 {
			return huma.Error409Conflict(fmt.Sprintf("no reviews to analyse in mode %s: every review is covered or excluded; use mode rerun to re-analyse them", mode))
		}
		aid, next, err := jobs.StartAnalysis(ctx, tx, p.ID, kind, nil, 0)
		if err != nil {
			return err
		}
		if _, err := s.River.InsertManyTx(ctx, tx, next); err != nil {
			return fmt.Errorf("queue analysis: %w", err)
		}
		out = AnalysisStarted{AnalysisID: aid, ProductID: p.ID, Mode: mode, Reviews: n,
			StatusURL: fmt.Sprintf("/api/v1/products/%d/analysis", p.ID)}
		return nil
	})
	var se huma.StatusError
	if errors.As(err, &se) {
		return AnalysisStarted{}, err
	}
	if err != nil {
		return AnalysisStarted{}, s.storeError(ctx, "analysis", err)
	}
	auditAs(ctx, "analysis.start", fmt.Sprintf("analysis %d", out.AnalysisID), map[string]any{"product_id": p.ID, "mode": mode})
	return out, nil
}
