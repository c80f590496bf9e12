package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store"
)

type reviewPatchInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Excluded  *bool  `json:"excluded,omitempty" doc:"true: leave the review out of the next analysis and of every report (spam, wrong variant)"`
		Pinned    *bool  `json:"pinned,omitempty" doc:"true: the review leads its dimensions' evidence"`
		ProductID *int64 `json:"product_id,omitempty" minimum:"1" doc:"optional guard: the product the caller believes the review belongs to; a mismatch changes nothing (422)"`
	}
}

type reviewPatchOutput struct {
	Body store.Curation
}

func (s *server) registerCurationRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "curate-review",
		Method:      http.MethodPatch,
		Path:        "/api/v1/reviews/{id}",
		Summary:     "Exclude or pin a review",
		Description: "`{\"excluded\": true}` leaves the review out of the next analysis and of every report built from then on; " +
			"reports state how many reviews were excluded. `{\"pinned\": true}` makes the review lead its dimensions' evidence. " +
			"A review cannot be both. Existing reports are not rewritten: start an analysis (mode `rerun`) to refresh them.",
		Tags:   []string{"reviews"},
		Errors: []int{401, 403, 404, 422},
	}, func(ctx context.Context, in *reviewPatchInput) (*reviewPatchOutput, error) {
		if in.Body.Excluded == nil && in.Body.Pinned == nil {
			return nil, huma.Error422UnprocessableEntity(`send {"excluded": true|false} and/or {"pinned": true|false}`)
		}
		var out store.Curation
		err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
			cur, err := store.ReviewCurationGet(ctx, tx, in.ID)
			if err != nil {
				return err
			}
			if in.Body.ProductID != nil && *in.Body.ProductID != cur.ProductID {
				return huma.Error422UnprocessableEntity("the review belongs to another product",
					&huma.ErrorDetail{Location: "body.product_id", Message: fmt.Sprintf("review %d belongs to product %d, not %d", in.ID, cur.ProductID, *in.Body.ProductID), Value: *in.Body.ProductID})
			}
			out, err = store.ReviewCurationSet(ctx, tx, in.ID, in.Body.Excluded, in.Body.Pinned)
			if err != nil {
				return err
			}
			if out.Excluded && out.Pinned {
				return huma.Error422UnprocessableEntity("a review cannot be both excluded and pinned: unpin it or keep it in")
			}
			return nil
		})
		var se huma.StatusError
		if errors.As(err, &se) {
			return nil, err
		}
		if err != nil {
			return nil, s.storeError(ctx, "review", err)
		}
		auditAs(ctx, "review.curate", fmt.Sprintf("review %d", out.ReviewID),
			map[string]any{"product_id": out.ProductID, "excluded": out.Excluded, "pinned": out.Pinned})
		return &reviewPatchOutput{Body: out}, nil
	})
}
