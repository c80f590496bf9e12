package ingest_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

func TestClip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{strings.Repeat("a", 20), 10, "aaaaaaa…"},
		{"日本語日本語", 8, "日…"}, // never cuts inside a rune
		{"a\x00b", 10, "a\uFFFDb"},
		{"a\xffb", 10, "a\uFFFDb"},
	}
	for _, c := range cases {
		got := ingest.Clip(c.in, c.n)
		require.Equal(t, c.want, got, c.in)
		require.True(t, utf8.ValidString(got))
		require.LessOrEqual(t, len(got), max(c.n, len(c.in)))
	}
	// A 20,000-character header does not make a 20,000-character reason.
	_, err := ingest.Parse([]byte(strings.Repeat("h", 20_000)+",x\n1,2\n"), ingest.Options{Format: ingest.FormatCSV}, nil, nil)
	var fe *ingest.FileError
	require.ErrorAs(t, err, &fe)
	require.LessOrEqual(t, len(fe.Reason), ingest.MaxReasonBytes)
	require.Contains(t, fe.Reason, "no usable columns")
}
