package webui

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// assetRe matches the files index.html and docs.html load.
var assetRe = regexp.MustCompile(`(?:src|href)="(/[^"]+)"`)

// Every file the pages load must be embedded, or the browser stops at a
// 404 and shows a blank page.
func TestPagesLoadEmbeddedFiles(t *testing.T) {
	t.Parallel()
	assets, err := load(dist, "dist")
	require.NoError(t, err)
	for _, page := range []string{"index.html", "docs.html"} {
		a, ok := assets[page]
		require.True(t, ok, "dist has no %s", page)
		refs := assetRe.FindAllStringSubmatch(string(a.body), -1)
		require.GreaterOrEqual(t, len(refs), 2, "%s loads nothing", page)
		for _, m := range refs {
			_, ok := assets[strings.TrimPrefix(m[1], "/")]
			require.True(t, ok, "%s loads %s, which is not in dist", page, m[1])
		}
	}
}

// The API viewer is served from the binary: no page or script of dist
// loads anything from another origin.
func TestNoCDN(t *testing.T) {
	t.Parallel()
	assets, err := load(dist, "dist")
	require.NoError(t, err)
	for _, page := range []string{"index.html", "docs.html", "assets/docs-init.js"} {
		body := string(assets[page].body)
		require.NotContains(t, body, "http://", page)
		require.NotContains(t, body, "https://", page)
	}
	_, ok := assets["assets/swagger/swagger-ui-bundle.js"]
	require.True(t, ok, "swagger-ui is not embedded")
}

// dist must hold only what the build writes: no sources, maps or stray files.
func TestDistHoldsOnlyBuiltFiles(t *testing.T) {
	t.Parallel()
	allowed := map[string]bool{".html": true, ".js": true, ".css": true, ".svg": true}
	err := fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if p == "dist/assets/swagger/LICENSE" {
			return nil
		}
		require.True(t, allowed[path.Ext(p)], "unexpected file %s in dist", p)
		return nil
	})
	require.NoError(t, err)
}
