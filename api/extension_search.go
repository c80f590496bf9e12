package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/voc-project/voc/store"
)

// The browser extension's search-results workflow
// (extension/src/background/service-worker.js: getProductByAsin,
// triggerProductAnalysis, createAnalysisProject) on top of voc's model:
// it looks a product up by ASIN with GET /api/v1/products/{asin}, starts
// an analysis of it with POST /api/v1/products/{asin}/start-analysis, and
// compares several with POST /api/v1/analysis/projects, which is a voc
// comparison.

// productRefInput is a product's numeric id or an ASIN, in one path
// segment: GET /api/v1/products/{id} serves both the web app and the
// extension, and chi cannot route two patterns that differ only in a
// parameter's name.
type productRefInput struct {
	ID          string `path:"id" minLength:"1" maxLength:"20" pattern:"^[A-Za-z0-9_-]+$" doc:"the product id, or an ASIN"`
	Marketplace string `query:"marketplace" pattern:"^[A-Z]{2,5}$" doc:"with an ASIN: needed only when the ASIN is in several marketplaces"`
}

var asinPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{5,20}$`)

// productByRef finds the product that ref names: a numeric id, else an
// ASIN (resolveASIN). An all-digit ref is an id; when no product has that
// id and ref is 10 digits long, it is tried as an ASIN (the ASIN of a book
// is its ISBN-10). It returns 404, 409 with candidates, or a 422 for a ref
// that is neither.
func (s *server) productByRef(ctx context.Context, ref, marketplace string) (store.Product, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if id < 1 {
			return store.Product{}, huma.Error422UnprocessableEntity("invalid product", &huma.ErrorDetail{Location: "path.id", Message: "a product id is at least 1", Value: ref})
		}
		p, err := store.ProductGet(ctx, s.Pool, id)
		if errors.Is(err, store.ErrNotFound) && len(ref) == 10 {
			if q, aerr := s.resolveASIN(ctx, ref, marketplace); aerr == nil {
				return q, nil
			}
		}
		if err != nil {
			return store.Product{}, s.storeError(ctx, "product", err)
		}
		return p, nil
	}
	if !asinPattern.MatchString(ref) {
		return store.Product{}, huma.Error422UnprocessableEntity("invalid product", &huma.ErrorDetail{Location: "path.id",
			Message: "neither a product id nor an ASIN (5–20 letters, digits, - or _)", Value: ref})
	}
	return s.resolveASIN(ctx, ref, marketplace)
}

type startAnalysisByASINInput struct {
	ASIN        string `path:"asin" minLength:"5" maxLength:"20" pattern:"^[A-Za-z0-9_-]+$"`
	Marketplace string `query:"marketplace" pattern:"^[A-Z]{2,5}$" doc:"needed only when the ASIN is in several marketplaces"`
}

// ExtensionAnalysisStarted is the answer to start-analysis, in the shape
// the replaced system gave the extension, plus voc's analysis id.
type ExtensionAnalysisStarted struct {
	Success     bool   `json:"success"`
	Status      string `json:"status" enum:"started,already_running,up_to_date"`
	Message     string `json:"message"`
	TaskID      string `json:"task_id" doc:"the analysis id, as a string (the replaced system's task id); empty when none is running or started"`
	ProductID   string `json:"product_id" doc:"the product id, as a string"`
	ASIN        string `json:"asin"`
	Marketplace string `json:"marketplace"`
	ReviewCount int64  `json:"review_count"`
	AnalysisID  *int64 `json:"analysis_id" doc:"the analysis started or running; null when the product is up to date"`
	Mode        string `json:"mode,omitempty" doc:"full: the analysis started covers the reviews no full analysis has covered"`
	StatusURL   string `json:"status_url"`
}

type extensionAnalysisOutput struct {
	Body ExtensionAnalysisStarted
}

// ProjectProductInput is one product of an analysis project.
type ProjectProductInput struct {
	ProductID int64   `json:"product_id" minimum:"1" doc:"the product's id, as GET /api/v1/products/{asin} answers it"`
	RoleLabel *string `json:"role_label,omitempty" maxLength:"50" doc:"target, competitor, gen1, gen2…; kept in the answer only"`
}

type projectCreateInput struct {
	Body struct {
		Title        string                `json:"title" minLength:"1" maxLength:"255"`
		Description  *string               `json:"description,omitempty" maxLength:"2000"`
		Products     []ProjectProductInput `json:"products" minItems:"2" maxItems:"10"`
		AnalysisType string                `json:"analysis_type,omitempty" enum:"comparison,market_insight" default:"comparison"`
	}
}

// ProjectItem is one product of a created project.
type ProjectItem struct {
	ID           string         `json:"id"`
	ProductID    string         `json:"product_id"`
	RoleLabel    *string        `json:"role_label"`
	DisplayOrder int            `json:"display_order"`
	Product      map[string]any `json:"product"`
}

// Project is an analysis project in the replaced system's shape: a voc
// comparison. id is the comparison's id as a string.
type Project struct {
	ID            string        `json:"id"`
	Title         string        `json:"title"`
	Description   *string       `json:"description"`
	AnalysisType  string        `json:"analysis_type"`
	UserID        *string       `json:"user_id"`
	Status        string        `json:"status" doc:"completed: the comparison is computed when it is read"`
	ResultContent any           `json:"result_content"`
	ErrorMessage  *string       `json:"error_message"`
	CreatedAt     string        `json:"created_at"`
	UpdatedAt     string        `json:"updated_at"`
	Items         []ProjectItem `json:"items"`
	ComparisonID  int64         `json:"comparison_id"`
	ComparisonURL string        `json:"comparison_url" doc:"the comparison: its matrix, 5W differences and alignment"`
}

// ProjectCreated answers POST /api/v1/analysis/projects.
type ProjectCreated struct {
	Success bool    `json:"success"`
	Message string  `json:"message"`
	Project Project `json:"project"`
	Error   *string `json:"error"`
}

type projectCreateOutput struct {
	Status int
	Body   ProjectCreated
}

func (s *server) registerExtensionSearchRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "start-analysis-by-asin",
		Method:      http.MethodPost,
		Path:        "/api/v1/products/{asin}/start-analysis",
		Summary:     "Start a full analysis of the product of an ASIN (the browser extension's search-results workflow)",
		Description: "The product is found as by collection-complete: a bare ASIN when it is unique across marketplaces (409 with `candidates` otherwise), " +
			"or with ?marketplace=. It starts a full analysis of the reviews no full analysis has covered, reusing stored translations " +
			"(status `started`, as POST /api/v1/products/{id}/analyses with mode full); answers `already_running` while one runs and " +
			"`up_to_date` when every review is analysed (re-analyse them with mode rerun). 404 for an unknown ASIN, 409 for a product without reviews.",
		Tags:   []string{"analysis", "extension"},
		Errors: []int{401, 403, 404, 409, 422},
	}, func(ctx context.Context, in *startAnalysisByASINInput) (*extensionAnalysisOutput, error) {
		p, err := s.resolveASIN(ctx, in.ASIN, in.Marketplace)
		if err != nil {
			return nil, err
		}
		reviews, err := store.ProductReviewCount(ctx, s.Pool, p.ID)
		if err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		if reviews == 0 {
			return nil, huma.Error409Conflict(fmt.Sprintf("product %s/%s has no reviews to analyse; collect its reviews first", p.Marketplace, p.ASIN))
		}
		out := ExtensionAnalysisStarted{Success: true, ProductID: strconv.FormatInt(p.ID, 10), ASIN: p.ASIN, Marketplace: p.Marketplace,
			ReviewCount: reviews, StatusURL: fmt.Sprintf("/api/v1/products/%d/analysis", p.ID)}
		started, err := s.startAnalysis(ctx, p, "full")
		switch {
		case err == nil:
			out.Status, out.Mode, out.AnalysisID = "started", "full", &started.AnalysisID
			out.TaskID = strconv.FormatInt(started.AnalysisID, 10)
			out.Message = fmt.Sprintf("analysis %d started: %d reviews to analyse", started.AnalysisID, started.Reviews)
		case errors.Is(err, errAnalysisRunning):
			a, lerr := store.AnalysisLatest(ctx, s.Pool, p.ID)
			if lerr != nil {
				return nil, s.storeError(ctx, "analysis of product", lerr)
			}
			out.Status, out.AnalysisID, out.TaskID = "already_running", &a.ID, strconv.FormatInt(a.ID, 10)
			out.Message = fmt.Sprintf("analysis %d of this product is running", a.ID)
		default:
			var se huma.StatusError
			if !errors.As(err, &se) || se.GetStatus() != http.StatusConflict {
				return nil, err
			}
			out.Status = "up_to_date"
			out.Message = "every review of this product is analysed; start a rerun (POST /api/v1/products/{id}/analyses with mode rerun) to re-analyse them"
		}
		return &extensionAnalysisOutput{Body: out}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "create-analysis-project",
		Method:      http.MethodPost,
		Path:        "/api/v1/analysis/projects",
		Summary:     "Create an analysis project of 2–10 products (the browser extension's search-results workflow): a comparison",
		Description: "Takes the replaced system's request, `{\"title\", \"description\", \"products\": [{\"product_id\", \"role_label\"}], \"analysis_type\": \"comparison\" | \"market_insight\"}`, " +
			"and creates a voc comparison of the products (as POST /api/v1/comparisons: aligned by the language model, else offline). " +
			"The answer is `{\"success\", \"message\", \"project\": {\"id\", …, \"items\"}}`; `project.id` and `project.comparison_url` name the comparison. " +
			"422 for a bad or unknown product or a product listed twice, 409 for a product without a model.",
		Tags:          []string{"comparisons", "extension"},
		DefaultStatus: http.StatusCreated,
		Errors:        []int{401, 403, 409, 422},
	}, func(ctx context.Context, in *projectCreateInput) (*projectCreateOutput, error) {
		ids := make([]int64, len(in.Body.Products))
		for i, p := range in.Body.Products {
			ids[i] = p.ProductID
		}
		v, err := s.createComparison(ctx, in.Body.Title, ids, "body.products", ".product_id")
		if err != nil {
			return nil, err
		}
		c, err := store.ComparisonGet(ctx, s.Pool, v.ID)
		if err != nil {
			return nil, s.storeError(ctx, "comparison", err)
		}
		typ := in.Body.AnalysisType
		if typ == "" {
			typ = "comparison"
		}
		var userID *string
		if c.CreatedBy != nil {
			u := strconv.FormatInt(*c.CreatedBy, 10)
			userID = &u
		}
		pr := Project{ID: strconv.FormatInt(v.ID, 10), Title: v.Name, Description: in.Body.Description, AnalysisType: typ, UserID: userID,
			Status: "completed", CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339),
			Items: make([]ProjectItem, len(v.Products)), ComparisonID: v.ID, ComparisonURL: fmt.Sprintf("/api/v1/comparisons/%d", v.ID)}
		for i, p := range v.Products {
			pr.Items[i] = ProjectItem{ID: fmt.Sprintf("%d-%d", v.ID, p.ID), ProductID: strconv.FormatInt(p.ID, 10), RoleLabel: in.Body.Products[i].RoleLabel,
				DisplayOrder: i, Product: map[string]any{"id": strconv.FormatInt(p.ID, 10), "asin": p.ASIN, "marketplace": p.Marketplace, "title": p.Title}}
		}
		msg := fmt.Sprintf("comparison %d of %d products created; its dimensions were aligned %s", v.ID, len(v.Products),
			map[string]string{"llm": "by the language model", "offline": "offline"}[v.AlignmentSource])
		return &projectCreateOutput{Status: http.StatusCreated, Body: ProjectCreated{Success: true, Message: strings.TrimSpace(msg), Project: pr}}, nil
	})
}
