package store

import (
	"strings"
	"unicode"
)

// sameText reports whether two texts have the same letters and digits in
// the same order, ignoring case, spacing and punctuation.
func sameText(a, b string) bool {
	key := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	return key(a) == key(b)
}
