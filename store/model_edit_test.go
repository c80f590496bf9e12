package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// edit runs one model edit the way the API does: lock, change, snapshot,
// in one transaction. It returns the snapshot's model.
func edit(t *testing.T, pool *pgxpool.Pool, productID int64, change func(tx pgx.Tx) error) (store.Model, error) {
	t.Helper()
	var m store.Model
	err := store.InTx(context.Background(), pool, func(tx pgx.Tx) error {
		ctx := context.Background()
		if _, err := store.ModelEditBegin(ctx, tx, productID); err != nil {
			return err
		}
		if err := change(tx); err != nil {
			return err
		}
		var err error
		m, err = store.ModelSnapshotEdited(ctx, tx, productID)
		return err
	})
	return m, err
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), sql, args...).Scan(&n), sql)
	return n
}

func TestModelEdit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("begin needs a learned model", func(t *testing.T) {
		t.Parallel()
		pool := storetest.NewPool(t)
		fresh := insertID(t, pool, `INSERT INTO products (marketplace, asin) VALUES ('US', 'B00NOMODEL') RETURNING id`)
		err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
			_, err := store.ModelEditBegin(ctx, tx, fresh)
			return err
		})
		require.ErrorIs(t, err, store.ErrNoModel)
		err = store.InTx(ctx, pool, func(tx pgx.Tx) error {
			_, err := store.ModelEditBegin(ctx, tx, 1<<40)
			return err
		})
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("create snapshots a new edited version", func(t *testing.T) {
		t.Parallel()
		pool := storetest.NewPool(t)
		f := newReadFixture(t, pool)
		var created store.Dimension
		m, err := edit(t, pool, f.product, func(tx pgx.Tx) error {
			var err error
			created, err = store.DimensionCreate(ctx, tx, f.product, "product", "comfort", "how it feels to wear")
			return err
		})
		require.NoError(t, err)
		require.Equal(t, store.Dimension{ID: created.ID, Kind: "product", Name: "comfort", Definition: "how it feels to wear"}, created)
		require.Equal(t, 2, m.Version)
		require.Contains(t, m.Dimensions, created)

		p, err := store.ProductGet(ctx, pool, f.product)
		require.NoError(t, err)
		require.Equal(t, 2, p.ModelVersion)
		var source string
		var snap []byte
		require.NoError(t, pool.QueryRow(ctx, `SELECT source, snapshot FROM product_models WHERE product_id = $1 AND version = 2`, f.product).Scan(&source, &snap))
		require.Equal(t, "edited", source)
		var stored store.Model
		require.NoError(t, json.Unmarshal(snap, &stored))
		require.Equal(t, m, stored)

		versions, err := store.ModelVersions(ctx, pool, f.product)
		require.NoError(t, err)
		require.Len(t, versions, 2)
		require.Equal(t, 2, versions[0].Version)
		require.Equal(t, "learned", versions[1].Source)

		// Same name, same kind: conflict. Same name, other kind: fine.
		_, err = edit(t, pool, f.product, func(tx pgx.Tx) error {
			_, err := store.DimensionCreate(ctx, tx, f.product, "product", "comfort", "")
			return err
		})
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = edit(t, pool, f.product, func(tx pgx.Tx) error {
			_, err := store.DimensionCreate(ctx, tx, f.product, "emotion", "comfort", "")
			return err
		})
		require.NoError(t, err)
		require.Equal(t, 3, count(t, pool, `SELECT model_version FROM products WHERE id = $1`, f.product), "the failed edit took no version")
	})

	t.Run("a failed edit leaves no trace", func(t *testing.T) {
		t.Parallel()
		pool := storetest.NewPool(t)
		f := newReadFixture(t, pool)
		boom := errors.New("boom")
		_, err := edit(t, pool, f.product, func(tx pgx.Tx) error {
			if _, err := store.DimensionCreate(ctx, tx, f.product, "product", "weight", ""); err != nil {
				return err
			}
			if _, err := store.DimensionDelete(ctx, tx, f.product, f.sound); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Zero(t, count(t, pool, `SELECT count(*) FROM dimensions WHERE name = 'weight'`))
		require.Equal(t, 2, count(t, pool, `SELECT count(*) FROM insights WHERE dimension_id = $1`, f.sound))
		require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM product_models WHERE product_id = $1`, f.product))
	})

	t.Run("update", func(t *testing.T) {
		t.Parallel()
		pool := storetest.NewPool(t)
		f := newReadFixture(t, pool)
		name, def := "audio", "how it sounds"
		var d store.Dimension
		_, err := edit(t, pool, f.product, func(tx pgx.Tx) error {
			var err error
			d, err = store.DimensionUpdate(ctx, tx, f.product, f.sound, &name, nil)
			return err
		})
		require.NoError(t, err)
		require.Equal(t, store.Dimension{ID: f.sound, Kind: "product", Name: "audio", Definition: "def"}, d)
		_, err = edit(t, pool, f.product, func(tx pgx.Tx) error {
			var err error
			d, err = store.DimensionUpdate(ctx, tx, f.product, f.sound, nil, &def)
			return err
		})
		require.NoError(t, err)
		require.Equal(t, store.Dimension{ID: f.sound, Kind: "product", Name: "audio", Definition: "how it sounds"}, d)

		taken := "battery life"
		_, err = edit(t, pool, f.product, func(tx pgx.Tx) error {
			_, err := store.DimensionUpdate(ctx, tx, f.product, f.sound, &taken, nil)
			return err
		})
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = edit(t, pool, f.product, func(tx pgx.Tx) error {
			_, err := store.DimensionUpdate(ctx, tx, f.product, f.otherBattery, &name, nil)
			return err
		})
		require.ErrorIs(t, err, store.ErrNotFound, "another product's dimension")

		lname := "at the gym"
		l, err := store.LabelUpdate(ctx, pool, f.product, f.gym, &lname, nil)
		require.NoError(t, err)
		require.Equal(t, store.Label{ID: f.gym, Type: "where", Name: "at the gym"}, l)
		taken = "office"
		_, err = store.LabelUpdate(ctx, pool, f.product, f.gym, &taken, nil)
		require.ErrorIs(t, err, store.ErrConflict)
		_, err = store.LabelUpdate(ctx, pool, f.product, f.otherParents, &lname, nil)
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("delete", func(t *testing.T) {
		t.Parallel()
		pool := storetest.NewPool(t)
		f := newReadFixture(t, pool)
		var gone int64
		m, err := edit(t, pool, f.product, func(tx pgx.Tx) error {
			var err error
			gone, err = store.DimensionDelete(ctx, tx, f.product, f.battery)
			return err
		})
		require.NoError(t, err)
		require.Equal(t, int64(2), gone)
		require.Equal(t, 2, m.Version)
		require.Zero(t, count(t, pool, `SELECT count(*) FROM insights WHERE dimension_id = $1`, f.battery))
		require.Equal(t, 1, count(t, pool, `SELECT count(*) FROM insights WHERE dimension_id = $1`, f.otherBattery))
		for _, d := range m.Dimensions {
			require.NotEqual(t, f.battery, d.ID)
		}

		_, err = store.DimensionDelete(ctx, pool, f.product, f.sound)
		require.ErrorIs(t, err, store.ErrLastDimension)
		_, err = store.DimensionDelete(ctx, pool, f.product, f.commute)
		require.NoError(t, err, "scenario dimensions may all go")
		_, err = store.DimensionDelete(ctx, pool, f.product, f.otherBattery)
		require.ErrorIs(t, err, store.ErrNotFound)

		gone, err = store.LabelDelete(ctx, pool, f.product, f.gym)
		require.NoError(t, err)
		require.Equal(t, int64(1), gone)
		require.Zero(t, count(t, pool, `SELECT count(*) FROM review_tags WHERE label_id = $1`, f.gym))
		_, err = store.LabelDelete(ctx, pool, f.product, f.otherParents)
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("merge", func(t *testing.T) {
		t.Parallel()
		pool := storetest.NewPool(t)
		f := newReadFixture(t, pool)
		var into store.Dimension
		var moved int64
		_, err := edit(t, pool, f.product, func(tx pgx.Tx) error {
			var err error
			into, moved, err = store.DimensionMerge(ctx, tx, f.product, f.sound, f.battery)
			return err
		})
		require.NoError(t, err)
		require.Equal(t, f.battery, into.ID)
		require.Equal(t, int64(2), moved)
		require.Equal(t, 4, count(t, pool, `SELECT count(*) FROM insights WHERE dimension_id = $1`, f.battery))
		require.Zero(t, count(t, pool, `SELECT count(*) FROM dimensions WHERE id = $1`, f.sound))

		for name, tc := range map[string]struct{ from, into int64 }{
			"other kind":      {f.battery, f.commute},
			"itself":          {f.battery, f.battery},
			"another product": {f.battery, f.otherBattery},
			"unknown target":  {f.battery, 1 << 40},
		} {
			_, _, err := store.DimensionMerge(ctx, pool, f.product, tc.from, tc.into)
			require.ErrorIs(t, err, store.ErrInvalidMerge, name)
		}
		_, _, err = store.DimensionMerge(ctx, pool, f.product, f.otherBattery, f.battery)
		require.ErrorIs(t, err, store.ErrNotFound)

		l, moved, err := store.LabelMerge(ctx, pool, f.product, f.office, f.gym)
		require.NoError(t, err)
		require.Equal(t, f.gym, l.ID)
		require.Equal(t, int64(1), moved)
		require.Equal(t, 2, count(t, pool, `SELECT count(*) FROM review_tags WHERE label_id = $1`, f.gym))
		require.Zero(t, count(t, pool, `SELECT count(*) FROM labels WHERE id = $1`, f.office))
		_, _, err = store.LabelMerge(ctx, pool, f.product, f.gym, f.parents)
		require.ErrorIs(t, err, store.ErrInvalidMerge, "other type")
		_, _, err = store.LabelMerge(ctx, pool, f.product, f.gym, f.otherParents)
		require.ErrorIs(t, err, store.ErrInvalidMerge, "another product")
		_, _, err = store.LabelMerge(ctx, pool, f.product, f.otherParents, f.gym)
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("label create", func(t *testing.T) {
		t.Parallel()
		pool := storetest.NewPool(t)
		f := newReadFixture(t, pool)
		l, err := store.LabelCreate(ctx, pool, f.product, "when", "mornings", "before work")
		require.NoError(t, err)
		require.Equal(t, store.Label{ID: l.ID, Type: "when", Name: "mornings", Definition: "before work"}, l)
		_, err = store.LabelCreate(ctx, pool, f.product, "when", "mornings", "")
		require.ErrorIs(t, err, store.ErrConflict)
		got, err := store.LabelGet(ctx, pool, f.product, l.ID)
		require.NoError(t, err)
		require.Equal(t, l, got)
		_, err = store.LabelGet(ctx, pool, f.other, l.ID)
		require.ErrorIs(t, err, store.ErrNotFound)
	})

	t.Run("concurrent edits take distinct versions", func(t *testing.T) {
		t.Parallel()
		pool := storetest.NewPool(t)
		f := newReadFixture(t, pool)
		const n = 6
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				_, err := edit(t, pool, f.product, func(tx pgx.Tx) error {
					_, err := store.LabelCreate(ctx, tx, f.product, "why", "motive "+string(rune('a'+i)), "")
					return err
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.Equal(t, 1+n, count(t, pool, `SELECT model_version FROM products WHERE id = $1`, f.product))
		require.Equal(t, 1+n, count(t, pool, `SELECT count(*) FROM product_models WHERE product_id = $1`, f.product))
	})
}
