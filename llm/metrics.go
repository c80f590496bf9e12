package llm

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The LLM metrics of this process, exported on /metrics (voc serve) and on
// VOC_METRICS_ADDR (voc worker). They count what this process sent; the
// llm_calls table holds the same calls for SQL, per analysis.
var (
	metricCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "voc_llm_calls_total",
		Help: "LLM request attempts by stage and status (ok, rate_limited, refused, invalid, error); cache=\"hit\" counts answers served from the Redis cache, sent to no provider.",
	}, []string{"stage", "status", "cache"})
	metricCallSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "voc_llm_call_seconds",
		Help:    "Latency of LLM requests sent to the provider, by stage.",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20, 40, 80},
	}, []string{"stage"})
	metricTokens = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "voc_llm_tokens_total",
		Help: "Tokens the provider reported, by stage and direction (in, out).",
	}, []string{"stage", "direction"})
	metricLimiterWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "voc_llm_limiter_wait_seconds",
		Help:    "How long a request waited for its slot before it was sent, by limiter (local: this process's budget share; shared: the Redis limiter of all hosts).",
		Buckets: []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5},
	}, []string{"limiter"})
	metricLimiterLate = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "voc_llm_limiter_late_slots_total",
		Help: "Slots given up because the request woke more than the tolerance after them (a busy host); the budget they held stays spent.",
	}, []string{"limiter"})
	metricLimiterRefused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "voc_llm_limiter_snoozes_total",
		Help: "Waits that ended in a snooze instead of a slot, by limiter and code: the next slot was beyond the longest wait, or the request woke late too often.",
	}, []string{"limiter", "code"})
	metricLimiterOutages = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "voc_llm_limiter_redis_outages_total",
		Help: "Times the shared limiter lost Redis and fell back to this host's share of the budget.",
	})
)

// Collectors returns the LLM metrics, for a Prometheus registry.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{metricCalls, metricCallSeconds, metricTokens,
		metricLimiterWait, metricLimiterLate, metricLimiterRefused, metricLimiterOutages}
}

// observeCall counts one attempt or cache hit.
func observeCall(c Call) {
	cache := "miss"
	if c.CacheHit {
		cache = "hit"
	}
	metricCalls.WithLabelValues(c.Stage, c.Status, cache).Inc()
	if c.CacheHit {
		return
	}
	metricCallSeconds.WithLabelValues(c.Stage).Observe(c.Latency.Seconds())
	if c.TokensIn > 0 {
		metricTokens.WithLabelValues(c.Stage, "in").Add(float64(c.TokensIn))
	}
	if c.TokensOut > 0 {
		metricTokens.WithLabelValues(c.Stage, "out").Add(float64(c.TokensOut))
	}
}

// Limiter label values.
const (
	limiterLocal  = "local"
	limiterShared = "shared"
)

// observeWait counts one Wait of limiter that began at start: its wait when
// it got a slot, its code when it answered with a snooze.
func observeWait(limiter string, start time.Time, err error) {
	var rl *RateLimitError
	switch {
	case err == nil:
		metricLimiterWait.WithLabelValues(limiter).Observe(time.Since(start).Seconds())
	case errors.As(err, &rl):
		metricLimiterRefused.WithLabelValues(limiter, rl.Code).Inc()
	}
}
