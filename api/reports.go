package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// ReportSummary is a report without its body.
type ReportSummary struct {
	ID         int64     `json:"id"`
	AnalysisID int64     `json:"analysis_id"`
	Kind       string    `json:"kind" enum:"preliminary,final"`
	Coverage   float64   `json:"coverage" doc:"share of the analysis's reviews with insights and themes done, 0–1"`
	CreatedAt  time.Time `json:"created_at"`
}

// ReportProduct names the product a report is about.
type ReportProduct struct {
	ID          int64  `json:"id"`
	Marketplace string `json:"marketplace"`
	ASIN        string `json:"asin"`
	Title       string `json:"title"`
}

// ReportDetail is a report: SQL aggregates plus the LLM narrative.
type ReportDetail struct {
	ReportSummary
	Product    ReportProduct    `json:"product"`
	Aggregates store.Aggregates `json:"aggregates"`
	Narrative  llm.ReportOutput `json:"narrative"`
}

type reportListOutput struct {
	Body struct {
		Items []ReportSummary `json:"items"`
	}
}

type reportIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type reportDocInput struct {
	ID       int64 `path:"id" minimum:"1"`
	Download bool  `query:"download" doc:"answer as an attachment to save instead of showing inline"`
}

type reportOutput struct {
	Body ReportDetail
}

// documentOutput is a non-JSON answer: a rendered document.
type documentOutput struct {
	ContentType           string `header:"Content-Type"`
	ContentDisposition    string `header:"Content-Disposition"`
	ContentSecurityPolicy string `header:"Content-Security-Policy"`
	Body                  []byte
}

// reportCSP lets a saved or shown HTML report use its inline styles and
// nothing else: no scripts, frames, forms or remote loads.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func documentResponse(contentType, description string) map[string]*huma.Response {
	return map[string]*huma.Response{"200": {
		Description: description,
		Content:     map[string]*huma.MediaType{contentType: {Schema: &huma.Schema{Type: "string"}}},
	}}
}

func (s *server) registerReportRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-reports",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/reports",
		Summary:     "A product's reports, newest first",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404},
	}, func(ctx context.Context, in *productIDInput) (*reportListOutput, error) {
		if _, err := store.ProductGet(ctx, s.Pool, in.ID); err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		rs, err := store.ReportList(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "reports", err)
		}
		out := &reportListOutput{}
		out.Body.Items = make([]ReportSummary, len(rs))
		for i, r := range rs {
			out.Body.Items[i] = reportSummary(r)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-report",
		Method:      http.MethodGet,
		Path:        "/api/v1/reports/{id}",
		Summary:     "A report: aggregates and narrative",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404},
	}, func(ctx context.Context, in *reportIDInput) (*reportOutput, error) {
		d, err := s.loadReport(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return &reportOutput{Body: ReportDetail{
			ReportSummary: reportSummary(d.Report),
			Product:       ReportProduct{ID: d.Product.ID, Marketplace: d.Product.Marketplace, ASIN: d.Product.ASIN, Title: d.Product.Title},
			Aggregates:    d.Agg,
			Narrative:     d.Narrative,
		}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-report-markdown",
		Method:      http.MethodGet,
		Path:        "/api/v1/reports/{id}/markdown",
		Summary:     "A report as a Markdown document",
		Description: "Review and model text is escaped so it renders as text: it cannot add HTML, links or table cells.",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404},
		Responses:   documentResponse("text/markdown", "The report in Markdown (CommonMark with GFM tables)"),
	}, func(ctx context.Context, in *reportDocInput) (*documentOutput, error) {
		d, err := s.loadReport(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return &documentOutput{
			ContentType:        "text/markdown; charset=utf-8",
			ContentDisposition: disposition(in.Download, reportFilename(d, "md")),
			Body:               renderMarkdown(d),
		}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-report-html",
		Method:      http.MethodGet,
		Path:        "/api/v1/reports/{id}/html",
		Summary:     "A report as a standalone HTML page",
		Description: "Self-contained (inline styles only, no scripts); served with a Content-Security-Policy that forbids anything else.",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404},
		Responses:   documentResponse("text/html", "The report as an HTML page"),
	}, func(ctx context.Context, in *reportDocInput) (*documentOutput, error) {
		d, err := s.loadReport(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		page, err := renderHTML(d)
		if err != nil {
			return nil, s.storeError(ctx, "report", err)
		}
		return &documentOutput{
			ContentType:           "text/html; charset=utf-8",
			ContentDisposition:    disposition(in.Download, reportFilename(d, "html")),
			ContentSecurityPolicy: reportCSP,
			Body:                  page,
		}, nil
	})
}

func reportSummary(r store.Report) ReportSummary {
	return ReportSummary{ID: r.ID, AnalysisID: r.AnalysisID, Kind: r.Kind, Coverage: r.Coverage, CreatedAt: r.CreatedAt}
}

// loadReport reads a report with its product and decodes its bodies. It
// returns problems: 404 for an unknown report, 500 otherwise.
func (s *server) loadReport(ctx context.Context, id int64) (reportDoc, error) {
	r, err := store.ReportGet(ctx, s.Pool, id)
	if err != nil {
		return reportDoc{}, s.storeError(ctx, "report", err)
	}
	p, err := store.ProductGet(ctx, s.Pool, r.ProductID)
	if err != nil {
		return reportDoc{}, s.storeError(ctx, "product of report", err)
	}
	d := reportDoc{Product: p, Report: r}
	if err := json.Unmarshal(r.Aggregates, &d.Agg); err != nil {
		return reportDoc{}, s.storeError(ctx, "report", fmt.Errorf("decode aggregates of report %d: %w", id, err))
	}
	if err := json.Unmarshal(r.Narrative, &d.Narrative); err != nil {
		return reportDoc{}, s.storeError(ctx, "report", fmt.Errorf("decode narrative of report %d: %w", id, err))
	}
	return d, nil
}

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func reportFilename(d reportDoc, ext string) string {
	return fmt.Sprintf("voc-report-%s-%s-%d-%s.%s", unsafeFilename.ReplaceAllString(d.Product.Marketplace, ""),
		unsafeFilename.ReplaceAllString(d.Product.ASIN, ""), d.Report.ID, unsafeFilename.ReplaceAllString(d.Report.Kind, ""), ext)
}

// disposition returns a Content-Disposition for a file name made of safe
// characters only.
func disposition(attachment bool, filename string) string {
	kind := "inline"
	if attachment {
		kind = "attachment"
	}
	return fmt.Sprintf(`%s; filename="%s"`, kind, filename)
}
