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

	"github.com/voc-project/voc/comparison"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/report"
	"github.com/voc-project/voc/store"
)

type comparisonCreateInput struct {
	Body struct {
		Name       string  `json:"name" minLength:"1" maxLength:"200"`
		ProductIDs []int64 `json:"product_ids" minItems:"2" maxItems:"10" doc:"2–10 distinct products, each with a learned model"`
	}
}

type comparisonIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type comparisonDocInput struct {
	ID       int64 `path:"id" minimum:"1"`
	Download bool  `query:"download"`
}

type comparisonPDFInput struct {
	serverBase
	ID       int64 `path:"id" minimum:"1"`
	Download bool  `query:"download" doc:"answer as an attachment to save instead of showing inline"`
}

type alignmentPatchInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Groups []store.AlignGroup `json:"groups" maxItems:"1000" doc:"the whole corrected alignment: each group lists dimensions of the compared products that mean the same thing"`
	}
}

type comparisonOutput struct {
	Status int
	Body   comparison.View
}

type comparisonListOutput struct {
	Body struct {
		Items []store.Comparison `json:"items"`
	}
}

// loadComparisonProducts reads the compared products' numbers.
func (s *server) loadComparisonProducts(ctx context.Context, ids []int64) ([]comparison.Product, error) {
	out := make([]comparison.Product, 0, len(ids))
	for _, id := range ids {
		p, err := store.ProductGet(ctx, s.Pool, id)
		if err != nil {
			return nil, fmt.Errorf("product %d: %w", id, err)
		}
		cp := comparison.Product{ID: p.ID, Marketplace: p.Marketplace, ASIN: p.ASIN, Title: p.Title, TargetLanguage: p.TargetLanguage}
		if cp.ProductOverview, err = store.ProductOverviewGet(ctx, s.Pool, id); err != nil {
			return nil, err
		}
		if cp.Dimensions, err = store.ProductDimensionCells(ctx, s.Pool, id, 2); err != nil {
			return nil, err
		}
		if cp.Labels, err = store.ProductLabelShares(ctx, s.Pool, id); err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, nil
}

// alignTimeout bounds the alignment call a comparison's creation waits
// for; past it the comparison is aligned offline.
const alignTimeout = 60 * time.Second

// Alignment notes, stored with the comparison and shown with it.
const (
	noteOffline         = "aligned by concept and normalised name"
	noteOfflineNoLLM    = noteOffline + " (no language model is configured)"
	noteOfflineFallback = noteOffline + " (the language model could not align them: "
)

// alignComparison aligns the products' dimensions by meaning: with one call
// to the language model, through its limiter, answer cache and schema
// validation, when one is configured; otherwise, or when the call fails,
// offline. It returns the groups, their source (llm or offline) and a note
// saying how they were made. It happens outside any transaction.
func (s *server) alignComparison(ctx context.Context, ps []comparison.Product) (groups []store.AlignGroup, source, note string) {
	al, ok := llm.AlignerOf(s.LLM)
	if !ok {
		return comparison.AlignOffline(ps), "offline", noteOfflineNoLLM
	}
	lang := "en"
	if len(ps) > 0 && ps[0].TargetLanguage != "" {
		lang = ps[0].TargetLanguage
	}
	actx, cancel := context.WithTimeout(ctx, alignTimeout)
	defer cancel()
	out, usage, err := al.Align(actx, comparison.AlignInput(ps, lang))
	if err == nil {
		groups = comparison.FromLLM(out, ps, "llm")
		if len(groups) == 0 {
			err = errors.New("the answer grouped no dimension")
		}
	}
	if err != nil {
		s.Log.WarnContext(ctx, "align comparison with the llm; aligned offline instead", "error", err)
		reason := "the call failed"
		if _, ok := llm.AsRateLimit(err); ok {
			reason = "it was rate limited"
		} else if llm.IsInvalidOutput(err) {
			reason = "its answer was invalid"
		}
		return comparison.AlignOffline(ps), "offline", noteOfflineFallback + reason + ")"
	}
	note = "aligned by meaning by the language model " + s.LLM.Model()
	if usage.CacheHit {
		note += " (answer from the cache)"
	}
	return groups, "llm", note
}

func (s *server) comparisonView(ctx context.Context, id int64) (comparison.View, error) {
	c, ps, err := s.loadComparison(ctx, id)
	if err != nil {
		return comparison.View{}, err
	}
	return comparison.Build(c, ps), nil
}

// loadComparison reads a comparison and its products' numbers; errors are
// problems to answer with.
func (s *server) loadComparison(ctx context.Context, id int64) (store.Comparison, []comparison.Product, error) {
	c, err := store.ComparisonGet(ctx, s.Pool, id)
	if err != nil {
		return c, nil, s.storeError(ctx, "comparison", err)
	}
	ps, err := s.loadComparisonProducts(ctx, c.ProductIDs)
	if err != nil {
		return c, nil, s.storeError(ctx, "comparison", err)
	}
	return c, ps, nil
}

// setAlignment stores c's new alignment, audits it as action, and answers
// the comparison. The products' numbers do not change with the alignment,
// so ps is not read again.
func (s *server) setAlignment(ctx context.Context, c store.Comparison, ps []comparison.Product, groups []store.AlignGroup, source, note, action string, details map[string]any) (*comparisonOutput, error) {
	if err := store.ComparisonSetAlignment(ctx, s.Pool, c.ID, groups, source, note); err != nil {
		return nil, s.storeError(ctx, "comparison", err)
	}
	auditAs(ctx, action, fmt.Sprintf("comparison %d", c.ID), details)
	c, err := store.ComparisonGet(ctx, s.Pool, c.ID)
	if err != nil {
		return nil, s.storeError(ctx, "comparison", err)
	}
	return &comparisonOutput{Status: http.StatusOK, Body: comparison.Build(c, ps)}, nil
}

// createComparison validates and creates a comparison of products ids named
// name, aligning their dimensions (alignComparison), and returns its view.
// field names the request's list of products in a 422, and suffix the
// field of an item that holds the id ("" when the items are the ids). It returns a 422 for a
// bad name, count, duplicate or unknown product, a 409 for a product
// without a model, or a store error.
func (s *server) createComparison(ctx context.Context, name string, ids []int64, field, suffix string) (comparison.View, error) {
	at := func(i int) string { return fmt.Sprintf("%s[%d]%s", field, i, suffix) }
	name = strings.TrimSpace(name)
	var errs []error
	if name == "" {
		errs = append(errs, &huma.ErrorDetail{Location: "body.name", Message: "name is empty"})
	}
	n := len(ids)
	if n < comparison.MinProducts || n > comparison.MaxProducts {
		errs = append(errs, &huma.ErrorDetail{Location: field, Message: fmt.Sprintf("compare 2 to 10 products, not %d", n), Value: n})
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		if seen[id] {
			errs = append(errs, &huma.ErrorDetail{Location: at(i), Message: fmt.Sprintf("product %d is listed twice", id), Value: id})
		}
		seen[id] = true
	}
	if len(errs) > 0 {
		return comparison.View{}, huma.Error422UnprocessableEntity("invalid comparison", errs...)
	}
	var noModel []string
	for i, id := range ids {
		p, err := store.ProductGet(ctx, s.Pool, id)
		if errors.Is(err, store.ErrNotFound) {
			errs = append(errs, &huma.ErrorDetail{Location: at(i), Message: fmt.Sprintf("no product has id %d", id), Value: id})
			continue
		}
		if err != nil {
			return comparison.View{}, s.storeError(ctx, "product", err)
		}
		if p.ModelVersion == 0 {
			noModel = append(noModel, fmt.Sprintf("%d (%s/%s)", p.ID, p.Marketplace, p.ASIN))
		}
	}
	if len(errs) > 0 {
		return comparison.View{}, huma.Error422UnprocessableEntity("invalid comparison", errs...)
	}
	if len(noModel) > 0 {
		return comparison.View{}, huma.Error409Conflict("these products have no model yet; analyse them first: " + strings.Join(noModel, ", "))
	}
	ps, err := s.loadComparisonProducts(ctx, ids)
	if err != nil {
		return comparison.View{}, s.storeError(ctx, "comparison", err)
	}
	groups, source, note := s.alignComparison(ctx, ps)
	var createdBy *int64
	if id, ok := identityFrom(ctx); ok {
		createdBy = id.UserID
	}
	var cid int64
	err = store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		var err error
		cid, err = store.ComparisonCreate(ctx, tx, name, createdBy, ids, groups, source, note)
		return err
	})
	if err != nil {
		return comparison.View{}, s.storeError(ctx, "comparison", err)
	}
	auditAs(ctx, "comparison.create", fmt.Sprintf("comparison %d", cid), map[string]any{"product_ids": ids, "alignment_source": source})
	return s.comparisonView(ctx, cid)
}

func (s *server) registerComparisonRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "create-comparison",
		Method:      http.MethodPost,
		Path:        "/api/v1/comparisons",
		Summary:     "Compare 2–10 products",
		Description: "Aligns the products' dimensions by meaning — with one call to the configured language model (validated against its schema, " +
			"cached), else, or when that call fails, offline (the seed concept a name refers to in any language, else its normalised name) — " +
			"stores the alignment with the comparison, so reading it again makes no call, " +
			"and answers the comparison (as GET /api/v1/comparisons/{id}). `alignment_source` and `alignment_note` say how it was aligned. " +
			"Each product needs a learned model (409 otherwise).",
		Tags:          []string{"comparisons"},
		DefaultStatus: http.StatusCreated,
		Errors:        []int{401, 403, 409, 422},
	}, func(ctx context.Context, in *comparisonCreateInput) (*comparisonOutput, error) {
		v, err := s.createComparison(ctx, in.Body.Name, in.Body.ProductIDs, "body.product_ids", "")
		if err != nil {
			return nil, err
		}
		return &comparisonOutput{Status: http.StatusCreated, Body: v}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "list-comparisons", Method: http.MethodGet, Path: "/api/v1/comparisons",
		Summary: "Comparisons, newest first", Tags: []string{"comparisons"}, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*comparisonListOutput, error) {
		cs, err := store.ComparisonList(ctx, s.Pool, 200)
		if err != nil {
			return nil, s.storeError(ctx, "comparisons", err)
		}
		out := &comparisonListOutput{}
		out.Body.Items = cs
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-comparison", Method: http.MethodGet, Path: "/api/v1/comparisons/{id}",
		Summary: "A comparison: per product reviews, rating distribution and sentiment share; the matrix of aligned dimensions × products " +
			"(volume, net sentiment, impact per cell, with evidence); the 5W differences; and the alignment",
		Description: "Impact is (positive − negative insights) / the product's reviews. Excluded reviews count nowhere.",
		Tags:        []string{"comparisons"}, Errors: []int{401, 404},
	}, func(ctx context.Context, in *comparisonIDInput) (*comparisonOutput, error) {
		v, err := s.comparisonView(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return &comparisonOutput{Status: http.StatusOK, Body: v}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "correct-comparison-alignment", Method: http.MethodPatch, Path: "/api/v1/comparisons/{id}/alignment",
		Summary: "Correct the alignment of dimensions; the correction persists",
		Description: "Send the whole alignment: `{\"groups\": [{\"name\", \"kind\", \"members\": [{\"product_id\", \"dimension_id\"}]}]}`. " +
			"Each dimension may be in one group; dimensions in no group are shown alone. The source becomes `edited`.",
		Tags: []string{"comparisons"}, Errors: []int{401, 403, 404, 422},
	}, func(ctx context.Context, in *alignmentPatchInput) (*comparisonOutput, error) {
		c, ps, err := s.loadComparison(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		groups, err := comparison.Validate(in.Body.Groups, ps)
		var ve *comparison.ValidationError
		if errors.As(err, &ve) {
			details := make([]error, len(ve.Problems))
			for i, p := range ve.Problems {
				details[i] = &huma.ErrorDetail{Location: "body", Message: p}
			}
			return nil, huma.Error422UnprocessableEntity("invalid alignment", details...)
		}
		return s.setAlignment(ctx, c, ps, groups, "edited", "corrected by an analyst", "comparison.align", map[string]any{"groups": len(groups)})
	})
	huma.Register(api, huma.Operation{
		OperationID: "realign-comparison", Method: http.MethodPost, Path: "/api/v1/comparisons/{id}/alignment/realign",
		Summary: "Align the comparison's dimensions again, as its creation does; replaces the stored alignment",
		Description: "Re-runs the alignment exactly as creating the comparison does: one call to the configured language model " +
			"(through its limiter, answer cache and schema validation, so a cached answer costs no call), else, or when that call fails, offline. " +
			"Use it to ask the model again after an offline fallback, or to go back to the model's alignment. " +
			"The result replaces the stored alignment: **an analyst's correction (source `edited`) is discarded**. " +
			"`alignment_source` and `alignment_note` say how it was aligned. Answers the comparison as GET /api/v1/comparisons/{id}.",
		Tags: []string{"comparisons"}, Errors: []int{401, 403, 404},
	}, func(ctx context.Context, in *comparisonIDInput) (*comparisonOutput, error) {
		c, ps, err := s.loadComparison(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		groups, source, note := s.alignComparison(ctx, ps)
		return s.setAlignment(ctx, c, ps, groups, source, note, "comparison.realign",
			map[string]any{"groups": len(groups), "alignment_source": source, "previous_source": c.AlignmentSource})
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-comparison-markdown", Method: http.MethodGet, Path: "/api/v1/comparisons/{id}/markdown",
		Summary: "The comparison report in Markdown, citing evidence from every product", Tags: []string{"comparisons"},
		Errors: []int{401, 404}, Responses: documentResponse("text/markdown", "The comparison report in Markdown"),
	}, func(ctx context.Context, in *comparisonDocInput) (*documentOutput, error) {
		v, err := s.comparisonView(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return &documentOutput{ContentType: "text/markdown; charset=utf-8",
			ContentDisposition: disposition(in.Download, fmt.Sprintf("voc-comparison-%d.md", v.ID)), Body: comparison.Markdown(v)}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-comparison-html", Method: http.MethodGet, Path: "/api/v1/comparisons/{id}/html",
		Summary: "The comparison report as a standalone HTML page", Tags: []string{"comparisons"},
		Errors: []int{401, 404}, Responses: documentResponse("text/html", "The comparison report as an HTML page"),
	}, func(ctx context.Context, in *comparisonDocInput) (*documentOutput, error) {
		v, err := s.comparisonView(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		page, err := comparison.HTML(v)
		if err != nil {
			return nil, s.storeError(ctx, "comparison", err)
		}
		return &documentOutput{ContentType: "text/html; charset=utf-8", ContentSecurityPolicy: reportCSP,
			ContentDisposition: disposition(in.Download, fmt.Sprintf("voc-comparison-%d.html", v.ID)), Body: page}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-comparison-pdf", Method: http.MethodGet, Path: "/api/v1/comparisons/{id}/pdf",
		Summary: "The comparison report as a PDF, rendered on the server, citing evidence from every product",
		Description: "The products, the alignment and how it was made, the matrix of aligned dimensions × products, evidence quoted from every product " +
			"(each citation links to /reviews/{id}?quote=… on this server), and the 5W differences. Chinese, Japanese and Korean text is set in a CJK font.",
		Tags: []string{"comparisons"}, Errors: []int{401, 404},
		Responses: map[string]*huma.Response{"200": {
			Description: "The comparison report as a PDF",
			Content:     map[string]*huma.MediaType{"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}},
		}},
	}, func(ctx context.Context, in *comparisonPDFInput) (*documentOutput, error) {
		v, err := s.comparisonView(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		pdf, err := report.ComparisonPDF(v, report.Links{Base: in.base, Enabled: true})
		if err != nil {
			return nil, s.storeError(ctx, "comparison", err)
		}
		return &documentOutput{ContentType: "application/pdf",
			ContentDisposition: disposition(in.Download, fmt.Sprintf("voc-comparison-%d.pdf", v.ID)), Body: pdf}, nil
	})
}
