package language

import "strings"

// Base returns the primary subtag of a language code in lower case: "de"
// for "de-AT", "zh" for "zh_TW".
func Base(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if i := strings.IndexAny(code, "-_"); i > 0 {
		code = code[:i]
	}
	return code
}

// Same reports whether two language codes name the same language, ignoring
// region and script ("en-GB" and "en" are the same). "und" (undetermined)
// and the empty code are the same as nothing.
func Same(a, b string) bool {
	a, b = Base(a), Base(b)
	if a == "" || b == "" || a == "und" || b == "und" {
		return false
	}
	return a == b
}
