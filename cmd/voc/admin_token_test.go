package main

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

func TestCheckAdminToken(t *testing.T) {
	t.Parallel()
	refused := map[string]string{
		"change-me-generate-with-openssl-rand-hex-32":  "placeholder",
		"CHANGEME0123456789abcdef0123456789abcdef":     "placeholder",
		"your-token-here-0123456789abcdef0123456789ab": "placeholder",
		"https://example.com/0123456789abcdef01234567": "placeholder",
		"abcdefghijklmnop":                             "16 characters",
		"0123456789abcdef0123456789abcde":              "31 characters",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":     "too easy",
		"abcabcabcabcabcabcabcabcabcabcabcabcabcabc":   "too easy",
		"abcdefghijklmnopqrstuvwxyzabcdefghijkl":       "too easy",
		"0123456789012345678901234567890123456789":     "too easy",
	}
	for v, want := range refused {
		err := checkAdminToken(v)
		require.Error(t, err, v)
		require.Contains(t, err.Error(), "VOC_ADMIN_TOKEN", v)
		require.Contains(t, err.Error(), want, v)
	}
	for _, v := range []string{"", "3f9c2a7be4d18c06f5a2e9b71d4c8a03", store.NewTokenSecret(), "Qx7vN2pL9sR4tW8yB3mK6hJ1cF5gD0zA"} {
		require.NoError(t, checkAdminToken(v), v)
	}
}

// TestAdminTokenLifecycle: revoking the VOC_ADMIN_TOKEN token was undone by
// the next restart, and changing the variable left the old token valid.
func TestAdminTokenLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := storetest.NewPool(t)
	var logs bytes.Buffer
	start := func(secret string) {
		t.Helper()
		a := &app{cfg: &Config{AdminToken: secret}, log: slog.New(slog.NewJSONHandler(&logs, nil)), pool: pool}
		require.NoError(t, a.ensureAdminToken(ctx))
	}
	live := func(secret string) bool {
		_, err := store.TokenAuthenticate(ctx, pool, secret)
		if err != nil {
			require.ErrorIs(t, err, store.ErrNotFound)
		}
		return err == nil
	}
	first, second := store.NewTokenSecret(), store.NewTokenSecret()

	start(first)
	require.True(t, live(first))
	start(first) // a restart changes nothing
	require.True(t, live(first))

	// Revoked by an admin: stays revoked across restarts, with a warning.
	tok, err := store.TokenAuthenticate(ctx, pool, first)
	require.NoError(t, err)
	require.NoError(t, store.TokenRevoke(ctx, pool, tok.ID))
	logs.Reset()
	start(first)
	require.False(t, live(first))
	require.Contains(t, logs.String(), `"level":"WARN"`)
	require.Contains(t, logs.String(), "revoked")

	// A new value: the new token is live; the earlier env tokens are not.
	start(second)
	require.True(t, live(second))
	third := store.NewTokenSecret()
	start(third)
	require.True(t, live(third))
	require.False(t, live(second), "changing the variable revokes the previous env token")
	require.False(t, live(first))

	// A token made with `voc token create` is not touched.
	other := store.NewTokenSecret()
	_, err = store.TokenCreate(ctx, pool, "ci", other, false)
	require.NoError(t, err)
	start(store.NewTokenSecret())
	require.True(t, live(other))
}
