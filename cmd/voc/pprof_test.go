package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
)

// TestPprofOnlyOnLoopback: profiles and a worker's metrics are served
// without auth, so only a loopback address is accepted.
func TestPprofOnlyOnLoopback(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.1.2.3:6060", "nonsense"} {
		_, err := startPprof(addr, log)
		require.Error(t, err, addr)
		require.Contains(t, err.Error(), "VOC_PPROF_ADDR")
		_, err = startMetrics(addr, nil, log)
		require.Error(t, err, addr)
		require.Contains(t, err.Error(), "VOC_METRICS_ADDR")
	}
	stop, err := startPprof("127.0.0.1:0", log)
	require.NoError(t, err)
	stop()
}

// TestWorkerMetrics runs the insight stage in a voc worker with
// VOC_METRICS_ADDR and scrapes it: the LLM calls it counts are exactly the
// ones llm_calls recorded for the stage, every one waited on the limiter,
// and the queue depths are there.
func TestWorkerMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs voc")
	}
	bin := buildVoc(t)
	sim := httptest.NewServer(llmsim.New(llmsim.DefaultConfig(), offline.New()))
	defer sim.Close()
	run := newPipelineRun(t, bin, sim.URL)
	for _, q := range []string{jobs.QueueIngestion, jobs.QueueLearning, jobs.QueueTranslate} {
		run.drain(q)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", mhFreePort(t))
	cmd := run.start(jobs.QueueInsights+"=4", "VOC_METRICS_ADDR="+addr)
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for run.pending(jobs.QueueInsights) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	require.Zero(t, run.pending(jobs.QueueInsights))
	calls := run.int("SELECT count(*) FROM llm_calls WHERE stage = 'insight_extraction' AND status = 'ok' AND NOT cache_hit")
	require.Positive(t, calls)

	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	sample := func(re string) float64 {
		m := regexp.MustCompile(`(?m)^` + re + ` (\S+)$`).FindStringSubmatch(string(raw))
		require.NotNil(t, m, "no %s in:\n%s", re, raw)
		v, err := strconv.ParseFloat(m[1], 64)
		require.NoError(t, err)
		return v
	}
	require.Equal(t, float64(calls), sample(`voc_llm_calls_total\{cache="miss",stage="insight_extraction",status="ok"\}`))
	require.Equal(t, float64(calls), sample(`voc_llm_call_seconds_count\{stage="insight_extraction"\}`))
	require.Positive(t, sample(`voc_llm_tokens_total\{direction="in",stage="insight_extraction"\}`))
	require.GreaterOrEqual(t, sample(`voc_llm_limiter_wait_seconds_count\{limiter="local"\}`), float64(calls))
	require.Positive(t, sample(`voc_queue_jobs\{queue="theme_extraction",state="available"\}`), "the next stage's jobs wait")
}
