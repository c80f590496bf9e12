package report

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/voc-project/voc"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
)

const hostile = "<script>alert(1)</script> | pipe `code` *bold* [link](http://x) &amp;\nnext line"

func sampleDoc() Document {
	avg := 4.25
	return Document{
		Product: store.Product{ID: 7, Marketplace: "US", ASIN: "B0TEST0001", Title: "Noise <Cancelling> Headphones"},
		Report: store.Report{ID: 12, AnalysisID: 3, ProductID: 7, Kind: "preliminary", Coverage: 0.9,
			CreatedAt: time.Date(2025, 3, 1, 10, 30, 0, 0, time.UTC)},
		Agg: Aggregates{Aggregates: store.Aggregates{
			Reviews: 100, Insights: 250, Tags: 80,
			RatingDist:     []store.CountItem{{Key: "1", Count: 10}, {Key: "5", Count: 70}, {Key: "none", Count: 20}},
			SentimentShare: []store.ShareItem{{Key: "negative", Count: 20, Share: 0.2}, {Key: "positive", Count: 80, Share: 0.8}},
			Dimensions: []store.DimensionStat{
				{Kind: "product", Name: "battery | life", Positive: 30, Negative: 10, Neutral: 0, Net: 0.5},
				{Kind: "product", Name: "fit", Positive: 1, Negative: 3, Neutral: 0, Net: -0.5},
			},
			TopStrengths: []store.TopicStat{{Topic: "battery | life", Count: 30, Evidence: []store.Quote{{ReviewID: 41, Quote: hostile}}}},
			TopWeaknesses: []store.TopicStat{{Topic: "fit", Count: 3, Evidence: []store.Quote{{ReviewID: 42, Quote: "hurts after 1 hour"},
				{ReviewID: 44, Quote: "Der Bügel drückt", QuoteTranslated: "The headband pinches", Language: "de", Translated: true}}}},
			TopSuggestions: nil,
			FiveW: []store.FiveWStat{
				{Type: "buyer", Labels: []store.TopicStat{{Topic: "parents", Count: 5, Share: 0.625, Evidence: []store.Quote{{ReviewID: 43, Quote: hostile}}}}},
				{Type: "where"},
			},
			MonthlyTrend:      []store.MonthStat{{Month: "2025-01", Reviews: 40, AvgRating: &avg, Positive: 30, Negative: 5}, {Month: "2025-02", Reviews: 1}},
			RatingVsSentiment: store.Agreement{Compared: 80, Agree: 68, Rate: 0.85},
			Coverage:          store.Coverage{ReviewsTotal: 100, TranslationDone: 100, InsightsDone: 95, InsightsFailed: 2, ThemesDone: 90, ThemesFailed: 1},
			FailedReviews:     []store.FailedReview{{ReviewID: 99, Stage: "insight_extraction", Reason: "refused | <b>policy</b>"}},
		}},
		Narrative: Narrative{Narrative: voc.Narrative{
			ExecutiveSummary: voc.Claim{Text: "# Buyers love it\n- mostly", ReviewIDs: []int64{41, 43}},
			Personas:         []voc.Persona{{Name: "Commuter <img src=x>", Summary: "Wears them on trains.", ReviewIDs: []int64{41}}},
			Strengths:        []voc.Claim{{Text: "Long battery", ReviewIDs: []int64{41}}},
			Weaknesses:       []voc.Claim{{Text: "Tight fit", ReviewIDs: []int64{42}}},
			PriorityActions:  []voc.Claim{{Text: "1. Offer larger ear cups", ReviewIDs: []int64{42}}},
		}},
	}
}

func TestMD(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"<script>x</script>", "&lt;script>x&lt;/script>"},
		{"a | b", `a \| b`},
		{"a & b", "a & b"},
		{"Delivery &amp; service", "Delivery &amp;amp; service"},
		{"&#34;quoted&#x27; &nbsp;", "&amp;#34;quoted&amp;#x27; &amp;nbsp;"},
		{"R&D, AT&T ok", "R&D, AT&T ok"},
		{"AT&T;", "AT&amp;T;"}, // entity-shaped: escaped, to be safe
		{"`x`", "\\`x\\`"},
		{"*a* _b_ [c](d) ~e~", `\*a\* \_b\_ \[c\](d) \~e\~`},
		{`back\slash`, `back\\slash`},
		{"line one\r\nline two\n\nthree", "line one line two three"},
		{"# heading", `\# heading`},
		{"- item", `\- item`},
		{"+ item", `\+ item`},
		{"> quote", `\> quote`},
		{"a > b", "a > b"},
		{"12. list", `12\. list`},
		{"3) list", `3\) list`},
		{"2024年 good", "2024年 good"},
		{"bell\x07 and nul\x00", "bell and nul"},
		{"  ", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, md(tt.in), "md(%q)", tt.in)
	}
}

// tableRows returns the rows of the Markdown table that follows the line
// starting with header.
func tableRows(t *testing.T, doc, header string) []string {
	t.Helper()
	i := strings.Index(doc, "\n"+header)
	require.GreaterOrEqual(t, i, 0, "table %q not found", header)
	var rows []string
	for _, line := range strings.Split(doc[i+1:], "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		rows = append(rows, line)
	}
	return rows
}

// cells counts the cell separators of a table row: unescaped pipes.
func cells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

func TestRenderMarkdown(t *testing.T) {
	t.Parallel()
	out := string(Markdown(sampleDoc(), Links{Enabled: true}))

	t.Run("sections in order", func(t *testing.T) {
		last := -1
		for _, h := range []string{
			"# Voice-of-Customer report (preliminary): Noise &lt;Cancelling> Headphones", "## Executive summary", "## Rating distribution",
			"## Sentiment share", "## Impact on rating", "## Dimensions", "## Strengths", "### Top strengths", "## Weaknesses", "### Top weaknesses",
			"## Polarising dimensions", "## Suggestions", "### Top suggestions", "## Emerging issues", "## 5W consumer model", "### Buyer — who pays", "### Where",
			"## Trends", "### Monthly trend", "## Rating vs. sentiment", "## Personas", "## Priority actions", "## Failed reviews",
		} {
			i := strings.Index(out, "\n"+h+"\n")
			if h[1] == ' ' { // the title is the first line
				i = strings.Index(out, h+"\n")
			}
			require.Greater(t, i, last, "section %q missing or out of order", h)
			last = i
		}
	})

	t.Run("user text cannot inject HTML", func(t *testing.T) {
		require.NotContains(t, out, "<script")
		require.NotContains(t, out, "<img")
		require.NotContains(t, out, "<b>")
		require.NotContains(t, out, "<Cancelling>")
		require.Contains(t, out, "&lt;script>alert(1)&lt;/script>")
	})

	t.Run("tables keep their shape", func(t *testing.T) {
		for header, width := range map[string]int{
			"| Rating |": 3, "| Sentiment |": 3, "| Kind | Dimension |": 6, "| Label |": 4, "| Month |": 5, "| Review | Stage |": 3,
		} {
			rows := tableRows(t, out, header)
			require.GreaterOrEqual(t, len(rows), 3, header)
			for _, r := range rows {
				require.Equal(t, width, cells(r), "row %q of table %q", r, header)
			}
		}
		require.Contains(t, out, `| product | battery \| life | 30 | 0 | 10 | +0.50 |`)
		require.Contains(t, out, `| product | fit | 1 | 0 | 3 | -0.50 |`)
		require.Contains(t, out, `| 5★ | 70 | 70.0% |`)
		require.Contains(t, out, `| no rating | 20 | 20.0% |`)
		require.Contains(t, out, `| 2025-01 | 40 | 4.25 | 30 | 5 |`)
		require.Contains(t, out, `| 2025-02 | 1 | – | 0 | 0 |`)
		require.Contains(t, out, "| parents | 5 | 62.5% | &lt;script>alert(1)&lt;/script> \\| pipe \\`code\\` \\*bold\\* \\[link\\](http://x) &amp;amp; next line ([review #43]("+store.ReviewLink(43, hostile)+")) |")
	})

	t.Run("evidence and citations", func(t *testing.T) {
		require.Contains(t, out, "> &lt;script>alert(1)&lt;/script> \\| pipe \\`code\\` \\*bold\\* \\[link\\](http://x) &amp;amp; next line ([review #41](/reviews/41?quote=%3Cscript%3Ealert%281%29%3C%2Fscript%3E+%7C+pipe+%60code%60+%2Abold%2A+%5Blink%5D%28http%3A%2F%2Fx%29+%26amp%3B%0Anext+line))\n")
		require.Contains(t, out, "> hurts after 1 hour ([review #42](/reviews/42?quote=hurts+after+1+hour))\n")
		require.Contains(t, out, "> The headband pinches — original (de): Der Bügel drückt ([review #44](/reviews/44?quote=Der+B%C3%BCgel+dr%C3%BCckt))\n",
			"a quote in another language: the translation, then the original")
		require.Contains(t, out, "\\# Buyers love it - mostly (reviews [#41](/reviews/41), [#43](/reviews/43))\n")
		require.Contains(t, out, "1. 1\\. Offer larger ear cups (review [#42](/reviews/42))\n")
		require.NotRegexp(t, `[^\[]review #\d`, out, "every citation is a link")
		require.Contains(t, out, "### Commuter &lt;img src=x>\n")
		require.Contains(t, out, "1. **battery \\| life** — 30 mentions\n")
		require.Contains(t, out, "1. **fit** — 3 mentions\n")
		require.Contains(t, out, "**68 of 80** reviews (85.0%)")
		require.Contains(t, out, "> **Preliminary report.**")
		require.Contains(t, out, "| Coverage | 90.0% of 100 reviews analysed")
		require.Contains(t, out, "3 review-stage failures: translation 0, insights 2, themes 1.")
		require.Contains(t, out, "| [#99](/reviews/99) | insight\\_extraction | refused \\| &lt;b>policy&lt;/b> |")
	})

	t.Run("empty report", func(t *testing.T) {
		out := string(Markdown(Document{Product: store.Product{ASIN: "B0EMPTY001"}, Report: store.Report{Kind: "final"}}, Links{}))
		require.Contains(t, out, "# Voice-of-Customer report: B0EMPTY001\n")
		require.Contains(t, out, "_No dimension has mentions yet._")
		require.Contains(t, out, "_No summary was written._")
		require.Contains(t, out, "_No ratings._")
		require.Contains(t, out, "_None found._")
		require.NotContains(t, out, "Preliminary")
	})
}

func TestRenderHTML(t *testing.T) {
	t.Parallel()
	page, err := HTML(sampleDoc(), Links{Enabled: true})
	require.NoError(t, err)
	out := string(page)
	require.True(t, strings.HasPrefix(out, "<!doctype html>"))
	require.NotContains(t, out, "<script")
	require.NotContains(t, out, "<img")
	require.NotContains(t, out, "<b>policy")
	require.NotContains(t, out, "ZgotmplZ", "a value was rejected by the template's context escaping")
	require.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt;")
	require.Contains(t, out, "<title>Voice-of-Customer report (preliminary): Noise &lt;Cancelling&gt; Headphones</title>")
	require.Contains(t, out, `style="width: 70.0%"`)
	require.Contains(t, out, `(review <a href="/reviews/41">#41</a>)`)
	require.Contains(t, out, `(reviews <a href="/reviews/41">#41</a>, <a href="/reviews/43">#43</a>)`)
	require.Contains(t, out, `hurts after 1 hour <span class="ref">(<a href="/reviews/42?quote=hurts&#43;after&#43;1&#43;hour">review #42</a>)</span>`)
	require.Contains(t, out, `The headband pinches <span class="orig">— original (de): Der Bügel drückt</span>`)
	require.Contains(t, out, `<a href="/reviews/99">#99</a>`)
	require.NotRegexp(t, `[^>]review #\d`, out, "every citation is a link")
	require.Contains(t, out, "<strong>68 of 80</strong>")
	require.Contains(t, out, "Preliminary report.")
	for _, h := range []string{"Executive summary", "Rating distribution", "Sentiment share", "Dimensions", "Top strengths",
		"Top weaknesses", "Top suggestions", "5W consumer model", "Monthly trend", "Impact on rating", "Emerging issues", "Trends", "Rating vs. sentiment", "Personas",
		"Priority actions", "Failed reviews"} {
		require.Contains(t, out, ">"+h+"</h", h)
	}

	_, err = HTML(Document{}, Links{})
	require.NoError(t, err, "an empty report renders")
}

func TestFormatting(t *testing.T) {
	t.Parallel()
	require.Equal(t, "0.00", signed(0))
	require.Equal(t, "0.00", signed(-0.001))
	require.Equal(t, "+0.25", signed(0.25))
	require.Equal(t, "-1.00", signed(-1))
	require.Equal(t, "1 mention", mentions(1))
	require.Equal(t, "0 mentions", mentions(0))
	require.Equal(t, "33.3%", pct(1.0/3))
	require.Equal(t, "–", pct(math.NaN()))
	require.Equal(t, "", refs(nil))
	require.Equal(t, "review #4", refs([]int64{4}))
	require.Equal(t, "reviews #4, #9", refs([]int64{4, 9}))
	require.Equal(t, "/reviews/4?quote=a+%22b%22+%26+c%3F", store.ReviewLink(4, `a "b" & c?`))
}
