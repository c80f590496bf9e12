package api

import (
	"context"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/voc-project/voc/llm"
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
