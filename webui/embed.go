// Package webui holds the web app and serves its built files from inside the
// binary.
//
// The app is React + TypeScript in src/, built by Vite (pinned in
// package-lock.json) into dist/ with content-hashed, deterministic file
// names; dist/ also holds the API viewer (swagger-ui, copied from npm at
// build time) so /docs needs no CDN. dist/ is committed so that `go build`
// needs no Node; `make generate` rebuilds it and CI fails when it is stale.
// See docs/WEBUI.md.
package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed dist
var dist embed.FS

// ContentSecurityPolicy is sent with every response of Handler. Scripts and
// styles come from this origin only, so inline code and injected markup
// cannot run.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: https:; connect-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// asset is one embedded file, read once at start-up.
type asset struct {
	body  []byte
	etag  string
	ctype string
}

// Handler returns an http.Handler that serves the embedded web app: / is
// index.html, other paths are files of dist/. It answers 404 for anything
// else and 405 for methods other than GET and HEAD. Mount it at the root (or
// behind http.StripPrefix); the API's routes take precedence in the router.
func Handler() http.Handler {
	assets, err := load(dist, "dist")
	if err != nil {
		// The files are compiled in: failing here is a build defect.
		panic("webui: load embedded files: " + err.Error())
	}
	return handler(assets)
}

func handler(assets map[string]asset) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")

		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		a, ok := assets[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		// Some file names are fixed (index.html, docs-init.js, swagger's),
		// so nothing is cached blindly: browsers revalidate every file with
		// its ETag, which costs a 304 and keeps index.html and its scripts
		// from ever mixing versions.
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", a.etag)
		h.Set("Content-Type", a.ctype)
		// ServeContent answers If-None-Match with 304 and handles HEAD and
		// ranges.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
	})
}

// load reads every regular file under root of fsys, keyed by its path below
// root. It returns an error when a file cannot be read.
func load(fsys fs.FS, root string) (map[string]asset, error) {
	sub, err := fs.Sub(fsys, root)
	if err != nil {
		return nil, err
	}
	assets := make(map[string]asset)
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(body)
		}
		assets[p] = asset{
			body:  body,
			etag:  `"` + hex.EncodeToString(sum[:12]) + `"`,
			ctype: ctype,
		}
		return nil
	})
	return assets, err
}

// AppRoutes are the web app's client-side routes (chi patterns). The server
// answers each with the app shell, index.html, so that a URL the app shows
// (or a citation link such as /reviews/12?quote=…) opens the right view.
var AppRoutes = []string{
	"/login", "/upload", "/comparisons", "/comparisons/*", "/audit", "/admin", "/admin/*",
	"/products", "/products/*", "/reviews/*", "/reports/*",
}

// AppShell returns a handler that answers with index.html of ui (a Handler),
// whatever the path.
func AppShell(ui http.Handler) http.Handler {
	return rewrite(ui, "/")
}

// DocsPage returns a handler that answers with docs.html of ui: the API
// viewer, whose script and styles are files of dist/ too.
func DocsPage(ui http.Handler) http.Handler {
	return rewrite(ui, "/docs.html")
}

func rewrite(ui http.Handler, to string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = to, ""
		ui.ServeHTTP(w, r2)
	})
}
