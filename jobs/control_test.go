package jobs_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
)

// TestRescueCoversQueueTimeouts: River's generic rescue must never take
// back a job that may still be working, so its threshold exceeds every
// queue's timeout, and the ingestion entry is the worker's own timeout.
func TestRescueCoversQueueTimeouts(t *testing.T) {
	require.Equal(t, jobs.QueueTimeouts[jobs.QueueIngestion], (&jobs.IngestWorker{}).Timeout(nil))
	require.Len(t, jobs.QueueTimeouts, len(jobs.Queues))
	for _, q := range jobs.Queues {
		d, ok := jobs.QueueTimeouts[q]
		require.True(t, ok, q)
		require.Greater(t, jobs.RescueStuckJobsAfter(), d, q)
	}
}
