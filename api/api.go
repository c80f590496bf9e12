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
	"github.com/riverqueue/river"
	"riverqueue.com/riverui"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/webui"
)

// Config is what the HTTP layer needs.
type Config struct {
	Pool           *pgxpool.Pool
	River          *river.Client[pgx.Tx]
	Log            *slog.Logger
	MaxUploadBytes int64
	// XLSX bounds what a previewed workbook may decompress to; zero values
	// take ingest's defaults.
	XLSX ingest.XLSXLimits
	// DefaultTargetLanguage is a new product's target language when an
	// upload names none and the request carries no UI or Accept-Language
	// language (VOC_DEFAULT_TARGET_LANGUAGE). Empty: en.
	DefaultTargetLanguage string
	// LLM translates a model into another language (POST
	// /api/v1/products/{id}/model/language). Nil, or one that does not
	// translate (the offline analyser): names are kept and marked
	// untranslated.
	LLM llm.Analyzer
	// Ready reports whether the optional Redis answers; nil: no Redis is
	// configured. A failing Redis makes /ready "degraded", never 503: the
	// pipeline carries on without it.
	Ready func(context.Context) error
	// LLMProvider names the configured LLM provider, for /ready.
	LLMProvider string
	// Uploads bound the uploads received at once; zero values take
	// DefaultUploadLimits.
	Uploads UploadLimits
	// HTTP holds the per-request deadlines; zero values take
	// DefaultHTTPLimits.
	HTTP HTTPLimits
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
	uploads *uploadGate
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
	s := &server{Config: cfg, uploads: newUploadGate(cfg.Uploads, cfg.MaxUploadBytes)}
	var buildErr error
	r := chi.NewRouter()
	r.Use(deadlines(cfg.HTTP), middleware.RequestID, s.logRequests, middleware.Recoverer, securityHeaders)

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
		r.Use(s.authenticate, s.audit, rejectBadText, s.limitUploads)
		r.Get("/health", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"status":"healthy"}`))
		})
		// The web UI's static shell holds no data; every call it makes is
		// authenticated.
		ui := webui.Handler()
		r.Handle("/", ui)
		r.Handle("/assets/*", ui)
		// The app's own routes (client-side routing) all load the shell, so a
		// bookmarked or cited URL such as /reviews/12?quote=… opens directly.
		for _, p := range webui.AppRoutes {
			r.Get(p, webui.AppShell(ui).ServeHTTP)
		}
		// A load balancer asks /ready without credentials.
		r.Get("/ready", s.ready)
		// Share links are public by design: the unguessable token is the
		// credential, and the page is one read-only report.
		r.Get(sharePath+"{token}", s.sharedReport)
		// The API viewer is served from the binary (webui/dist/docs.html
		// and swagger-ui's files), never from a CDN.
		r.Get("/docs", webui.DocsPage(ui).ServeHTTP)
		r.Method(http.MethodGet, "/metrics", Metrics(cfg.Pool))

		hcfg := huma.DefaultConfig("voc API", "1.0.0")
		hcfg.CreateHooks = nil // no $schema links in bodies
		hcfg.DocsPath = ""     // /docs is served above, from the binary
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
		s.registerControlRoutes(api)
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

// Readiness is the answer of /ready: the overall status ("ready", or
// "degraded" when an optional dependency is down) and each dependency's
// state. Causes are logged, not shown: /ready is public.
type Readiness struct {
	Status       string            `json:"status"`
	Dependencies map[string]string `json:"dependencies"`
}

// ready answers 503 only when Postgres, without which nothing works, is
// unreachable; a down Redis makes it 200 "degraded".
func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	out := Readiness{Status: "ready", Dependencies: map[string]string{"postgres": "up", "redis": "not_configured"}}
	status := http.StatusOK
	if err := store.Ping(ctx, s.Pool); err != nil {
		s.Log.WarnContext(ctx, "not ready: postgres", "error", err)
		out.Status, out.Dependencies["postgres"], status = "unavailable", "down", http.StatusServiceUnavailable
	}
	if s.Ready != nil {
		rctx, rcancel := context.WithTimeout(ctx, time.Second)
		err := s.Ready(rctx)
		rcancel()
		out.Dependencies["redis"] = "up"
		if err != nil {
			s.Log.WarnContext(ctx, "degraded: redis", "error", err)
			out.Dependencies["redis"] = "down"
			if status == http.StatusOK {
				out.Status = "degraded"
			}
		}
	}
	if s.LLMProvider != "" {
		out.Dependencies["llm"] = s.LLMProvider
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	b, _ := json.Marshal(out)
	_, _ = w.Write(b)
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
