package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
)

// BenchmarkUploadAck measures the acknowledgement latency of 1 MB uploads
// under 20 concurrent clients (each sends 10), with ingestion workers
// running on the same host. Reports p50 and p99 in milliseconds.
func BenchmarkUploadAck(b *testing.B) {
	e := newEnv(b, envOpts{queues: ackBenchQueues()})
	// 1 MB of MARC rows.
	src := readData(b, "marc_multilingual_sample.csv")
	var file bytes.Buffer
	for file.Len() < 1<<20 {
		file.Write(src)
	}
	body := file.Bytes()[:1<<20]
	// Each client keeps its connection, as a browser or script would.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	clients, each := 20, 10
	if c, err := strconv.Atoi(os.Getenv("VOC_BENCH_CLIENTS")); err == nil && c > 0 {
		clients = c
	}
	for i := 0; i < b.N; i++ {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				for k := 0; k < each; k++ {
					var buf bytes.Buffer
					mw := multipart.NewWriter(&buf)
					_ = mw.WriteField("asin", fmt.Sprintf("B0ACK%02d%03d", c, i))
					fw, _ := mw.CreateFormFile("file", "r.csv")
					_, _ = fw.Write(body)
					_ = mw.Close()
					req, _ := http.NewRequest(http.MethodPost, e.url+"/api/v1/uploads", &buf)
					req.Header.Set("Content-Type", mw.FormDataContentType())
					req.Header.Set("Authorization", "Bearer "+e.token)
					start := time.Now()
					resp, err := hc.Do(req)
					d := time.Since(start)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusAccepted {
						b.Errorf("status %d", resp.StatusCode)
					}
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			}(c)
		}
		wg.Wait()
		require.Len(b, lat, clients*each, "every upload was answered")
		require.EqualValues(b, (i+1)*clients*each, e.count("SELECT count(*) FROM uploads"), "every upload was stored")
		sort.Slice(lat, func(a, z int) bool { return lat[a] < lat[z] })
		p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(p(0.50), "p50_ms")
		b.ReportMetric(p(0.99), "p99_ms")
		b.ReportMetric(float64(len(lat)), "uploads")
	}
	b.ReportMetric(0, "ns/op")
}

// replicate builds a CSV of n reviews from the MARC and Alexa files, each
// with a unique review id.
func replicate(b testing.TB, n int) []byte {
	b.Helper()
	var texts [][2]string
	for _, m := range readMARC(b) {
		texts = append(texts, [2]string{strconv.Itoa(m.stars), m.text})
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(readData(b, "amazon_alexa_reviews.tsv"), []byte("\xef\xbb\xbf"))))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, -1
	recs, err := r.ReadAll()
	require.NoError(b, err)
	for _, rec := range recs[1:] {
		if strings.TrimSpace(rec[3]) != "" {
			texts = append(texts, [2]string{rec[0], rec[3]})
		}
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	_ = w.Write([]string{"review_id", "rating", "text"})
	for i := 0; i < n; i++ {
		t := texts[i%len(texts)]
		_ = w.Write([]string{fmt.Sprintf("bench-%d", i), t[0], t[1]})
	}
	w.Flush()
	return out.Bytes()
}

// stageUsage sums recorded LLM calls and tokens by stage for a product.
func (e *env) stageUsage(productID int64, stages ...string) (calls, tokIn, tokOut int) {
	e.t.Helper()
	require.NoError(e.t, e.pool.QueryRow(context.Background(), `SELECT count(*), coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0)
		FROM llm_calls c JOIN analyses a ON a.id = c.analysis_id WHERE a.product_id = $1 AND c.stage = ANY($2)`,
		productID, stages).Scan(&calls, &tokIn, &tokOut))
	return
}

// BenchmarkLLMCallsPerReview runs the whole pipeline through llmsim (zero
// latency) on the MARC and Alexa files and reports LLM calls and tokens per
// review for translation, insights and themes together.
func BenchmarkLLMCallsPerReview(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sc := quietSim()
		e := newEnv(b, envOpts{sim: &sc})
		var reviews, calls, tin, tout int
		for k, f := range []string{"marc_multilingual_sample.csv", "amazon_alexa_reviews.tsv"} {
			acc := e.upload(f, readData(b, f), fmt.Sprintf("B0CALLS%03d", k), nil)
			a := e.waitFinal(acc.ProductID, 5*time.Minute)
			c, ti, to := e.stageUsage(acc.ProductID, "translation", "insight_extraction", "theme_extraction")
			reviews, calls, tin, tout = reviews+a.ReviewsTotal, calls+c, tin+ti, tout+to
		}
		b.ReportMetric(float64(calls)/float64(reviews), "calls/review")
		b.ReportMetric(float64(tin)/float64(reviews), "tokens_in/review")
		b.ReportMetric(float64(tout)/float64(reviews), "tokens_out/review")
		b.ReportMetric(float64(reviews), "reviews")
	}
	b.ReportMetric(0, "ns/op")
}

type noopArgs struct {
	N int `json:"n"`
}

func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct{ river.WorkerDefaults[noopArgs] }

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

// BenchmarkPipelineThroughput measures reviews/s from upload to final report
// with zero simulated LLM latency — the queue and database overhead — and,
// in the same run, raw River throughput for as many no-op jobs as the
// pipeline ran, with the same number of worker slots. The simulator answers
// with canned answers (llmsim --canned), so the run measures voc, not the
// offline analyser; VOC_BENCH_OFFLINE=1 uses the offline analyser instead.
func BenchmarkPipelineThroughput(b *testing.B) {
	const n = 10_000
	body := replicate(b, n)
	for i := 0; i < b.N; i++ {
		sc := quietSim()
		sc.Canned = os.Getenv("VOC_BENCH_OFFLINE") == ""
		e := newEnv(b, envOpts{sim: &sc})
		start := time.Now()
		acc := e.upload("bench.csv", body, "B0THRU0001", nil)
		a := e.waitFinal(acc.ProductID, 10*time.Minute)
		pipe := time.Since(start)
		jobsRun := e.count("SELECT count(*) FROM river_job WHERE state = 'completed'")
		// Where the run's time went: each kind's span, from its first
		// attempt to its last completion.
		rows, err := e.pool.Query(context.Background(), `SELECT kind, count(*),
			extract(epoch FROM min(attempted_at) - (SELECT min(created_at) FROM river_job)),
			extract(epoch FROM max(finalized_at) - (SELECT min(created_at) FROM river_job))
			FROM river_job GROUP BY kind ORDER BY 3`)
		require.NoError(b, err)
		for rows.Next() {
			var kind string
			var n int
			var from, to float64
			require.NoError(b, rows.Scan(&kind, &n, &from, &to))
			b.Logf("%-18s %5d jobs  %6.2f s → %6.2f s", kind, n, from, to)
		}
		require.NoError(b, rows.Err())
		slots := 0
		for _, m := range jobs.DefaultConcurrency {
			slots += m
		}

		// Raw River: no-op jobs on the same slots, at least 2,000 of them
		// (the pipeline runs a few hundred jobs; so few no-op jobs would
		// measure River's start more than its throughput).
		ctx := context.Background()
		workers := river.NewWorkers()
		river.AddWorker(workers, noopWorker{})
		raw, err := river.NewClient(riverpgxv5.New(e.pool), &river.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Workers: workers, Queues: map[string]river.QueueConfig{"bench": {MaxWorkers: slots}}})
		require.NoError(b, err)
		rawJobs := max(jobsRun, 2000)
		params := make([]river.InsertManyParams, rawJobs)
		for k := range params {
			params[k] = river.InsertManyParams{Args: noopArgs{N: k}, InsertOpts: &river.InsertOpts{Queue: "bench"}}
		}
		_, err = raw.InsertMany(ctx, params)
		require.NoError(b, err)
		start = time.Now()
		require.NoError(b, raw.Start(ctx))
		for e.count("SELECT count(*) FROM river_job WHERE queue = 'bench' AND state <> 'completed'") > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		rawTook := time.Since(start)
		require.NoError(b, raw.Stop(ctx))

		b.ReportMetric(float64(a.ReviewsTotal)/pipe.Seconds(), "pipeline_reviews/s")
		b.ReportMetric(float64(jobsRun)/pipe.Seconds(), "pipeline_jobs/s")
		b.ReportMetric(float64(rawJobs)/rawTook.Seconds(), "raw_river_jobs/s")
		b.ReportMetric(float64(jobsRun), "jobs")
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkTimeToPreliminaryReport uploads 10,000 reviews with the LLM
// simulated at 1.5 s ± 0.5 s per call and a 200 requests/s cap, and
// reports the seconds from upload to the preliminary report (and to the
// final one).
func BenchmarkTimeToPreliminaryReport(b *testing.B) {
	const n = 10_000
	body := replicate(b, n)
	for i := 0; i < b.N; i++ {
		sc := quietSim()
		sc.Latency, sc.Jitter = 1500*time.Millisecond, 500*time.Millisecond
		e := newEnv(b, envOpts{sim: &sc, rps: 200})
		start := time.Now()
		acc := e.upload("bench.csv", body, "B0PRELIM01", nil)
		var prelim time.Duration
		deadline := time.Now().Add(15 * time.Minute)
		for time.Now().Before(deadline) {
			if prelim == 0 && e.count("SELECT count(*) FROM reports WHERE product_id = $1 AND kind = 'preliminary'", acc.ProductID) > 0 {
				prelim = time.Since(start)
			}
			if e.count("SELECT count(*) FROM reports WHERE product_id = $1 AND kind = 'final'", acc.ProductID) > 0 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		final := time.Since(start)
		require.NotZero(b, prelim, "preliminary report")
		b.ReportMetric(prelim.Seconds(), "s_to_preliminary")
		b.ReportMetric(final.Seconds(), "s_to_final")
		b.ReportMetric(float64(e.sim.Stats().Calls), "llm_calls")
	}
	b.ReportMetric(0, "ns/op")
}

// ackBenchQueues runs ingestion workers beside the uploads unless
// VOC_BENCH_ACK_ONLY is set, which isolates the request path.
func ackBenchQueues() map[string]int {
	if os.Getenv("VOC_BENCH_ACK_ONLY") != "" {
		return map[string]int{}
	}
	return map[string]int{jobs.QueueIngestion: 2}
}
