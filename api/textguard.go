package api

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// maxGuardedBody is the largest JSON body rejectBadText inspects; larger
// ones (none of the edit endpoints takes one) pass through untouched.
const maxGuardedBody = 1 << 20

// rawBodyPaths take files and review pushes, whose text the ingest package
// validates and cleans row by row; the guard leaves their bodies alone.
var rawBodyPaths = []string{"/api/v1/uploads", "/api/v1/reviews/ingest"}

// rejectBadText answers 422 when a query parameter, the path or a JSON body
// holds a NUL character or invalid UTF-8. Postgres refuses both in text,
// so they would otherwise surface as a 500 deep in a query.
func rejectBadText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !goodText(r.URL.Path) {
			writeProblem(w, http.StatusUnprocessableEntity, "the path holds a NUL character or invalid UTF-8")
			return
		}
		for k, vs := range r.URL.Query() {
			for _, v := range append([]string{k}, vs...) {
				if !goodText(v) {
					writeProblem(w, http.StatusUnprocessableEntity, "query parameter "+strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "?")+
						" holds a NUL character or invalid UTF-8: send UTF-8 text without NUL")
					return
				}
			}
		}
		if r.Body != nil && isJSON(r.Header.Get("Content-Type")) && !hasAnyPrefix(r.URL.Path, rawBodyPaths) {
			head, err := io.ReadAll(io.LimitReader(r.Body, maxGuardedBody+1))
			if err != nil {
				writeProblem(w, http.StatusBadRequest, "cannot read the request body")
				return
			}
			if len(head) <= maxGuardedBody && (!utf8.Valid(head) || hasNULEscape(head)) {
				writeProblem(w, http.StatusUnprocessableEntity, "the JSON body holds a NUL character (\\u0000) or invalid UTF-8: send UTF-8 text without NUL")
				return
			}
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
		}
		next.ServeHTTP(w, r)
	})
}

func goodText(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// hasNULEscape reports whether a JSON text holds the escape \u0000 (an odd
// number of backslashes before "u0000"; "\\u0000" is a literal backslash).
func hasNULEscape(b []byte) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(`u0000`))
		if j < 0 {
			return bytes.IndexByte(b, 0) >= 0
		}
		at := i + j
		n := 0
		for k := at - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = at + 5
	}
}
