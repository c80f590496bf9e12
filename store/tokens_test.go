package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestTokenIdentity: the one-round-trip lookup answers as
// TokenAuthenticate then IdentityForToken do, and notes the token's use.
func TestTokenIdentity(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	ctx := context.Background()

	install := store.NewTokenSecret()
	instID, err := store.TokenCreate(ctx, pool, "install", install, true)
	require.NoError(t, err)
	id, err := store.TokenIdentity(ctx, pool, install)
	require.NoError(t, err)
	require.Equal(t, instID, *id.TokenID)
	require.Nil(t, id.UserID)
	require.Equal(t, store.RoleAdmin, id.Role)
	tok, err := store.TokenAuthenticate(ctx, pool, install)
	require.NoError(t, err)
	require.NotNil(t, tok.LastUsedAt, "the lookup noted the token's use")
	require.WithinDuration(t, time.Now(), *tok.LastUsedAt, time.Minute)
	want, err := store.IdentityForToken(ctx, pool, instID)
	require.NoError(t, err)
	require.Equal(t, want, id)

	u, err := store.UserCreate(ctx, pool, "tokid@example.com", "Tok Id", store.RoleViewer, "x")
	require.NoError(t, err)
	userSecret := store.NewTokenSecret()
	owned, err := store.TokenCreateForUser(ctx, pool, u.ID, "cli", userSecret)
	require.NoError(t, err)
	id, err = store.TokenIdentity(ctx, pool, userSecret)
	require.NoError(t, err)
	require.Equal(t, u.ID, *id.UserID)
	require.Equal(t, owned.ID, *id.TokenID)
	require.Equal(t, store.RoleViewer, id.Role)
	require.Equal(t, "tokid@example.com", id.Email)

	disabled := true
	_, err = store.UserUpdate(ctx, pool, u.ID, store.UserChange{Disabled: &disabled})
	require.NoError(t, err)
	_, err = store.TokenIdentity(ctx, pool, userSecret)
	require.ErrorIs(t, err, store.ErrNotFound, "a disabled user's token")

	require.NoError(t, store.TokenRevoke(ctx, pool, instID))
	_, err = store.TokenIdentity(ctx, pool, install)
	require.ErrorIs(t, err, store.ErrNotFound, "a revoked token")
	_, err = store.TokenIdentity(ctx, pool, "voc_nope")
	require.ErrorIs(t, err, store.ErrNotFound, "an unknown token")
}
