package webui_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/webui"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	h := webui.Handler()

	tests := []struct {
		name, method, path string
		wantStatus         int
		wantType           string
		wantBody           string
	}{
		{"index at root", http.MethodGet, "/", http.StatusOK, "text/html", "<title>voc"},
		{"index by name", http.MethodGet, "/index.html", http.StatusOK, "text/html", "<title>voc"},
		{"api viewer page", http.MethodGet, "/docs.html", http.StatusOK, "text/html", "swagger-ui"},
		{"api viewer bundle", http.MethodGet, "/assets/swagger/swagger-ui-bundle.js", http.StatusOK, "javascript", "SwaggerUIBundle"},
		{"api viewer start", http.MethodGet, "/assets/docs-init.js", http.StatusOK, "javascript", "/openapi.json"},
		{"icon", http.MethodGet, "/assets/favicon.svg", http.StatusOK, "image/svg+xml", "<svg"},
		{"old placeholder script is gone", http.MethodGet, "/app.js", http.StatusNotFound, "text/plain", "404"},
		{"sources are not served", http.MethodGet, "/src/main.ts", http.StatusNotFound, "text/plain", "404"},
		{"head", http.MethodHead, "/", http.StatusOK, "text/html", ""},
		{"missing", http.MethodGet, "/nope.js", http.StatusNotFound, "text/plain", "404"},
		{"directory escape", http.MethodGet, "/../embed.go", http.StatusNotFound, "text/plain", "404"},
		{"post", http.MethodPost, "/", http.StatusMethodNotAllowed, "text/plain", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			res := rec.Result()
			body, err := io.ReadAll(res.Body)
			require.NoError(t, err)

			require.Equal(t, tt.wantStatus, res.StatusCode)
			require.Contains(t, res.Header.Get("Content-Type"), tt.wantType)
			require.Contains(t, string(body), tt.wantBody)
			require.Equal(t, webui.ContentSecurityPolicy, res.Header.Get("Content-Security-Policy"))
			require.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'self'")
			require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
		})
	}
}

func TestHandlerRevalidatesWithETag(t *testing.T) {
	t.Parallel()
	h := webui.Handler()

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	etag := rec.Header().Get("ETag")
	require.NotEmpty(t, etag)
	require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))

	// Some names are fixed (docs-init.js, swagger's), so everything
	// revalidates.
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/assets/docs-init.js", nil))
	require.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))

	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusNotModified, rec.Code)
}

// The pages must not rely on inline code, which the CSP blocks.
func TestPagesHaveNoInlineCode(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"/", "/docs.html"} {
		rec := httptest.NewRecorder()
		webui.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		body := rec.Body.String()
		require.Contains(t, body, `<script`, p)
		require.NotContains(t, body, "<script>", p)
		require.NotContains(t, body, "<style", p)
		require.NotContains(t, body, " style=", p)
		require.NotContains(t, strings.ToLower(body), " onclick=", p)
	}
}

// App routes and the docs page answer with their shells, whatever the path.
func TestAppShellAndDocsPage(t *testing.T) {
	t.Parallel()
	ui := webui.Handler()
	rec := httptest.NewRecorder()
	webui.AppShell(ui).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/reviews/12?quote=loud", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), `<div id="root">`)
	rec = httptest.NewRecorder()
	webui.DocsPage(ui).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/docs", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), "swagger-ui-bundle.js")
}
