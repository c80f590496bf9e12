package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// ModelRename is the new name and definition of one dimension or label.
type ModelRename struct {
	ID         int64
	Name       string
	Definition string
}

// ModelLanguageChange is what switching a model's language changed.
type ModelLanguageChange struct {
	DimensionsRenamed int64
	LabelsRenamed     int64
	TranslationsReset int64
}

// ModelSwitchLanguage renames a product's dimensions and labels in place
// (ids, and so every insight and tag, are kept), makes language the
// product's target language, and sets the reviews' translations back to
// pending, since they are in the old language. Call it in the model edit's
// transaction, between ModelEditBegin and ModelSnapshotEdited. Renames may
// swap names. It returns ErrConflict when two items of one kind (type)
// would share a name.
func ModelSwitchLanguage(ctx context.Context, tx pgx.Tx, productID int64, language string, dims, labels []ModelRename) (ModelLanguageChange, error) {
	var out ModelLanguageChange
	ids, names, defs := renameColumns(dims)
	if err := q(tx).DimensionsParkNames(ctx, dbsqlc.DimensionsParkNamesParams{ProductID: productID, Ids: ids}); err != nil {
		return out, fmt.Errorf("park dimension names of product %d: %w", productID, err)
	}
	n, err := q(tx).DimensionsSetNames(ctx, dbsqlc.DimensionsSetNamesParams{ProductID: productID, Ids: ids, Names: names, Definitions: defs})
	if err != nil {
		return out, fmt.Errorf("rename dimensions of product %d: %w", productID, mapErr(err))
	}
	out.DimensionsRenamed = n
	ids, names, defs = renameColumns(labels)
	if err := q(tx).LabelsParkNames(ctx, dbsqlc.LabelsParkNamesParams{ProductID: productID, Ids: ids}); err != nil {
		return out, fmt.Errorf("park label names of product %d: %w", productID, err)
	}
	if out.LabelsRenamed, err = q(tx).LabelsSetNames(ctx, dbsqlc.LabelsSetNamesParams{ProductID: productID, Ids: ids, Names: names, Definitions: defs}); err != nil {
		return out, fmt.Errorf("rename labels of product %d: %w", productID, mapErr(err))
	}
	if err := q(tx).ProductSetTargetLanguage(ctx, dbsqlc.ProductSetTargetLanguageParams{ID: productID, TargetLanguage: language}); err != nil {
		return out, fmt.Errorf("set target language of product %d: %w", productID, err)
	}
	if out.TranslationsReset, err = q(tx).ReviewsResetProductTranslation(ctx, productID); err != nil {
		return out, fmt.Errorf("reset translations of product %d: %w", productID, err)
	}
	return out, nil
}

// ProductSetLanguage makes language a product's target language and sets
// its reviews' translations back to pending, for a product without a model
// yet. It returns how many translations were reset.
func ProductSetLanguage(ctx context.Context, db DBTX, productID int64, language string) (int64, error) {
	if err := q(db).ProductSetTargetLanguage(ctx, dbsqlc.ProductSetTargetLanguageParams{ID: productID, TargetLanguage: language}); err != nil {
		return 0, fmt.Errorf("set target language of product %d: %w", productID, err)
	}
	n, err := q(db).ReviewsResetProductTranslation(ctx, productID)
	if err != nil {
		return 0, fmt.Errorf("reset translations of product %d: %w", productID, err)
	}
	return n, nil
}

func renameColumns(rs []ModelRename) (ids []int64, names, defs []string) {
	ids, names, defs = make([]int64, len(rs)), make([]string, len(rs)), make([]string, len(rs))
	for i, r := range rs {
		ids[i], names[i], defs[i] = r.ID, r.Name, r.Definition
	}
	return ids, names, defs
}

// AnalysisPendingTranslations returns how many of a planned analysis's
// reviews have a pending translation. A re-analysis skips translation when
// there are none: it never translates a review again, but it does
// translate the reviews a language switch reset.
func AnalysisPendingTranslations(ctx context.Context, db DBTX, analysisID int64) (int64, error) {
	n, err := q(db).AnalysisPendingTranslations(ctx, analysisID)
	if err != nil {
		return 0, fmt.Errorf("count pending translations of analysis %d: %w", analysisID, err)
	}
	return n, nil
}
