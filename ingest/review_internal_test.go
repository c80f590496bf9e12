package ingest

import (
	"math/rand"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TestAppendNormMatchesNFC checks the NFC fast path against the norm package
// on random mixes of ASCII, accented Latin, combining marks, Hangul jamo,
// kana with voicing marks, Han, compatibility characters and white space.
func TestAppendNormMatchesNFC(t *testing.T) {
	t.Parallel()
	alphabet := []rune("aeE ,.\t\n\u00a0\u3000\ufeffé\u0301\u0308\u0327ñçÅ\u212b\u2126\u1100\u1161\u11a8가각" +
		"か\u3099が\u309aハ\uff8a\uff9e中文字\uf900\u2000\u2001ｱＡ\U0001d15e\U0001f600ệ\u0323\u0302ǅ\u0340")
	rng := rand.New(rand.NewSource(7))
	ref := func(s string) string {
		s = norm.NFC.String(strings.ReplaceAll(s, "\x00", ""))
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' }), " ")
	}
	for i := 0; i < 20000; i++ {
		n := rng.Intn(12)
		var sb strings.Builder
		for range n {
			sb.WriteRune(alphabet[rng.Intn(len(alphabet))])
		}
		s := sb.String()
		if got, want := string(appendNorm(nil, s)), ref(s); got != want {
			t.Fatalf("appendNorm(%+q) = %+q, want %+q", s, got, want)
		}
	}
}

func TestNFCStable(t *testing.T) {
	t.Parallel()
	for _, r := range "é中かガ가Å，" {
		if !nfcStable(r) {
			t.Errorf("%q should be stable", r)
		}
	}
	// Combining marks, jamo that compose, singletons that NFC replaces.
	for _, r := range "\u0301\u3099\u1161\u11a8\u212b\u2126\uf900\u2000" {
		if nfcStable(r) {
			t.Errorf("%U must not be stable", r)
		}
	}
}

func TestIsSpace(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isSpace(r) != unicode.IsSpace(r) {
			t.Fatalf("isSpace(%U) = %v", r, isSpace(r))
		}
	}
}
