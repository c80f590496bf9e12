package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// uploadBench sends 1 MB CSV uploads from several concurrent clients and
// prints the acknowledgement (202) latency percentiles.
func uploadBench(args []string) error {
	fs := flag.NewFlagSet("upload", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "voc base URL")
	token := fs.String("token", os.Getenv("VOC_TOKEN"), "API token (VOC_TOKEN)")
	clients := fs.Int("clients", 20, "concurrent clients")
	each := fs.Int("each", 10, "uploads per client")
	size := fs.Int("size", 1<<20, "bytes per upload")
	warm := fs.Int("warmup", 2, "uploads per client before measuring")
	data := fs.String("data", dataDir(), "folder of the shared data")
	_ = fs.Parse(args)
	texts, err := sharedTexts(*data)
	if err != nil {
		return err
	}
	run := time.Now().UnixNano()
	// The forms are built before any is sent: the load generator shares
	// the server's cores, and building a 1 MB CSV per request cost about
	// as much CPU as the server's whole handling of it.
	type form struct {
		body []byte
		ct   string
	}
	forms := make([][]form, *clients)
	for c := range forms {
		forms[c] = make([]form, *warm+*each)
		for k := range forms[c] {
			body, ct := uploadForm(texts, *size, fmt.Sprintf("B0U%08d", (run/1000+int64(c*1000+k))%100_000_000), fmt.Sprintf("%d-%d-%d", run, c, k))
			forms[c][k] = form{body, ct}
		}
	}
	// Each client keeps its connection, as a browser or script would.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients}, Timeout: time.Minute}
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Go(func() {
			for k, f := range forms[c] {
				d, err := postUpload(hc, *url, *token, f.body, f.ct)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil && k >= *warm {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	res := map[string]any{"clients": *clients, "uploads": len(lat), "bytes": *size,
		"p50_ms": p(0.50), "p90_ms": p(0.90), "p99_ms": p(0.99), "max_ms": p(1)}
	return json.NewEncoder(os.Stdout).Encode(res)
}

// uploadForm builds one multipart upload of about size bytes of CSV rows
// with ids unique to salt.
func uploadForm(texts [][2]string, size int, asin, salt string) ([]byte, string) {
	var csvb bytes.Buffer
	csvb.WriteString("review_id,rating,text\n")
	for i := 0; csvb.Len() < size; i++ {
		t := texts[i%len(texts)]
		fmt.Fprintf(&csvb, "%s-%d,%s,%q\n", salt, i, t[0], t[1])
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	_ = mw.WriteField("asin", asin)
	_ = mw.WriteField("marketplace", "US")
	fw, _ := mw.CreateFormFile("file", "reviews.csv")
	_, _ = fw.Write(csvb.Bytes())
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// postUpload posts a form and returns the time to the 202.
func postUpload(hc *http.Client, url, token string, body []byte, ct string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url+"/api/v1/uploads", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	raw, _ := io.ReadAll(resp.Body)
	d := time.Since(start)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return 0, fmt.Errorf("upload: status %d: %s", resp.StatusCode, raw)
	}
	return d, nil
}
