package offline

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a byte range [start, end) of a source string.
type span struct{ start, end int }

// isCJK reports whether r is a Han, kana or Hangul character or CJK
// punctuation, i.e. a character of scripts written without spaces.
func isCJK(r rune) bool {
	if r < 0x2E80 {
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 'ー' || (r >= 0x3000 && r <= 0x303F)
}

// isWordRune reports whether r belongs to a space-delimited word (Latin,
// Cyrillic, digits...). CJK characters are not word runes: they need no
// boundary.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) && !isCJK(r)
}

// hasContent reports whether s holds any letter, digit or symbol (emoji).
func hasContent(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.So, r) {
			return true
		}
	}
	return false
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', '。', '！', '？', '…', '\n', '\r', '｡':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '」', '』', '）', '】', '”', '’', '»', '〉', '》':
		return true
	}
	return false
}

// abbreviations that end with a period without ending the sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "mr": true, "mrs": true, "ms": true, "dr": true, "vs": true,
	"approx": true, "no": true, "nr": true, "z.b": true, "bzw": true, "ca": true, "usw": true,
	"ggf": true, "evtl": true, "inkl": true, "etc": false, "p.ex": true, "st": true,
}

// splitSentences splits text into trimmed, non-empty sentence spans. A
// period ends a sentence only when followed by space, a closer, the end of
// text, or (missing space) an upper-case letter after a lower-case word, so
// decimals and most abbreviations stay intact.
func splitSentences(text string) []span {
	var out []span
	start := 0
	emit := func(end int) {
		if s, ok := trimSpan(text, start, end); ok {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isSentenceEnd(r) {
			i += size
			continue
		}
		j := i + size
		// Swallow a run of terminators and closers ("!!!", "?!", "...", '."').
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if isSentenceEnd(r2) && r2 != '\n' && r2 != '\r' || isCloser(r2) {
				j += s2
				continue
			}
			break
		}
		if r == '.' && j == i+1 && !periodEnds(text, i) {
			i = j
			continue
		}
		emit(j)
		i = j
	}
	emit(len(text))
	return out
}

// periodEnds decides whether the single period at text[i] ends a sentence.
func periodEnds(text string, i int) bool {
	if i+1 >= len(text) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(text[i+1:])
	// The word before the period.
	ws := i
	for ws > 0 {
		r, s := utf8.DecodeLastRuneInString(text[:ws])
		if !isWordRune(r) && r != '.' {
			break
		}
		ws -= s
	}
	word := strings.ToLower(text[ws:i])
	if unicode.IsSpace(next) || isCloser(next) {
		if abbreviations[word] {
			return false
		}
		// A single letter ("J. Smith", "a. b.") is an initial or list item.
		return utf8.RuneCountInString(word) != 1 || isDigitString(word)
	}
	if unicode.IsUpper(next) && utf8.RuneCountInString(word) >= 2 {
		last, _ := utf8.DecodeLastRuneInString(word)
		return unicode.IsLower(last) && !strings.Contains(word, ".")
	}
	if isCJK(next) {
		return true
	}
	return false
}

func isDigitString(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// isLeadJunk reports punctuation that cannot start a quote: separators and
// terminators left over from splitting.
func isLeadJunk(r rune) bool {
	switch r {
	case ':', '：', ',', '，', ';', '；', '、', '.', '。', '!', '！', '?', '？', ')', '）', '~', '～', '…', '*', '-', '—', '·', '｡':
		return true
	}
	return false
}

// trimSpan trims white space and stray leading punctuation from
// text[start:end] and reports whether anything meaningful is left.
func trimSpan(text string, start, end int) (span, bool) {
	for start < end {
		r, s := utf8.DecodeRuneInString(text[start:end])
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '　' || isLeadJunk(r) {
			start += s
			continue
		}
		break
	}
	for end > start {
		r, s := utf8.DecodeLastRuneInString(text[start:end])
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '　' {
			end -= s
			continue
		}
		break
	}
	if start >= end || !hasContent(text[start:end]) {
		return span{}, false
	}
	return span{start, end}, true
}

func isClauseBreak(r rune) bool {
	switch r {
	case ',', ';', ':', '，', '；', '：', '、', '(', ')', '（', '）', '~', '～':
		return true
	}
	return false
}

// splitClauses splits the sentence text[s.start:s.end] at commas, semicolons,
// colons and brackets. Every returned span is a trimmed substring of text.
func splitClauses(text string, s span) []span {
	var out []span
	start := s.start
	for i := s.start; i < s.end; {
		r, size := utf8.DecodeRuneInString(text[i:s.end])
		if isClauseBreak(r) && !(r == ',' && isDecimalComma(text, i, s.end)) {
			if c, ok := trimSpan(text, start, i); ok {
				out = append(out, c)
			}
			start = i + size
		}
		i += size
	}
	if c, ok := trimSpan(text, start, s.end); ok {
		out = append(out, c)
	}
	return out
}

// isDecimalComma reports a comma between digits ("4,5 Sterne").
func isDecimalComma(text string, i, end int) bool {
	if i == 0 || i+1 >= end {
		return false
	}
	return text[i-1] >= '0' && text[i-1] <= '9' && text[i+1] >= '0' && text[i+1] <= '9'
}

// foldRune lower-cases r, folds full-width ASCII, unifies apostrophes and
// dashes, and (when accents is true) strips Latin diacritics. It maps one rune
// to one rune so positions in the folded text match the original.
func foldRune(r rune, accents bool) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	switch r {
	case '’', '‘', '`', '´', 'ʼ':
		return '\''
	case '-', '‐', '‑', '–', '—', '_', '/':
		return ' '
	case '\t', '\n', '\r', '\u00a0', '　':
		return ' '
	}
	if r < utf8.RuneSelf {
		if r >= 'A' && r <= 'Z' {
			return r + 32
		}
		return r
	}
	r = unicode.ToLower(r)
	if accents {
		if f, ok := accentFold[r]; ok {
			return f
		}
	}
	return r
}

var accentFold = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a',
	'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i',
	'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u',
	'ç': 'c', 'ÿ': 'y', 'œ': 'o', 'æ': 'a',
}

// foldString folds a lexicon key the way text is folded.
func foldString(s string, accents bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r, accents))
	}
	return b.String()
}

// foldedText is a sentence folded rune by rune, with the byte offset of each
// rune in the source so matches map back to verbatim substrings.
type foldedText struct {
	runes []rune
	off   []int // len(runes)+1 byte offsets into the source
}

func fold(text string, s span, accents bool, buf *foldedText) {
	buf.runes = buf.runes[:0]
	buf.off = buf.off[:0]
	for i := s.start; i < s.end; {
		r, size := utf8.DecodeRuneInString(text[i:s.end])
		buf.runes = append(buf.runes, foldRune(r, accents))
		buf.off = append(buf.off, i)
		i += size
	}
	buf.off = append(buf.off, s.end)
}
