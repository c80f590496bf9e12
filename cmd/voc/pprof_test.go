package main

import (
	"context"
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
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// TestPprofOnlyOnLoopback: profiles are served without auth, so only a
// loopback address is accepted. A worker's metrics are served without auth
// on a loopback address and with a token check on any other.
func TestPprofOnlyOnLoopback(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.1.2.3:6060", "nonsense"} {
		_, err := startPprof(addr, log)
		require.Error(t, err, addr)
		require.Contains(t, err.Error(), "VOC_PPROF_ADDR")
	}
	stop, err := startPprof("127.0.0.1:0", log)
	require.NoError(t, err)
	stop()

	_, err = startMetrics("nonsense", nil, log)
	require.ErrorContains(t, err, "VOC_METRICS_ADDR")
	pool := storetest.NewPool(t)
	addr := fmt.Sprintf("127.0.0.1:%d", mhFreePort(t))
	stop, err = startMetrics(addr, pool, log)
	require.NoError(t, err)
	defer stop()
	status, body := scrape(t, addr, "")
	require.Equal(t, http.StatusOK, status, "no token on loopback")
	require.Contains(t, body, "voc_llm_limiter_redis_outages_total")
}

// scrape GETs /metrics from addr, with token as the bearer when not empty.
func scrape(t *testing.T, addr, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(raw)
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
	// Not loopback: a scraper from another host must bring a token.
	port := mhFreePort(t)
	cmd := run.start(jobs.QueueInsights+"=4", fmt.Sprintf("VOC_METRICS_ADDR=0.0.0.0:%d", port))
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for run.pending(jobs.QueueInsights) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	require.Zero(t, run.pending(jobs.QueueInsights))
	calls := run.int("SELECT count(*) FROM llm_calls WHERE stage = 'insight_extraction' AND status = 'ok' AND NOT cache_hit")
	require.Positive(t, calls)

	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for _, token := range []string{"", "not-a-token"} {
		status, body := scrape(t, addr, token)
		require.Equal(t, http.StatusUnauthorized, status, body)
		require.Contains(t, body, "Authorization: Bearer")
	}
	token := store.NewTokenSecret()
	_, err := store.TokenCreate(context.Background(), run.pool, "scraper", token, false)
	require.NoError(t, err)
	status, raw := scrape(t, addr, token)
	require.Equal(t, http.StatusOK, status, raw)
	sample := func(re string) float64 {
		m := regexp.MustCompile(`(?m)^` + re + ` (\S+)$`).FindStringSubmatch(raw)
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
