// Package store is the only package that touches SQL. It wraps the sqlc
// output in store/internal/dbsqlc, returns domain types, maps pgx errors to
// ErrNotFound and ErrConflict, and leaves transactions to the caller: every
// function takes a DBTX that is either the pool or a pgx.Tx.
package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// DBTX is a pool, a connection or a transaction.
type DBTX = dbsqlc.DBTX

var (
	// ErrNotFound is returned when a looked-up row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a write violates a unique constraint.
	ErrConflict = errors.New("conflict")
)

func q(db DBTX) *dbsqlc.Queries { return dbsqlc.New(db) }

// mapErr turns driver errors into the store's sentinel errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
	}
	return err
}

// DB is a DBTX that can open transactions: the pool, or a transaction
// (whose Begin opens a savepoint, which lets tests run a whole job inside
// their own transaction).
type DB interface {
	DBTX
	Begin(ctx context.Context) (pgx.Tx, error)
}

// InTx runs fn in a transaction on db, committing when fn returns nil and
// rolling back otherwise. It returns fn's error or the commit's.
func InTx(ctx context.Context, db DB, fn func(tx pgx.Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func Ping(ctx context.Context, db DBTX) error {
	var one int
	return db.QueryRow(ctx, "SELECT 1").Scan(&one)
}
