package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/voc-project/voc"

	"github.com/danielgtaylor/huma/v2"

	"github.com/voc-project/voc/store"
)

// ProductList is one page of products.
type ProductList struct {
	Items  []store.Product `json:"items"`
	Total  int64           `json:"total"`
	Limit  int             `json:"limit"`
	Offset int             `json:"offset"`
}

// ProductDetail is a product with the state of its model and latest
// analysis.
type ProductDetail struct {
	store.Product
	LatestAnalysisID     *int64 `json:"latest_analysis_id" doc:"null before the first analysis"`
	LatestAnalysisKind   string `json:"latest_analysis_kind,omitempty"`
	LatestAnalysisStatus string `json:"latest_analysis_status,omitempty" enum:"running,done,failed"`
	LatestReportID       *int64 `json:"latest_report_id" doc:"the newest report of any analysis; null before the first"`
}

// ReviewList is one page of a product's reviews.
type ReviewList struct {
	Items      []store.ReviewDetail `json:"items"`
	Total      int64                `json:"total" doc:"reviews matching the filters, over all pages"`
	Limit      int                  `json:"limit"`
	Offset     int                  `json:"offset"`
	NextCursor string               `json:"next_cursor,omitempty" doc:"pass as cursor for the next page; absent on the last page"`
}

type productListInput struct {
	Limit  int `query:"limit" default:"50" minimum:"1" maximum:"500"`
	Offset int `query:"offset" default:"0" minimum:"0" maximum:"2147483647"`
}

type productListOutput struct {
	Body ProductList
}

type productDetailOutput struct {
	Body ProductDetail
}

type reviewListInput struct {
	ID          int64    `path:"id" minimum:"1"`
	IDs         []string `query:"ids,explode" doc:"review ids (a report's citations, say); repeatable or comma list, at most 50"`
	Rating      []string `query:"rating,explode" doc:"star ratings 1–5; repeat the parameter or give a comma list"`
	Sentiment   []string `query:"sentiment,explode" doc:"overall review sentiment: positive, neutral, negative; repeatable or comma list"`
	Language    []string `query:"language,explode" doc:"detected language codes such as en, de, zh (und: undetermined); repeatable or comma list"`
	Dimension   []string `query:"dimension,explode" doc:"dimension name or id; reviews with an insight on it; repeatable"`
	InsightType string   `query:"insight_type" doc:"strength, weakness, suggestion, scenario or emotion: only insights of this type count for dimension (alone: reviews with such an insight)"`
	Label       []string `query:"label,explode" doc:"5W label name or id; reviews with a tag on it; repeatable"`
	LabelType   string   `query:"label_type" doc:"buyer, user, where, when, why or what: only tags of this type count for label (alone: reviews with such a tag)"`
	Limit       int      `query:"limit" default:"50" minimum:"1" maximum:"500"`
	Offset      int      `query:"offset" default:"0" minimum:"0" maximum:"2147483647" doc:"rows to skip; not with cursor"`
	Cursor      string   `query:"cursor" doc:"next_cursor of the previous page"`
}

type reviewListOutput struct {
	Body ReviewList
}

func (s *server) registerProductRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-products",
		Method:      http.MethodGet,
		Path:        "/api/v1/products",
		Summary:     "List products, newest first, with review counts",
		Tags:        []string{"products"},
		Errors:      []int{401, 422},
	}, func(ctx context.Context, in *productListInput) (*productListOutput, error) {
		items, err := store.ProductList(ctx, s.Pool, in.Limit, in.Offset)
		if err != nil {
			return nil, s.storeError(ctx, "products", err)
		}
		total, err := store.ProductCount(ctx, s.Pool)
		if err != nil {
			return nil, s.storeError(ctx, "products", err)
		}
		return &productListOutput{Body: ProductList{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-product",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}",
		Summary:     "A product with its review count, model version, latest analysis and latest report",
		Description: "`id` is the product's numeric id, or an ASIN (what the browser extension sends): an ASIN finds its product when it is unique " +
			"across marketplaces or `marketplace` is given; 409 with `candidates` when several marketplaces have it. " +
			"An all-digit id is a product id first; a 10-digit one that no product has is tried as an ASIN (books).",
		Tags:   []string{"products"},
		Errors: []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *productRefInput) (*productDetailOutput, error) {
		p, err := s.productByRef(ctx, in.ID, in.Marketplace)
		if err != nil {
			return nil, err
		}
		if p.ReviewCount, err = store.ProductReviewCount(ctx, s.Pool, p.ID); err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		d := ProductDetail{Product: p}
		a, err := store.AnalysisLatest(ctx, s.Pool, p.ID)
		switch {
		case err == nil:
			d.LatestAnalysisID, d.LatestAnalysisKind, d.LatestAnalysisStatus = &a.ID, a.Kind, a.Status
		case !errors.Is(err, store.ErrNotFound):
			return nil, s.storeError(ctx, "analysis of product", err)
		}
		reports, err := store.ReportList(ctx, s.Pool, p.ID)
		if err != nil {
			return nil, s.storeError(ctx, "reports of product", err)
		}
		if len(reports) > 0 {
			d.LatestReportID = &reports[0].ID
		}
		return &productDetailOutput{Body: d}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "delete-product",
		Method:      http.MethodDelete,
		Path:        "/api/v1/products/{id}",
		Summary:     "Delete a product that has no reviews",
		Description: "For the empty product a failed first upload leaves behind. The product goes with its uploads " +
			"(and their rejected rows), model, analyses and reports. 409 while it has reviews, or an upload that is " +
			"still waiting for or in ingestion. Recorded in the audit log.",
		Tags:          []string{"products"},
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{401, 403, 404, 409},
	}, func(ctx context.Context, in *productIDInput) (*struct{}, error) {
		p, err := store.ProductDeleteEmpty(ctx, s.Pool, in.ID)
		if ne := (*store.ProductNotEmptyError)(nil); errors.As(err, &ne) {
			if ne.Reviews > 0 {
				return nil, huma.Error409Conflict(fmt.Sprintf("product %d has %d reviews; only a product without reviews can be deleted", in.ID, ne.Reviews))
			}
			return nil, huma.Error409Conflict(fmt.Sprintf("product %d has %d uploads still waiting for or in ingestion; wait until they finish (GET /api/v1/products/%d/uploads), then delete it if it is still empty", in.ID, ne.UploadsInFlight, in.ID))
		}
		if err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		auditAs(ctx, "product.delete", fmt.Sprintf("product %d", p.ID),
			map[string]any{"marketplace": p.Marketplace, "asin": p.ASIN, "title": p.Title})
		return nil, nil
	})
}

func (s *server) registerReviewRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-reviews",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/reviews",
		Summary:     "A product's reviews with translation, sentiment, insights and 5W tags, filtered and paginated",
		Description: "Reviews come in id order. Values within one filter are alternatives (OR); different filters combine " +
			"with AND. `dimension` and `label` take a name or a numeric id. Page with `cursor` (the previous page's " +
			"`next_cursor`; stable while reviews are added) or with `offset`, not both. `total` counts every matching review.",
		Tags:   []string{"reviews"},
		Errors: []int{401, 404, 422},
	}, func(ctx context.Context, in *reviewListInput) (*reviewListOutput, error) {
		f, page, err := parseReviewQuery(in)
		if err != nil {
			return nil, err
		}
		if _, err := store.ProductGet(ctx, s.Pool, in.ID); err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		res, err := store.ReviewList(ctx, s.Pool, in.ID, f, page)
		if err != nil {
			return nil, s.storeError(ctx, "reviews", err)
		}
		out := ReviewList{Items: res.Reviews, Total: res.Total, Limit: page.Limit, Offset: page.Offset}
		if res.HasMore && len(res.Reviews) > 0 {
			out.NextCursor = encodeCursor(res.Reviews[len(res.Reviews)-1].ID)
		}
		return &reviewListOutput{Body: out}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-review",
		Method:      http.MethodGet,
		Path:        "/api/v1/reviews/{id}",
		Summary:     "One review with its translation, insights, 5W tags, product and upload",
		Description: "The page a report citation leads to. Reports link \"review #N\" to the web UI's `/reviews/N?quote=…`, " +
			"which shows this review with the cited quote (an insight's or tag's verbatim `quote`) highlighted. " +
			"`translated` is true when the review is in another language than the product's target language and " +
			"a translation is stored.",
		Tags:   []string{"reviews"},
		Errors: []int{401, 404, 422},
	}, func(ctx context.Context, in *reviewGetInput) (*reviewGetOutput, error) {
		r, err := store.ReviewGet(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "review", err)
		}
		return &reviewGetOutput{Body: r}, nil
	})
}

type reviewGetInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type reviewGetOutput struct {
	Body store.ReviewFull
}

// maxFilterValues bounds each multi-valued filter.
const maxFilterValues = 50

var (
	sentiments   = []string{voc.Positive, voc.Neutral, voc.Negative}
	insightTypes = []string{voc.InsightStrength, voc.InsightWeakness, voc.InsightSuggestion, voc.InsightScenario, voc.InsightEmotion}
)

// splitValues flattens repeated and comma-separated values, trimming
// spaces and dropping empties.
func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// parseReviewQuery validates the review list's query parameters. Every
// problem is reported in one 422, each naming its parameter.
func parseReviewQuery(in *reviewListInput) (store.ReviewFilter, store.Page, error) {
	var f store.ReviewFilter
	var errs []error
	bad := func(param, msg string, value any) {
		errs = append(errs, &huma.ErrorDetail{Location: "query." + param, Message: msg, Value: value})
	}
	tooMany := func(param string, vs []string) bool {
		if len(vs) > maxFilterValues {
			bad(param, fmt.Sprintf("at most %d values", maxFilterValues), len(vs))
			return true
		}
		return false
	}

	if vs := splitValues(in.IDs); !tooMany("ids", vs) {
		for _, v := range vs {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id < 1 {
				bad("ids", "ids must be review ids: whole numbers from 1", v)
				continue
			}
			if !slices.Contains(f.IDs, id) {
				f.IDs = append(f.IDs, id)
			}
		}
	}
	if vs := splitValues(in.Rating); !tooMany("rating", vs) {
		for _, v := range vs {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 5 {
				bad("rating", "rating must be a whole number from 1 to 5", v)
				continue
			}
			if !slices.Contains(f.Ratings, n) {
				f.Ratings = append(f.Ratings, n)
			}
		}
	}
	if vs := splitValues(in.Sentiment); !tooMany("sentiment", vs) {
		for _, v := range vs {
			v = strings.ToLower(v)
			if !slices.Contains(sentiments, v) {
				bad("sentiment", "sentiment must be positive, neutral or negative", v)
				continue
			}
			f.Sentiments = append(f.Sentiments, v)
		}
	}
	if vs := splitValues(in.Language); !tooMany("language", vs) {
		for _, v := range vs {
			if v != "und" && !languageRe.MatchString(v) {
				bad("language", "language must be a code such as en, de or zh-TW (und: undetermined)", v)
				continue
			}
			f.Languages = append(f.Languages, v)
		}
	}
	nameOrID := func(param string, raw []string) (ids []int64, names []string) {
		vs := splitValues(raw)
		if tooMany(param, vs) {
			return nil, nil
		}
		for _, v := range vs {
			if utf8.RuneCountInString(v) > 200 {
				bad(param, param+" must be a name or id of at most 200 characters", v)
				continue
			}
			// A number is an id, and also a name in case a model names a
			// dimension "2024".
			if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
				ids = append(ids, id)
			}
			names = append(names, v)
		}
		return ids, names
	}
	f.DimensionIDs, f.DimensionNames = nameOrID("dimension", in.Dimension)
	f.LabelIDs, f.LabelNames = nameOrID("label", in.Label)
	if v := strings.ToLower(strings.TrimSpace(in.InsightType)); v != "" {
		if !slices.Contains(insightTypes, v) {
			bad("insight_type", "insight_type must be strength, weakness, suggestion, scenario or emotion", in.InsightType)
		}
		f.InsightType = v
	}
	if v := strings.ToLower(strings.TrimSpace(in.LabelType)); v != "" {
		if !slices.Contains(voc.WTypes, v) {
			bad("label_type", "label_type must be buyer, user, where, when, why or what", in.LabelType)
		}
		f.LabelType = v
	}

	page := store.Page{Limit: in.Limit, Offset: in.Offset}
	if page.Limit == 0 {
		page.Limit = 50
	}
	if page.Limit < 1 || page.Limit > 500 {
		bad("limit", "limit must be from 1 to 500", in.Limit)
	}
	if page.Offset < 0 {
		bad("offset", "offset must not be negative", in.Offset)
	}
	if in.Cursor != "" {
		id, ok := decodeCursor(in.Cursor)
		switch {
		case !ok:
			bad("cursor", "cursor must be the next_cursor of a previous page", in.Cursor)
		case page.Offset != 0:
			bad("cursor", "use either cursor or offset, not both", in.Cursor)
		default:
			page.AfterID = id
		}
	}
	if len(errs) > 0 {
		return store.ReviewFilter{}, store.Page{}, huma.Error422UnprocessableEntity("invalid review filter", errs...)
	}
	return f, page, nil
}

// Cursors are opaque to clients; today they are the last review id of the
// page, prefixed so a future format can be told apart.
const cursorPrefix = "r"

func encodeCursor(lastID int64) string { return cursorPrefix + strconv.FormatInt(lastID, 10) }

func decodeCursor(c string) (int64, bool) {
	rest, ok := strings.CutPrefix(c, cursorPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || id < 1 {
		return 0, false
	}
	return id, true
}
