package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store"
)

// ModelDetail is a product's live model and its version history.
type ModelDetail struct {
	store.Model
	Versions []store.ModelVersion `json:"versions" doc:"stored versions, newest first"`
}

// ModelEdit is the outcome of one model edit. Every edit stores the model as
// a new version; insights, tags and reports stay as they are until the
// product is re-analysed (POST /api/v1/products/{id}/rerun).
type ModelEdit struct {
	ModelVersion    int              `json:"model_version" doc:"the version this edit created"`
	Dimension       *store.Dimension `json:"dimension,omitempty" doc:"the created, updated or merge-target dimension"`
	Label           *store.Label     `json:"label,omitempty" doc:"the created, updated or merge-target label"`
	InsightsDeleted *int64           `json:"insights_deleted,omitempty"`
	InsightsMoved   *int64           `json:"insights_moved,omitempty"`
	TagsDeleted     *int64           `json:"tags_deleted,omitempty"`
	TagsMoved       *int64           `json:"tags_moved,omitempty"`
}

type modelOutput struct {
	Body ModelDetail
}

type modelEditOutput struct {
	Status int
	Body   ModelEdit
}

type dimensionCreateInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Kind       string `json:"kind" enum:"product,scenario,emotion"`
		Name       string `json:"name" minLength:"1" maxLength:"80"`
		Definition string `json:"definition,omitempty" maxLength:"300"`
	}
}

type labelCreateInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Type       string `json:"type" enum:"buyer,user,where,when,why,what"`
		Name       string `json:"name" minLength:"1" maxLength:"80"`
		Definition string `json:"definition,omitempty" maxLength:"300"`
	}
}

// itemPatch is a rename and/or redefinition; absent fields are kept.
type itemPatch struct {
	Name       *string `json:"name,omitempty" minLength:"1" maxLength:"80"`
	Definition *string `json:"definition,omitempty" maxLength:"300"`
}

type dimensionPatchInput struct {
	ID    int64 `path:"id" minimum:"1"`
	DimID int64 `path:"dimID" minimum:"1"`
	Body  itemPatch
}

type labelPatchInput struct {
	ID      int64 `path:"id" minimum:"1"`
	LabelID int64 `path:"labelID" minimum:"1"`
	Body    itemPatch
}

type dimensionPathInput struct {
	ID    int64 `path:"id" minimum:"1"`
	DimID int64 `path:"dimID" minimum:"1"`
}

type labelPathInput struct {
	ID      int64 `path:"id" minimum:"1"`
	LabelID int64 `path:"labelID" minimum:"1"`
}

type mergeBody struct {
	Into int64 `json:"into" minimum:"1" doc:"id of the dimension (label) that absorbs this one"`
}

type dimensionMergeInput struct {
	ID    int64 `path:"id" minimum:"1"`
	DimID int64 `path:"dimID" minimum:"1"`
	Body  mergeBody
}

type labelMergeInput struct {
	ID      int64 `path:"id" minimum:"1"`
	LabelID int64 `path:"labelID" minimum:"1"`
	Body    mergeBody
}

const editNote = " Every edit stores the model as a new version (source `edited`) in the same transaction. " +
	"Existing insights, tags and reports are not recomputed: call POST /api/v1/products/{id}/rerun for that."

func (s *server) registerModelRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "get-model",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/model",
		Summary:     "A product's model: version, dimensions, 5W labels and version history",
		Tags:        []string{"model"},
		Errors:      []int{401, 404},
	}, func(ctx context.Context, in *productIDInput) (*modelOutput, error) {
		m, err := store.ModelGet(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "product", err)
		}
		vs, err := store.ModelVersions(ctx, s.Pool, in.ID)
		if err != nil {
			return nil, s.storeError(ctx, "model versions", err)
		}
		return &modelOutput{Body: ModelDetail{Model: m, Versions: vs}}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID:   "create-dimension",
		Method:        http.MethodPost,
		Path:          "/api/v1/products/{id}/dimensions",
		Summary:       "Add a dimension to a product's model",
		Description:   "409 when the product has no model yet or already has a dimension of that kind and name." + editNote,
		Tags:          []string{"model"},
		DefaultStatus: http.StatusCreated,
		Errors:        []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *dimensionCreateInput) (*modelEditOutput, error) {
		name, err := cleanName("body.name", in.Body.Name)
		if err != nil {
			return nil, err
		}
		out := &modelEditOutput{Status: http.StatusCreated}
		err = s.editModel(ctx, in.ID, &out.Body, func(tx pgx.Tx) error {
			d, err := store.DimensionCreate(ctx, tx, in.ID, in.Body.Kind, name, strings.TrimSpace(in.Body.Definition))
			out.Body.Dimension = &d
			return err
		})
		if errors.Is(err, store.ErrConflict) {
			return nil, huma.Error409Conflict(fmt.Sprintf("the product already has a %s dimension named %q", in.Body.Kind, name))
		}
		if err != nil {
			return nil, s.modelError(ctx, "dimension", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "update-dimension",
		Method:      http.MethodPatch,
		Path:        "/api/v1/products/{id}/dimensions/{dimID}",
		Summary:     "Rename and/or redefine a dimension",
		Description: "Send `name`, `definition` or both. 409 when another dimension of the same kind has the name." + editNote,
		Tags:        []string{"model"},
		Errors:      []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *dimensionPatchInput) (*modelEditOutput, error) {
		name, def, err := cleanPatch(in.Body)
		if err != nil {
			return nil, err
		}
		out := &modelEditOutput{Status: http.StatusOK}
		err = s.editModel(ctx, in.ID, &out.Body, func(tx pgx.Tx) error {
			d, err := store.DimensionUpdate(ctx, tx, in.ID, in.DimID, name, def)
			out.Body.Dimension = &d
			return err
		})
		if errors.Is(err, store.ErrConflict) && name != nil {
			return nil, huma.Error409Conflict(fmt.Sprintf("another dimension of this kind is named %q", *name))
		}
		if err != nil {
			return nil, s.modelError(ctx, "dimension", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "delete-dimension",
		Method:      http.MethodDelete,
		Path:        "/api/v1/products/{id}/dimensions/{dimID}",
		Summary:     "Delete a dimension and its insights",
		Description: "409 for the model's last product dimension: insight extraction needs one." + editNote,
		Tags:        []string{"model"},
		Errors:      []int{401, 404, 409},
	}, func(ctx context.Context, in *dimensionPathInput) (*modelEditOutput, error) {
		out := &modelEditOutput{Status: http.StatusOK}
		err := s.editModel(ctx, in.ID, &out.Body, func(tx pgx.Tx) error {
			n, err := store.DimensionDelete(ctx, tx, in.ID, in.DimID)
			out.Body.InsightsDeleted = &n
			return err
		})
		if errors.Is(err, store.ErrLastDimension) {
			return nil, huma.Error409Conflict("this is the model's last product dimension; add another before deleting it, or merge it")
		}
		if err != nil {
			return nil, s.modelError(ctx, "dimension", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "merge-dimension",
		Method:      http.MethodPost,
		Path:        "/api/v1/products/{id}/dimensions/{dimID}/merge",
		Summary:     "Merge a dimension into another of the same kind",
		Description: "Moves the dimension's insights to `into` and deletes the dimension. 422 when `into` is the same " +
			"dimension, another product's, or of another kind." + editNote,
		Tags:   []string{"model"},
		Errors: []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *dimensionMergeInput) (*modelEditOutput, error) {
		out := &modelEditOutput{Status: http.StatusOK}
		err := s.editModel(ctx, in.ID, &out.Body, func(tx pgx.Tx) error {
			d, n, err := store.DimensionMerge(ctx, tx, in.ID, in.DimID, in.Body.Into)
			out.Body.Dimension, out.Body.InsightsMoved = &d, &n
			return err
		})
		if err != nil {
			return nil, s.modelError(ctx, "dimension", err)
		}
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID:   "create-label",
		Method:        http.MethodPost,
		Path:          "/api/v1/products/{id}/labels",
		Summary:       "Add a 5W label to a product's library",
		Description:   "409 when the product has no model yet or already has a label of that type and name." + editNote,
		Tags:          []string{"model"},
		DefaultStatus: http.StatusCreated,
		Errors:        []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *labelCreateInput) (*modelEditOutput, error) {
		name, err := cleanName("body.name", in.Body.Name)
		if err != nil {
			return nil, err
		}
		out := &modelEditOutput{Status: http.StatusCreated}
		err = s.editModel(ctx, in.ID, &out.Body, func(tx pgx.Tx) error {
			l, err := store.LabelCreate(ctx, tx, in.ID, in.Body.Type, name, strings.TrimSpace(in.Body.Definition))
			out.Body.Label = &l
			return err
		})
		if errors.Is(err, store.ErrConflict) {
			return nil, huma.Error409Conflict(fmt.Sprintf("the product already has a %s label named %q", in.Body.Type, name))
		}
		if err != nil {
			return nil, s.modelError(ctx, "label", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "update-label",
		Method:      http.MethodPatch,
		Path:        "/api/v1/products/{id}/labels/{labelID}",
		Summary:     "Rename and/or redefine a 5W label",
		Description: "Send `name`, `definition` or both. 409 when another label of the same type has the name." + editNote,
		Tags:        []string{"model"},
		Errors:      []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *labelPatchInput) (*modelEditOutput, error) {
		name, def, err := cleanPatch(in.Body)
		if err != nil {
			return nil, err
		}
		out := &modelEditOutput{Status: http.StatusOK}
		err = s.editModel(ctx, in.ID, &out.Body, func(tx pgx.Tx) error {
			l, err := store.LabelUpdate(ctx, tx, in.ID, in.LabelID, name, def)
			out.Body.Label = &l
			return err
		})
		if errors.Is(err, store.ErrConflict) && name != nil {
			return nil, huma.Error409Conflict(fmt.Sprintf("another label of this type is named %q", *name))
		}
		if err != nil {
			return nil, s.modelError(ctx, "label", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "delete-label",
		Method:      http.MethodDelete,
		Path:        "/api/v1/products/{id}/labels/{labelID}",
		Summary:     "Delete a 5W label and its tags",
		Description: "The label's tags are deleted with it." + editNote,
		Tags:        []string{"model"},
		Errors:      []int{401, 404, 409},
	}, func(ctx context.Context, in *labelPathInput) (*modelEditOutput, error) {
		out := &modelEditOutput{Status: http.StatusOK}
		err := s.editModel(ctx, in.ID, &out.Body, func(tx pgx.Tx) error {
			n, err := store.LabelDelete(ctx, tx, in.ID, in.LabelID)
			out.Body.TagsDeleted = &n
			return err
		})
		if err != nil {
			return nil, s.modelError(ctx, "label", err)
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "merge-label",
		Method:      http.MethodPost,
		Path:        "/api/v1/products/{id}/labels/{labelID}/merge",
		Summary:     "Merge a 5W label into another of the same type",
		Description: "Moves the label's tags to `into` and deletes the label. 422 when `into` is the same label, " +
			"another product's, or of another type." + editNote,
		Tags:   []string{"model"},
		Errors: []int{401, 404, 409, 422},
	}, func(ctx context.Context, in *labelMergeInput) (*modelEditOutput, error) {
		out := &modelEditOutput{Status: http.StatusOK}
		err := s.editModel(ctx, in.ID, &out.Body, func(tx pgx.Tx) error {
			l, n, err := store.LabelMerge(ctx, tx, in.ID, in.LabelID, in.Body.Into)
			out.Body.Label, out.Body.TagsMoved = &l, &n
			return err
		})
		if err != nil {
			return nil, s.modelError(ctx, "label", err)
		}
		return out, nil
	})
}

// editModel runs one model edit in a transaction: it locks the product's
// model, applies change, and snapshots the result as a new version, whose
// number it sets on out. Nothing is kept when any step fails.
func (s *server) editModel(ctx context.Context, productID int64, out *ModelEdit, change func(tx pgx.Tx) error) error {
	return store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := store.ModelEditBegin(ctx, tx, productID); errors.Is(err, store.ErrNotFound) {
			return huma.Error404NotFound("product not found")
		} else if err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		m, err := store.ModelSnapshotEdited(ctx, tx, productID)
		if err != nil {
			return err
		}
		out.ModelVersion = m.Version
		return nil
	})
}

// modelError maps the errors of a model edit to problems.
func (s *server) modelError(ctx context.Context, what string, err error) error {
	var se huma.StatusError
	switch {
	case errors.As(err, &se):
		return err
	case errors.Is(err, store.ErrNoModel):
		return huma.Error409Conflict("the product has no model yet; wait for its first analysis to learn one")
	case errors.Is(err, store.ErrInvalidMerge):
		msg := strings.TrimPrefix(err.Error(), store.ErrInvalidMerge.Error()+": ")
		return huma.Error422UnprocessableEntity("invalid merge", &huma.ErrorDetail{Location: "body.into", Message: msg})
	case errors.Is(err, store.ErrNotFound):
		return huma.Error404NotFound(what + " not found in this product's model")
	}
	return s.storeError(ctx, what, err)
}

// cleanName trims a name and rejects one that is blank or has line breaks.
func cleanName(loc, name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" || strings.ContainsAny(n, "\r\n") {
		return "", huma.Error422UnprocessableEntity("invalid name", &huma.ErrorDetail{Location: loc,
			Message: "name must be a non-blank single line", Value: name})
	}
	return n, nil
}

// cleanPatch validates a rename/redefinition: at least one field, and a
// usable name when given.
func cleanPatch(p itemPatch) (name, definition *string, err error) {
	if p.Name == nil && p.Definition == nil {
		return nil, nil, huma.Error422UnprocessableEntity("nothing to change", &huma.ErrorDetail{Location: "body",
			Message: "send name, definition or both"})
	}
	if p.Name != nil {
		n, err := cleanName("body.name", *p.Name)
		if err != nil {
			return nil, nil, err
		}
		name = &n
	}
	if p.Definition != nil {
		d := strings.TrimSpace(*p.Definition)
		definition = &d
	}
	return name, definition, nil
}
