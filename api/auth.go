package api

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/voc-project/voc/store"
)

const sessionCookie = "voc_session"

// reqInfo is what the auth middleware learned about a request: the
// client, how it came in, and who it acts as.
type reqInfo struct {
	clientAddr string
	tls        bool
	identity   *store.Identity // nil: anonymous
	viaCookie  bool            // the identity came from the session cookie
	// credentials were sent but are unknown, expired or revoked
	badCredentials string
	cookieSecret   string // the session cookie, when sent
	bearerSecret   string // the bearer token or access_token, when sent
}

type reqInfoKey struct{}

func infoFrom(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(reqInfoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// identityFrom returns who the request acts as, if anyone.
func identityFrom(ctx context.Context) (store.Identity, bool) {
	ri := infoFrom(ctx)
	if ri.identity == nil {
		return store.Identity{}, false
	}
	return *ri.identity, true
}

func bearerHeader(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return "", true
	}
	return strings.TrimSpace(tok), true
}

// fromTrustedProxy reports whether the peer is one of VOC_TRUSTED_PROXIES.
func (s *server) fromTrustedProxy(peer netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(peer) {
			return true
		}
	}
	return false
}

// clientAddr is the peer's address, or, when the peer is a trusted proxy,
// the nearest address in X-Forwarded-For that is not a trusted proxy.
func (s *server) clientAddr(r *http.Request) (string, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.fromTrustedProxy(peer.Unmap()) {
		return host, false
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.fromTrustedProxy(a.Unmap()) {
			return a.Unmap().String(), true
		}
	}
	return host, true
}

// authenticate resolves the request's credentials (a bearer API token, a
// bearer session from /auth/login, or the session cookie) into an identity,
// then enforces the route's minimum role from routeRoles and, for
// cookie-authenticated mutations, the Origin check. It runs after routing
// (in an inline group), so it knows the matched route.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := &reqInfo{}
		var proxied bool
		ri.clientAddr, proxied = s.clientAddr(r)
		ri.tls = r.TLS != nil || (proxied && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
		if err := s.resolve(r, ri); err != nil {
			s.Log.ErrorContext(r.Context(), "authenticate", "error", err)
			writeProblem(w, http.StatusInternalServerError, "internal error")
			return
		}
		ctx := context.WithValue(r.Context(), reqInfoKey{}, ri)
		r = r.WithContext(ctx)

		pattern := chi.RouteContext(ctx).RoutePattern()
		min, ok := MinimumRole(r.Method, pattern)
		if !ok {
			// Fail closed: a route nobody gave a role is nobody's.
			s.Log.ErrorContext(ctx, "route has no minimum role in routeRoles", "method", r.Method, "pattern", pattern)
			writeProblem(w, http.StatusInternalServerError, "internal error")
			return
		}
		unsafe := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
		// Cookie-authenticated mutations must come from this site. Login
		// CSRF too: a foreign page must not sign a browser in (a client
		// that is not a browser sends no Origin there).
		loginFromPage := pattern == "/api/v1/session" && (r.Header.Get("Origin") != "" || r.Header.Get("Referer") != "")
		if unsafe && (ri.viaCookie || loginFromPage) && !s.sameOrigin(r) {
			s.Log.WarnContext(ctx, "refused cross-origin request", "method", r.Method, "path", r.URL.Path,
				"origin", r.Header.Get("Origin"), "client_addr", ri.clientAddr)
			writeProblem(w, http.StatusForbidden, "cross-origin request refused: a request authenticated by the session cookie must come from this site (Origin "+originOf(r)+")")
			return
		}
		if min == RolePublic {
			next.ServeHTTP(w, r)
			return
		}
		if ri.identity == nil {
			detail := "missing credentials: sign in, or send Authorization: Bearer <token>"
			if ri.badCredentials != "" {
				detail = ri.badCredentials
				w.Header().Set("WWW-Authenticate", `Bearer realm="voc", error="invalid_token"`)
			} else {
				w.Header().Set("WWW-Authenticate", `Bearer realm="voc"`)
			}
			writeProblem(w, http.StatusUnauthorized, detail)
			return
		}
		if !ri.identity.Role.AtLeast(min) {
			writeProblem(w, http.StatusForbidden, "this needs the "+string(min)+" role; you are "+string(ri.identity.Role))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// resolve fills in ri's identity from the request's credentials. Bad
// credentials are not an error: they leave the request anonymous with a
// reason, and protected routes answer 401.
func (s *server) resolve(r *http.Request, ri *reqInfo) error {
	ctx := r.Context()
	if secret, sent := bearerHeader(r); sent {
		ri.bearerSecret = secret
		if secret == "" {
			ri.badCredentials = "malformed Authorization header: send Authorization: Bearer <token>"
			return nil
		}
		var id store.Identity
		var err error
		if strings.HasPrefix(secret, "vocs_") {
			id, err = store.SessionIdentity(ctx, s.Pool, secret, store.SessionBearer)
		} else {
			id, err = store.TokenIdentity(ctx, s.Pool, secret)
		}
		switch {
		case errors.Is(err, store.ErrNotFound):
			ri.badCredentials = "invalid, expired or revoked token"
		case err != nil:
			return err
		default:
			ri.identity = &id
		}
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	ri.cookieSecret = c.Value
	id, err := store.SessionIdentity(ctx, s.Pool, c.Value, store.SessionCookie)
	switch {
	case errors.Is(err, store.ErrNotFound):
		ri.badCredentials = "your session has expired or was ended: sign in again"
	case err != nil:
		return err
	default:
		ri.identity, ri.viaCookie = &id, true
	}
	return nil
}

func originOf(r *http.Request) string {
	if o := r.Header.Get("Origin"); o != "" {
		return o
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		return ref
	}
	return "missing"
}

// sameOrigin reports whether a browser request comes from this site: its
// Origin (or, without one, its Referer) names this host, or one of
// VOC_ALLOWED_ORIGINS. Browsers send Origin on every non-GET request, so a
// request with neither header is refused.
func (s *server) sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		o = r.Header.Get("Referer")
	}
	if o == "" || o == "null" {
		return false
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	origin := strings.ToLower(u.Scheme + "://" + u.Host)
	for _, a := range s.AllowedOrigins {
		if strings.EqualFold(strings.TrimRight(a, "/"), origin) {
			return true
		}
	}
	return strings.EqualFold(u.Host, r.Host)
}
