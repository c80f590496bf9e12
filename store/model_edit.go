package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/voc-project/voc"

	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Errors of model edits.
var (
	// ErrNoModel is returned when a product's model is edited before its
	// first analysis has learned one: an edited version would stop
	// learning from ever storing the learned model.
	ErrNoModel = errors.New("product has no model yet")
	// ErrInvalidMerge is returned when a merge's target is the source, is
	// not in the product, or is of another kind (type).
	ErrInvalidMerge = errors.New("invalid merge")
	// ErrLastDimension is returned when deleting a product's last product
	// dimension: insight extraction needs at least one.
	ErrLastDimension = errors.New("last product dimension")
)

// An edit of a product's model is, in one transaction:
//
//	ModelEditBegin → DimensionCreate / …Update / …Delete / …Merge (or the
//	Label ones) → ModelSnapshotEdited
//
// ModelEditBegin's row lock serialises concurrent edits of one product, so
// each gets its own version number.

// ModelEditBegin locks a product's model for an edit in tx and returns its
// current version. It returns ErrNotFound for an unknown product and
// ErrNoModel when the product has no model yet.
func ModelEditBegin(ctx context.Context, tx pgx.Tx, productID int64) (int, error) {
	v, err := q(tx).ProductLockModel(ctx, productID)
	if err != nil {
		return 0, mapErr(err)
	}
	if v == 0 {
		return 0, ErrNoModel
	}
	return int(v), nil
}

// ModelSnapshotEdited records a product's live model as its next version,
// with source "edited", makes that version current, and returns the model.
// Call it last in the edit's transaction; it returns ErrNotFound for an
// unknown product.
func ModelSnapshotEdited(ctx context.Context, tx pgx.Tx, productID int64) (Model, error) {
	v, err := q(tx).ProductLockModel(ctx, productID)
	if err != nil {
		return Model{}, mapErr(err)
	}
	if err := snapshotModel(ctx, tx, productID, int(v)+1, "edited"); err != nil {
		return Model{}, err
	}
	return ModelGet(ctx, tx, productID)
}

// ModelVersion is one stored version of a product's model, without its
// snapshot.
type ModelVersion struct {
	Version   int       `json:"version"`
	Source    string    `json:"source"`
	CreatedAt time.Time `json:"created_at"`
}

// ModelVersions returns a product's model versions, newest first.
func ModelVersions(ctx context.Context, db DBTX, productID int64) ([]ModelVersion, error) {
	rows, err := q(db).ProductModelList(ctx, productID)
	if err != nil {
		return nil, fmt.Errorf("list model versions of product %d: %w", productID, err)
	}
	out := make([]ModelVersion, len(rows))
	for i, r := range rows {
		out[i] = ModelVersion{Version: int(r.Version), Source: r.Source, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// DimensionCreate adds a dimension to a product's model. It returns
// ErrConflict when the product has a dimension of that kind and name.
func DimensionCreate(ctx context.Context, db DBTX, productID int64, kind, name, definition string) (Dimension, error) {
	r, err := q(db).DimensionCreate(ctx, dbsqlc.DimensionCreateParams{ProductID: productID, Kind: kind, Name: name, Definition: definition})
	if err != nil {
		return Dimension{}, fmt.Errorf("create %s dimension %q of product %d: %w", kind, name, productID, mapErr(err))
	}
	return Dimension(r), nil
}

// DimensionGet returns a dimension of a product, or ErrNotFound when the
// product has no dimension with that id.
func DimensionGet(ctx context.Context, db DBTX, productID, id int64) (Dimension, error) {
	r, err := q(db).DimensionGetForProduct(ctx, dbsqlc.DimensionGetForProductParams{ID: id, ProductID: productID})
	if err != nil {
		return Dimension{}, mapErr(err)
	}
	return Dimension(r), nil
}

// DimensionUpdate renames and/or redefines a product's dimension; a nil
// field is kept. It returns ErrNotFound when the product has no such
// dimension and ErrConflict when the new name is taken within its kind.
func DimensionUpdate(ctx context.Context, db DBTX, productID, id int64, name, definition *string) (Dimension, error) {
	r, err := q(db).DimensionUpdate(ctx, dbsqlc.DimensionUpdateParams{ID: id, ProductID: productID, Name: name, Definition: definition})
	if err != nil {
		return Dimension{}, fmt.Errorf("update dimension %d of product %d: %w", id, productID, mapErr(err))
	}
	return Dimension(r), nil
}

// DimensionDelete deletes a product's dimension with its insights and
// returns how many insights went. It returns ErrNotFound when the product
// has no such dimension and ErrLastDimension for its last product
// dimension.
func DimensionDelete(ctx context.Context, db DBTX, productID, id int64) (int64, error) {
	d, err := DimensionGet(ctx, db, productID, id)
	if err != nil {
		return 0, err
	}
	if d.Kind == voc.DimProduct {
		n, err := q(db).DimensionCountOfKind(ctx, dbsqlc.DimensionCountOfKindParams{ProductID: productID, Kind: d.Kind})
		if err != nil {
			return 0, fmt.Errorf("count product dimensions of product %d: %w", productID, err)
		}
		if n <= 1 {
			return 0, ErrLastDimension
		}
	}
	insights, err := q(db).InsightCountForDimension(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("count insights of dimension %d: %w", id, err)
	}
	if _, err := q(db).DimensionDelete(ctx, dbsqlc.DimensionDeleteParams{ID: id, ProductID: productID}); err != nil {
		return 0, fmt.Errorf("delete dimension %d of product %d: %w", id, productID, err)
	}
	return insights, nil
}

// DimensionMerge moves the insights of dimension fromID onto intoID,
// deletes fromID, and returns the target and the number of insights moved.
// It returns ErrNotFound when the product has no dimension fromID, and
// ErrInvalidMerge when intoID is fromID, is not the product's, or is of
// another kind.
func DimensionMerge(ctx context.Context, db DBTX, productID, fromID, intoID int64) (Dimension, int64, error) {
	from, err := DimensionGet(ctx, db, productID, fromID)
	if err != nil {
		return Dimension{}, 0, err
	}
	if intoID == fromID {
		return Dimension{}, 0, fmt.Errorf("%w: a dimension cannot be merged into itself", ErrInvalidMerge)
	}
	into, err := DimensionGet(ctx, db, productID, intoID)
	if errors.Is(err, ErrNotFound) {
		return Dimension{}, 0, fmt.Errorf("%w: dimension %d is not in this product's model", ErrInvalidMerge, intoID)
	}
	if err != nil {
		return Dimension{}, 0, err
	}
	if into.Kind != from.Kind {
		return Dimension{}, 0, fmt.Errorf("%w: dimension %d is a %s dimension and %d a %s dimension; only dimensions of one kind merge",
			ErrInvalidMerge, fromID, from.Kind, intoID, into.Kind)
	}
	moved, err := q(db).InsightsMoveDimension(ctx, dbsqlc.InsightsMoveDimensionParams{FromID: fromID, IntoID: intoID})
	if err != nil {
		return Dimension{}, 0, fmt.Errorf("move insights from dimension %d to %d: %w", fromID, intoID, err)
	}
	if _, err := q(db).DimensionDelete(ctx, dbsqlc.DimensionDeleteParams{ID: fromID, ProductID: productID}); err != nil {
		return Dimension{}, 0, fmt.Errorf("delete merged dimension %d: %w", fromID, err)
	}
	return into, moved, nil
}

// LabelCreate adds a 5W label to a product's library. It returns
// ErrConflict when the product has a label of that type and name.
func LabelCreate(ctx context.Context, db DBTX, productID int64, typ, name, definition string) (Label, error) {
	r, err := q(db).LabelCreate(ctx, dbsqlc.LabelCreateParams{ProductID: productID, Type: typ, Name: name, Definition: definition})
	if err != nil {
		return Label{}, fmt.Errorf("create %s label %q of product %d: %w", typ, name, productID, mapErr(err))
	}
	return Label(r), nil
}

// LabelGet returns a label of a product, or ErrNotFound when the product
// has no label with that id.
func LabelGet(ctx context.Context, db DBTX, productID, id int64) (Label, error) {
	r, err := q(db).LabelGetForProduct(ctx, dbsqlc.LabelGetForProductParams{ID: id, ProductID: productID})
	if err != nil {
		return Label{}, mapErr(err)
	}
	return Label(r), nil
}

// LabelUpdate renames and/or redefines a product's label; a nil field is
// kept. It returns ErrNotFound when the product has no such label and
// ErrConflict when the new name is taken within its type.
func LabelUpdate(ctx context.Context, db DBTX, productID, id int64, name, definition *string) (Label, error) {
	r, err := q(db).LabelUpdate(ctx, dbsqlc.LabelUpdateParams{ID: id, ProductID: productID, Name: name, Definition: definition})
	if err != nil {
		return Label{}, fmt.Errorf("update label %d of product %d: %w", id, productID, mapErr(err))
	}
	return Label(r), nil
}

// LabelDelete deletes a product's label with its tags and returns how many
// tags went, or ErrNotFound when the product has no such label.
func LabelDelete(ctx context.Context, db DBTX, productID, id int64) (int64, error) {
	if _, err := LabelGet(ctx, db, productID, id); err != nil {
		return 0, err
	}
	tags, err := q(db).TagCountForLabel(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("count tags of label %d: %w", id, err)
	}
	if _, err := q(db).LabelDelete(ctx, dbsqlc.LabelDeleteParams{ID: id, ProductID: productID}); err != nil {
		return 0, fmt.Errorf("delete label %d of product %d: %w", id, productID, err)
	}
	return tags, nil
}

// LabelMerge moves the tags of label fromID onto intoID, deletes fromID,
// and returns the target and the number of tags moved. It returns
// ErrNotFound when the product has no label fromID, and ErrInvalidMerge
// when intoID is fromID, is not the product's, or is of another type.
func LabelMerge(ctx context.Context, db DBTX, productID, fromID, intoID int64) (Label, int64, error) {
	from, err := LabelGet(ctx, db, productID, fromID)
	if err != nil {
		return Label{}, 0, err
	}
	if intoID == fromID {
		return Label{}, 0, fmt.Errorf("%w: a label cannot be merged into itself", ErrInvalidMerge)
	}
	into, err := LabelGet(ctx, db, productID, intoID)
	if errors.Is(err, ErrNotFound) {
		return Label{}, 0, fmt.Errorf("%w: label %d is not in this product's library", ErrInvalidMerge, intoID)
	}
	if err != nil {
		return Label{}, 0, err
	}
	if into.Type != from.Type {
		return Label{}, 0, fmt.Errorf("%w: label %d is a %s label and %d a %s label; only labels of one type merge",
			ErrInvalidMerge, fromID, from.Type, intoID, into.Type)
	}
	moved, err := q(db).TagsMoveLabel(ctx, dbsqlc.TagsMoveLabelParams{FromID: fromID, IntoID: intoID})
	if err != nil {
		return Label{}, 0, fmt.Errorf("move tags from label %d to %d: %w", fromID, intoID, err)
	}
	if _, err := q(db).LabelDelete(ctx, dbsqlc.LabelDeleteParams{ID: fromID, ProductID: productID}); err != nil {
		return Label{}, 0, fmt.Errorf("delete merged label %d: %w", fromID, err)
	}
	return into, moved, nil
}
