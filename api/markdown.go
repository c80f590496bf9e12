package api

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/store"
)

// reportDoc is everything a rendered report shows: the product, the stored
// report, its decoded aggregates and its narrative.
type reportDoc struct {
	Product   store.Product
	Report    store.Report
	Agg       store.Aggregates
	Narrative llm.ReportOutput
}

// Display names of the 5W types, in report order.
var fiveWTitles = map[string]string{
	llm.WBuyer: "Buyer — who pays",
	llm.WUser:  "User — who uses it",
	llm.WWhere: "Where",
	llm.WWhen:  "When",
	llm.WWhy:   "Why — purchase motive",
	llm.WWhat:  "What — job to be done",
}

// maxFailuresListed bounds the failed reviews a rendered report lists.
const maxFailuresListed = 20

// mdEscaper neutralises what Markdown (CommonMark + GFM tables) or the HTML
// it may be rendered to would interpret: entities for <, > and &, so review
// text can never become a tag, and backslashes for the inline syntax, so a
// `|` cannot end a table cell nor a `[` start a link.
var mdEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "|", `\|`, "~", `\~`,
)

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
	s = mdEscaper.Replace(strings.Join(strings.Fields(s), " "))
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '-', '+', '=':
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

// renderMarkdown renders a report as a standalone Markdown document for
// analysts. Every string that comes from reviews or the model passes
// through md.
func renderMarkdown(d reportDoc) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	a, n := d.Agg, d.Narrative

	w("# Voice-of-Customer report: %s\n\n", md(productName(d.Product)))
	w("| | |\n|---|---|\n")
	w("| Product | %s |\n", md(productName(d.Product)))
	w("| Marketplace / ASIN | %s / %s |\n", md(d.Product.Marketplace), md(d.Product.ASIN))
	w("| Report | #%d, %s, analysis #%d |\n", d.Report.ID, md(d.Report.Kind), d.Report.AnalysisID)
	w("| Generated | %s |\n", d.Report.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"))
	w("| Coverage | %s of %d reviews analysed (insights %d, themes %d, translation %d) |\n", pct(d.Report.Coverage),
		a.Coverage.ReviewsTotal, a.Coverage.InsightsDone, a.Coverage.ThemesDone, a.Coverage.TranslationDone)
	w("| Totals | %d reviews, %d insights, %d 5W tags |\n", a.Reviews, a.Insights, a.Tags)
	w("| Excluded | %d reviews excluded by an analyst (not counted anywhere in this report) |\n\n", a.ExcludedReviews)
	if d.Report.Kind == "preliminary" {
		w("> **Preliminary report.** It was written when %s of the reviews were analysed; the final report follows when the analysis completes.\n\n", pct(d.Report.Coverage))
	}

	w("## Executive summary\n\n")
	if s := strings.TrimSpace(n.ExecutiveSummary.Text); s != "" {
		w("%s", md(s))
		if r := refs(n.ExecutiveSummary.ReviewIDs); r != "" {
			w(" (%s)", r)
		}
		w("\n\n")
	} else {
		w("_No summary was written._\n\n")
	}

	w("## Rating distribution\n\n")
	if len(a.RatingDist) == 0 {
		w("_No ratings._\n\n")
	} else {
		w("| Rating | Reviews | Share |\n|---|---:|---:|\n")
		for _, c := range a.RatingDist {
			w("| %s | %d | %s |\n", md(ratingName(c.Key)), c.Count, pct(ratingShare(a, c.Count)))
		}
		w("\n")
	}

	w("## Sentiment share\n\n")
	if len(a.SentimentShare) == 0 {
		w("_No review sentiment yet._\n\n")
	} else {
		w("| Sentiment | Reviews | Share |\n|---|---:|---:|\n")
		for _, s := range a.SentimentShare {
			w("| %s | %d | %s |\n", md(s.Key), s.Count, pct(s.Share))
		}
		w("\n")
	}

	w("## Dimensions\n\n")
	if len(a.Dimensions) == 0 {
		w("_The model has no dimensions._\n\n")
	} else {
		w("Net sentiment is (positive − negative) / all insights on the dimension, from −1 to +1.\n\n")
		w("| Kind | Dimension | Positive | Neutral | Negative | Net sentiment |\n|---|---|---:|---:|---:|---:|\n")
		for _, s := range a.Dimensions {
			w("| %s | %s | %d | %d | %d | %s |\n", md(s.Kind), md(s.Name), s.Positive, s.Neutral, s.Negative, signed(s.Net))
		}
		w("\n")
	}

	claims := func(cs []llm.Claim) {
		for _, c := range cs {
			if strings.TrimSpace(c.Text) == "" {
				continue
			}
			w("- %s", md(c.Text))
			if r := refs(c.ReviewIDs); r != "" {
				w(" (%s)", r)
			}
			w("\n")
		}
		if len(cs) > 0 {
			w("\n")
		}
	}
	topics := func(title string, ts []store.TopicStat) {
		w("### %s\n\n", title)
		if len(ts) == 0 {
			w("_None found._\n\n")
			return
		}
		for i, t := range ts {
			w("%d. **%s** — %s\n", i+1, md(t.Topic), mentions(t.Count))
		}
		w("\n")
		for _, t := range ts {
			if len(t.Evidence) == 0 {
				continue
			}
			w("#### %s\n\n", md(t.Topic))
			for _, e := range t.Evidence {
				w("> %s (review #%d)\n\n", md(e.Quote), e.ReviewID)
			}
		}
	}
	w("## Strengths\n\n")
	claims(n.Strengths)
	topics("Top strengths", a.TopStrengths)
	w("## Weaknesses\n\n")
	claims(n.Weaknesses)
	topics("Top weaknesses", a.TopWeaknesses)
	w("## Suggestions\n\n")
	topics("Top suggestions", a.TopSuggestions)

	w("## 5W consumer model\n\n")
	if len(a.FiveW) == 0 {
		w("_No 5W tags yet._\n\n")
	}
	for _, fw := range a.FiveW {
		title := fiveWTitles[fw.Type]
		if title == "" {
			title = fw.Type
		}
		w("### %s\n\n", md(title))
		if len(fw.Labels) == 0 {
			w("_No labels._\n\n")
			continue
		}
		w("| Label | Tags | Share | Evidence |\n|---|---:|---:|---|\n")
		for _, l := range fw.Labels {
			ev := ""
			if len(l.Evidence) > 0 {
				ev = fmt.Sprintf("%s (review #%d)", md(l.Evidence[0].Quote), l.Evidence[0].ReviewID)
			}
			w("| %s | %d | %s | %s |\n", md(l.Topic), l.Count, pct(l.Share), ev)
		}
		w("\n")
	}

	w("## Monthly trend\n\n")
	if len(a.MonthlyTrend) == 0 {
		w("_No dated reviews._\n\n")
	} else {
		w("| Month | Reviews | Avg rating | Positive | Negative |\n|---|---:|---:|---:|---:|\n")
		for _, m := range a.MonthlyTrend {
			w("| %s | %d | %s | %d | %d |\n", md(m.Month), m.Reviews, avgRating(m.AvgRating), m.Positive, m.Negative)
		}
		w("\n")
	}

	w("## Rating vs. sentiment\n\n")
	rv := a.RatingVsSentiment
	if rv.Compared == 0 {
		w("_No reviews have both a rating and a sentiment yet._\n\n")
	} else {
		w("The star rating agrees with the text's sentiment in **%d of %d** reviews (%s): 4–5★ positive, 3★ neutral, 1–2★ negative. "+
			"Disagreements are worth reading: they often hide complaints in high ratings or praise in low ones.\n\n",
			rv.Agree, rv.Compared, pct(rv.Rate))
	}

	w("## Personas\n\n")
	if len(n.Personas) == 0 {
		w("_No personas were written._\n\n")
	}
	for _, p := range n.Personas {
		w("### %s\n\n", md(p.Name))
		if s := strings.TrimSpace(p.Summary); s != "" {
			w("%s", md(s))
			if r := refs(p.ReviewIDs); r != "" {
				w(" (%s)", r)
			}
			w("\n\n")
		}
	}

	w("## Priority actions\n\n")
	if len(n.PriorityActions) == 0 {
		w("_No actions were written._\n\n")
	}
	for i, c := range n.PriorityActions {
		w("%d. %s", i+1, md(c.Text))
		if r := refs(c.ReviewIDs); r != "" {
			w(" (%s)", r)
		}
		w("\n")
	}
	if len(n.PriorityActions) > 0 {
		w("\n")
	}

	w("## Failed reviews\n\n")
	c := a.Coverage
	w("%d review-stage failures: translation %d, insights %d, themes %d. Failed reviews have no insights or tags, so the insight and 5W figures above leave them out.\n\n",
		failedCount(a), c.TranslationFailed, c.InsightsFailed, c.ThemesFailed)
	if len(a.FailedReviews) > 0 {
		w("| Review | Stage | Reason |\n|---:|---|---|\n")
		for i, f := range a.FailedReviews {
			if i == maxFailuresListed {
				w("\n%d more not listed.\n", len(a.FailedReviews)-maxFailuresListed)
				break
			}
			w("| #%d | %s | %s |\n", f.ReviewID, md(f.Stage), md(f.Reason))
		}
		w("\n")
	}
	return []byte(b.String())
}

// reportHTML is the report as a standalone page. html/template escapes
// every value for its context, so review text is always text.
var reportHTML = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":      pct,
	"signed":   signed,
	"mentions": mentions,
	"refs":     refs,
	"rating":   ratingName,
	"avg":      avgRating,
	"width": func(share float64) string {
		if math.IsNaN(share) || share < 0 {
			share = 0
		}
		return strconv.FormatFloat(math.Min(share, 1)*100, 'f', 1, 64) + "%"
	},
	"rshare": func(a store.Aggregates, n int64) float64 { return ratingShare(a, n) },
	"fivew": func(t string) string {
		if s := fiveWTitles[t]; s != "" {
			return s
		}
		return t
	},
	"name":   productName,
	"failed": failedCount,
	"inc":    func(i int) int { return i + 1 },
	"first": func(fs []store.FailedReview) []store.FailedReview {
		return fs[:min(len(fs), maxFailuresListed)]
	},
	"more": func(fs []store.FailedReview) int { return max(0, len(fs)-maxFailuresListed) },
	"date": func(d reportDoc) string { return d.Report.CreatedAt.UTC().Format("2006-01-02 15:04 UTC") },
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>VOC report: {{name .Product}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1d232a}
h1{font-size:1.7em}h2{margin-top:2em;border-bottom:1px solid #dde1e6;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0;width:100%}th,td{border:1px solid #dde1e6;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.n{text-align:right;white-space:nowrap}
.bar{display:inline-block;height:.8em;background:#4f7cac;border-radius:2px}
blockquote{margin:.5em 0;padding:.2em .8em;border-left:3px solid #c4ccd4;color:#3a4450}
.ref{color:#66707a;font-size:.9em}.note{background:#fff7e0;border:1px solid #f0d890;padding:.6em .9em}
.pos{color:#1a7f37}.neg{color:#b42318}
</style>
</head>
<body>
<h1>Voice-of-Customer report: {{name .Product}}</h1>
<table>
<tr><th>Product</th><td>{{name .Product}}</td></tr>
<tr><th>Marketplace / ASIN</th><td>{{.Product.Marketplace}} / {{.Product.ASIN}}</td></tr>
<tr><th>Report</th><td>#{{.Report.ID}}, {{.Report.Kind}}, analysis #{{.Report.AnalysisID}}</td></tr>
<tr><th>Generated</th><td>{{date .}}</td></tr>
<tr><th>Coverage</th><td>{{pct .Report.Coverage}} of {{.Agg.Coverage.ReviewsTotal}} reviews analysed (insights {{.Agg.Coverage.InsightsDone}}, themes {{.Agg.Coverage.ThemesDone}}, translation {{.Agg.Coverage.TranslationDone}})</td></tr>
<tr><th>Totals</th><td>{{.Agg.Reviews}} reviews, {{.Agg.Insights}} insights, {{.Agg.Tags}} 5W tags</td></tr>
<tr><th>Excluded</th><td>{{.Agg.ExcludedReviews}} reviews excluded by an analyst (not counted anywhere in this report)</td></tr>
</table>
{{if eq .Report.Kind "preliminary"}}<p class="note"><strong>Preliminary report.</strong> It was written when {{pct .Report.Coverage}} of the reviews were analysed; the final report follows when the analysis completes.</p>{{end}}

<h2>Executive summary</h2>
{{with .Narrative.ExecutiveSummary}}{{if .Text}}<p>{{.Text}} {{with refs .ReviewIDs}}<span class="ref">({{.}})</span>{{end}}</p>{{else}}<p><em>No summary was written.</em></p>{{end}}{{end}}

<h2>Rating distribution</h2>
{{if .Agg.RatingDist}}<table><tr><th>Rating</th><th>Reviews</th><th>Share</th><th></th></tr>
{{range .Agg.RatingDist}}{{$s := rshare $.Agg .Count}}<tr><td>{{rating .Key}}</td><td class="n">{{.Count}}</td><td class="n">{{pct $s}}</td><td><span class="bar" style="width: {{width $s}}"></span></td></tr>
{{end}}</table>{{else}}<p><em>No ratings.</em></p>{{end}}

<h2>Sentiment share</h2>
{{if .Agg.SentimentShare}}<table><tr><th>Sentiment</th><th>Reviews</th><th>Share</th><th></th></tr>
{{range .Agg.SentimentShare}}<tr><td>{{.Key}}</td><td class="n">{{.Count}}</td><td class="n">{{pct .Share}}</td><td><span class="bar" style="width: {{width .Share}}"></span></td></tr>
{{end}}</table>{{else}}<p><em>No review sentiment yet.</em></p>{{end}}

<h2>Dimensions</h2>
{{if .Agg.Dimensions}}<p>Net sentiment is (positive − negative) / all insights on the dimension, from −1 to +1.</p>
<table><tr><th>Kind</th><th>Dimension</th><th>Positive</th><th>Neutral</th><th>Negative</th><th>Net sentiment</th></tr>
{{range .Agg.Dimensions}}<tr><td>{{.Kind}}</td><td>{{.Name}}</td><td class="n">{{.Positive}}</td><td class="n">{{.Neutral}}</td><td class="n">{{.Negative}}</td><td class="n {{if gt .Net 0.0}}pos{{else if lt .Net 0.0}}neg{{end}}">{{signed .Net}}</td></tr>
{{end}}</table>{{else}}<p><em>The model has no dimensions.</em></p>{{end}}

{{define "claims"}}{{if .}}<ul>{{range .}}{{if .Text}}<li>{{.Text}} {{with refs .ReviewIDs}}<span class="ref">({{.}})</span>{{end}}</li>{{end}}{{end}}</ul>{{end}}{{end}}
{{define "topics"}}{{if .}}<ol>{{range .}}<li><strong>{{.Topic}}</strong> — {{mentions .Count}}{{range .Evidence}}<blockquote>{{.Quote}} <span class="ref">(review #{{.ReviewID}})</span></blockquote>{{end}}</li>{{end}}</ol>{{else}}<p><em>None found.</em></p>{{end}}{{end}}
<h2>Strengths</h2>
{{template "claims" .Narrative.Strengths}}
<h3>Top strengths</h3>
{{template "topics" .Agg.TopStrengths}}
<h2>Weaknesses</h2>
{{template "claims" .Narrative.Weaknesses}}
<h3>Top weaknesses</h3>
{{template "topics" .Agg.TopWeaknesses}}
<h2>Suggestions</h2>
<h3>Top suggestions</h3>
{{template "topics" .Agg.TopSuggestions}}

<h2>5W consumer model</h2>
{{range .Agg.FiveW}}<h3>{{fivew .Type}}</h3>
{{if .Labels}}<table><tr><th>Label</th><th>Tags</th><th>Share</th><th>Evidence</th></tr>
{{range .Labels}}<tr><td>{{.Topic}}</td><td class="n">{{.Count}}</td><td class="n">{{pct .Share}}</td><td>{{with .Evidence}}{{with index . 0}}{{.Quote}} <span class="ref">(review #{{.ReviewID}})</span>{{end}}{{end}}</td></tr>
{{end}}</table>{{else}}<p><em>No labels.</em></p>{{end}}
{{else}}<p><em>No 5W tags yet.</em></p>{{end}}

<h2>Monthly trend</h2>
{{if .Agg.MonthlyTrend}}<table><tr><th>Month</th><th>Reviews</th><th>Avg rating</th><th>Positive</th><th>Negative</th></tr>
{{range .Agg.MonthlyTrend}}<tr><td>{{.Month}}</td><td class="n">{{.Reviews}}</td><td class="n">{{avg .AvgRating}}</td><td class="n">{{.Positive}}</td><td class="n">{{.Negative}}</td></tr>
{{end}}</table>{{else}}<p><em>No dated reviews.</em></p>{{end}}

<h2>Rating vs. sentiment</h2>
{{with .Agg.RatingVsSentiment}}{{if .Compared}}<p>The star rating agrees with the text's sentiment in <strong>{{.Agree}} of {{.Compared}}</strong> reviews ({{pct .Rate}}): 4–5★ positive, 3★ neutral, 1–2★ negative. Disagreements are worth reading: they often hide complaints in high ratings or praise in low ones.</p>{{else}}<p><em>No reviews have both a rating and a sentiment yet.</em></p>{{end}}{{end}}

<h2>Personas</h2>
{{range .Narrative.Personas}}<h3>{{.Name}}</h3>{{if .Summary}}<p>{{.Summary}} {{with refs .ReviewIDs}}<span class="ref">({{.}})</span>{{end}}</p>{{end}}
{{else}}<p><em>No personas were written.</em></p>{{end}}

<h2>Priority actions</h2>
{{if .Narrative.PriorityActions}}<ol>{{range .Narrative.PriorityActions}}<li>{{.Text}} {{with refs .ReviewIDs}}<span class="ref">({{.}})</span>{{end}}</li>{{end}}</ol>{{else}}<p><em>No actions were written.</em></p>{{end}}

<h2>Failed reviews</h2>
{{with .Agg.Coverage}}<p>{{failed $.Agg}} review-stage failures: translation {{.TranslationFailed}}, insights {{.InsightsFailed}}, themes {{.ThemesFailed}}. Failed reviews have no insights or tags, so the insight and 5W figures above leave them out.</p>{{end}}
{{if .Agg.FailedReviews}}<table><tr><th>Review</th><th>Stage</th><th>Reason</th></tr>
{{range first .Agg.FailedReviews}}<tr><td class="n">#{{.ReviewID}}</td><td>{{.Stage}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>{{with more .Agg.FailedReviews}}<p>{{.}} more not listed.</p>{{end}}{{end}}
</body>
</html>
`))

// renderHTML renders a report as a standalone HTML page.
func renderHTML(d reportDoc) ([]byte, error) {
	var buf bytes.Buffer
	if err := reportHTML.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("render report %d as html: %w", d.Report.ID, err)
	}
	return buf.Bytes(), nil
}
