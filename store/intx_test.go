package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestInTxRollsBackOnError: what fn wrote is gone when fn fails, and
// committed when it succeeds.
func TestInTxRollsBackOnError(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: "B0INTX0001"}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM products WHERE asin = 'B0INTX0001'").Scan(&n))
	require.Zero(t, n, "a failed transaction left its write behind")

	require.NoError(t, store.InTx(ctx, pool, func(tx pgx.Tx) error {
		_, err := store.ProductUpsert(ctx, tx, store.ProductInput{Marketplace: "US", ASIN: "B0INTX0002"})
		return err
	}))
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM products WHERE asin = 'B0INTX0002'").Scan(&n))
	require.Equal(t, 1, n)
}
