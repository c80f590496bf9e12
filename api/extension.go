package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/voc-project/voc/store"
)

// ProductRef names one product of an ASIN.
type ProductRef struct {
	ID          int64  `json:"id"`
	Marketplace string `json:"marketplace"`
	ASIN        string `json:"asin"`
	Title       string `json:"title"`
}

// AmbiguousASIN is the 409 problem for an ASIN sold in several
// marketplaces: it lists them, so the caller can repeat the request with
// ?marketplace=.
type AmbiguousASIN struct {
	huma.ErrorModel
	Candidates []ProductRef `json:"candidates"`
}

// resolveASIN finds the product of an ASIN: in the given marketplace, or,
// without one, the only product of that ASIN in any marketplace. It
// returns 404 when there is none, and 409 with the candidates when the
// ASIN is in several marketplaces.
func (s *server) resolveASIN(ctx context.Context, asin, marketplace string) (store.Product, error) {
	asin = strings.TrimSpace(asin)
	if marketplace != "" {
		p, err := store.ProductGetByKey(ctx, s.Pool, strings.ToUpper(marketplace), asin)
		if err != nil {
			return store.Product{}, s.storeError(ctx, "product "+strings.ToUpper(marketplace)+"/"+asin, err)
		}
		return p, nil
	}
	ps, err := store.ProductsByASIN(ctx, s.Pool, asin)
	if err != nil {
		return store.Product{}, s.storeError(ctx, "product", err)
	}
	switch len(ps) {
	case 0:
		return store.Product{}, huma.Error404NotFound("no product has ASIN " + asin + " in any marketplace; push its reviews first")
	case 1:
		return ps[0], nil
	}
	e := &AmbiguousASIN{ErrorModel: huma.ErrorModel{Title: http.StatusText(http.StatusConflict), Status: http.StatusConflict}}
	var mps []string
	for _, p := range ps {
		e.Candidates = append(e.Candidates, ProductRef{ID: p.ID, Marketplace: p.Marketplace, ASIN: p.ASIN, Title: p.Title})
		mps = append(mps, p.Marketplace)
	}
	e.Detail = fmt.Sprintf("ASIN %s is in %d marketplaces (%s): add ?marketplace= to choose one", asin, len(ps), strings.Join(mps, ", "))
	return store.Product{}, e
}

type byASINInput struct {
	ASIN        string `path:"asin" minLength:"5" maxLength:"20" pattern:"^[A-Za-z0-9_-]+$"`
	Marketplace string `query:"marketplace" pattern:"^[A-Z]{2,5}$" doc:"needed only when the ASIN is in several marketplaces"`
}

type byASINOutput struct {
	Body store.Product
}

func (s *server) registerExtensionRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "get-product-by-asin",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/by-asin/{asin}",
		Summary:     "The product of an ASIN (unique across marketplaces, or with ?marketplace=)",
		Description: "404 when no marketplace has the ASIN; 409 with `candidates` when several do and no marketplace is given.",
		Tags:        []string{"products"},
		Errors:      []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *byASINInput) (*byASINOutput, error) {
		p, err := s.resolveASIN(ctx, in.ASIN, in.Marketplace)
		if err != nil {
			return nil, err
		}
		if p.ReviewCount, err = store.ProductReviewCount(ctx, s.Pool, p.ID); err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		return &byASINOutput{Body: p}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID:   "ingest-extension-queue",
		Method:        http.MethodPost,
		Path:          "/api/v1/reviews/ingest/queue",
		Summary:       "Push reviews from the browser extension (its default endpoint)",
		Description:   "The same durable ingest as POST /api/v1/reviews/ingest: the body is stored and its ingestion queued in one transaction before the 202.",
		Tags:          []string{"ingest"},
		MaxBodyBytes:  s.MaxUploadBytes,
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{400, 401, 403, 413, 422},
	}, s.ingestExtension)
}
