package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/voc-project/voc/store"
)

// UploadLimits bound the uploads a server receives at once. Each upload is
// held in memory while it is received and stored, so concurrency and bytes
// in flight are what bound the server's memory; the queued limit gives
// back-pressure when ingestion falls behind. Zero values take the defaults
// (DefaultUploadLimits); a negative value means no limit.
type UploadLimits struct {
	// PerToken and Total bound the uploads being received at once.
	PerToken, Total int
	// BytesPerToken and BytesTotal bound the bytes of those uploads (by
	// Content-Length, else the largest upload allowed). An upload larger
	// than a bytes bound is still let in when it would be the only one.
	BytesPerToken, BytesTotal int64
	// Queued bounds the stored uploads waiting for ingestion.
	Queued int
	// RetryAfter is what a 429 asks the client to wait.
	RetryAfter time.Duration
}

// DefaultUploadLimits are the limits' defaults: with them, the bodies being
// received take at most 128 MiB plus one upload.
var DefaultUploadLimits = UploadLimits{PerToken: 8, Total: 32, BytesPerToken: 64 << 20, BytesTotal: 128 << 20,
	Queued: 500, RetryAfter: 5 * time.Second}

func (l UploadLimits) withDefaults() UploadLimits {
	d := DefaultUploadLimits
	if l.PerToken == 0 {
		l.PerToken = d.PerToken
	}
	if l.Total == 0 {
		l.Total = d.Total
	}
	if l.BytesPerToken == 0 {
		l.BytesPerToken = d.BytesPerToken
	}
	if l.BytesTotal == 0 {
		l.BytesTotal = d.BytesTotal
	}
	if l.Queued == 0 {
		l.Queued = d.Queued
	}
	if l.RetryAfter <= 0 {
		l.RetryAfter = d.RetryAfter
	}
	return l
}

type inFlight struct {
	n     int
	bytes int64
}

// uploadGate admits uploads under UploadLimits.
type uploadGate struct {
	lim      UploadLimits
	maxBytes int64

	mu      sync.Mutex
	total   inFlight
	byToken map[int64]*inFlight
}

func newUploadGate(lim UploadLimits, maxBytes int64) *uploadGate {
	return &uploadGate{lim: lim.withDefaults(), maxBytes: maxBytes, byToken: map[int64]*inFlight{}}
}

// over reports whether adding one upload of size to f passes the count or
// byte bound (a negative bound is none; an upload alone always fits the
// byte bound).
func over(f inFlight, size int64, maxN int, maxBytes int64) bool {
	if maxN >= 0 && f.n+1 > maxN {
		return true
	}
	return maxBytes >= 0 && f.n > 0 && f.bytes+size > maxBytes
}

// acquire admits an upload of size bytes for token, or says which limit
// refused it.
func (g *uploadGate) acquire(token int64, size int64) (release func(), refused string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := g.byToken[token]
	if t == nil {
		t = &inFlight{}
	}
	switch {
	case over(*t, size, g.lim.PerToken, g.lim.BytesPerToken):
		return nil, fmt.Sprintf("this token already has %d uploads (%d MiB) being received; the limit is %d uploads and %d MiB per token (VOC_UPLOADS_PER_TOKEN, VOC_UPLOAD_BYTES_PER_TOKEN)",
			t.n, t.bytes>>20, g.lim.PerToken, g.lim.BytesPerToken>>20)
	case over(g.total, size, g.lim.Total, g.lim.BytesTotal):
		return nil, fmt.Sprintf("the server is receiving %d uploads (%d MiB); the limit is %d uploads and %d MiB in all (VOC_UPLOADS_IN_FLIGHT, VOC_UPLOAD_BYTES_IN_FLIGHT)",
			g.total.n, g.total.bytes>>20, g.lim.Total, g.lim.BytesTotal>>20)
	}
	g.byToken[token] = t
	t.n++
	t.bytes += size
	g.total.n++
	g.total.bytes += size
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			t.n--
			t.bytes -= size
			g.total.n--
			g.total.bytes -= size
			if t.n == 0 {
				delete(g.byToken, token)
			}
		})
	}, ""
}

// isUpload reports whether a request carries an upload body.
func isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	switch r.URL.Path {
	case "/api/v1/uploads", "/api/v1/uploads/preview", "/api/v1/reviews/ingest", "/api/v1/reviews/ingest/queue":
		return true
	}
	return false
}

// limitUploads answers 429 with Retry-After, before the body is read, when
// an upload would pass UploadLimits. It runs after authenticate.
func (s *server) limitUploads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isUpload(r) {
			next.ServeHTTP(w, r)
			return
		}
		// The caps are per caller: an API token, or a signed-in user (a
		// negative key, so the two id spaces never meet).
		var caller int64
		if id, ok := identityFrom(r.Context()); ok {
			switch {
			case id.TokenID != nil:
				caller = *id.TokenID
			case id.UserID != nil:
				caller = -*id.UserID
			}
		}
		// A body declared over every upload's bound is refused before it is
		// read (a form's file may have MaxUploadBytes, its fields formOverhead).
		if r.ContentLength > s.MaxUploadBytes+formOverhead {
			refuseBody(w, r, http.StatusRequestEntityTooLarge, s.formTooLarge())
			return
		}
		size := r.ContentLength
		if size < 0 || size > s.MaxUploadBytes {
			size = s.MaxUploadBytes
		}
		release, refused := s.uploads.acquire(caller, size)
		if refused == "" && r.URL.Path != "/api/v1/uploads/preview" {
			refused = s.queuedRefusal(r.Context())
		}
		if refused != "" {
			if release != nil {
				release()
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(s.uploads.lim.RetryAfter.Round(time.Second)/time.Second)))
			refuseBody(w, r, http.StatusTooManyRequests, refused+"; retry later")
			return
		}
		defer release()
		// An upload refused part-way (413 past the limit, 422 for a broken
		// form) is answered before its body is all in: reading the rest
		// afterwards needs full duplex, set before the answer is written.
		rc := http.NewResponseController(w)
		duplex := rc.EnableFullDuplex() == nil
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		if duplex && ww.Status() >= http.StatusBadRequest {
			if rc.Flush() == nil {
				linger(rc, r)
			}
		}
	})
}

// queuedRefusal says why an upload is refused when too many stored
// uploads wait for ingestion; "" when it may go on (or the count fails:
// storing the upload will then fail with the cause).
func (s *server) queuedRefusal(ctx context.Context) string {
	if s.uploads.lim.Queued < 0 {
		return ""
	}
	n, err := store.UploadsUnfinished(ctx, s.Pool)
	if err != nil || n < int64(s.uploads.lim.Queued) {
		return ""
	}
	return fmt.Sprintf("%d uploads are waiting to be ingested; the limit is %d (VOC_UPLOADS_QUEUED)", n, s.uploads.lim.Queued)
}

// A refused upload's body is read and dropped for at most lingerFor (and
// lingerMax bytes), and only while it keeps coming: lingerIdle without a
// byte ends it.
const (
	lingerFor  = 10 * time.Second
	lingerIdle = time.Second
	lingerMax  = 1 << 30
)

// refuseBody answers status with msg before the request's body is read,
// then reads and drops the body (linger), and closes the connection. A client that writes its
// whole body before it reads (as many HTTP libraries do) then reads the
// answer; closing at once would reset its connection mid-body, and it would
// never see why. A client whose body stalls is let go after lingerIdle.
func refuseBody(w http.ResponseWriter, r *http.Request, status int, msg string) {
	rc := http.NewResponseController(w)
	// HTTP/1 would otherwise stop the body's reads once the answer is out.
	_ = rc.EnableFullDuplex()
	w.Header().Set("Connection", "close")
	writeProblem(w, status, msg)
	if rc.Flush() == nil {
		linger(rc, r)
	}
}

// linger reads and drops what is left of r's body, within lingerFor and
// lingerMax and while bytes keep coming (lingerIdle), once r's answer is
// out, so that a client still sending reads it instead of a reset
// connection.
func linger(rc *http.ResponseController, r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	// The linger sets its own deadlines, not the upload's minimum rate.
	body := r.Body
	if m, ok := body.(*minRateBody); ok {
		body = m.ReadCloser
	}
	end := time.Now().Add(lingerFor)
	buf := make([]byte, 32<<10)
	for read := int64(0); read < lingerMax; {
		next := time.Now().Add(lingerIdle)
		if next.After(end) {
			next = end
		}
		if rc.SetReadDeadline(next) != nil {
			return
		}
		n, err := body.Read(buf)
		read += int64(n)
		if err != nil {
			return
		}
	}
}
