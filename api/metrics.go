package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// Metrics serves this process's Prometheus metrics: the Go runtime and the
// process, the LLM calls and the limiter's waits (llm.Collectors), and the
// River queues' depth read from pool at scrape time.
func Metrics(pool *pgxpool.Pool) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), newQueueCollector(pool))
	reg.MustRegister(llm.Collectors()...)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// MetricsWithToken is Metrics for a listener of its own (a voc worker's
// VOC_METRICS_ADDR): it serves only requests with a live API token
// ("Authorization: Bearer …", any role, as the API's /metrics).
func MetricsWithToken(pool *pgxpool.Pool, log *slog.Logger) http.Handler {
	h := Metrics(pool)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if secret, _ := bearerHeader(r); secret != "" {
			_, err := store.TokenIdentity(r.Context(), pool, secret)
			if err == nil {
				h.ServeHTTP(w, r)
				return
			}
			if !errors.Is(err, store.ErrNotFound) {
				log.WarnContext(r.Context(), "metrics: checking the token", "error", err)
				writeProblem(w, http.StatusServiceUnavailable, "the token could not be checked: the database is unreachable")
				return
			}
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="voc"`)
		writeProblem(w, http.StatusUnauthorized, "an API token is needed: send Authorization: Bearer <token>")
	})
}

// queueCollector reports River queue depth by queue and state at scrape
// time, from the voc_queue_depth view.
type queueCollector struct {
	pool  *pgxpool.Pool
	depth *prometheus.Desc
}

func newQueueCollector(pool *pgxpool.Pool) *queueCollector {
	return &queueCollector{pool: pool, depth: prometheus.NewDesc("voc_queue_jobs", "River jobs by queue and state.", []string{"queue", "state"}, nil)}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.depth }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rows, err := c.pool.Query(ctx, "SELECT queue, state, jobs FROM voc_queue_depth")
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.depth, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var q, s string
		var n int64
		if err := rows.Scan(&q, &s, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(c.depth, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(n), q, s)
	}
}
