// Package api is voc's HTTP layer: a chi router carrying the huma-described
// REST API under /api/v1 (OpenAPI 3.1 at /openapi.json, docs at /docs), the
// embedded web UI, River UI for admins, /metrics, /health and /ready. It is
// thin: handlers decode, validate, call the store or insert jobs, and
// encode. Errors are application/problem+json.
package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"reflect"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"
	"riverqueue.com/riverui"

	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/webui"
)

// Config is what the HTTP layer needs.
type Config struct {
	Pool           *pgxpool.Pool
	River          *river.Client[pgx.Tx]
	Log            *slog.Logger
	MaxUploadBytes int64
	// Ready reports extra readiness (Redis when configured); nil: none.
	Ready func(context.Context) error
	// Context bounds background work (River UI's query cache); cancel it
	// at shutdown. Nil: context.Background().
	Context context.Context

	// TrustedProxies are the proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (VOC_TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
	// AllowedOrigins are origins besides this host's own that may send
	// cookie-authenticated mutations, e.g. https://voc.example.com.
	AllowedOrigins []string
	// SessionTTL is the web session's lifetime (default 12 h);
	// AccessTokenTTL the extension login's (default 30 days).
	SessionTTL     time.Duration
	AccessTokenTTL time.Duration
	// AccountThrottle and AddressThrottle bound failed sign-ins per account
	// and per client address (zero: the defaults).
	AccountThrottle store.Throttle
	AddressThrottle store.Throttle
}

type server struct {
	Config
}

// New returns the HTTP handler, or an error when River UI cannot be built.
func New(cfg Config) (http.Handler, error) {
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 256 << 20
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.AccessTokenTTL <= 0 {
		cfg.AccessTokenTTL = DefaultAccessTokenTTL
	}
	if cfg.AccountThrottle.Threshold <= 0 {
		cfg.AccountThrottle = DefaultAccountThrottle
	}
	if cfg.AddressThrottle.Threshold <= 0 {
		cfg.AddressThrottle = DefaultAddressThrottle
	}
	// Uploads up to this size are parsed in memory instead of spilling to
	// a temporary file (huma's default is 8 KiB).
	humachi.MultipartMaxMemory = 32 << 20
	s := &server{Config: cfg}
	var buildErr error
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.logRequests, middleware.Recoverer, securityHeaders)

	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path+"; see /docs")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
	})
	// Every route lives in this one inline group, whose middleware runs
	// after routing: authenticate knows the matched route and enforces its
	// minimum role from routeRoles; audit records successful mutations.
	r.Group(func(r chi.Router) {
		r.Use(s.authenticate, s.audit)
		r.Get("/health", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"healthy"}`))
		})
		// The web UI's static shell holds no data; every call it makes is
		// authenticated.
		r.Handle("/", webui.Handler())
		r.Handle("/assets/*", webui.Handler())
		r.Get("/ready", s.ready)
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), newQueueCollector(cfg.Pool))
		r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

		hcfg := huma.DefaultConfig("voc API", "1.0.0")
		hcfg.CreateHooks = nil // no $schema links in bodies
		hcfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
		hcfg.Info.Description = "Voice-of-Customer pipeline. Authenticate with `Authorization: Bearer <token>` or the session cookie " +
			"of POST /api/v1/session. Every route has a minimum role (viewer, analyst, admin), stated in its description."
		hcfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
			"bearer": {Type: "http", Scheme: "bearer"},
			"cookie": {Type: "apiKey", In: "cookie", Name: sessionCookie},
		}
		hcfg.Security = []map[string][]string{{"bearer": {}}, {"cookie": {}}}
		api := humachi.New(r, hcfg)
		s.registerSessionRoutes(api)
		s.registerUserRoutes(api)
		s.registerAuditRoutes(api)
		s.registerUploadRoutes(api)
		s.registerPipelineRoutes(api)
		documentRawBodies(api)
		documentRoles(api)

		if cfg.River != nil {
			ui, err := riverui.NewHandler(&riverui.HandlerOpts{
				Endpoints: riverui.NewEndpoints(cfg.River, nil),
				Logger:    cfg.Log,
				Prefix:    "/riverui",
			})
			if err != nil {
				buildErr = fmt.Errorf("river ui: %w", err)
				return
			}
			bg := cfg.Context
			if bg == nil {
				bg = context.Background()
			}
			if err := ui.Start(bg); err != nil {
				buildErr = fmt.Errorf("start river ui: %w", err)
				return
			}
			r.Handle("/riverui", ui)
			r.Handle("/riverui/*", ui)
		}
	})
	if buildErr != nil {
		return nil, buildErr
	}
	return r, nil
}

func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := store.Ping(ctx, s.Pool); err != nil {
		s.Log.WarnContext(ctx, "not ready: postgres", "error", err)
		writeProblem(w, http.StatusServiceUnavailable, "postgres is not reachable")
		return
	}
	if s.Ready != nil {
		if err := s.Ready(ctx); err != nil {
			s.Log.WarnContext(ctx, "not ready", "error", err)
			writeProblem(w, http.StatusServiceUnavailable, err.Error())
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ready"}`))
}

func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r)
		if r.URL.Path == "/health" {
			return
		}
		// Only the path: query strings may carry filters but never secrets;
		// tokens travel in headers, which are not logged.
		s.Log.InfoContext(r.Context(), "http", "method", r.Method, "path", r.URL.Path, "status", ww.Status(),
			"bytes", ww.BytesWritten(), "took_ms", time.Since(start).Milliseconds(), "request_id", middleware.GetReqID(r.Context()))
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if !strings.HasPrefix(r.URL.Path, "/riverui") && r.URL.Path != "/docs" {
			h.Set("X-Frame-Options", "DENY")
		}
		next.ServeHTTP(w, r)
	})
}

// schemaName qualifies schema names of the ingest package, whose types
// share names with the store's.
func schemaName(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if strings.HasSuffix(t.PkgPath(), "/ingest") {
		return "Ingest" + name
	}
	if strings.HasSuffix(t.PkgPath(), "/comparison") {
		return "Comparison" + name
	}
	return name
}

// writeProblem writes an RFC 9457 problem outside huma's handlers.
func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"title": http.StatusText(status), "status": status, "detail": detail})
	_, _ = w.Write(b)
}

// storeError maps store errors to problems: ErrNotFound → 404, ErrConflict →
// 409, anything else → 500 with the cause logged, not shown.
func (s *server) storeError(ctx context.Context, what string, err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return huma.Error404NotFound(what + " not found")
	case errors.Is(err, store.ErrConflict):
		return huma.Error409Conflict(what + " already exists")
	}
	s.Log.ErrorContext(ctx, "internal error", "what", what, "error", err)
	return huma.Error500InternalServerError("internal error")
}
