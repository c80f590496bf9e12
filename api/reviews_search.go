package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store"
)

// The review reader's search, its filtered export and the product
// dashboard. All three read one filter (ReviewSearchFilter), so a count on the
// dashboard is what the reader lists and what the export holds.

// ReviewSearchResult is one page of a review search.
type ReviewSearchResult struct {
	Items      []store.ReviewDetail `json:"items"`
	Total      int64                `json:"total" doc:"reviews matching the filters, over all pages"`
	Limit      int                  `json:"limit"`
	Sort       string               `json:"sort"`
	NextCursor string               `json:"next_cursor,omitempty" doc:"pass as cursor for the next page; absent on the last page"`
}

// ReviewSearchFilter is the query of the search, the export and the
// dashboard. It is exported only so that huma reads its fields where it is
// embedded.
type ReviewSearchFilter struct {
	ID               int64    `path:"id" minimum:"1"`
	Q                string   `query:"q" maxLength:"200" doc:"words that must all occur (as substrings, any case) in the title, body or their translations"`
	Rating           []string `query:"rating,explode" doc:"star ratings 1–5, or none for reviews without a rating; repeatable or comma list"`
	Sentiment        []string `query:"sentiment,explode" doc:"overall review sentiment: positive, neutral, negative"`
	Language         []string `query:"language,explode" doc:"detected language codes (und: undetermined)"`
	Variant          []string `query:"variant,explode" doc:"exact variant strings, e.g. Color: Black; repeatable (not a comma list)"`
	DateFrom         string   `query:"date_from" doc:"first review date, YYYY-MM-DD (inclusive)"`
	DateTo           string   `query:"date_to" doc:"last review date, YYYY-MM-DD (inclusive)"`
	Dimension        []string `query:"dimension,explode" doc:"dimension name or id; reviews with an insight on it"`
	InsightType      string   `query:"insight_type" doc:"strength, weakness, suggestion, scenario or emotion"`
	InsightSentiment string   `query:"insight_sentiment" doc:"positive, neutral or negative: only insights of this sentiment count for dimension (alone: reviews with such an insight)"`
	Label            []string `query:"label,explode" doc:"5W label name or id; reviews with a tag on it"`
	LabelType        string   `query:"label_type" doc:"buyer, user, where, when, why or what"`
}

// query validates the filter. Every problem is reported in one 422.
func (in *ReviewSearchFilter) query() (store.ReviewQuery, []error) {
	var errs []error
	bad := func(param, msg string, value any) {
		errs = append(errs, &huma.ErrorDetail{Location: "query." + param, Message: msg, Value: value})
	}
	var rq store.ReviewQuery
	var ratings []string
	for _, v := range splitValues(in.Rating) {
		if strings.EqualFold(v, "none") {
			rq.NoRating = true
			continue
		}
		ratings = append(ratings, v)
	}
	base := reviewListInput{ID: in.ID, Rating: ratings, Sentiment: in.Sentiment, Language: in.Language,
		Dimension: in.Dimension, InsightType: in.InsightType, Label: in.Label, LabelType: in.LabelType, Limit: 50}
	f, _, err := parseReviewQuery(&base)
	if err != nil {
		var em *huma.ErrorModel
		if errors.As(err, &em) {
			for _, d := range em.Errors {
				errs = append(errs, d)
			}
		} else {
			errs = append(errs, err)
		}
	}
	rq.ReviewFilter = f
	rq.Terms = strings.Fields(in.Q)
	if len(rq.Terms) > 10 {
		bad("q", "at most 10 search words", len(rq.Terms))
	}
	if len(in.Variant) > maxFilterValues {
		bad("variant", fmt.Sprintf("at most %d values", maxFilterValues), len(in.Variant))
	}
	for _, v := range in.Variant {
		if v = strings.TrimSpace(v); v != "" {
			if utf8.RuneCountInString(v) > 200 {
				bad("variant", "a variant has at most 200 characters", v)
				continue
			}
			rq.Variants = append(rq.Variants, v)
		}
	}
	date := func(param, v string) *time.Time {
		if v = strings.TrimSpace(v); v == "" {
			return nil
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			bad(param, param+" must be a date as YYYY-MM-DD", v)
			return nil
		}
		return &d
	}
	rq.DateFrom, rq.DateTo = date("date_from", in.DateFrom), date("date_to", in.DateTo)
	if rq.DateFrom != nil && rq.DateTo != nil && rq.DateTo.Before(*rq.DateFrom) {
		bad("date_to", "date_to must not be before date_from", in.DateTo)
	}
	if v := strings.ToLower(strings.TrimSpace(in.InsightSentiment)); v != "" {
		if !slices.Contains(sentiments, v) {
			bad("insight_sentiment", "insight_sentiment must be positive, neutral or negative", in.InsightSentiment)
		}
		rq.InsightSentiment = v
	}
	return rq, errs
}

type reviewSearchInput struct {
	ReviewSearchFilter
	Sort   string `query:"sort" default:"newest" enum:"newest,oldest,rating_desc,rating_asc,helpful,id"`
	Limit  int    `query:"limit" default:"25" minimum:"1" maximum:"200"`
	Cursor string `query:"cursor" doc:"next_cursor of the previous page (same sort)"`
}

type reviewSearchOutput struct {
	Body ReviewSearchResult
}

type dashboardInput struct {
	ReviewSearchFilter
	Granularity string `query:"granularity" default:"month" enum:"week,month"`
}

type dashboardOutput struct {
	Body store.Dashboard
}

type reviewExportInput struct {
	ReviewSearchFilter
	Sort string `query:"sort" default:"newest" enum:"newest,oldest,rating_desc,rating_asc,helpful,id"`
	// base is the address the request came to, for the workbook's links.
	base string
}

// Resolve implements huma.Resolver: see exportInput.Resolve.
func (in *reviewExportInput) Resolve(ctx huma.Context) []error {
	var e exportInput
	errs := e.Resolve(ctx)
	in.base = e.base
	return errs
}

func (s *server) registerReviewSearchRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "search-reviews",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/reviews/search",
		Summary:     "Search, filter, sort and page a product's reviews",
		Description: "Full-text search (`q`, every word must occur in the original or the translation; a trigram index " +
			"keeps it fast) with the review reader's filters and a sort order. Paging is by keyset: pass `next_cursor` " +
			"back as `cursor`, so every page costs the same however deep. `total` counts every matching review; the " +
			"dashboard's counts for the same filters are the same numbers.",
		Tags:   []string{"reviews"},
		Errors: []int{401, 404, 422},
	}, func(ctx context.Context, in *reviewSearchInput) (*reviewSearchOutput, error) {
		rq, errs := in.query()
		rq.Sort = in.Sort
		if rq.Sort == "" {
			rq.Sort = store.SortNewest
		}
		var after store.SearchCursor
		if in.Cursor != "" {
			c, ok := store.ParseSearchCursor(in.Cursor, rq.Sort)
			if !ok {
				errs = append(errs, &huma.ErrorDetail{Location: "query.cursor", Message: "cursor must be the next_cursor of a previous page with the same sort", Value: in.Cursor})
			}
			after = c
		}
		if len(errs) > 0 {
			return nil, huma.Error422UnprocessableEntity("invalid review search", errs...)
		}
		if _, err := store.ProductGet(ctx, s.Pool, in.ID); err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		page, err := store.ReviewSearch(ctx, s.Pool, in.ID, rq, after, in.Limit)
		if err != nil {
			return nil, s.storeError(ctx, "reviews", err)
		}
		out := ReviewSearchResult{Items: page.Reviews, Total: page.Total, Limit: in.Limit, Sort: rq.Sort}
		if page.Next != nil {
			out.NextCursor = page.Next.String()
		}
		return &reviewSearchOutput{Body: out}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "product-dashboard",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/dashboard",
		Summary:     "A product's dashboard over the filtered reviews: KPIs, distributions, dimension impact, trend, 5W, emerging issues",
		Description: "Takes the review search's filters. Every count is a number of distinct reviews; searching with the " +
			"same filters plus the chart's own (see each field) lists exactly that many.",
		Tags:   []string{"reviews"},
		Errors: []int{401, 404, 422},
	}, func(ctx context.Context, in *dashboardInput) (*dashboardOutput, error) {
		rq, errs := in.query()
		if len(errs) > 0 {
			return nil, huma.Error422UnprocessableEntity("invalid dashboard filter", errs...)
		}
		if _, err := store.ProductGet(ctx, s.Pool, in.ID); err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		tx, err := s.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return nil, s.storeError(ctx, "dashboard", fmt.Errorf("begin dashboard of product %d: %w", in.ID, err))
		}
		defer tx.Rollback(ctx) //nolint:errcheck // read-only
		d, err := store.DashboardGet(ctx, tx, in.ID, rq, in.Granularity)
		if err != nil {
			return nil, s.storeError(ctx, "dashboard", err)
		}
		return &dashboardOutput{Body: d}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "export-reviews-xlsx",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/reviews/export.xlsx",
		Summary:     "Export exactly the filtered reviews, with their insights and 5W tags, as an XLSX workbook",
		Description: "Takes the review search's filters and sort; the workbook holds the reviews the search lists " +
			"(all pages), in the same order, and only their insights and tags. Read in one consistent snapshot.",
		Tags:   []string{"export"},
		Errors: []int{401, 404, 422},
		Responses: map[string]*huma.Response{"200": {
			Description: "The workbook, as an attachment",
			Content:     map[string]*huma.MediaType{xlsxContentType: {Schema: &huma.Schema{Type: "string", Format: "binary"}}},
		}},
	}, s.exportFilteredXLSX)
}

// filteredExport is the export source of a search: the matching reviews,
// then the insights and tags of exactly those reviews.
type filteredExport struct {
	db        store.DBTX
	productID int64
	rq        store.ReviewQuery
	ids       []int64
	// lang is each listed review's language, which the insight and tag
	// rows carry (a quote in another language than the target is shown
	// with its translation).
	lang map[int64]string
}

func (e *filteredExport) Reviews(ctx context.Context, fn func(store.ReviewDetail) error) error {
	e.lang = map[int64]string{}
	return store.ReviewSearchEach(ctx, e.db, e.productID, e.rq, func(r store.ReviewDetail) error {
		e.ids = append(e.ids, r.ID)
		e.lang[r.ID] = r.Language
		return fn(r)
	})
}

func (e *filteredExport) Insights(ctx context.Context, fn func(store.ExportInsight) error) error {
	return store.InsightsOfReviewsEach(ctx, e.db, e.ids, func(in store.ReviewInsight) error {
		return fn(store.ExportInsight{ReviewInsight: in, Language: e.lang[in.ReviewID]})
	})
}

func (e *filteredExport) Tags(ctx context.Context, fn func(store.ExportTag) error) error {
	return store.TagsOfReviewsEach(ctx, e.db, e.ids, func(t store.ReviewTag) error {
		return fn(store.ExportTag{ReviewTag: t, Language: e.lang[t.ReviewID]})
	})
}

func (s *server) exportFilteredXLSX(ctx context.Context, in *reviewExportInput) (*huma.StreamResponse, error) {
	rq, errs := in.query()
	if len(errs) > 0 {
		return nil, huma.Error422UnprocessableEntity("invalid review filter", errs...)
	}
	rq.Sort = in.Sort
	p, err := store.ProductGet(ctx, s.Pool, in.ID)
	if err != nil {
		return nil, s.storeError(ctx, "product", err)
	}
	return s.streamXLSX(ctx, p, in.base, "reviews-filtered", func(tx pgx.Tx) exportSource {
		return &filteredExport{db: tx, productID: p.ID, rq: rq}
	})
}
