package devpg

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Defaults used when the matching Options field is empty.
const (
	DefaultLocalURL = "postgres://postgres@127.0.0.1:5432/voc?sslmode=disable"
	DefaultDataDir  = ".voc/pgdata"
	DefaultPort     = 54329
	DefaultDatabase = "voc"
)

// ErrNotInstalled is returned (wrapped) by Ensure when it has to start a
// private cluster but finds no initdb and pg_ctl.
var ErrNotInstalled = errors.New("postgres server binaries (initdb, pg_ctl) not found in PATH nor in /usr/lib/postgresql/*/bin")

// Options tells Ensure where to look for a Postgres.
type Options struct {
	// DatabaseURL, usually from DATABASE_URL, wins when set.
	DatabaseURL string
	// LocalURL is the DSN of the database to use on a server that is
	// already running; its database is created when missing.
	// Default DefaultLocalURL.
	LocalURL string
	// SkipLocal skips the LocalURL attempt and goes straight to the private
	// cluster. Tests use it so as not to touch a shared server.
	SkipLocal bool
	// DataDir is the private cluster's data folder. Default DefaultDataDir,
	// relative to the current directory.
	DataDir string
	// Port is the first port tried for the private cluster; when it is taken
	// a free one is chosen. Default DefaultPort.
	Port int
}

func (o Options) withDefaults() Options {
	if o.LocalURL == "" {
		o.LocalURL = DefaultLocalURL
	}
	if o.DataDir == "" {
		o.DataDir = DefaultDataDir
	}
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	return o
}

// Ensure returns the DSN of a usable Postgres database and a function that
// stops whatever Ensure started (a no-op when it started nothing). It returns
// an error, wrapping ErrNotInstalled when that is the cause, when no database
// could be found or started.
func Ensure(ctx context.Context, opts Options, log *slog.Logger) (dsn string, stop func(context.Context) error, err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts = opts.withDefaults()
	noop := func(context.Context) error { return nil }

	if opts.DatabaseURL != "" {
		log.InfoContext(ctx, "devpg: using DATABASE_URL", "dsn", redact(opts.DatabaseURL))
		return opts.DatabaseURL, noop, nil
	}

	if !opts.SkipLocal {
		err := createDatabase(ctx, opts.LocalURL, 0)
		if err == nil {
			// Loud: data going to a database nobody chose is a surprise.
			log.WarnContext(ctx, "DATABASE_URL is not set: using the local Postgres", "dsn", redact(opts.LocalURL))
			return opts.LocalURL, noop, nil
		}
		log.InfoContext(ctx, "devpg: no usable local Postgres, starting a private cluster",
			"dsn", redact(opts.LocalURL), "reason", err.Error())
	}

	c, err := startPrivate(ctx, opts, log)
	if err != nil {
		return "", nil, err
	}
	log.WarnContext(ctx, "DATABASE_URL is not set: using a private Postgres cluster", "dsn", redact(c.dsn), "data_dir", opts.DataDir)
	return c.dsn, c.stop, nil
}

// createDatabase makes sure the database named in dsn exists, connecting to
// the postgres database of the same server to create it. It retries for up to
// wait while the server is not yet accepting connections.
func createDatabase(ctx context.Context, dsn string, wait time.Duration) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return fmt.Errorf("parse dsn: %w", err)
	}
	name := cfg.Database
	if name == "" || name == "postgres" {
		return errors.New("dsn names no database to create")
	}
	cfg.Database = "postgres"
	cfg.ConnectTimeout = 3 * time.Second

	var conn *pgx.Conn
	deadline := time.Now().Add(wait)
	for {
		conn, err = pgx.ConnectConfig(ctx, cfg)
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("connect to database postgres: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	var exists bool
	if err := conn.QueryRow(ctx, "select exists (select 1 from pg_database where datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look up database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	// CREATE DATABASE cannot run in a transaction nor take parameters; the
	// name is quoted as an identifier. Another process may create it between
	// the check and here: both of its error codes mean success for us.
	_, err = conn.Exec(ctx, "create database "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "42P04" || pgErr.Code == "23505") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// redact returns dsn without its password, for logs. A DSN that is not a URL
// (keyword=value form) is not shown at all.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "(not shown)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
