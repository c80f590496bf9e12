package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type env struct {
	t      testing.TB
	url    string
	token  string
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
	sim    *llmsim.Server
}

type envOpts struct {
	queues   map[string]int // nil: every queue
	analyzer llm.Analyzer   // nil: offline, or sim when set
	sim      *llmsim.Config // set: the OpenAI provider against llmsim over HTTP
	maxBytes int64
	rps      float64 // LLM requests/s cap of the provider (0: none)
	// cache wraps the provider in the Redis answer cache (real Redis, a
	// prefix of the test's own).
	cache bool
	// ready is api.Config.Ready (the Redis check of /ready).
	ready func(context.Context) error
	// config, when set, adjusts the api.Config before the server starts.
	config func(*api.Config)
}

// newEnv starts voc's HTTP API and workers on a fresh database.
func newEnv(t testing.TB, o envOpts) *env {
	t.Helper()
	pool := storetest.NewPool(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	var sim *llmsim.Server
	if o.sim != nil {
		o.analyzer, sim = simAnalyzer(t, *o.sim, store.CallRecorder{DB: pool}, o.rps)
	}
	if o.analyzer == nil {
		o.analyzer = defaultAnalyzer()
	}
	if o.cache {
		rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
		t.Cleanup(func() { _ = rdb.Close() })
		require.NoError(t, rdb.Ping(context.Background()).Err(), "the cache tests need Redis on 127.0.0.1:6379")
		prefix := "voc:test:" + store.NewTokenSecret()[4:16] + ":"
		t.Cleanup(func() {
			keys, _ := rdb.Keys(context.Background(), prefix+"*").Result()
			if len(keys) > 0 {
				_ = rdb.Del(context.Background(), keys...).Err()
			}
		})
		o.analyzer = llm.NewCachedAnalyzer(o.analyzer, rdb, time.Hour, store.CallRecorder{DB: pool}, llm.WithCachePrefix(prefix))
	}
	if o.queues == nil {
		o.queues = jobs.DefaultConcurrency
	}
	client, err := jobs.NewClient(jobs.Deps{Pool: pool, Log: log, LLM: o.analyzer}, o.queues)
	require.NoError(t, err)
	ctx := context.Background()
	if len(o.queues) > 0 {
		require.NoError(t, client.Start(ctx))
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = client.StopAndCancel(sctx)
		})
	}
	uiCtx, stopUI := context.WithCancel(context.Background())
	t.Cleanup(stopUI)
	cfg := api.Config{Pool: pool, River: client, Log: log, MaxUploadBytes: o.maxBytes, Context: uiCtx, Ready: o.ready, LLM: o.analyzer,
		// Storms and benchmarks send many uploads on one token; the tests
		// of the caps set them (config).
		Uploads: api.UploadLimits{PerToken: -1, Total: -1, BytesPerToken: -1, BytesTotal: -1, Queued: -1}}
	if o.config != nil {
		o.config(&cfg)
	}
	h, err := api.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	token := store.NewTokenSecret()
	_, err = store.TokenCreate(ctx, pool, "test", token, true)
	require.NoError(t, err)
	return &env{t: t, url: srv.URL, token: token, pool: pool, client: client, sim: sim}
}

// do sends a request with the env's token and decodes a JSON answer into
// out (when not nil); it returns the status and the raw body.
func (e *env) do(method, path string, body io.Reader, contentType string, out any) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, body)
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+e.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(e.t, json.Unmarshal(raw, out), string(raw))
	}
	return resp.StatusCode, raw
}

// multipartBody builds an upload form.
func multipartBody(t testing.TB, filename string, content []byte, fields map[string]string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	fw, err := w.CreateFormFile("file", filename)
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return &buf, w.FormDataContentType()
}

// upload posts a file and returns the 202 answer.
func (e *env) upload(filename string, content []byte, asin string, extra map[string]string) api.Accepted {
	e.t.Helper()
	fields := map[string]string{"asin": asin, "marketplace": "US"}
	for k, v := range extra {
		fields[k] = v
	}
	body, ct := multipartBody(e.t, filename, content, fields)
	var acc api.Accepted
	status, raw := e.do(http.MethodPost, "/api/v1/uploads", body, ct, &acc)
	require.Equal(e.t, http.StatusAccepted, status, string(raw))
	return acc
}

// waitUpload polls an upload until it is done or failed.
func (e *env) waitUpload(id int64) store.Upload {
	e.t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var u store.Upload
		status, raw := e.do(http.MethodGet, fmt.Sprintf("/api/v1/uploads/%d", id), nil, "", &u)
		require.Equal(e.t, http.StatusOK, status, string(raw))
		if u.Status == store.UploadDone || u.Status == store.UploadFailed {
			return u
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.t.Fatalf("upload %d did not finish", id)
	return store.Upload{}
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	require.NoError(e.t, e.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// readData reads a file of the shared review data; the test skips (fails
// under CI=true) naming the file when it is absent.
func readData(t testing.TB, name string) []byte {
	t.Helper()
	return fixture.Shared(t, name)
}

// fixtureCSV returns the committed multilingual fixture (60 reviews in six
// languages) as an upload file, repeated copies times. Each copy's review
// ids are suffixed so that every row is a review of its own, and copies
// after the first vary their title, so their texts differ too.
func fixtureCSV(t testing.TB, copies int) []byte {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(fixture.Read(t, fixture.Multilingual))).ReadAll()
	require.NoError(t, err)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write(recs[0]))
	for k := 0; k < copies; k++ {
		for _, r := range recs[1:] {
			row := slices.Clone(r)
			if k > 0 {
				row[0] = fmt.Sprintf("%s-%d", r[0], k)
				row[2] = fmt.Sprintf("%s (%d)", r[2], k+1)
			}
			require.NoError(t, w.Write(row))
		}
	}
	w.Flush()
	require.NoError(t, w.Error())
	return buf.Bytes()
}

// metric reads /metrics with the env's token and sums the samples of name
// whose labels include every one of labels (`key="value"`).
func (e *env) metric(name string, labels ...string) float64 {
	e.t.Helper()
	status, raw := e.do(http.MethodGet, "/metrics", nil, "", nil)
	require.Equal(e.t, http.StatusOK, status, string(raw))
	sum := 0.0
	for _, line := range strings.Split(string(raw), "\n") {
		rest, ok := strings.CutPrefix(line, name+"{")
		if !ok {
			continue
		}
		set, value, ok := strings.Cut(rest, "} ")
		if !ok || !hasAll(set, labels) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		require.NoError(e.t, err, line)
		sum += v
	}
	return sum
}

// hasAll reports whether a Prometheus label set holds every label.
func hasAll(set string, labels []string) bool {
	for _, l := range labels {
		if !slices.Contains(strings.Split(set, ","), l) {
			return false
		}
	}
	return true
}
