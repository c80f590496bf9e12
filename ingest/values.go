package ingest

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits. A value over its limit rejects the row: such values are
// almost always a mis-mapped column or a broken export, never a review.
const (
	MaxBodyChars    = 50_000
	MaxTitleChars   = 2_000
	MaxAuthorChars  = 500
	MaxVariantChars = 1_000
	MaxIDChars      = 256
	MaxURLChars     = 2_048
	MaxDateChars    = 200
	MaxImageURLs    = 50
	MaxHelpfulVotes = 1_000_000_000
)

// ParseRating reads a star rating: "5", "5.0", "4 out of 5 stars",
// "5,0 von 5 Sternen", "4,0 de 5 estrellas", "5つ星のうち4.0",
// "4.0 颗星，最多 5 颗星", "4/5", "★★★★☆". It returns false for anything
// that is not a whole number of stars from 1 to 5 (including "4.5", "8/10"
// and an empty string).
func ParseRating(raw string) (int, bool) {
	r, problem := parseRating(raw)
	return r, problem == ""
}

// parseRating returns the rating or a problem saying what is wrong with raw.
func parseRating(raw string) (int, string) {
	if len(raw) == 1 && raw[0] >= '1' && raw[0] <= '5' {
		return int(raw[0] - '0'), ""
	}
	s := strings.TrimSpace(raw)
	if s == "" || isNA(s) {
		return 0, "rating is empty; every row needs a star rating from 1 to 5 (or choose a default rating for the file)"
	}
	if n, ok := starGlyphs(s); ok {
		if n < 1 || n > 5 {
			return 0, fmt.Sprintf("rating %q has %d filled stars; expected 1 to 5", short(s), n)
		}
		return n, ""
	}
	scan := s
	// "5つ星のうち4.0" (Amazon.co.jp): the scale comes first.
	if _, after, ok := strings.Cut(s, "のうち"); ok {
		scan = after
	}
	nums, neg := scanNumbers(scan, 2)
	if len(nums) == 0 {
		return 0, fmt.Sprintf("rating %q is not a star rating; expected a whole number from 1 to 5 such as \"4\", \"4.0\" or \"4 out of 5 stars\"", short(s))
	}
	if neg {
		return 0, fmt.Sprintf("rating %q is negative; expected 1 to 5 stars", short(s))
	}
	n := nums[0]
	if len(nums) > 1 && (nums[1].frac || nums[1].int != 5) {
		return 0, fmt.Sprintf("rating %q is not out of 5 stars; convert it to a 1–5 star rating", short(s))
	}
	if n.frac {
		return 0, fmt.Sprintf("rating %q is not a whole number of stars; expected 1 to 5", short(s))
	}
	if n.int < 1 || n.int > 5 {
		return 0, fmt.Sprintf("rating %q is out of range; expected 1 to 5 stars", short(s))
	}
	return int(n.int), ""
}

// starGlyphs counts filled stars when s is made of star symbols only.
func starGlyphs(s string) (int, bool) {
	filled, total := 0, 0
	for _, r := range s {
		switch r {
		case '★', '⭐', '🌟', '✪', '✭', '✮', '✯', '✬', '✫':
			filled++
			total++
		case '☆', '✩':
			total++
		case ' ', '\uFE0F', '\u200D':
		default:
			return 0, false
		}
	}
	if total == 0 {
		return 0, false
	}
	if total > 5 {
		return -1, true
	}
	return filled, true
}

type number struct {
	int  int64
	frac bool // has a non-zero fractional part
}

// scanNumbers finds up to max numbers in s. A number is a run of digits
// (ASCII or full-width) with an optional decimal part after '.' or ',';
// grouping separators are not understood here. neg reports a minus sign
// right before the first number.
func scanNumbers(s string, max int) (nums []number, neg bool) {
	var cur number
	inNum, inFrac, overflow := false, false, false
	var prev rune
	flush := func() {
		if inNum {
			if overflow {
				cur.int = 1 << 62
			}
			nums = append(nums, cur)
		}
		cur, inNum, inFrac, overflow = number{}, false, false, false
	}
	rs := []rune(s)
	for i := 0; i < len(rs) && len(nums) < max; i++ {
		r := rs[i]
		d, isDigit := digitValue(r)
		switch {
		case isDigit && inFrac:
			if d != 0 {
				cur.frac = true
			}
		case isDigit:
			if !inNum {
				inNum = true
				if len(nums) == 0 && (prev == '-' || prev == '−') {
					neg = true
				}
			}
			if cur.int > 1<<50 {
				overflow = true
			} else {
				cur.int = cur.int*10 + int64(d)
			}
		case inNum && !inFrac && (r == '.' || r == ',' || r == '．' || r == '，') && i+1 < len(rs):
			if _, ok := digitValue(rs[i+1]); ok {
				inFrac = true
			} else {
				flush()
			}
		default:
			flush()
		}
		prev = r
	}
	flush()
	return nums, neg
}

func digitValue(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '０' && r <= '９':
		return int(r - '０'), true
	}
	return 0, false
}

// ParseHelpfulVotes reads a helpful-vote count: "12", "1,234", "1.234",
// "One person found this helpful", "12 people found this helpful",
// "Eine Person fand diese Informationen hilfreich". An empty value is 0. It
// returns false for text with no count in it, negative and fractional
// numbers.
func ParseHelpfulVotes(raw string) (int, bool) {
	n, problem := parseHelpful(raw)
	return n, problem == ""
}

var oneVoteTexts = []string{
	"one person", "one customer", "eine person", "une personne", "una persona", "uma pessoa",
	"één persoon", "een persoon", "en person", "jedna osoba", "bir kişi", "一人", "一个人", "一位",
}

func parseHelpful(raw string) (int, string) {
	s := strings.TrimSpace(raw)
	if s == "" || isNA(s) {
		return 0, ""
	}
	start := -1
	for i, r := range s {
		if _, ok := digitValue(r); ok {
			start = i
			break
		}
	}
	if start < 0 {
		lower := strings.ToLower(s)
		for _, t := range oneVoteTexts {
			if strings.Contains(lower, t) {
				return 1, ""
			}
		}
		return 0, fmt.Sprintf("helpful votes %q is not a number; expected a count such as \"12\" or \"12 people found this helpful\"", short(s))
	}
	if strings.HasSuffix(strings.TrimSpace(s[:start]), "-") {
		return 0, fmt.Sprintf("helpful votes %q is negative", short(s))
	}
	// Digits, with thousands separators only where exactly three digits follow.
	var n int64
	rest := []rune(s[start:])
	i := 0
	for i < len(rest) {
		r := rest[i]
		if d, ok := digitValue(r); ok {
			n = n*10 + int64(d)
			if n > MaxHelpfulVotes {
				return 0, fmt.Sprintf("helpful votes %q is implausibly large", short(s))
			}
			i++
			continue
		}
		if isGroupSep(r) && groupOfThree(rest[i+1:]) {
			i++
			continue
		}
		if (r == '.' || r == ',') && i+1 < len(rest) {
			if _, ok := digitValue(rest[i+1]); ok {
				// A decimal part: only zeros are a whole number ("12.0").
				j := i + 1
				for j < len(rest) {
					d, ok := digitValue(rest[j])
					if !ok {
						break
					}
					if d != 0 {
						return 0, fmt.Sprintf("helpful votes %q is not a whole number", short(s))
					}
					j++
				}
			}
		}
		break
	}
	return int(n), ""
}

func isGroupSep(r rune) bool {
	switch r {
	case ',', '.', '\'', ' ', '\u00A0', '\u202F', '\u2009', '，':
		return true
	}
	return false
}

// groupOfThree reports whether rs starts with exactly three digits.
func groupOfThree(rs []rune) bool {
	if len(rs) < 3 {
		return false
	}
	for _, r := range rs[:3] {
		if _, ok := digitValue(r); !ok {
			return false
		}
	}
	if len(rs) > 3 {
		if _, ok := digitValue(rs[3]); ok {
			return false
		}
	}
	return true
}

// ParseBool reads a yes/no value: true/false, 1/0, yes/no, y/n, t/f, x,
// ✓, "Verified Purchase" (and its localised forms), ja/nein, oui/non, sí/no,
// sim/não, 是/否. An empty value is false. It returns ok false for anything
// else.
func ParseBool(raw string) (value, ok bool) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" || isNA(s) {
		return false, true
	}
	switch s {
	case "true", "t", "1", "1.0", "yes", "y", "x", "✓", "✔", "☑", "ja", "j", "oui", "sí", "si", "sim",
		"是", "有", "はい", "verified", "vrai", "wahr", "vero", "verdadero", "verdadeiro", "on":
		return true, true
	case "false", "f", "0", "0.0", "no", "n", "nein", "non", "não", "nao", "否", "无", "いいえ",
		"unverified", "not verified", "faux", "falsch", "falso", "off":
		return false, true
	}
	switch {
	case strings.Contains(s, "unverified"), strings.Contains(s, "not verified"), strings.Contains(s, "vine"):
		return false, true
	case strings.Contains(s, "verified purchase"), strings.Contains(s, "verifizierter kauf"),
		strings.Contains(s, "achat vérifié"), strings.Contains(s, "compra verificada"),
		strings.Contains(s, "acquisto verificato"), strings.Contains(s, "geverifieerde aankoop"),
		strings.Contains(s, "認証済みの購入"), strings.Contains(s, "已验证购买"), strings.Contains(s, "已確認購買"),
		strings.Contains(s, "zweryfikowany zakup"), strings.Contains(s, "verifierat köp"):
		return true, true
	}
	return false, false
}

// isNA reports a spreadsheet's way of saying "no value".
func isNA(s string) bool {
	if len(s) > 4 {
		return false
	}
	switch strings.ToLower(s) {
	case "n/a", "na", "null", "none", "nan", "nil", "-", "--", "—", "#n/a", "/":
		return true
	}
	return false
}

// isTextNA is isNA for free-text fields, where "-" or "none" may be real
// content but pandas' "nan" and SQL's "NULL" are not.
func isTextNA(s string) bool {
	if len(s) > 4 {
		return false
	}
	switch strings.ToLower(s) {
	case "nan", "null", "n/a", "#n/a":
		return true
	}
	return false
}

// cleanText trims white space and byte-order marks and removes NUL
// characters (Postgres text cannot hold them; JSON can smuggle "\u0000").
func cleanText(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if s == "" {
		return s
	}
	first, last := s[0], s[len(s)-1]
	if first > ' ' && first < utf8.RuneSelf && last > ' ' && last < utf8.RuneSelf {
		return s
	}
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
}

// decodeEntities decodes HTML character references (&#34;, &quot;, &amp;,
// &nbsp;, …) that scraped exports leave in review text, so stored text is
// what a person reads. It decodes once: "&amp;#34;" becomes "&#34;". The
// result is cleaned again, since a reference may stand for a NUL, a
// byte-order mark or white space at either end.
func decodeEntities(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return cleanText(html.UnescapeString(s))
}

// collapseSpace replaces runs of white space with one space.
func collapseSpace(s string) string {
	prevSpace, needed := false, false
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if sp && (prevSpace || r != ' ') {
			needed = true
			break
		}
		prevSpace = sp
	}
	if !needed {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// checkURL returns a problem when s is not an absolute http(s) URL.
func checkURL(s string) string {
	if len(s) > MaxURLChars {
		return fmt.Sprintf("URL is %d characters; the limit is %d", len(s), MaxURLChars)
	}
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") || len(s) <= len("https://") {
		return fmt.Sprintf("%q is not an http(s) URL", short(s))
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Sprintf("%q contains white space; it is not a single URL", short(s))
		}
	}
	return ""
}

// splitURLList splits a cell holding several image URLs: separated by white
// space, '|', ';' or ", http", or written as a JSON or Python list. Commas
// alone do not split, because CDN URLs contain them ("._CR0,0,500,500_.jpg").
func splitURLList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || isNA(s) {
		return nil
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		var list []string
		if json.Unmarshal([]byte(s), &list) == nil {
			return nonEmpty(list)
		}
		// Python's repr: ['a', 'b'].
		if json.Unmarshal([]byte(strings.ReplaceAll(s, "'", `"`)), &list) == nil {
			return nonEmpty(list)
		}
		s = strings.Trim(s, "[]")
	}
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '|' || r == ';' }) {
		// Split at ",http" (any case) without lower-casing, which could move
		// byte offsets.
		start := 0
		for j := 0; j+5 <= len(part); j++ {
			if part[j] == ',' && strings.EqualFold(part[j+1:j+5], "http") {
				out = append(out, part[start:j])
				start = j + 1
			}
		}
		out = append(out, part[start:])
	}
	for i, u := range out {
		out[i] = strings.Trim(u, `"',`)
	}
	return nonEmpty(out)
}

func nonEmpty(list []string) []string {
	out := list[:0]
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// short cuts a value for quoting in a rejection reason.
func short(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
