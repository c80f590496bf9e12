package devpg_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/devpg"
)

func TestEnsureDatabaseURL(t *testing.T) {
	t.Parallel()
	const url = "postgres://app:secret@db.example:5432/voc?sslmode=require"

	dsn, stop, err := devpg.Ensure(context.Background(), devpg.Options{DatabaseURL: url}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	require.Equal(t, url, dsn)
	require.NoError(t, stop(context.Background()))
}

func TestEnsurePrivateCluster(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	dir := t.TempDir()
	// As root the cluster runs as an unprivileged user, who must be able to
	// reach the data folder through the test's temporary folders.
	for _, d := range []string{dir, filepath.Dir(dir)} {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	opts := devpg.Options{
		SkipLocal: true, // never touch a shared server on 5432
		DataDir:   filepath.Join(dir, "pgdata"),
		Port:      54399,
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	start := time.Now()
	dsn, stop, err := devpg.Ensure(ctx, opts, log)
	if errors.Is(err, devpg.ErrNotInstalled) {
		t.Skip("initdb not found:", err)
	}
	require.NoError(t, err)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = stop(context.Background())
		}
	})
	t.Logf("cluster up in %s at %s", time.Since(start).Round(time.Millisecond), dsn)

	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	var one int
	require.NoError(t, conn.QueryRow(ctx, "select 1").Scan(&one))
	require.Equal(t, 1, one)
	var db string
	require.NoError(t, conn.QueryRow(ctx, "select current_database()").Scan(&db))
	require.Equal(t, "voc", db)
	require.NoError(t, conn.Close(ctx))

	// A second Ensure on the same folder adopts the running cluster, and
	// its stop leaves it running for its owner.
	dsn2, stop2, err := devpg.Ensure(ctx, opts, log)
	require.NoError(t, err)
	require.Equal(t, dsn, dsn2)
	require.NoError(t, stop2(ctx))
	conn, err = pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	require.NoError(t, conn.Close(ctx))

	require.NoError(t, stop(ctx))
	stopped = true
	_, err = pgx.Connect(ctx, dsn)
	require.Error(t, err, "cluster still accepts connections after stop")
}

func TestEnsureLocalServerCreatesDatabase(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const admin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Skip("no trust-auth Postgres on 127.0.0.1:5432:", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	name := fmt.Sprintf("devpg_test_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		_, err := conn.Exec(context.Background(), "drop database if exists "+name+" with (force)")
		require.NoError(t, err)
	})
	local := "postgres://postgres@127.0.0.1:5432/" + name + "?sslmode=disable"

	// Several processes starting at once race to create the database; all
	// of them must succeed.
	var wg sync.WaitGroup
	errs := make([]error, 4)
	dsns := make([]string, len(errs))
	for i := range errs {
		wg.Go(func() {
			dsns[i], _, errs[i] = devpg.Ensure(ctx, devpg.Options{LocalURL: local}, nil)
		})
	}
	wg.Wait()
	for i := range errs {
		require.NoError(t, errs[i])
		require.Equal(t, local, dsns[i])
	}

	c, err := pgx.Connect(ctx, local)
	require.NoError(t, err)
	require.NoError(t, c.Close(ctx))

	// Without DATABASE_URL the choice is logged loudly, naming the database.
	var logs bytes.Buffer
	_, _, err = devpg.Ensure(ctx, devpg.Options{LocalURL: local}, slog.New(slog.NewJSONHandler(&logs, nil)))
	require.NoError(t, err)
	require.Contains(t, logs.String(), `"level":"WARN"`)
	require.Contains(t, logs.String(), "DATABASE_URL is not set: using the local Postgres")
	require.Contains(t, logs.String(), name)
}
