package report

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/voc-project/voc"

	"github.com/voc-project/voc/store"
)

// Display names of the 5W types, in report order.
var fiveWTitles = map[string]string{
	voc.WBuyer: "Buyer — who pays",
	voc.WUser:  "User — who uses it",
	voc.WWhere: "Where",
	voc.WWhen:  "When",
	voc.WWhy:   "Why — purchase motive",
	voc.WWhat:  "What — job to be done",
}

// maxFailuresListed bounds the failed reviews a rendered report lists.
const maxFailuresListed = 20

// mdEscaper neutralises what Markdown (CommonMark + GFM tables) or the HTML
// it may be rendered to would interpret: an entity for <, so review text
// can never open a tag (not even in a renderer with loose backslash
// handling, and the raw file holds no "<script"), and backslashes for the
// inline syntax, so a `|` cannot end a table cell nor a `[` start a link.
// A > or & is left as it is: without a < there is no tag to close, and an &
// stays readable unless it starts an entity reference (see mdEntity).
var mdEscaper = strings.NewReplacer(
	"<", "&lt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "|", `\|`, "~", `\~`,
)

// mdEntity matches what CommonMark would decode as an entity or numeric
// character reference ("&amp;", "&#34;", "&#x27;"); only such an & is
// escaped, so "Delivery & service" reads the same raw and rendered.
var mdEntity = regexp.MustCompile(`&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});`)

// md makes user or model text safe as inline Markdown, including inside a
// table cell: whitespace runs (newlines too) become one space, control
// characters go, syntax characters are escaped, and so is anything that
// would start a block (heading, list, quote, rule) at the start of a line.
func md(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	s = mdEntity.ReplaceAllString(strings.Join(strings.Fields(s), " "), "&amp;$1;")
	s = mdEscaper.Replace(s)
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '-', '+', '=', '>':
		return `\` + s
	}
	// "1. text" or "1) text" would start an ordered list.
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// refs cites review ids: "review #3" or "reviews #3, #7".
func refs(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "#" + strconv.FormatInt(id, 10)
	}
	if len(ids) == 1 {
		return "review " + parts[0]
	}
	return "reviews " + strings.Join(parts, ", ")
}

func pct(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "–"
	}
	return strconv.FormatFloat(share*100, 'f', 1, 64) + "%"
}

// signed formats a net sentiment with its sign; a zero has none.
func signed(v float64) string {
	if math.Abs(v) < 0.005 {
		return "0.00"
	}
	return fmt.Sprintf("%+.2f", v)
}

func mentions(n int64) string {
	if n == 1 {
		return "1 mention"
	}
	return strconv.FormatInt(n, 10) + " mentions"
}

func ratingName(key string) string {
	if key == "none" || key == "" {
		return "no rating"
	}
	return key + "★"
}

func avgRating(v *float64) string {
	if v == nil {
		return "–"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

func ratingShare(agg store.Aggregates, n int64) float64 {
	var total int64
	for _, c := range agg.RatingDist {
		total += c.Count
	}
	if total == 0 {
		return 0
	}
	return float64(n) / float64(total)
}

func productName(p store.Product) string {
	if strings.TrimSpace(p.Title) != "" {
		return p.Title
	}
	return p.ASIN
}

func failedCount(agg store.Aggregates) int {
	c := agg.Coverage
	return c.TranslationFailed + c.InsightsFailed + c.ThemesFailed
}
