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

// startMetrics serves /metrics (api.Metrics) on addr, for a voc worker,
// which has no API. On a loopback address it needs no auth, for a scraper
// or agent on the same host; on any other it needs an API token
// ("Authorization: Bearer …", any role, as voc serve's /metrics), so a
// Prometheus on another host can scrape it. voc serve has the same metrics
// on its authenticated /metrics.
func startMetrics(addr string, pool *pgxpool.Pool, log *slog.Logger) (func(), error) {
	const setting = "VOC_METRICS_ADDR (--metrics)"
	loopback, err := isLoopback(addr, setting)
	if err != nil {
		return nil, err
	}
	h := api.Metrics(pool)
	if !loopback {
		h = api.MetricsWithToken(pool, log)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	return serve("metrics", setting, addr, mux, log)
}

// serveLoopback serves h on addr when it is a loopback address, else it
// returns an error naming setting and an example. It returns a function
// that stops the server.
func serveLoopback(name, setting, example, addr string, h http.Handler, log *slog.Logger) (func(), error) {
	loopback, err := isLoopback(addr, setting)
	if err != nil {
		return nil, err
	}
	if !loopback {
		return nil, fmt.Errorf("%s must be a loopback address such as %s, got %q", setting, example, addr)
	}
	return serve(name, setting, addr, h, log)
}

// isLoopback reports whether addr (host:port) names a loopback host; an
// address that does not parse is an error naming setting.
func isLoopback(addr, setting string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("%s %q: %w", setting, addr, err)
	}
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback()), nil
}

// serve serves h on addr until the returned function stops it.
func serve(name, setting, addr string, h http.Handler, log *slog.Logger) (func(), error) {
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
