package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/password"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestUserCommands runs `voc user create --password-stdin`, `list` and
// `disable` against a real database.
func TestUserCommands(t *testing.T) {
	dbURL := storetest.NewDB(t)
	t.Setenv("DATABASE_URL", dbURL)
	run := func(stdin string, args ...string) (string, error) {
		cmd := rootCmd()
		var out bytes.Buffer
		cmd.SetArgs(args)
		cmd.SetIn(strings.NewReader(stdin))
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	out, err := run("correct horse battery\n", "user", "create", "--email", "Ana@Example.com", "--name", "Ana", "--role", "analyst", "--password-stdin")
	require.NoError(t, err, out)
	require.Contains(t, out, "created: ana@example.com (analyst)")

	pool, err := pgxpool.New(context.Background(), dbURL)
	require.NoError(t, err)
	defer pool.Close()
	u, hash, err := store.UserCredentials(context.Background(), pool, "ana@example.com")
	require.NoError(t, err)
	require.Equal(t, store.RoleAnalyst, u.Role)
	ok, err := password.Verify("correct horse battery", hash)
	require.NoError(t, err)
	require.True(t, ok, "the password is the one from stdin, without its newline")

	for _, bad := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"correct horse battery\n", []string{"--email", "ana@example.com", "--name", "Dup", "--role", "viewer", "--password-stdin"}, "already exists"},
		{"short\n", []string{"--email", "b@example.com", "--role", "viewer", "--password-stdin"}, "at least 10 characters"},
		{"correct horse battery\n", []string{"--email", "b@example.com", "--role", "owner", "--password-stdin"}, "role must be"},
		{"correct horse battery\n", []string{"--email", "b@example.com", "--role", "viewer"}, "--password-stdin"},
	} {
		_, err := run(bad.stdin, append([]string{"user", "create"}, bad.args...)...)
		require.ErrorContains(t, err, bad.want)
	}
	us, err := store.UserList(context.Background(), pool)
	require.NoError(t, err)
	require.Len(t, us, 1)

	out, err = run("", "user", "disable", "1")
	require.NoError(t, err, out)
	out, err = run("", "user", "list")
	require.NoError(t, err, out)
	require.Contains(t, out, "ana@example.com")
	require.Contains(t, out, "true")
	u, err = store.UserGet(context.Background(), pool, u.ID)
	require.NoError(t, err)
	require.True(t, u.Disabled)
	require.Equal(t, 2, countAudit(t, pool))
}

func countAudit(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE actor = 'cli'`).Scan(&n))
	return n
}
