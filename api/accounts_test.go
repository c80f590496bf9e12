package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/password"
	"github.com/voc-project/voc/store"
	"github.com/voc-project/voc/store/storetest"
)

// authEnv is the HTTP API on a fresh database, with no workers (an
// insert-only River client), and users of every role.
type authEnv struct {
	t       *testing.T
	url     string
	handler http.Handler
	pool    *pgxpool.Pool
	client  *river.Client[pgx.Tx]
	users   map[store.Role]store.User
	tokens  map[string]string // "viewer", "analyst", "admin", "revoked" → bearer secret
}

const testPassword = "correct horse battery"

func newAuthEnv(t *testing.T, mod func(*api.Config)) *authEnv {
	t.Helper()
	pool := storetest.NewPool(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	client, err := jobs.NewClient(jobs.Deps{Pool: pool, Log: log, LLM: offline.New()}, map[string]int{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cfg := api.Config{Pool: pool, River: client, Log: log, Context: ctx}
	if mod != nil {
		mod(&cfg)
	}
	h, err := api.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e := &authEnv{t: t, url: srv.URL, handler: h, pool: pool, client: client, users: map[store.Role]store.User{}, tokens: map[string]string{}}
	hash := password.Hash(testPassword) // one hash for all: argon2 is slow on purpose
	for _, r := range []store.Role{store.RoleViewer, store.RoleAnalyst, store.RoleAdmin} {
		u, err := store.UserCreate(ctx, pool, string(r)+"@example.com", "The "+string(r), r, hash)
		require.NoError(t, err)
		e.users[r] = u
		secret := store.NewTokenSecret()
		_, err = store.TokenCreateForUser(ctx, pool, u.ID, "test", secret)
		require.NoError(t, err)
		e.tokens[string(r)] = secret
	}
	secret := store.NewTokenSecret()
	tok, err := store.TokenCreateForUser(ctx, pool, e.users[store.RoleAdmin].ID, "revoked", secret)
	require.NoError(t, err)
	require.NoError(t, store.TokenRevoke(ctx, pool, tok.ID))
	e.tokens["revoked"] = secret
	return e
}

type reqOpt func(*http.Request)

func withBearer(secret string) reqOpt {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+secret) }
}
func withCookie(secret string) reqOpt {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "voc_session", Value: secret}) }
}
func withHeader(k, v string) reqOpt { return func(r *http.Request) { r.Header.Set(k, v) } }

// call sends a request and returns the answer with its body read.
func (e *authEnv) call(method, path string, body string, opts ...reqOpt) (*http.Response, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	require.NoError(e.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp, raw
}

func (e *authEnv) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	require.NoError(e.t, e.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// login signs in through POST /api/v1/session and returns the cookie.
func (e *authEnv) login(email, pw string, opts ...reqOpt) (*http.Response, []byte, *http.Cookie) {
	e.t.Helper()
	b, _ := json.Marshal(map[string]string{"email": email, "password": pw})
	resp, raw := e.call(http.MethodPost, "/api/v1/session", string(b), opts...)
	for _, c := range resp.Cookies() {
		if c.Name == "voc_session" && c.Value != "" {
			return resp, raw, c
		}
	}
	return resp, raw, nil
}

func requireProblem(t *testing.T, resp *http.Response, raw []byte, status int, detailHas string) {
	t.Helper()
	require.Equal(t, status, resp.StatusCode, string(raw))
	require.Contains(t, resp.Header.Get("Content-Type"), "application/problem+json", string(raw))
	var p struct {
		Detail string `json:"detail"`
	}
	require.NoError(t, json.Unmarshal(raw, &p))
	require.Contains(t, p.Detail, detailHas)
}

// concretePath fills a chi pattern's parameters with values no row has.
func concretePath(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '{':
			j := strings.IndexByte(pattern[i:], '}')
			name := pattern[i+1 : i+j]
			switch name {
			case "asin":
				b.WriteString("B0NOSUCH00")
			case "schema":
				b.WriteString("Nothing")
			default:
				b.WriteString("987654321")
			}
			i += j
		case '*':
			b.WriteString("x")
		default:
			b.WriteByte(pattern[i])
		}
	}
	return b.String()
}

// TestRouteRoles walks every route of the router for every identity
// (anonymous, viewer, analyst, admin, a revoked token) and checks the
// answer against the route's minimum role in api.RouteRoles: 401 without
// valid credentials, 403 below the minimum role, and neither at or above
// it. Every route must be in the table and every table entry a route.
func TestRouteRoles(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	keys, roles := api.RouteRoles()
	type route struct{ method, pattern string }
	var routes []route
	seen := map[string]bool{}
	err := chi.Walk(e.handler.(chi.Routes), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, route{method, pattern})
		min, ok := api.MinimumRole(method, pattern)
		require.True(t, ok, "route %s %s has no minimum role: add it to routeRoles in api/roles.go", method, pattern)
		_ = min
		if _, exact := roles[method+" "+pattern]; exact {
			seen[method+" "+pattern] = true
		} else {
			seen["* "+pattern] = true
		}
		return nil
	})
	require.NoError(t, err)
	for _, k := range keys {
		require.True(t, seen[k], "routeRoles has %q, which is no route", k)
	}
	require.Greater(t, len(routes), 50)
	// Policy: viewers read and export only. A mutation below analyst must
	// be one of these, which act on the caller's own session or tokens.
	own := map[string]bool{"POST /api/v1/session": true, "DELETE /api/v1/session": true, "POST /api/v1/auth/login": true,
		"POST /api/v1/tokens": true, "DELETE /api/v1/tokens/{id}": true, "PATCH /api/v1/me": true}
	for _, rt := range routes {
		min, _ := api.MinimumRole(rt.method, rt.pattern)
		if rt.method != http.MethodGet && rt.method != http.MethodHead && !min.AtLeast(store.RoleAnalyst) &&
			!own[rt.method+" "+rt.pattern] && rt.pattern != "/" && rt.pattern != "/assets/*" {
			t.Errorf("%s %s mutates with minimum role %s: viewers must not change anything", rt.method, rt.pattern, min)
		}
	}

	identities := []string{"anonymous", "revoked", "viewer", "analyst", "admin"}
	checked := 0
	for _, rt := range routes {
		if rt.method == http.MethodConnect || rt.method == http.MethodTrace {
			continue // the wildcard handlers take them too; nothing to learn
		}
		min, _ := api.MinimumRole(rt.method, rt.pattern)
		path := concretePath(rt.pattern)
		for _, who := range identities {
			var opts []reqOpt
			if who != "anonymous" {
				opts = append(opts, withBearer(e.tokens[who]))
			}
			body := ""
			if rt.method == http.MethodPost || rt.method == http.MethodPatch || rt.method == http.MethodPut {
				body = "{}"
			}
			resp, raw := e.call(rt.method, path, body, opts...)
			got := resp.StatusCode
			msg := fmt.Sprintf("%s %s as %s (minimum %s): %d %s", rt.method, path, who, min, got, raw)
			switch {
			case min == api.RolePublic:
				require.NotContains(t, []int{401, 403, 500}, got, msg)
			case who == "anonymous" || who == "revoked":
				require.Equal(t, http.StatusUnauthorized, got, msg)
			case !store.Role(who).AtLeast(min):
				require.Equal(t, http.StatusForbidden, got, msg)
			default:
				require.NotContains(t, []int{401, 403, 500}, got, msg)
			}
			checked++
		}
	}
	t.Logf("%d routes, %d requests checked", len(routes), checked)
}

// TestSessionLogin signs in with email and password: the cookie is an
// opaque server-side session (HttpOnly, SameSite=Lax, Secure only over TLS
// as told by a trusted proxy), and signing out ends it server-side.
func TestSessionLogin(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, func(c *api.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	resp, raw, c := e.login("Analyst@Example.com ", testPassword)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	require.NotNil(t, c)
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, c.SameSite)
	require.False(t, c.Secure, "plain HTTP without a proxy header")
	require.True(t, strings.HasPrefix(c.Value, "vocs_"))
	require.GreaterOrEqual(t, len(c.Value), 5+43, "at least 256 bits")
	require.NotEqual(t, e.tokens["analyst"], c.Value, "the cookie is not an API token")
	require.Equal(t, 0, e.count(`SELECT count(*) FROM sessions WHERE id_hash = convert_to($1, 'UTF8')`, c.Value), "only the hash is stored")
	require.Equal(t, 1, e.count(`SELECT count(*) FROM sessions WHERE id_hash = sha256(convert_to($1, 'UTF8'))`, c.Value))
	var info struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Role string `json:"role"`
	}
	require.NoError(t, json.Unmarshal(raw, &info))
	require.Equal(t, "analyst@example.com", info.User.Email)
	require.Equal(t, "analyst", info.Role)

	resp, raw = e.call(http.MethodGet, "/api/v1/me", "", withCookie(c.Value))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	require.Contains(t, string(raw), `"role":"analyst"`)

	// Over TLS per a trusted proxy the cookie is Secure.
	resp, raw, c2 := e.login("viewer@example.com", testPassword, withHeader("X-Forwarded-Proto", "https"), withHeader("X-Forwarded-For", "203.0.113.9"))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	require.True(t, c2.Secure)
	require.Equal(t, 1, e.count(`SELECT count(*) FROM sessions WHERE client_addr = '203.0.113.9'`))

	// Sign out: the session row goes, and the old cookie no longer works.
	resp, raw = e.call(http.MethodDelete, "/api/v1/session", "", withCookie(c.Value), withHeader("Origin", e.url))
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(raw))
	require.Equal(t, 0, e.count(`SELECT count(*) FROM sessions WHERE id_hash = sha256(convert_to($1, 'UTF8'))`, c.Value))
	resp, raw = e.call(http.MethodGet, "/api/v1/me", "", withCookie(c.Value))
	requireProblem(t, resp, raw, http.StatusUnauthorized, "session has expired or was ended")

	// An expired session is refused.
	_, err := e.pool.Exec(context.Background(), `UPDATE sessions SET expires_at = now() - interval '1 second'`)
	require.NoError(t, err)
	resp, raw = e.call(http.MethodGet, "/api/v1/me", "", withCookie(c2.Value))
	requireProblem(t, resp, raw, http.StatusUnauthorized, "session has expired")

	// The token login of the web UI also makes a server-side session.
	b, _ := json.Marshal(map[string]string{"token": e.tokens["admin"]})
	resp, raw = e.call(http.MethodPost, "/api/v1/session", string(b))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	var tc *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "voc_session" {
			tc = ck
		}
	}
	require.NotNil(t, tc)
	require.NotEqual(t, e.tokens["admin"], tc.Value)
	resp, raw = e.call(http.MethodGet, "/api/v1/users", "", withCookie(tc.Value))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
}

// TestLoginBadInput: wrong passwords, unknown accounts and disabled users
// get problems and no session; failures are throttled per account and per
// client address.
func TestLoginBadInput(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, func(c *api.Config) {
		c.AccountThrottle = store.Throttle{Window: time.Hour, Threshold: 3, Base: time.Minute, Cap: time.Hour}
		c.AddressThrottle = store.Throttle{Window: time.Hour, Threshold: 6, Base: time.Minute, Cap: time.Hour}
	})
	ctx := context.Background()
	sessions := func() int { return e.count(`SELECT count(*) FROM sessions`) }

	resp, raw, c := e.login("viewer@example.com", "wrong password!")
	requireProblem(t, resp, raw, http.StatusUnauthorized, "wrong email or password")
	require.Nil(t, c)
	resp, raw, _ = e.login("nobody@example.com", testPassword)
	requireProblem(t, resp, raw, http.StatusUnauthorized, "wrong email or password")
	resp, raw = e.call(http.MethodPost, "/api/v1/session", `{"email": "viewer@example.com"}`)
	requireProblem(t, resp, raw, http.StatusUnprocessableEntity, "password")
	resp, raw = e.call(http.MethodPost, "/api/v1/auth/login", `{"email": "viewer@example.com", "password": "nope nope nope"}`)
	requireProblem(t, resp, raw, http.StatusUnauthorized, "wrong email or password")

	// Disabled: refused even with the right password; tokens stop working.
	disabled := true
	_, err := store.UserUpdate(ctx, e.pool, e.users[store.RoleAnalyst].ID, store.UserChange{Disabled: &disabled})
	require.NoError(t, err)
	resp, raw, c = e.login("analyst@example.com", testPassword)
	requireProblem(t, resp, raw, http.StatusForbidden, "disabled")
	require.Nil(t, c)
	resp, raw = e.call(http.MethodGet, "/api/v1/products", "", withBearer(e.tokens["analyst"]))
	requireProblem(t, resp, raw, http.StatusUnauthorized, "invalid, expired or revoked token")
	require.Equal(t, 0, sessions())

	// Per account: the 3rd failure (the extension's login counts too)
	// locks the account; even the right password now gets 429 with
	// Retry-After.
	resp, raw, _ = e.login("viewer@example.com", "wrong password!")
	requireProblem(t, resp, raw, http.StatusUnauthorized, "wrong")
	resp, raw, _ = e.login("viewer@example.com", testPassword)
	requireProblem(t, resp, raw, http.StatusTooManyRequests, "too many failed sign-ins")
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.InDelta(t, 60, secs, 2)
	require.Equal(t, 0, sessions())
	// Another account from the same address still signs in...
	resp, raw, c = e.login("admin@example.com", testPassword)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	require.NotNil(t, c)
	// ...until the address has failed 6 times (4 so far: 1 for another email).
	resp, _, _ = e.login("x1@example.com", "wrong password!")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _, _ = e.login("x2@example.com", "wrong password!")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, raw, _ = e.login("admin@example.com", testPassword)
	requireProblem(t, resp, raw, http.StatusTooManyRequests, "too many failed sign-ins")
	require.Equal(t, 6, e.count(`SELECT failures FROM login_throttle WHERE key = 'addr:127.0.0.1'`))
}

// TestCSRF: a cookie-authenticated mutation from a foreign Origin (or with
// no Origin at all) gets 403 and changes nothing, including a JSON ingest
// sent as text/plain and River UI's job actions; the same request from this
// site passes.
func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	// No trusted proxies here: forwarded headers are not believed.
	_, raw, analyst := e.login("analyst@example.com", testPassword, withHeader("X-Forwarded-Proto", "https"), withHeader("X-Forwarded-For", "198.51.100.7"))
	require.NotNil(t, analyst, string(raw))
	require.False(t, analyst.Secure, "X-Forwarded-Proto from an untrusted peer")
	require.Equal(t, 1, e.count(`SELECT count(*) FROM sessions WHERE client_addr = '127.0.0.1'`))
	_, raw, adminC := e.login("admin@example.com", testPassword)
	require.NotNil(t, adminC, string(raw))
	evil := withHeader("Origin", "https://evil.example")
	uploads := func() int { return e.count(`SELECT count(*) FROM uploads`) }
	audits := func() int { return e.count(`SELECT count(*) FROM audit_log`) }
	before := audits()

	push := `{"asin":"B0CSRF0001","reviews":[{"review_id":"r1","rating":5,"body":"great"}]}`
	for _, o := range []reqOpt{evil, func(*http.Request) {}, withHeader("Referer", "https://evil.example/page")} {
		req, err := http.NewRequest(http.MethodPost, e.url+"/api/v1/reviews/ingest", strings.NewReader(push))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "text/plain")
		req.AddCookie(&http.Cookie{Name: "voc_session", Value: analyst.Value})
		o(req)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		requireProblem(t, resp, raw, http.StatusForbidden, "cross-origin request refused")
	}
	require.Equal(t, 0, uploads())

	// River UI's job actions, as an admin's browser.
	jobID := insertJob(t, e)
	for _, path := range []string{"/riverui/api/jobs/cancel", "/riverui/api/jobs/retry", "/riverui/api/jobs/delete"} {
		resp, raw := e.call(http.MethodPost, path, fmt.Sprintf(`{"ids":["%d"]}`, jobID), withCookie(adminC.Value), evil)
		requireProblem(t, resp, raw, http.StatusForbidden, "cross-origin")
	}
	require.Equal(t, 1, e.count(`SELECT count(*) FROM river_job WHERE id = $1 AND state = 'available'`, jobID))

	// A foreign page cannot sign a browser in either.
	resp, raw, c := e.login("viewer@example.com", testPassword, evil)
	requireProblem(t, resp, raw, http.StatusForbidden, "cross-origin")
	require.Nil(t, c)
	require.Equal(t, before, audits(), "nothing was recorded as done")

	// From this site, the same push is accepted, and audited.
	resp, raw = e.call(http.MethodPost, "/api/v1/reviews/ingest", push, withCookie(analyst.Value), withHeader("Origin", e.url))
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(raw))
	require.Equal(t, 1, uploads())
	// A bearer token needs no Origin (the extension sends its own).
	resp, raw = e.call(http.MethodPost, "/api/v1/reviews/ingest", push, withBearer(e.tokens["analyst"]), withHeader("Origin", "chrome-extension://abcdef"))
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(raw))
	require.Equal(t, 1, e.count(`SELECT count(*) FROM audit_log WHERE action = 'POST /api/v1/reviews/ingest' AND user_id = $1 AND token_id IS NULL`, e.users[store.RoleAnalyst].ID))
}

// insertJob queues a job no worker will take, for River UI to act on.
func insertJob(t *testing.T, e *authEnv) int64 {
	t.Helper()
	res, err := e.client.Insert(context.Background(), jobs.ReportArgs{AnalysisID: 987654, ReportKind: "final"}, nil)
	require.NoError(t, err)
	return res.Job.ID
}

// TestViewerCannotMutate: a viewer's session reads but every mutation gets
// 403 and the database does not change.
func TestViewerCannotMutate(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	_, raw, c := e.login("viewer@example.com", testPassword)
	require.NotNil(t, c, string(raw))
	self := withHeader("Origin", e.url)
	resp, raw := e.call(http.MethodGet, "/api/v1/products", "", withCookie(c.Value))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	snapshot := func() string {
		var s string
		require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM uploads)::text || '/' ||
			(SELECT count(*) FROM users)::text || '/' || (SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL)::text || '/' ||
			(SELECT count(*) FROM audit_log)::text || '/' || (SELECT count(*) FROM river_job)::text`).Scan(&s))
		return s
	}
	before := snapshot()
	for _, m := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/reviews/ingest", `{"asin":"B0VIEW0001","reviews":[{"rating":5,"body":"x"}]}`},
		{http.MethodPost, "/api/v1/users", `{"email":"x@example.com","name":"x","role":"admin","password":"0123456789ab"}`},
		{http.MethodPost, "/api/v1/products/1/rerun", ``},
		{http.MethodPost, "/api/v1/products/B0VIEW0001/collection-complete", ``},
	} {
		resp, raw := e.call(m.method, m.path, m.body, withCookie(c.Value), self)
		requireProblem(t, resp, raw, http.StatusForbidden, "needs the")
	}
	require.Equal(t, before, snapshot())
}

// TestUsersAPIAndAudit: an admin creates and disables users through the
// API; each change is in the audit log, which only admins read.
func TestUsersAPIAndAudit(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	adm := withBearer(e.tokens["admin"])
	resp, raw := e.call(http.MethodPost, "/api/v1/users", `{"email":"New@Example.com","name":"Nia","role":"viewer","password":"0123456789ab"}`, adm)
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(raw))
	var u store.User
	require.NoError(t, json.Unmarshal(raw, &u))
	require.Equal(t, "new@example.com", u.Email)
	require.NotContains(t, string(raw), "argon2")

	for _, bad := range []struct{ body, want string }{
		{`{"email":"new@example.com","name":"dup","role":"viewer","password":"0123456789ab"}`, "already exists"},
		{`{"email":"not-an-email","name":"x","role":"viewer","password":"0123456789ab"}`, "invalid user"},
		{`{"email":"a@example.com","name":"x","role":"owner","password":"0123456789ab"}`, "role"},
		{`{"email":"a@example.com","name":"x","role":"viewer","password":"short"}`, ""},
	} {
		n := e.count(`SELECT count(*) FROM users`)
		resp, raw := e.call(http.MethodPost, "/api/v1/users", bad.body, adm)
		require.Contains(t, []int{409, 422}, resp.StatusCode, string(raw))
		require.Contains(t, string(raw), bad.want)
		require.Equal(t, n, e.count(`SELECT count(*) FROM users`))
	}

	// The new user signs in, makes a token, and is disabled: session and
	// token stop working.
	_, raw, c := e.login("new@example.com", "0123456789ab")
	require.NotNil(t, c, string(raw))
	resp, raw = e.call(http.MethodPost, "/api/v1/tokens", `{"name":"cli"}`, withCookie(c.Value), withHeader("Origin", e.url))
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(raw))
	var tok api.CreatedToken
	require.NoError(t, json.Unmarshal(raw, &tok))
	require.Equal(t, store.RoleViewer, tok.Role)
	resp, _ = e.call(http.MethodGet, "/api/v1/products", "", withBearer(tok.Secret))
	require.Equal(t, http.StatusOK, resp.StatusCode)

	resp, raw = e.call(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", u.ID), `{"disabled": true}`, adm)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	resp, _ = e.call(http.MethodGet, "/api/v1/me", "", withCookie(c.Value))
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, _ = e.call(http.MethodGet, "/api/v1/products", "", withBearer(tok.Secret))
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// The last enabled admin stays.
	resp, raw = e.call(http.MethodPatch, fmt.Sprintf("/api/v1/users/%d", e.users[store.RoleAdmin].ID), `{"role": "viewer"}`, adm)
	requireProblem(t, resp, raw, http.StatusConflict, "last enabled admin")
	require.Equal(t, 1, e.count(`SELECT count(*) FROM users WHERE role = 'admin'`))

	resp, raw = e.call(http.MethodGet, "/api/v1/audit", "", withBearer(e.tokens["analyst"]))
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(raw))
	resp, raw = e.call(http.MethodGet, "/api/v1/audit?limit=50", "", adm)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	var audit struct {
		Items []store.AuditEntry `json:"items"`
	}
	require.NoError(t, json.Unmarshal(raw, &audit))
	var actions []string
	for _, it := range audit.Items {
		actions = append(actions, it.Action+" by "+it.Actor)
		require.NotContains(t, fmt.Sprint(it.Details), "0123456789ab", "no password in the audit log")
	}
	admLabel := fmt.Sprintf("user %d <admin@example.com>", e.users[store.RoleAdmin].ID)
	newLabel := fmt.Sprintf("user %d <new@example.com>", u.ID)
	require.Equal(t, []string{
		"user.update by " + admLabel,
		"token.create by " + newLabel,
		"session.create by " + newLabel,
		"user.create by " + admLabel,
	}, actions)
	require.Equal(t, true, audit.Items[0].Details["disabled"])
}
