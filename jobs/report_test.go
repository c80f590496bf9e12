package jobs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertest"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/report"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestOnDemandReportFailsForGood: an on-demand report whose job fails is
// still building between attempts, and stored as failed (never left
// building) when its last attempt fails. Not parallel: it sets the global
// before-commit hook.
func TestOnDemandReportFailsForGood(t *testing.T) {
	pool := storetest.NewPool(t)
	ctx := context.Background()
	aid, _ := seed(t, pool, false)
	a, err := store.AnalysisGet(ctx, pool, aid)
	require.NoError(t, err)

	fails := 0
	defer jobs.SetBeforeCommitHook(func(_ context.Context, kind string) error {
		if kind == "build_report" && fails > 0 {
			fails--
			return errors.New("injected failure")
		}
		return nil
	})()

	for _, c := range []struct {
		maxAttempts int
		want        string
	}{{5, store.ReportBuilding}, {1, store.ReportFailed}} {
		r, err := store.ReportCreateBuilding(ctx, pool, a, report.KindOperations)
		require.NoError(t, err)
		fails = 1
		tx, err := pool.Begin(ctx)
		require.NoError(t, err)
		w := jobs.NewWorker[jobs.ReportArgs](jobs.Deps{Pool: pool, DB: tx, Log: quiet, LLM: offline.New()})
		tw := rivertest.NewWorker(t, riverpgxv5.New(pool), &river.Config{Logger: quiet}, w)
		_, err = tw.Work(ctx, t, tx, jobs.ReportArgs{AnalysisID: aid, ReportKind: report.KindOperations, ReportID: r.ID},
			&river.InsertOpts{MaxAttempts: c.maxAttempts})
		if c.maxAttempts > 1 {
			require.ErrorContains(t, err, "injected failure", "an early attempt fails and is retried")
		} else {
			require.NoError(t, err, "the last attempt stores the failure and completes")
		}
		got, err := store.ReportGet(ctx, tx, r.ID)
		require.NoError(t, err)
		require.Equal(t, c.want, got.Status)
		if c.want == store.ReportFailed {
			require.Contains(t, got.Error, "failed after 1 attempts")
		}
		require.NoError(t, tx.Rollback(ctx))
	}
}
