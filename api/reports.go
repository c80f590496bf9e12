package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/report"
	"github.com/voc-project/voc/store"
)

// ReportSummary is a report without its body.
type ReportSummary struct {
	ID         int64  `json:"id"`
	AnalysisID int64  `json:"analysis_id"`
	ProductID  int64  `json:"product_id"`
	Kind       string `json:"kind" enum:"preliminary,final,comprehensive,operations,product,supply_chain"`
	Status     string `json:"status" enum:"building,ready,failed" doc:"an on-demand report is building until its job stores it"`
	// Title and Audience describe the kind.
	Title     string    `json:"title"`
	Audience  string    `json:"audience"`
	Coverage  float64   `json:"coverage" doc:"share of the analysis's reviews with insights and themes done, 0–1"`
	CreatedAt time.Time `json:"created_at"`
}

// ReportProduct names the product a report is about.
type ReportProduct struct {
	ID          int64  `json:"id"`
	Marketplace string `json:"marketplace"`
	ASIN        string `json:"asin"`
	Title       string `json:"title"`
}

// ReportDetail is a report: aggregates computed from the data plus the
// checked narrative. Both are absent while the report is building.
type ReportDetail struct {
	ReportSummary
	Product    ReportProduct      `json:"product"`
	Sections   []string           `json:"sections" doc:"the kind's sections, in order"`
	Aggregates *report.Aggregates `json:"aggregates,omitempty"`
	Narrative  *report.Narrative  `json:"narrative,omitempty"`
}

type reportListOutput struct {
	Body struct {
		Items []ReportSummary `json:"items"`
	}
}

type reportIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type reportOutput struct {
	Body ReportDetail
}

// serverBase captures the base URL the request came to, for links that
// must be absolute (PDF, share URLs).
type serverBase struct {
	base string
}

// Resolve implements huma.Resolver.
func (b *serverBase) Resolve(ctx huma.Context) []error {
	scheme := "http"
	if ctx.TLS() != nil || strings.EqualFold(ctx.Header("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	b.base = scheme + "://" + ctx.Host()
	return nil
}

type reportDocInput struct {
	serverBase
	ID       int64 `path:"id" minimum:"1"`
	Download bool  `query:"download" doc:"answer as an attachment to save instead of showing inline"`
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

type requestReportInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"analysis id"`
	Body struct {
		Kind string `json:"kind" enum:"comprehensive,operations,product,supply_chain" doc:"comprehensive: leadership; operations: marketing and customer service; product: product and R&D; supply_chain: factory and QC"`
	}
}

type requestReportOutput struct {
	Status int
	Body   ReportSummary
}

func (s *server) registerReportRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID:   "request-report",
		Method:        http.MethodPost,
		Path:          "/api/v1/analyses/{id}/reports",
		Summary:       "Build a role report of an analysis",
		Description:   "Queues a report job on the reports queue and answers 202 with the report in state building; poll GET /api/v1/reports/{id} until its status is ready. Preliminary and final reports are built automatically.",
		Tags:          []string{"reports"},
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{401, 404, 422},
	}, func(ctx context.Context, in *requestReportInput) (*requestReportOutput, error) {
		a, err := store.AnalysisGet(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "analysis", err)
		}
		if a.Kind == store.AnalysisTranslateOnly {
			return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("analysis %d only translates: it has no insights to report on", a.ID))
		}
		var r store.Report
		err = store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			r, err = jobs.RequestReport(ctx, tx, s.River, a, in.Body.Kind)
			return err
		})
		if err != nil {
			return nil, s.storeError(ctx, "report", err)
		}
		return &requestReportOutput{Status: http.StatusAccepted, Body: reportSummary(r)}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "list-reports",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/reports",
		Summary:     "A product's reports of every kind and state, newest first",
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
		Summary:     "A report: aggregates and checked narrative (none while it is building)",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404},
	}, func(ctx context.Context, in *reportIDInput) (*reportOutput, error) {
		d, err := report.Load(ctx, s.Pool, in.ID)
		if errors.Is(err, report.ErrNotReady) {
			return &reportOutput{Body: ReportDetail{ReportSummary: reportSummary(d.Report), Product: ReportProduct{ID: d.Report.ProductID},
				Sections: sections(d.Report.Kind)}}, nil
		}
		if err != nil {
			return nil, s.storeError(ctx, "report", err)
		}
		return &reportOutput{Body: ReportDetail{
			ReportSummary: reportSummary(d.Report),
			Product:       ReportProduct{ID: d.Product.ID, Marketplace: d.Product.Marketplace, ASIN: d.Product.ASIN, Title: d.Product.Title},
			Sections:      sections(d.Report.Kind),
			Aggregates:    &d.Agg,
			Narrative:     &d.Narrative,
		}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID:   "delete-report",
		Method:        http.MethodDelete,
		Path:          "/api/v1/reports/{id}",
		Summary:       "Delete a report and its share links",
		Tags:          []string{"reports"},
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{401, 404},
	}, func(ctx context.Context, in *reportIDInput) (*struct{}, error) {
		if err := store.ReportDelete(ctx, s.Pool, in.ID); err != nil {
			return nil, s.storeError(ctx, "report", err)
		}
		return nil, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-report-markdown",
		Method:      http.MethodGet,
		Path:        "/api/v1/reports/{id}/markdown",
		Summary:     "A report as a Markdown document",
		Description: "Review and model text is escaped so it renders as text: it cannot add HTML, links or table cells. Every cited review links to /reviews/{id}?quote=… on this server.",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404, 409},
		Responses:   documentResponse("text/markdown", "The report in Markdown (CommonMark with GFM tables)"),
	}, func(ctx context.Context, in *reportDocInput) (*documentOutput, error) {
		d, err := s.readyReport(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return &documentOutput{
			ContentType:        "text/markdown; charset=utf-8",
			ContentDisposition: disposition(in.Download, d.Filename("md")),
			Body:               report.Markdown(d, report.Links{Base: in.base, Enabled: true}),
		}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-report-html",
		Method:      http.MethodGet,
		Path:        "/api/v1/reports/{id}/html",
		Summary:     "A report as a standalone HTML page",
		Description: "Self-contained (inline styles only, no scripts); served with a Content-Security-Policy that forbids anything else. Every cited review links to /reviews/{id}?quote=… on this server.",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404, 409},
		Responses:   documentResponse("text/html", "The report as an HTML page"),
	}, func(ctx context.Context, in *reportDocInput) (*documentOutput, error) {
		d, err := s.readyReport(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		page, err := report.HTML(d, report.Links{Base: in.base, Enabled: true})
		if err != nil {
			return nil, s.storeError(ctx, "report", err)
		}
		return &documentOutput{
			ContentType:           "text/html; charset=utf-8",
			ContentDisposition:    disposition(in.Download, d.Filename("html")),
			ContentSecurityPolicy: reportCSP,
			Body:                  page,
		}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-report-pdf",
		Method:      http.MethodGet,
		Path:        "/api/v1/reports/{id}/pdf",
		Summary:     "A report as a PDF, rendered on the server",
		Description: "Charts are vector graphics; every page is numbered and names the product and the coverage; every cited review links to /reviews/{id}?quote=… on this server. 409 while the report is building.",
		Tags:        []string{"reports"},
		Errors:      []int{401, 404, 409},
		Responses: map[string]*huma.Response{"200": {
			Description: "The report as a PDF",
			Content:     map[string]*huma.MediaType{"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}},
		}},
	}, func(ctx context.Context, in *reportDocInput) (*documentOutput, error) {
		d, err := s.readyReport(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		pdf, err := report.PDF(d, report.Links{Base: in.base, Enabled: true})
		if err != nil {
			return nil, s.storeError(ctx, "report", err)
		}
		return &documentOutput{
			ContentType:        "application/pdf",
			ContentDisposition: disposition(in.Download, d.Filename("pdf")),
			Body:               pdf,
		}, nil
	})
	s.registerShareRoutes(api)
}

func sections(kind string) []string {
	k, ok := report.KindOf(kind)
	if !ok {
		return []string{}
	}
	return k.Sections
}

func reportSummary(r store.Report) ReportSummary {
	k, _ := report.KindOf(r.Kind)
	return ReportSummary{ID: r.ID, AnalysisID: r.AnalysisID, ProductID: r.ProductID, Kind: r.Kind, Status: r.Status,
		Title: k.Title, Audience: k.Audience, Coverage: r.Coverage, CreatedAt: r.CreatedAt}
}

// readyReport loads a report to render. It returns problems: 404 for an
// unknown report, 409 for one still building or that failed, 500
// otherwise.
func (s *server) readyReport(ctx context.Context, id int64) (report.Document, error) {
	d, err := report.Load(ctx, s.Pool, id)
	if errors.Is(err, report.ErrNotReady) {
		if d.Report.Status == store.ReportFailed {
			return d, huma.Error409Conflict(fmt.Sprintf("report %d failed to build: %s; delete it and ask for a new one", id, d.Report.Error))
		}
		return d, huma.Error409Conflict(fmt.Sprintf("report %d is still being built; retry when GET /api/v1/reports/%d says status ready", id, id))
	}
	if err != nil {
		return d, s.storeError(ctx, "report", err)
	}
	return d, nil
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
