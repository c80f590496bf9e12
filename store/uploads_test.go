package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestUploadBodyRoundTrip: a body compressed as it is written reads back
// as written, whatever the write sizes, and so does one given whole; a
// body still open is refused, not stored cut short.
func TestUploadBodyRoundTrip(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()
	p, err := store.ProductUpsert(ctx, pool, store.ProductInput{Marketplace: "US", ASIN: "B0BODY0001"})
	require.NoError(t, err)
	var raw bytes.Buffer
	raw.WriteString("review_id,rating,body\n")
	for i := range 40_000 {
		fmt.Fprintf(&raw, "r%d,%d,\"review number %d, fine\"\n", i, i%5+1, i*7)
	}
	for _, chunk := range []int{1, 4096, 1 << 20, raw.Len()} {
		b := store.NewUploadBody(int64(raw.Len()))
		for off := 0; off < raw.Len(); off += chunk {
			n, err := b.Write(raw.Bytes()[off:min(raw.Len(), off+chunk)])
			require.NoError(t, err)
			require.Equal(t, min(chunk, raw.Len()-off), n)
			if chunk == 1 && off > 10_000 { // a byte at a time is slow: finish in one write
				_, err = b.Write(raw.Bytes()[off+1:])
				require.NoError(t, err)
				break
			}
		}
		_, err := store.UploadCreate(ctx, pool, store.UploadInput{ProductID: p.ID, Source: store.SourceFile, Format: "csv", Compressed: b})
		require.ErrorContains(t, err, "still open")
		require.NoError(t, b.Close())
		require.NoError(t, b.Close(), "a second Close does nothing")
		_, err = b.Write([]byte("x"))
		require.Error(t, err)
		require.Equal(t, int64(raw.Len()), b.Size())
		id, err := store.UploadCreate(ctx, pool, store.UploadInput{ProductID: p.ID, Source: store.SourceFile, Format: "csv", Compressed: b})
		require.NoError(t, err)
		up, err := store.UploadLockForIngest(ctx, pool, id)
		require.NoError(t, err)
		require.Equal(t, raw.Bytes(), up.Body, "chunk %d", chunk)
		got, err := store.UploadGet(ctx, pool, id, 0)
		require.NoError(t, err)
		require.Equal(t, int64(raw.Len()), got.SizeBytes)
	}
	id, err := store.UploadCreate(ctx, pool, store.UploadInput{ProductID: p.ID, Source: store.SourceCLI, Format: "csv", Body: raw.Bytes()})
	require.NoError(t, err)
	up, err := store.UploadLockForIngest(ctx, pool, id)
	require.NoError(t, err)
	require.Equal(t, raw.Bytes(), up.Body)
}
