package api_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

// Attacks of issue 9, replayed against the HTTP API and the real job.

// TestHostileLongErrorMessages: a 20,000-character column name, or a
// mapping naming a 12,000-character column, used to produce an error over
// Postgres's 10,000-byte CopyFail limit; the server dropped the connection
// and the upload retried for hours. Now it fails at once with a short reason.
func TestHostileLongErrorMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: ingestOnly.queues, maxBytes: 1 << 20})
	longCol := strings.Repeat("x", 20_000)
	cases := []struct {
		name   string
		file   string
		fields map[string]string
	}{
		{"long column name", "c1.csv", nil},
		{"long mapped column", "c2.csv", map[string]string{"mapping": `{"body":"` + strings.Repeat("y", 12_000) + `"}`}},
	}
	for i, c := range cases {
		body := []byte(longCol + ",other\n1,2\n3,4\n")
		start := time.Now()
		acc := e.upload(c.file, body, "B0LONG000"+string(rune('0'+i)), c.fields)
		u := e.waitUpload(acc.UploadID)
		require.Equal(t, store.UploadFailed, u.Status, c.name)
		require.NotEmpty(t, u.Error, c.name)
		require.LessOrEqual(t, len(u.Error), 1024, "%s: the stored reason is bounded", c.name)
		require.Less(t, time.Since(start), 30*time.Second, "%s: fails fast, not after retries", c.name)
		require.Equal(t, 1, e.count(`SELECT max(attempt) FROM river_job WHERE kind = 'ingest_upload' AND args->>'upload_id' = $1`,
			strconv.FormatInt(acc.UploadID, 10)), "%s: one attempt, no retries", c.name)
		// The stored mapping is not echoed in full either way.
		require.Less(t, len(u.Mapping["body"]), 13_000)
	}
}

// bombWorkbook is the workbook of the issue: a valid sheet, pad bytes of
// incompressible data (so the file is as large as a real export), and a
// part of filler zero bytes that deflate shrinks about 1,000 times.
func bombWorkbook(t *testing.T, pad int, filler int64) []byte {
	t.Helper()
	f := excelize.NewFile()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"rating", "body"}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A2", &[]any{5, "works"}))
	var base bytes.Buffer
	require.NoError(t, f.Write(&base))
	zr, err := zip.NewReader(bytes.NewReader(base.Bytes()), int64(base.Len()))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, zf := range zr.File {
		require.NoError(t, zw.Copy(zf))
	}
	if pad > 0 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/media/image1.bin", Method: zip.Store})
		require.NoError(t, err)
		_, err = io.CopyN(w, rand.Reader, int64(pad))
		require.NoError(t, err)
	}
	w, err := zw.Create("docProps/filler.xml")
	require.NoError(t, err)
	zeros := make([]byte, 1<<20)
	for left := filler; left > 0; left -= int64(len(zeros)) {
		_, err := w.Write(zeros[:min(int64(len(zeros)), left)])
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return out.Bytes()
}

// heapPeak samples the Go heap until stop is called and returns the peak
// of HeapInuse above the level at the start.
func heapPeak() (stop func() uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > peak.Load() {
				peak.Store(m.HeapInuse - base)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// TestHostileXLSXBomb: an 11.5 MB workbook with a 1 GB filler part drove
// the server from 640 MB to 3.5 GB and was accepted as done. Now the upload
// fails with a reason and the heap stays far below the filler's size.
//
// Not parallel: the heap is the process's, so the test runs in the
// sequential phase, before any parallel test starts, or the others' heaps
// count against it (CI once measured +209 MiB beside them, +77 to +92 MiB
// alone).
func TestHostileXLSXBomb(t *testing.T) {
	bomb := bombWorkbook(t, 10_500_000, 1<<30)
	require.Greater(t, len(bomb), 10<<20)
	e := newEnv(t, envOpts{queues: ingestOnly.queues, maxBytes: 16 << 20})
	stop := heapPeak()
	acc := e.upload("bomb.xlsx", bomb, "B0BOMB0001", nil)
	u := e.waitUpload(acc.UploadID)
	peak := stop()
	t.Logf("xlsx bomb (%d bytes, 1 GiB filler): heap peak +%d MiB; reason: %s", len(bomb), peak>>20, u.Error)
	require.Equal(t, store.UploadFailed, u.Status)
	require.Contains(t, u.Error, "docProps/filler.xml")
	require.Contains(t, u.Error, "VOC_XLSX_MAX_PART_BYTES")
	require.Less(t, peak, uint64(200<<20), "the heap must not balloon")
	require.Equal(t, 0, e.count("SELECT count(*) FROM reviews WHERE upload_id = $1", acc.UploadID))
	// The preview, which parses in the request, refuses it too.
	body, ct := multipartBody(t, "bomb.xlsx", bomb, nil)
	status, raw := e.do(http.MethodPost, "/api/v1/uploads/preview", body, ct, nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "VOC_XLSX_MAX_PART_BYTES")
}

// smallReviews is a small valid CSV.
func smallReviews(n int) []byte {
	var b strings.Builder
	b.WriteString("rating,title,body\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,review %d,The battery lasts %d hours and the sound is clear.\n", i%5+1, i, i+2)
	}
	return []byte(b.String())
}

// TestHostileConcurrentReruns: ten POSTs to /rerun started ten full
// analyses of one product. Now one starts and the others get 409 while it
// runs.
func TestHostileConcurrentReruns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	acc := e.upload("r.csv", smallReviews(12), "B0RERUN001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.NotNil(t, u.AnalysisID)
	e.waitAnalysis(*u.AnalysisID, time.Minute)

	// Hold the next analysis at its first stage so it is surely running.
	ctx := context.Background()
	e.pausing(jobs.QueueLearning, func() { require.NoError(t, e.client.QueuePause(ctx, jobs.QueueLearning, nil)) })
	path := fmt.Sprintf("/api/v1/products/%d/rerun", acc.ProductID)
	var wg sync.WaitGroup
	codes := make([]int, 10)
	bodies := make([][]byte, 10)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], bodies[i] = e.do(http.MethodPost, path, nil, "", nil)
		}()
	}
	wg.Wait()
	accepted, conflicts := 0, 0
	for i, c := range codes {
		switch c {
		case http.StatusAccepted:
			accepted++
		case http.StatusConflict:
			conflicts++
			require.Contains(t, string(bodies[i]), "still running")
		default:
			t.Fatalf("rerun answered %d: %s", c, bodies[i])
		}
	}
	require.Equal(t, 1, accepted)
	require.Equal(t, 9, conflicts)
	require.Equal(t, 1, e.count("SELECT count(*) FROM analyses WHERE product_id = $1 AND kind = 'rerun'", acc.ProductID))

	// Once it is done, a re-run is accepted again.
	require.NoError(t, e.client.QueueResume(ctx, jobs.QueueLearning, nil))
	var a2 struct {
		AnalysisID int64 `json:"analysis_id"`
	}
	require.NoError(t, e.pool.QueryRow(ctx, "SELECT id FROM analyses WHERE product_id = $1 AND kind = 'rerun'", acc.ProductID).Scan(&a2.AnalysisID))
	e.waitAnalysis(a2.AnalysisID, time.Minute)
	status, raw := e.do(http.MethodPost, path, nil, "", nil)
	require.Equal(t, http.StatusAccepted, status, string(raw))
}

// TestReadyPublicAndDegraded: /ready needed a token and answered 503 when
// the optional Redis was down. Now it is public, names each dependency's
// state, says "degraded" without Redis, and is 503 only without Postgres.
func TestReadyPublicAndDegraded(t *testing.T) {
	t.Parallel()
	// A port where nothing listens: bind one, then close it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := ln.Addr().String()
	require.NoError(t, ln.Close())
	rdb := redis.NewClient(&redis.Options{Addr: dead, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	live := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	t.Cleanup(func() { _ = live.Close() })

	get := func(url string) (int, api.Readiness) {
		resp, err := http.Get(url + "/ready") // no token
		require.NoError(t, err)
		defer resp.Body.Close()
		var r api.Readiness
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
		return resp.StatusCode, r
	}

	down := newEnv(t, envOpts{queues: map[string]int{}, ready: func(ctx context.Context) error { return rdb.Ping(ctx).Err() },
		config: func(c *api.Config) { c.LLMProvider = "offline" }})
	status, r := get(down.url)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "degraded", r.Status)
	require.Equal(t, map[string]string{"postgres": "up", "redis": "down", "llm": "offline"}, r.Dependencies)

	up := newEnv(t, envOpts{queues: map[string]int{}, ready: func(ctx context.Context) error { return live.Ping(ctx).Err() }})
	status, r = get(up.url)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "ready", r.Status)
	require.Equal(t, "up", r.Dependencies["redis"])

	none := newEnv(t, envOpts{queues: map[string]int{}})
	status, r = get(none.url)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "ready", r.Status)
	require.Equal(t, "not_configured", r.Dependencies["redis"])

	// Postgres unreachable: 503.
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@"+dead+"/voc?sslmode=disable&connect_timeout=1")
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	h, err := api.New(api.Config{Pool: pool, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	status, r = get(srv.URL)
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Equal(t, "down", r.Dependencies["postgres"])
}

// TestHostileSmallFaults: offsets past int32 gave a 500 or wrapped to the
// first page; NUL bytes and invalid UTF-8 in filters and model names gave
// 500; unknown marketplaces were accepted.
func TestHostileSmallFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ingestOnly)
	acc := e.upload("s.csv", smallReviews(3), "B0SMALL001", nil)
	require.Equal(t, store.UploadDone, e.waitUpload(acc.UploadID).Status)
	reviews := fmt.Sprintf("/api/v1/products/%d/reviews", acc.ProductID)

	unprocessable := []string{
		"/api/v1/products?offset=2147483648",
		"/api/v1/products?offset=4294967296",
		reviews + "?offset=2147483648",
		reviews + "?offset=4294967296",
		reviews + "?offset=99999999999999999999",
		reviews + "?language=%00",
		reviews + "?dimension=a%00b",
		reviews + "?label=%FF%FE",
		reviews + "?cursor=r1%00",
		"/api/v1/products?x%00=1",
	}
	for _, path := range unprocessable {
		status, raw := e.do(http.MethodGet, path, nil, "", nil)
		require.Equal(t, http.StatusUnprocessableEntity, status, "%s: %s", path, raw)
		require.Contains(t, string(raw), `"detail"`, path)
	}
	status, raw := e.do(http.MethodGet, "/api/v1/products?offset=2147483647", nil, "", nil)
	require.Equal(t, http.StatusOK, status, string(raw))

	// Model names with NUL or invalid UTF-8.
	for _, body := range []string{`{"kind":"product","name":"bat\u0000tery"}`, "{\"kind\":\"product\",\"name\":\"bat\xfftery\"}",
		`{"kind":"product","name":"ok","definition":"x\u0000"}`} {
		status, raw := e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/dimensions", acc.ProductID), strings.NewReader(body), "application/json", nil)
		require.Equal(t, http.StatusUnprocessableEntity, status, "%q: %s", body, raw)
	}
	// An escaped backslash before u0000 is plain text, not a NUL: the
	// request gets past the guard (to whatever the handler says).
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/dimensions", acc.ProductID),
		strings.NewReader(`{"kind":"product","name":"a\\u0000b"}`), "application/json", nil)
	require.NotContains(t, string(raw), "NUL character", "%d", status)

	// Unknown marketplaces are refused, naming the allowed ones.
	body, ct := multipartBody(t, "m.csv", smallReviews(2), map[string]string{"asin": "B0SMALL002", "marketplace": "XX"})
	status, raw = e.do(http.MethodPost, "/api/v1/uploads", body, ct, nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "US, CA")
	status, raw = e.do(http.MethodPost, "/api/v1/reviews/ingest", strings.NewReader(
		`{"asin":"B0SMALL003","marketplace":"ZZ","reviews":[{"rating":5,"body":"fine"}]}`), "application/json", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "US, CA")
	status, raw = e.do(http.MethodPost, "/api/v1/products/B0SMALL001/collection-complete?marketplace=QQ", nil, "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Equal(t, 0, e.count("SELECT count(*) FROM products WHERE marketplace IN ('XX', 'ZZ', 'QQ')"))
}

// heldUpload starts an upload whose body stays open until the returned
// function is called; it returns the answer then. The test's own probes
// take a slot of the gate for a moment, so a held upload that arrives
// during one is refused at once (429, before its body is read): it is sent
// again, until it is the one that holds a slot.
func (e *env) heldUpload(token, asin string) (finish func() (int, string)) {
	e.t.Helper()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	require.NoError(e.t, mw.WriteField("asin", asin))
	fw, err := mw.CreateFormFile("file", "held.csv")
	require.NoError(e.t, err)
	_, _ = fw.Write(smallReviews(5))
	// The closing boundary is written later, so the form is incomplete.
	type answer struct {
		status int
		body   string
	}
	var mu sync.Mutex
	var pw *io.PipeWriter // the current attempt's body
	var headSent chan struct{}
	finished := false
	done := make(chan answer, 1)
	go func() {
		for {
			pr, w := io.Pipe()
			sent := make(chan struct{})
			mu.Lock()
			pw, headSent = w, sent
			mu.Unlock()
			go func() { _, _ = w.Write(head.Bytes()); close(sent) }()
			req, _ := http.NewRequest(http.MethodPost, e.url+"/api/v1/uploads", pr)
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			// A connection of its own: a pooled one that the server is
			// closing cannot be retried with a streamed body.
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := client.Do(req)
			if err != nil {
				done <- answer{0, err.Error()}
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			retry := resp.StatusCode == http.StatusTooManyRequests && !finished
			mu.Unlock()
			if !retry {
				done <- answer{resp.StatusCode, string(b)}
				return
			}
			_ = w.CloseWithError(io.ErrClosedPipe)
		}
	}()
	return func() (int, string) {
		mu.Lock()
		finished = true
		w, sent := pw, headSent
		mu.Unlock()
		<-sent
		_, _ = w.Write([]byte("\r\n--" + mw.Boundary() + "--\r\n"))
		_ = w.Close()
		a := <-done
		return a.status, a.body
	}
}

// TestHostileUploadCaps: nothing bounded concurrent uploads (20 × 50 MB
// took the server to 2.9 GB) and a 20 MB mapping was stored and echoed.
// Now uploads being received are capped per token and in all (429 with
// Retry-After), and the mapping is bounded (422).
func TestHostileUploadCaps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: ingestOnly.queues, maxBytes: 1 << 20,
		config: func(c *api.Config) { c.Uploads = api.UploadLimits{PerToken: 2, Total: 3, RetryAfter: 7 * time.Second} }})
	other := store.NewTokenSecret()
	_, err := store.TokenCreate(context.Background(), e.pool, "other", other, false)
	require.NoError(t, err)

	busy := func(token string, path string) {
		t.Helper()
		body, ct := multipartBody(t, "x.csv", smallReviews(2), map[string]string{"asin": "B0CAPS0099"})
		req, err := http.NewRequest(http.MethodPost, e.url+path, body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", ct)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, string(raw))
		require.Equal(t, "7", resp.Header.Get("Retry-After"))
		require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	}
	a1 := e.heldUpload(e.token, "B0CAPS0001")
	a2 := e.heldUpload(e.token, "B0CAPS0002")
	waitInFlight := func() {
		t.Helper()
		// The gate is the only thing that can refuse: poll it through the
		// API until the held uploads are inside.
		require.Eventually(t, func() bool {
			body, ct := multipartBody(t, "x.csv", smallReviews(1), map[string]string{"asin": "B0CAPS0098"})
			status, _ := e.do(http.MethodPost, "/api/v1/uploads/preview", body, ct, nil)
			return status == http.StatusTooManyRequests
		}, 10*time.Second, 20*time.Millisecond)
	}
	waitInFlight()
	busy(e.token, "/api/v1/uploads")        // per token
	busy(e.token, "/api/v1/reviews/ingest") // the same gate
	b1 := e.heldUpload(other, "B0CAPS0003") // another token gets in
	busyEventually := func() {
		require.Eventually(t, func() bool {
			body, ct := multipartBody(t, "x.csv", smallReviews(1), nil)
			req, _ := http.NewRequest(http.MethodPost, e.url+"/api/v1/uploads/preview", body)
			req.Header.Set("Authorization", "Bearer "+other)
			req.Header.Set("Content-Type", ct)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusTooManyRequests
		}, 10*time.Second, 20*time.Millisecond)
	}
	busyEventually() // total: 3 in flight
	for _, finish := range []func() (int, string){a1, a2, b1} {
		status, body := finish()
		require.Equal(t, http.StatusAccepted, status, body)
	}
	// All released: uploads go through again.
	e.upload("ok.csv", smallReviews(2), "B0CAPS0004", nil)
	// A body declared over the bound is refused before it is read, and a
	// client that sends it whole before reading reads why.
	status, _, raw := sendWholeBody(t, e.url, e.token, 16<<20)
	require.Equal(t, http.StatusRequestEntityTooLarge, status, string(raw))
	require.Contains(t, string(raw), "VOC_MAX_UPLOAD_BYTES")
	// Without a Content-Length, it is refused once past the limit, and the
	// rest of the body is read and dropped all the same.
	status, _, raw = sendWhole(t, e.url, e.token, 16<<20, true)
	require.Equal(t, http.StatusRequestEntityTooLarge, status, string(raw))
	require.Contains(t, string(raw), "VOC_MAX_UPLOAD_BYTES")

	// The mapping field is bounded.
	big := `{"body":"` + strings.Repeat("m", 70_000) + `"}`
	body, ct := multipartBody(t, "m.csv", smallReviews(2), map[string]string{"asin": "B0CAPS0005", "mapping": big})
	status, raw = e.do(http.MethodPost, "/api/v1/uploads", body, ct, nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "mapping is 70")
}

// TestHostileUploadBackPressure: a 50-client run queued 21k ingestion jobs
// with no back-pressure. Now stored uploads waiting for ingestion are
// capped, and past the cap an upload gets 429 with Retry-After.
func TestHostileUploadBackPressure(t *testing.T) {
	t.Parallel()
	// No workers: whatever is uploaded stays queued.
	e := newEnv(t, envOpts{queues: map[string]int{}, config: func(c *api.Config) { c.Uploads = api.UploadLimits{Queued: 3} }})
	for i := range 3 {
		e.upload("q.csv", smallReviews(2), fmt.Sprintf("B0QUEUE%03d", i), nil)
	}
	body, ct := multipartBody(t, "q.csv", smallReviews(2), map[string]string{"asin": "B0QUEUE999"})
	req, err := http.NewRequest(http.MethodPost, e.url+"/api/v1/uploads", body)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", ct)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode, string(raw))
	require.NotEmpty(t, resp.Header.Get("Retry-After"))
	require.Contains(t, string(raw), "VOC_UPLOADS_QUEUED")
	require.Equal(t, 3, e.count("SELECT count(*) FROM uploads"))
	// A client that sends its whole body before it reads (as many HTTP
	// libraries do) reads the 429 too, not a reset connection.
	status, head, raw := sendWholeBody(t, e.url, e.token, 8<<20)
	require.Equal(t, http.StatusTooManyRequests, status, string(raw))
	require.NotEmpty(t, head.Get("Retry-After"))
	require.Contains(t, string(raw), "VOC_UPLOADS_QUEUED")
	// A body that stalls is not waited for: the answer comes at once and
	// the connection closes after a second without bytes.
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "POST /api/v1/uploads HTTP/1.1\r\nHost: voc\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: 100000\r\n\r\n--xx\r\n", e.token)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	br := bufio.NewReader(conn)
	stalled, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusTooManyRequests, stalled.StatusCode)
	_, _ = io.Copy(io.Discard, stalled.Body)
	start := time.Now()
	_, err = br.ReadByte()
	require.ErrorIs(t, err, io.EOF, "the server closes the stalled connection")
	require.Less(t, time.Since(start), 4*time.Second)
	require.Equal(t, 3, e.count("SELECT count(*) FROM uploads"))
	// Preview stores nothing and is not held back.
	body, ct = multipartBody(t, "q.csv", smallReviews(2), nil)
	status, raw = e.do(http.MethodPost, "/api/v1/uploads/preview", body, ct, nil)
	require.Equal(t, http.StatusOK, status, string(raw))
}

// sendWholeBody posts an upload of about size bytes over a raw connection,
// writing the whole request before reading anything, then reads the answer.
func sendWholeBody(t *testing.T, url, token string, size int) (int, http.Header, []byte) {
	return sendWhole(t, url, token, size, false)
}

// sendWhole is sendWholeBody, with a chunked body (no Content-Length) when
// chunked is set.
func sendWhole(t *testing.T, url, token string, size int, chunked bool) (int, http.Header, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	require.NoError(t, w.WriteField("asin", "B0WHOLE001"))
	fw, err := w.CreateFormFile("file", "whole.csv")
	require.NoError(t, err)
	csv := smallReviews(1000)
	for body.Len() < size {
		_, err = fw.Write(csv)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	length := fmt.Sprintf("Content-Length: %d", body.Len())
	if chunked {
		length = "Transfer-Encoding: chunked"
	}
	head := fmt.Sprintf("POST /api/v1/uploads HTTP/1.1\r\nHost: voc\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\n%s\r\n\r\n",
		token, w.FormDataContentType(), length)
	_, err = conn.Write([]byte(head))
	require.NoError(t, err)
	if chunked {
		raw := body.Bytes()
		for len(raw) > 0 {
			n := min(len(raw), 64<<10)
			_, err = fmt.Fprintf(conn, "%x\r\n%s\r\n", n, raw[:n])
			require.NoError(t, err, "the server kept reading the body it refused")
			raw = raw[n:]
		}
		_, err = conn.Write([]byte("0\r\n\r\n"))
	} else {
		_, err = conn.Write(body.Bytes())
	}
	require.NoError(t, err, "the server kept reading the body it refused")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, raw
}
