package jobs_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
)

// TestLLMTurnsBoundBatchesInMemory: with two turns, a third job waits (here:
// gives up with its context) until a turn is released; a release is
// idempotent; no bound means no waiting.
func TestLLMTurnsBoundBatchesInMemory(t *testing.T) {
	t.Parallel()
	turn := jobs.LLMTurn(jobs.Deps{LLMInFlight: 2})
	ctx := context.Background()
	r1, err := turn(ctx)
	require.NoError(t, err)
	_, err = turn(ctx)
	require.NoError(t, err)

	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err = turn(done)
	require.ErrorIs(t, err, context.Canceled, "both turns are taken")

	r1()
	r1() // a second release of the same turn frees nothing more
	_, err = turn(done)
	require.NoError(t, err, "a released turn is free again")
	_, err = turn(done)
	require.ErrorIs(t, err, context.Canceled, "both turns are taken again")

	unbounded := jobs.LLMTurn(jobs.Deps{})
	for range 1000 {
		_, err := unbounded(done)
		require.NoError(t, err)
	}
}
