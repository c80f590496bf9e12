package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// AsyncCommit lets tx's commit return before its WAL record is flushed to
// disk (synchronous_commit = off, for this transaction only). A crash of
// Postgres can then lose the last few hundred milliseconds of such commits —
// each as a whole, never in part, so a lost stage commit is a job that runs
// again. The stages use it: every stage commit updates its analysis's
// progress row, and with a synchronous commit that row stays locked for a
// disk flush per batch, which serialises every batch of an analysis behind
// the disk. Uploads never use it: their 202 promises durability.
func AsyncCommit(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
		return fmt.Errorf("set asynchronous commit: %w", err)
	}
	return nil
}
