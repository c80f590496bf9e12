package webui

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The built app must never turn strings into markup or code: every user-
// and server-provided string is set with textContent or an attribute
// setter. This guards the compiled output, whatever the sources say.
func TestBuiltScriptsHaveNoHTMLSinks(t *testing.T) {
	t.Parallel()
	assets, err := load(dist, "dist")
	require.NoError(t, err)

	sinks := []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment",
		"DOMParser", "eval(", "new Function", "setTimeout(\"", "srcdoc", "javascript:"}
	scripts := 0
	for name, a := range assets {
		if path.Ext(name) != ".js" {
			continue
		}
		scripts++
		for _, s := range sinks {
			require.NotContains(t, string(a.body), s, "%s uses %s", name, s)
		}
	}
	require.Greater(t, scripts, 5, "the compiled modules are missing from dist/assets")
}

var importRe = regexp.MustCompile(`(?m)^(?:import|export)\s[^;]*?from\s+"([^"]+)"`)

// Every relative import of a compiled module must name an embedded file, or
// the browser stops at a 404 and shows a blank page.
func TestModuleImportsResolve(t *testing.T) {
	t.Parallel()
	assets, err := load(dist, "dist")
	require.NoError(t, err)
	require.Contains(t, assets, "index.html")
	require.Contains(t, assets, "assets/main.js")
	require.Contains(t, assets, "assets/style.css")

	for name, a := range assets {
		if path.Ext(name) != ".js" {
			continue
		}
		for _, m := range importRe.FindAllStringSubmatch(string(a.body), -1) {
			spec := m[1]
			require.True(t, strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"),
				"%s imports %q: only relative imports work without a bundler", name, spec)
			target := path.Join(path.Dir(name), spec)
			require.Contains(t, assets, target, "%s imports %q, which is not in dist", name, spec)
		}
	}
}

// dist must hold only what the build writes: no sources, maps or stray files.
func TestDistHoldsOnlyBuiltFiles(t *testing.T) {
	t.Parallel()
	allowed := map[string]bool{".html": true, ".js": true, ".css": true, ".svg": true}
	err := fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		require.True(t, allowed[path.Ext(p)], "unexpected file %s in dist", p)
		return nil
	})
	require.NoError(t, err)
}
