// Package storetest gives tests a real, migrated Postgres database of their
// own, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/voc-project/voc/store"
)

// AdminURL is the server tests create databases on: TEST_DATABASE_URL, else
// the local Postgres.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// template migrates one database per test binary; each test clones it,
// which is far faster than migrating every time.
func template(ctx context.Context) (string, error) {
	templateOnce.Do(func() {
		templateName = "voc_tmpl_" + randHex(6)
		if templateErr = exec(ctx, "CREATE DATABASE "+templateName); templateErr != nil {
			return
		}
		pool, err := pgxpool.New(ctx, dbURL(templateName))
		if err != nil {
			templateErr = err
			return
		}
		defer pool.Close()
		templateErr = store.Migrate(ctx, pool, slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
	return templateName, templateErr
}

// DropTemplate removes the template database; call it from TestMain after
// m.Run.
func DropTemplate() {
	if templateName != "" {
		_ = exec(context.Background(), "DROP DATABASE IF EXISTS "+templateName+" WITH (FORCE)")
	}
}

// NewDB creates a migrated database for t and returns its URL. The
// database is dropped (forcibly) when t ends.
func NewDB(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tmpl, err := template(ctx)
	if err != nil {
		t.Fatalf("migrate template database: %v", err)
	}
	name := "voc_test_" + randHex(6)
	if err := exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return dbURL(name)
}

// NewPool creates a migrated database for t and opens a pool on it.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := NewDB(t)
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 20
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func dbURL(name string) string {
	u, err := url.Parse(AdminURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// exec runs one statement on the admin database. CREATE DATABASE from a
// template fails if another session uses the template at that moment, so
// it retries briefly.
func exec(ctx context.Context, sql string) error {
	var err error
	for i := 0; i < 20; i++ {
		var conn *pgx.Conn
		conn, err = pgx.Connect(ctx, AdminURL())
		if err != nil {
			return err
		}
		_, err = conn.Exec(ctx, sql)
		conn.Close(ctx)
		if err == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Main runs a test binary's tests and drops the template database after
// them; call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	DropTemplate()
	os.Exit(code)
}
