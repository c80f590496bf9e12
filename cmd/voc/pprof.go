package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/voc-project/voc/api"
)

// startPprof serves net/http/pprof on addr, which must be a loopback
// address: profiles show internals and are served without auth, so they
// never listen where the API does. It returns a function that stops the
// server, or an error naming VOC_PPROF_ADDR.
func startPprof(addr string, log *slog.Logger) (func(), error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return serveLoopback("pprof", "VOC_PPROF_ADDR (--pprof)", "127.0.0.1:6060", addr, mux, log)
}

// startMetrics serves /metrics (api.Metrics) on addr, which must be a
// loopback address: a voc worker has no API, so its metrics are served
// without auth, for a scraper or agent on the same host. voc serve also
// has them on its authenticated /metrics.
func startMetrics(addr string, pool *pgxpool.Pool, log *slog.Logger) (func(), error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", api.Metrics(pool))
	return serveLoopback("metrics", "VOC_METRICS_ADDR (--metrics)", "127.0.0.1:9464", addr, mux, log)
}

// serveLoopback serves h on addr when it is a loopback address, else it
// returns an error naming setting and an example. It returns a function
// that stops the server.
func serveLoopback(name, setting, example, addr string, h http.Handler, log *slog.Logger) (func(), error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", setting, addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("%s must be a loopback address such as %s, got %q", setting, example, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (%s): %w", addr, setting, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn(name+" server", "error", err)
		}
	}()
	log.Info(name+" listening", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}
