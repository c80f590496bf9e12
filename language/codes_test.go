package language_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/language"
)

func TestSame(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"en", "en", true}, {"en-GB", "en", true}, {"zh_TW", "zh-CN", true}, {"DE", "de-AT", true},
		{"en", "de", false}, {"und", "und", false}, {"", "", false}, {"und", "en", false}, {"en", "", false},
	} {
		require.Equal(t, tt.want, language.Same(tt.a, tt.b), "%q %q", tt.a, tt.b)
	}
	require.Equal(t, "de", language.Base(" de-AT "))
}
