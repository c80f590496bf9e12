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
			if strings.Contains(string(a.body), s) {
				t.Errorf("%s uses %s", name, s)
			}
		}
	}
	require.Greater(t, scripts, 5, "the compiled modules are missing from dist/assets")
}

// importRe matches the module specifier of a static import or re-export
// ("import { a } from "./a.js"", "import "./b.js"", "export * from "./c.js""),
// as tsc prints them: one statement per line.
var importRe = regexp.MustCompile(`(?m)^(?:import|export)\s(?:[^;\n]*?\sfrom\s*)?"([^"]+)";?$`)

// Every relative import of a compiled module must name an embedded file, or
// the browser stops at a 404 and shows a blank page.
func TestModuleImportsResolve(t *testing.T) {
	t.Parallel()
	assets, err := load(dist, "dist")
	require.NoError(t, err)
	for _, f := range []string{"index.html", "assets/main.js", "assets/style.css"} {
		_, ok := assets[f]
		require.True(t, ok, "dist has no %s", f)
	}

	imports := 0
	for name, a := range assets {
		if path.Ext(name) != ".js" {
			continue
		}
		for _, m := range importRe.FindAllStringSubmatch(string(a.body), -1) {
			imports++
			spec := m[1]
			require.True(t, strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"),
				"%s imports %q: only relative imports work without a bundler", name, spec)
			if _, ok := assets[path.Join(path.Dir(name), spec)]; !ok {
				t.Errorf("%s imports %q, which is not in dist", name, spec)
			}
		}
	}
	require.Greater(t, imports, 20, "the import pattern no longer matches tsc's output")
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
