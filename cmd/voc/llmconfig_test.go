package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
)

// TestLLMConfigRejectsBadValues: a budget, burst, host count or
// concurrency that is zero, negative or not a number stops start-up with
// the variable's name.
func TestLLMConfigRejectsBadValues(t *testing.T) {
	for _, name := range []string{"VOC_LLM_RPS", "VOC_LLM_TPM", "VOC_LLM_BURST", "VOC_LLM_HOSTS", "VOC_LLM_CONCURRENCY", "VOC_LLM_LATENCY"} {
		for _, bad := range []string{"0", "-5", "lots", "NaN"} {
			t.Run(name+"="+bad, func(t *testing.T) {
				t.Setenv(name, bad)
				_, err := defaultConfig().queues()
				require.Error(t, err)
				require.Contains(t, err.Error(), name)
			})
		}
	}
}

// TestLLMConfigConcurrencyFollowsBudget: by default the LLM queues are sized by
// Little's law from the budget and the expected latency; VOC_QUEUES and
// VOC_LLM_CONCURRENCY still win.
func TestLLMConfigConcurrencyFollowsBudget(t *testing.T) {
	t.Setenv("VOC_LLM_RPS", "200")
	t.Setenv("VOC_LLM_LATENCY", "1.5s")
	q, err := defaultConfig().queues()
	require.NoError(t, err)
	// 300 calls in flight, CallsPerJob of them per job.
	perQueue := 300 / jobs.CallsPerJob
	for _, name := range jobs.LLMQueues {
		require.Equal(t, perQueue, q[name], name)
	}
	require.Equal(t, jobs.DefaultConcurrency[jobs.QueueIngestion], q[jobs.QueueIngestion])

	t.Setenv("VOC_QUEUES", "translation=7,insight_extraction,theme_extraction")
	q, err = defaultConfig().queues()
	require.NoError(t, err)
	require.Equal(t, map[string]int{jobs.QueueTranslate: 7, jobs.QueueInsights: perQueue, jobs.QueueThemes: perQueue}, q)

	t.Setenv("VOC_LLM_CONCURRENCY", "42")
	q, err = defaultConfig().queues()
	require.NoError(t, err)
	require.Equal(t, 42, q[jobs.QueueThemes])

	// A tiny budget keeps the old floor; the default burst is 5% of RPS.
	t.Setenv("VOC_LLM_CONCURRENCY", "")
	t.Setenv("VOC_LLM_RPS", "2")
	c := defaultConfig()
	q, err = c.queues()
	require.NoError(t, err)
	require.Equal(t, minLLMConcurrency, q[jobs.QueueThemes])
	require.Equal(t, 1, c.burst())
	t.Setenv("VOC_LLM_RPS", "200")
	require.Equal(t, 10, defaultConfig().burst())
}
