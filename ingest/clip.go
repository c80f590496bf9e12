package ingest

import (
	"strings"
	"unicode/utf8"
)

// MaxReasonBytes bounds a FileError's Reason. Reasons quote what the file
// holds (column names, values), and a file is free to hold a 20,000-character
// header: the reason must still fit a log line, a database column and an
// API answer.
const MaxReasonBytes = 1000

// maxQuotedRunes bounds one name or value quoted inside a reason.
const maxQuotedRunes = 80

// Clip returns s cut to at most n bytes on a rune boundary, with "…" marking
// the cut, and with invalid UTF-8 and NUL bytes replaced so that Postgres
// accepts it as text.
func Clip(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	}
	if len(s) <= n {
		return s
	}
	const mark = "…"
	cut := max(n-len(mark), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

// clipName shortens a name or value quoted in a reason to maxQuotedRunes.
func clipName(s string) string {
	if utf8.RuneCountInString(s) <= maxQuotedRunes {
		return s
	}
	i, n := 0, 0
	for i = range s {
		if n == maxQuotedRunes {
			break
		}
		n++
	}
	return s[:i] + "…"
}
