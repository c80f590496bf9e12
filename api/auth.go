package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/voc-project/voc/store"
)

const sessionCookie = "voc_session"

type tokenKey struct{}

// tokenFrom returns the authenticated token of a request.
func tokenFrom(ctx context.Context) (store.Token, bool) {
	t, ok := ctx.Value(tokenKey{}).(store.Token)
	return t, ok
}

func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// authenticate requires a live API token, as a bearer header or the session
// cookie the web UI's login sets.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret := bearer(r)
		if secret == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="voc"`)
			writeProblem(w, http.StatusUnauthorized, "missing credentials: send Authorization: Bearer <token>")
			return
		}
		tok, err := store.TokenAuthenticate(r.Context(), s.Pool, secret)
		if errors.Is(err, store.ErrNotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="voc", error="invalid_token"`)
			writeProblem(w, http.StatusUnauthorized, "invalid or revoked token")
			return
		}
		if err != nil {
			s.Log.ErrorContext(r.Context(), "authenticate", "error", err)
			writeProblem(w, http.StatusInternalServerError, "internal error")
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok)))
	})
}

func requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t, ok := tokenFrom(r.Context()); !ok || !t.IsAdmin {
			writeProblem(w, http.StatusForbidden, "admin token required")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// login exchanges a token for an HttpOnly, SameSite=Strict session cookie so
// the browser can reach /docs and /riverui.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&body); err != nil || body.Token == "" {
		writeProblem(w, http.StatusBadRequest, `send {"token": "<api token>"}`)
		return
	}
	tok, err := store.TokenAuthenticate(r.Context(), s.Pool, body.Token)
	if errors.Is(err, store.ErrNotFound) {
		writeProblem(w, http.StatusUnauthorized, "invalid or revoked token")
		return
	}
	if err != nil {
		s.Log.ErrorContext(r.Context(), "login", "error", err)
		writeProblem(w, http.StatusInternalServerError, "internal error")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: body.Token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, Expires: time.Now().Add(12 * time.Hour)})
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"name": tok.Name, "is_admin": tok.IsAdmin})
}

func (s *server) logout(w http.ResponseWriter, _ *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
