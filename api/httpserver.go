package api

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// HTTPLimits are the HTTP server's deadlines and connection cap. Zero
// values take DefaultHTTPLimits.
type HTTPLimits struct {
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout is the grace a request body gets: it must arrive within
	// ReadTimeout plus one second per MinBodyRate bytes received, so a
	// large upload takes as long as it needs while it keeps arriving.
	ReadTimeout time.Duration
	// MinBodyRate is the slowest a request body may arrive, in bytes per
	// second, after the ReadTimeout grace.
	MinBodyRate int64
	// WriteTimeout bounds writing a response (exports included).
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection that sends no request.
	IdleTimeout time.Duration
	// MaxConns caps the open connections; at the cap, a new connection
	// closes the oldest idle one (or one that has not sent a request yet)
	// so that /health and real clients still get in. 0: no cap.
	MaxConns int
}

// DefaultHTTPLimits are the defaults of HTTPLimits.
var DefaultHTTPLimits = HTTPLimits{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, MinBodyRate: 16 << 10,
	WriteTimeout: 10 * time.Minute, IdleTimeout: 60 * time.Second}

func (l HTTPLimits) withDefaults() HTTPLimits {
	d := DefaultHTTPLimits
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = d.ReadHeaderTimeout
	}
	if l.ReadTimeout <= 0 {
		l.ReadTimeout = d.ReadTimeout
	}
	if l.MinBodyRate <= 0 {
		l.MinBodyRate = d.MinBodyRate
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = d.WriteTimeout
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = d.IdleTimeout
	}
	return l
}

// NewServer returns an http.Server for h with the limits' timeouts, and
// the listener to serve on: ln itself, or ln wrapped to cap connections
// when MaxConns is set.
func NewServer(h http.Handler, ln net.Listener, lim HTTPLimits) (*http.Server, net.Listener) {
	lim = lim.withDefaults()
	// No server-wide ReadTimeout or WriteTimeout: they would cut a large
	// upload or export short. deadlines sets them per request instead.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: lim.ReadHeaderTimeout, IdleTimeout: lim.IdleTimeout}
	if lim.MaxConns > 0 {
		g := &connGuard{max: lim.MaxConns, conns: map[*guardedConn]struct{}{}, freed: make(chan struct{}, 1)}
		srv.ConnState = g.connState
		ln = &guardedListener{Listener: ln, g: g}
	}
	return srv, ln
}

// deadlines sets each request's write deadline and, while its body is
// read, a read deadline that moves with the bytes received. Once the body
// is read the read deadline is cleared: the server's background read would
// otherwise cancel the request's context when it passes, mid-handler.
func deadlines(lim HTTPLimits) func(http.Handler) http.Handler {
	lim = lim.withDefaults()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			now := time.Now()
			_ = rc.SetWriteDeadline(now.Add(lim.WriteTimeout))
			if r.Body != nil && r.Body != http.NoBody {
				_ = rc.SetReadDeadline(now.Add(lim.ReadTimeout))
				r.Body = &minRateBody{ReadCloser: r.Body, rc: rc, start: now, grace: lim.ReadTimeout, rate: lim.MinBodyRate,
					length: r.ContentLength}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// minRateBody moves the read deadline as a body arrives: a client may take
// grace plus one second per rate bytes received, so a fast upload of any
// size completes and a client trickling bytes is cut off.
type minRateBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	grace time.Duration
	rate  int64
	n     int64
	// length is the Content-Length, -1 when unknown.
	length int64
	done   bool
}

func (b *minRateBody) Read(p []byte) (int, error) {
	if b.done {
		return b.ReadCloser.Read(p)
	}
	allowed := b.grace + time.Duration(float64(b.n)/float64(b.rate)*float64(time.Second))
	_ = b.rc.SetReadDeadline(b.start.Add(allowed))
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	// A reader that stops at a multipart form's closing boundary may never
	// see EOF; the Content-Length says when the body is all in.
	if errors.Is(err, io.EOF) || (b.length >= 0 && b.n >= b.length) {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// connGuard caps open connections. It learns each connection's state from
// http.Server.ConnState.
type connGuard struct {
	max   int
	mu    sync.Mutex
	conns map[*guardedConn]struct{}
	// freed is signalled when a connection goes.
	freed chan struct{}
}

// admitWait is how long a new connection may wait for a slot when every
// open one is busy: a connection answered with "Connection: close" stays
// active for half a second (net/http's RST avoidance) before it goes.
const admitWait = 2 * time.Second

type guardedConn struct {
	net.Conn
	g     *connGuard
	once  sync.Once
	state http.ConnState
	since time.Time
}

func (c *guardedConn) Close() error {
	c.once.Do(func() { c.g.remove(c) })
	return c.Conn.Close()
}

// CloseWrite half-closes the connection, as net/http does before it
// closes one, so the client reads the whole answer.
func (c *guardedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (g *connGuard) remove(c *guardedConn) {
	g.mu.Lock()
	_, ok := g.conns[c]
	delete(g.conns, c)
	g.mu.Unlock()
	if ok {
		select {
		case g.freed <- struct{}{}:
		default:
		}
	}
}

func (g *connGuard) connState(c net.Conn, s http.ConnState) {
	gc, ok := c.(*guardedConn)
	if !ok {
		return
	}
	g.mu.Lock()
	gc.state, gc.since = s, time.Now()
	g.mu.Unlock()
}

// tryAdmit registers c if there is room, first closing the oldest idle (or
// not yet active) connection when at the cap. It reports false when every
// connection is busy with a request.
func (g *connGuard) tryAdmit(c *guardedConn) bool {
	g.mu.Lock()
	var victim *guardedConn
	if len(g.conns) >= g.max {
		for o := range g.conns {
			if (o.state == http.StateIdle || o.state == http.StateNew) && (victim == nil || o.since.Before(victim.since)) {
				victim = o
			}
		}
		if victim == nil {
			g.mu.Unlock()
			return false
		}
		delete(g.conns, victim)
	}
	c.state, c.since = http.StateNew, time.Now()
	g.conns[c] = struct{}{}
	g.mu.Unlock()
	if victim != nil {
		_ = victim.Conn.Close()
	}
	return true
}

// admit waits up to admitWait for tryAdmit to succeed.
func (g *connGuard) admit(c *guardedConn) bool {
	if g.tryAdmit(c) {
		return true
	}
	timer := time.NewTimer(admitWait)
	defer timer.Stop()
	for {
		select {
		case <-g.freed:
			if g.tryAdmit(c) {
				return true
			}
		case <-timer.C:
			return g.tryAdmit(c)
		}
	}
}

type guardedListener struct {
	net.Listener
	g *connGuard
}

// Accept implements net.Listener: it returns only connections admitted
// under the cap, closing the others at once.
func (l *guardedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		gc := &guardedConn{Conn: c, g: l.g}
		if l.g.admit(gc) {
			return gc, nil
		}
		_ = c.Close()
	}
}
