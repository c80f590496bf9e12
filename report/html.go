package report

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"

	"github.com/voc-project/voc"

	"github.com/voc-project/voc/store"
)

// htmlData is what the HTML template renders.
type htmlData struct {
	Document
	Kind  Kind
	Links Links
	// Shared marks the public page of a share link: no review links, and a
	// note that the page is read-only.
	Shared bool
}

// reportHTML is the report as a standalone page, its sections in its kind's
// order. html/template escapes every value for its context, so review text
// is always text.
var reportHTML = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":      pct,
	"signed":   signed,
	"mentions": mentions,
	"refs":     refs,
	"rating":   ratingName,
	"avg":      avgRating,
	"lift":     lift,
	"pvalue":   pvalue,
	"width": func(share float64) string {
		if math.IsNaN(share) || share < 0 {
			share = 0
		}
		return strconv.FormatFloat(math.Min(share, 1)*100, 'f', 1, 64) + "%"
	},
	"liftw": func(v, maxv float64) string {
		if maxv <= 0 || v <= 0 {
			return "0%"
		}
		return strconv.FormatFloat(math.Min(v/maxv, 1)*100, 'f', 1, 64) + "%"
	},
	"maxlift": func(ims []Impact) float64 {
		m := 0.0
		for _, im := range ims {
			m = math.Max(m, im.RatingLift)
		}
		return m
	},
	"rshare":     func(a Aggregates, n int64) float64 { return ratingShare(a.Aggregates, n) },
	"fivew":      fiveWTitle,
	"name":       productName,
	"failed":     func(a Aggregates) int { return failedCount(a.Aggregates) },
	"polarising": polarising,
	"checklist":  checklist,
	"first": func(fs []store.FailedReview) []store.FailedReview {
		return fs[:min(len(fs), maxFailuresListed)]
	},
	"more": func(fs []store.FailedReview) int { return max(0, len(fs)-maxFailuresListed) },
	"date": func(d Document) string { return d.Report.CreatedAt.UTC().Format("2006-01-02 15:04 UTC") },
	"last8": func(tr Trend) []PeriodTotal {
		return tr.Periods[max(0, len(tr.Periods)-8):]
	},
	"last8p": func(tr Trend, ps []TrendPoint) []TrendPoint {
		return ps[max(0, len(ps)-8):]
	},
	"review": func(l Links, id int64, quote string) string { return l.Review(id, quote) },
	"checked": func(n Narrative) bool {
		return n.Check.Checked && len(n.Check.Repaired)+len(n.Check.Dropped) > 0
	},
	"len2":           func(n Narrative) [2]int { return [2]int{len(n.Check.Repaired), len(n.Check.Dropped)} },
	"dict2":          func(ids []int64, l Links) refsArg { return refsArg{IDs: ids, L: l} },
	"dict2c":         func(cs []voc.Claim, l Links) claimsArg { return claimsArg{Claims: cs, L: l} },
	"dict2t":         func(ts []store.TopicStat, l Links) topicsArg { return topicsArg{Topics: ts, L: l} },
	"dict3":          func(id int64, q string, l Links) qrefArg { return qrefArg{ID: id, Quote: q, L: l} },
	"trends":         func(a Aggregates) []Trend { return []Trend{a.Trends.Monthly, a.Trends.Weekly} },
	"ratingChart":    func(a Aggregates) template.HTML { return ratingChart(a.Aggregates) },
	"sentimentChart": func(a Aggregates) template.HTML { return sentimentChart(a.Aggregates) },
	"impactChart":    impactChart,
	"trendChart":     trendChart,
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Kind.Title}}: {{name .Product}}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1d232a}
h1{font-size:1.7em}h2{margin-top:2em;border-bottom:1px solid #dde1e6;padding-bottom:.2em}
table{border-collapse:collapse;margin:.8em 0;width:100%}th,td{border:1px solid #dde1e6;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.n{text-align:right;white-space:nowrap}
.bar{display:inline-block;height:.8em;background:#4f7cac;border-radius:2px}.bar.neg{background:#c0504d}
blockquote{margin:.5em 0;padding:.2em .8em;border-left:3px solid #c4ccd4;color:#3a4450}
.orig{color:#66707a;font-style:italic}.ref{color:#66707a;font-size:.9em}.note{background:#fff7e0;border:1px solid #f0d890;padding:.6em .9em}
.pos{color:#1a7f37}.neg{color:#b42318}.goal{color:#3a4450;font-style:italic}
figure.chart{margin:1em 0}figure.chart svg{display:block;max-width:100%;height:auto}figcaption{font-size:.85em;color:#57606a}
@media print{figure.chart,table{break-inside:avoid}}
</style>
</head>
<body>
{{define "refs"}}{{if .IDs}}<span class="ref">({{if .L.Enabled}}{{if eq (len .IDs) 1}}review{{else}}reviews{{end}}{{range $i, $id := .IDs}}{{if $i}},{{end}} <a href="{{review $.L $id ""}}">#{{$id}}</a>{{end}}{{else}}{{refs .IDs}}{{end}})</span>{{end}}{{end}}
{{define "qtext"}}{{if and .Translated .QuoteTranslated}}{{.QuoteTranslated}} <span class="orig">— original ({{.Language}}): {{.Quote}}</span>{{else}}{{.Quote}}{{end}}{{end}}
{{define "qref"}}<span class="ref">({{with review .L .ID .Quote}}<a href="{{.}}">review #{{$.ID}}</a>{{else}}review #{{.ID}}{{end}})</span>{{end}}
<h1>{{.Kind.Title}}: {{name .Product}}</h1>
<table>
<tr><th>Product</th><td>{{name .Product}}</td></tr>
<tr><th>Marketplace / ASIN</th><td>{{.Product.Marketplace}} / {{.Product.ASIN}}</td></tr>
<tr><th>Report</th><td>#{{.Report.ID}}, {{.Report.Kind}}, analysis #{{.Report.AnalysisID}}</td></tr>
<tr><th>For</th><td>{{.Kind.Audience}}</td></tr>
<tr><th>Generated</th><td>{{date .Document}}</td></tr>
<tr><th>Coverage</th><td>{{pct .Report.Coverage}} of {{.Agg.Coverage.ReviewsTotal}} reviews analysed (insights {{.Agg.Coverage.InsightsDone}}, themes {{.Agg.Coverage.ThemesDone}}, translation {{.Agg.Coverage.TranslationDone}})</td></tr>
<tr><th>Totals</th><td>{{.Agg.Reviews}} reviews, {{.Agg.Insights}} insights, {{.Agg.Tags}} 5W tags, average rating {{avg .Agg.AverageRating}}</td></tr>
<tr><th>Excluded</th><td>{{.Agg.ExcludedReviews}} reviews excluded by an analyst (not counted anywhere in this report)</td></tr>
</table>
<p class="goal">{{.Kind.Goal}}</p>
{{if .Shared}}<p class="note">A read-only copy of this report, shared by link.</p>{{end}}
{{if eq .Report.Kind "preliminary"}}<p class="note"><strong>Preliminary report.</strong> It was written when {{pct .Report.Coverage}} of the reviews were analysed; the final report follows when the analysis completes.</p>{{end}}
{{$a := .Agg}}{{$n := .Narrative}}{{$l := .Links}}
{{range $sec := .Kind.Sections}}
<h2>{{$.Kind.SectionTitle $sec}}</h2>
{{if eq $sec "summary"}}
{{with $n.ExecutiveSummary}}{{if .Text}}<p>{{.Text}} {{template "refs" (dict2 .ReviewIDs $l)}}</p>{{else}}<p><em>No summary was written.</em></p>{{end}}{{end}}
{{if checked $n}}{{with len2 $n}}<p class="ref">Every figure in this prose was checked against the data: {{index . 0}} claim(s) corrected, {{index . 1}} dropped.</p>{{end}}{{end}}
{{else if eq $sec "ratings"}}
{{if $a.RatingDist}}{{ratingChart $a}}<table><tr><th>Rating</th><th>Reviews</th><th>Share</th><th></th></tr>
{{range $a.RatingDist}}{{$s := rshare $a .Count}}<tr><td>{{rating .Key}}</td><td class="n">{{.Count}}</td><td class="n">{{pct $s}}</td><td><span class="bar" style="width: {{width $s}}"></span></td></tr>
{{end}}</table>{{else}}<p><em>No ratings.</em></p>{{end}}
{{else if eq $sec "sentiment"}}
{{if $a.SentimentShare}}{{sentimentChart $a}}<table><tr><th>Sentiment</th><th>Reviews</th><th>Share</th><th></th></tr>
{{range $a.SentimentShare}}<tr><td>{{.Key}}</td><td class="n">{{.Count}}</td><td class="n">{{pct .Share}}</td><td><span class="bar" style="width: {{width .Share}}"></span></td></tr>
{{end}}</table>{{else}}<p><em>No review sentiment yet.</em></p>{{end}}
{{else if eq $sec "impact"}}
{{if $a.Impact}}<p>Sorted by effect on rating: how much the mean rating ({{avg $a.AverageRating}}) would rise without the reviews that complain about the dimension.</p>
{{impactChart $a.Impact}}
{{$m := maxlift $a.Impact}}<table><tr><th>Dimension</th><th>Mentions</th><th>Net</th><th>Negative reviews</th><th>Rating with complaint</th><th>Rating without</th><th>Effect on rating</th><th></th></tr>
{{range $a.Impact}}<tr><td>{{.Dimension}}</td><td class="n">{{.Mentions}}</td><td class="n {{if gt .Net 0.0}}pos{{else if lt .Net 0.0}}neg{{end}}">{{signed .Net}}</td><td class="n">{{.NegativeReviews}}</td><td class="n">{{avg .RatingWithNegative}}</td><td class="n">{{avg .RatingWithout}}</td><td class="n">{{lift .RatingLift}}</td><td><span class="bar neg" style="width: {{liftw .RatingLift $m}}"></span></td></tr>
{{end}}</table>{{else}}<p><em>No dimension has mentions yet.</em></p>{{end}}
{{else if eq $sec "dimensions"}}
{{if $a.Dimensions}}<p>Net sentiment is (positive − negative) / all insights on the dimension, from −1 to +1.</p>
<table><tr><th>Kind</th><th>Dimension</th><th>Positive</th><th>Neutral</th><th>Negative</th><th>Net sentiment</th></tr>
{{range $a.Dimensions}}<tr><td>{{.Kind}}</td><td>{{.Name}}</td><td class="n">{{.Positive}}</td><td class="n">{{.Neutral}}</td><td class="n">{{.Negative}}</td><td class="n {{if gt .Net 0.0}}pos{{else if lt .Net 0.0}}neg{{end}}">{{signed .Net}}</td></tr>
{{end}}</table>{{else}}<p><em>The model has no dimensions.</em></p>{{end}}
{{else if eq $sec "strengths"}}
{{template "claims" (dict2c $n.Strengths $l)}}
<h3>Top strengths</h3>
{{template "topics" (dict2t $a.TopStrengths $l)}}
{{else if eq $sec "weaknesses"}}
{{template "claims" (dict2c $n.Weaknesses $l)}}
<h3>Top weaknesses</h3>
{{template "topics" (dict2t $a.TopWeaknesses $l)}}
{{else if eq $sec "polarising"}}
{{with polarising $a}}<p>These dimensions draw both praise and complaints in numbers (the smaller side at least a third of the larger).</p>
<table><tr><th>Dimension</th><th>Positive</th><th>Negative</th></tr>{{range .}}<tr><td>{{.Dimension}}</td><td class="n">{{.Positive}}</td><td class="n">{{.Negative}}</td></tr>{{end}}</table>
{{else}}<p><em>No dimension splits customers: each leans clearly one way.</em></p>{{end}}
{{else if eq $sec "suggestions"}}
<h3>Top suggestions</h3>
{{template "topics" (dict2t $a.TopSuggestions $l)}}
{{else if eq $sec "emerging"}}
<p class="ref">Test: {{$a.EmergingTest}}.</p>
{{if $a.Emerging}}<table><tr><th>Dimension</th><th>Period</th><th>Latest</th><th>Previous</th><th>p</th></tr>
{{range $a.Emerging}}<tr><td>{{.Dimension}}</td><td>{{.Period}} of {{.Latest}} vs {{.Previous}}</td><td class="n">{{.LatestNegative}} of {{.LatestReviews}} ({{pct .LatestShare}})</td><td class="n">{{.PreviousNegative}} of {{.PreviousReviews}} ({{pct .PreviousShare}})</td><td class="n">{{pvalue .P}}</td></tr>
{{end}}</table>{{else}}<p><em>No dimension's complaints rose significantly.</em></p>{{end}}
{{else if eq $sec "five_w"}}
{{range $a.FiveW}}{{if $.Kind.ShowsFiveW .Type}}<h3>{{fivew .Type}}</h3>
{{if .Labels}}<table><tr><th>Label</th><th>Tags</th><th>Share</th><th>Evidence</th></tr>
{{range .Labels}}<tr><td>{{.Topic}}</td><td class="n">{{.Count}}</td><td class="n">{{pct .Share}}</td><td>{{with .Evidence}}{{with index . 0}}{{template "qtext" .}} {{template "qref" (dict3 .ReviewID .Quote $l)}}{{end}}{{end}}</td></tr>
{{end}}</table>{{else}}<p><em>No labels.</em></p>{{end}}{{end}}
{{else}}<p><em>No 5W tags yet.</em></p>{{end}}
{{else if eq $sec "trend"}}
<h3>Monthly trend</h3>
{{if $a.MonthlyTrend}}{{trendChart $a.MonthlyTrend}}<table><tr><th>Month</th><th>Reviews</th><th>Avg rating</th><th>Positive</th><th>Negative</th></tr>
{{range $a.MonthlyTrend}}<tr><td>{{.Month}}</td><td class="n">{{.Reviews}}</td><td class="n">{{avg .AvgRating}}</td><td class="n">{{.Positive}}</td><td class="n">{{.Negative}}</td></tr>
{{end}}</table>{{else}}<p><em>No dated reviews.</em></p>{{end}}
{{range $tr := (trends $a)}}<h3>{{if eq $tr.Period "month"}}Monthly{{else}}Weekly{{end}} complaints per dimension</h3>
{{if and $tr.Periods $tr.Dimensions}}<p class="ref">Share of the period's reviews with a negative mention.</p>
<table><tr><th>Dimension</th>{{range last8 $tr}}<th>{{.Start}}</th>{{end}}</tr>
<tr><td><em>reviews</em></td>{{range last8 $tr}}<td class="n">{{.Reviews}}</td>{{end}}</tr>
{{range $tr.Dimensions}}<tr><td>{{.Dimension}}</td>{{range last8p $tr .Points}}<td class="n">{{pct .NegativeShare}}</td>{{end}}</tr>
{{end}}</table>{{else}}<p><em>No dated reviews with insights.</em></p>{{end}}{{end}}
{{else if eq $sec "agreement"}}
{{with $a.RatingVsSentiment}}{{if .Compared}}<p>The star rating agrees with the text's sentiment in <strong>{{.Agree}} of {{.Compared}}</strong> reviews ({{pct .Rate}}): 4–5★ positive, 3★ neutral, 1–2★ negative. Disagreements are worth reading: they often hide complaints in high ratings or praise in low ones.</p>{{else}}<p><em>No reviews have both a rating and a sentiment yet.</em></p>{{end}}{{end}}
{{else if eq $sec "personas"}}
{{range $n.Personas}}<h3>{{.Name}}</h3>{{if .Summary}}<p>{{.Summary}} {{template "refs" (dict2 .ReviewIDs $l)}}</p>{{end}}
{{else}}<p><em>No personas were written.</em></p>{{end}}
{{else if eq $sec "actions"}}
{{if $n.PriorityActions}}<ol>{{range $n.PriorityActions}}<li>{{.Text}} {{template "refs" (dict2 .ReviewIDs $l)}}</li>{{end}}</ol>{{else}}<p><em>No actions were written.</em></p>{{end}}
{{else if eq $sec "qc_checklist"}}
{{with checklist $a}}<p>One check per complaint, most damaging first; each comes with what customers wrote.</p><ul>
{{range .}}<li>☐ <strong>{{.Impact.Dimension}}</strong>: {{.Impact.Negative}} negative mentions in {{.Impact.NegativeReviews}} reviews (effect on rating {{lift .Impact.RatingLift}}){{range .Quotes}}<blockquote>{{template "qtext" .}} {{template "qref" (dict3 .ReviewID .Quote $l)}}</blockquote>{{end}}</li>
{{end}}</ul>{{else}}<p><em>No complaints to check for.</em></p>{{end}}
{{else if eq $sec "failures"}}
{{with $a.Coverage}}<p>{{failed $a}} review-stage failures: translation {{.TranslationFailed}}, insights {{.InsightsFailed}}, themes {{.ThemesFailed}}. Failed reviews have no insights or tags, so the insight and 5W figures above leave them out.</p>{{end}}
{{if $a.FailedReviews}}<table><tr><th>Review</th><th>Stage</th><th>Reason</th></tr>
{{range first $a.FailedReviews}}<tr><td class="n">{{$id := .ReviewID}}{{with review $l $id ""}}<a href="{{.}}">#{{$id}}</a>{{else}}#{{$id}}{{end}}</td><td>{{.Stage}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>{{with more $a.FailedReviews}}<p>{{.}} more not listed.</p>{{end}}{{end}}
{{end}}
{{end}}
{{define "claims"}}{{if .Claims}}<ul>{{range .Claims}}{{if .Text}}<li>{{.Text}} {{template "refs" (dict2 .ReviewIDs $.L)}}</li>{{end}}{{end}}</ul>{{end}}{{end}}
{{define "topics"}}{{if .Topics}}<ol>{{range .Topics}}<li><strong>{{.Topic}}</strong> — {{mentions .Count}}{{range .Evidence}}<blockquote>{{template "qtext" .}} {{template "qref" (dict3 .ReviewID .Quote $.L)}}</blockquote>{{end}}</li>{{end}}</ol>{{else}}<p><em>None found.</em></p>{{end}}{{end}}
</body>
</html>
`))

type refsArg struct {
	IDs []int64
	L   Links
}

type qrefArg struct {
	ID    int64
	Quote string
	L     Links
}

type claimsArg struct {
	Claims []voc.Claim
	L      Links
}

type topicsArg struct {
	Topics []store.TopicStat
	L      Links
}

// HTML renders a report as a standalone HTML page (inline styles only, no
// scripts), in its kind's sections and order; citations are links when l
// is enabled.
func HTML(d Document, l Links) ([]byte, error) {
	return renderHTML(htmlData{Document: d, Kind: kindOf(d.Report.Kind), Links: l})
}

// SharedHTML renders the public page of a share link: the report alone,
// read-only, citing reviews by id without links.
func SharedHTML(d Document) ([]byte, error) {
	return renderHTML(htmlData{Document: d, Kind: kindOf(d.Report.Kind), Shared: true})
}

func renderHTML(v htmlData) ([]byte, error) {
	var buf bytes.Buffer
	if err := reportHTML.Execute(&buf, v); err != nil {
		return nil, fmt.Errorf("render report %d as html: %w", v.Report.ID, err)
	}
	return buf.Bytes(), nil
}
