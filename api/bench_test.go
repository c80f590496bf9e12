package api_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
)

// BenchmarkUploadAck measures the acknowledgement latency of 1 MB uploads
// under 20 concurrent clients (each sends 10), with ingestion workers
// running on the same host. Reports p50 and p99 in milliseconds.
func BenchmarkUploadAck(b *testing.B) {
	e := newEnv(b, envOpts{queues: map[string]int{jobs.QueueIngestion: 2}})
	// 1 MB of MARC rows.
	src := readData(b, "marc_multilingual_sample.csv")
	var file bytes.Buffer
	for file.Len() < 1<<20 {
		file.Write(src)
	}
	body := file.Bytes()[:1<<20]
	const clients, each = 20, 10
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
					resp, err := http.DefaultClient.Do(req)
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
		sort.Slice(lat, func(a, z int) bool { return lat[a] < lat[z] })
		p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(p(0.50), "p50_ms")
		b.ReportMetric(p(0.99), "p99_ms")
		b.ReportMetric(float64(len(lat)), "uploads")
	}
	b.ReportMetric(0, "ns/op")
	require.NotEmpty(b, e.url)
}
