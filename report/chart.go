package report

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/voc-project/voc/store"
)

// The HTML report's charts: inline SVG written here, so a saved report is
// one self-contained, printable file that runs no script and loads nothing
// (the report's CSP forbids both). The web app draws the same data with
// ECharts; a page that must work offline, in print and under
// "default-src 'none'" cannot. Each chart is a <figure> whose SVG has a
// <title> and <desc> that state its numbers in words, and the section's
// table next to it is the full text alternative.
//
// Every mark carries data-key and data-value, the value it draws, so a test
// can check a chart against the data without measuring pixels. Every text
// (dimension names come from the model, which users edit) goes through
// svgText, which escapes it.

const (
	chartWidth  = 640.0
	chartFont   = 12.0
	colorBar    = "#3f6f9f"
	colorPos    = "#1a7f37"
	colorNeg    = "#b42318"
	colorNeu    = "#8c959f"
	colorAxis   = "#57606a"
	colorGrid   = "#d0d7de"
	colorReview = "#3f6f9f"
)

// svgText escapes s for SVG text and attribute values.
func svgText(s string) string { return template.HTMLEscapeString(s) }

// num formats a coordinate.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// chartOpen starts a figure and its SVG; id makes the title and desc
// referable.
func chartOpen(b *strings.Builder, id, class string, height float64, title, desc string) {
	fmt.Fprintf(b, `<figure class="chart %s"><svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 %s %s" width="100%%" aria-labelledby="%s-t %s-d" font-family="system-ui,sans-serif" font-size="%s">`,
		class, num(chartWidth), num(height), id, id, num(chartFont))
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, svgText(title), id, svgText(desc))
}

func chartClose(b *strings.Builder, caption string) {
	fmt.Fprintf(b, `</svg><figcaption>%s</figcaption></figure>`, svgText(caption))
}

// niceCeil returns an axis maximum ≥ v and its tick step: 1, 2, 2.5 or 5
// times a power of ten, at most 5 steps, so a peak of 2,150 gets an axis to
// 2,500, not 5,000.
func niceCeil(v float64) (top, step float64) {
	if v <= 0 {
		return 1, 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10} {
		step = m * p
		if step < 1 { // counts: no fractional ticks
			continue
		}
		if n := math.Ceil(v / step); n <= 5 {
			return n * step, step
		}
	}
	return math.Ceil(v/(10*p)) * 10 * p, 10 * p
}

// chartBar is one bar of a bar chart.
type chartBar struct {
	Key   string // data-key
	Label string
	Value int64
	Share float64
	Color string
}

// barChart draws horizontal bars, one per item, with the count and share
// at the end of each.
func barChart(id, title string, bars []chartBar) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	const row, top, labelW, textW = 26.0, 8.0, 90.0, 120.0
	height := top*2 + row*float64(len(bars))
	var maxv int64
	words := make([]string, len(bars))
	for i, bar := range bars {
		maxv = max(maxv, bar.Value)
		words[i] = fmt.Sprintf("%s: %d (%s)", bar.Label, bar.Value, pct(bar.Share))
	}
	var b strings.Builder
	chartOpen(&b, id, "bars", height, title, strings.Join(words, "; ")+".")
	plot := chartWidth - labelW - textW
	for i, bar := range bars {
		y := top + row*float64(i)
		w := 0.0
		if maxv > 0 {
			w = plot * float64(bar.Value) / float64(maxv)
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`,
			num(labelW-8), num(y+row/2+4), colorAxis, svgText(bar.Label))
		fmt.Fprintf(&b, `<rect data-key="%s" data-value="%d" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
			svgText(bar.Key), bar.Value, num(labelW), num(y+4), num(w), num(row-8), bar.Color, svgText(words[i]))
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#1d232a">%d · %s</text>`,
			num(labelW+w+6), num(y+row/2+4), bar.Value, pct(bar.Share))
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(labelW), num(top), num(labelW), num(height-top), colorAxis)
	chartClose(&b, title)
	return template.HTML(b.String()) //nolint:gosec // every text is escaped by svgText
}

// ratingChart is the rating distribution, 5★ first, unrated last.
func ratingChart(a store.Aggregates) template.HTML {
	var total int64
	for _, c := range a.RatingDist {
		total += c.Count
	}
	bars := make([]chartBar, 0, len(a.RatingDist))
	for i := len(a.RatingDist) - 1; i >= 0; i-- {
		c := a.RatingDist[i]
		if c.Key == "none" {
			continue
		}
		bars = append(bars, chartBar{Key: c.Key, Label: ratingName(c.Key), Value: c.Count, Share: share(c.Count, total), Color: colorBar})
	}
	for _, c := range a.RatingDist {
		if c.Key == "none" {
			bars = append(bars, chartBar{Key: c.Key, Label: ratingName(c.Key), Value: c.Count, Share: share(c.Count, total), Color: colorNeu})
		}
	}
	return barChart("chart-ratings", "Rating distribution", bars)
}

// sentimentChart is the share of each overall sentiment.
func sentimentChart(a store.Aggregates) template.HTML {
	bars := make([]chartBar, 0, len(a.SentimentShare))
	for _, key := range []string{"positive", "neutral", "negative"} {
		for _, s := range a.SentimentShare {
			if s.Key == key {
				bars = append(bars, chartBar{Key: s.Key, Label: s.Key, Value: s.Count, Share: s.Share, Color: sentimentColor(s.Key)})
			}
		}
	}
	return barChart("chart-sentiment", "Sentiment share", bars)
}

func sentimentColor(s string) string {
	switch s {
	case "positive":
		return colorPos
	case "negative":
		return colorNeg
	}
	return colorNeu
}

func share(n, total int64) float64 {
	if total <= 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// maxImpactShown caps the impact chart; the table lists every dimension.
const maxImpactShown = 12

// impactChart draws each dimension's mentions as a diverging bar: negative
// mentions left of the axis, positive right, neutral ones across it. The
// bar's length is the volume and its balance the net sentiment, which is
// printed next to it.
func impactChart(ims []Impact) template.HTML {
	if len(ims) == 0 {
		return ""
	}
	ims = ims[:min(len(ims), maxImpactShown)]
	const row, top, labelW, textW = 28.0, 24.0, 170.0, 130.0
	height := top + row*float64(len(ims)) + 8
	left, right := 0.0, 0.0
	words := make([]string, len(ims))
	for i, im := range ims {
		neu := float64(max(0, im.Mentions-im.Positive-im.Negative))
		left = math.Max(left, float64(im.Negative)+neu/2)
		right = math.Max(right, float64(im.Positive)+neu/2)
		words[i] = fmt.Sprintf("%s: %d mentions, %d positive, %d negative, net %s", im.Dimension, im.Mentions, im.Positive, im.Negative, signed(im.Net))
	}
	span := left + right
	if span <= 0 {
		span = 1
	}
	plot := chartWidth - labelW - textW
	scale := plot / span
	axis := labelW + left*scale
	var b strings.Builder
	chartOpen(&b, "chart-impact", "impact", height, "Dimension impact: volume and net sentiment", strings.Join(words, "; ")+".")
	fmt.Fprintf(&b, `<text x="%s" y="14" text-anchor="end" fill="%s">← negative</text><text x="%s" y="14" fill="%s">positive →</text>`,
		num(axis-6), colorNeg, num(axis+6), colorPos)
	for i, im := range ims {
		y := top + row*float64(i)
		neu := max(0, im.Mentions-im.Positive-im.Negative)
		x := axis - (float64(im.Negative)+float64(neu)/2)*scale
		fmt.Fprintf(&b, `<g data-key="%s" data-value="%d" data-net="%s"><title>%s</title>`,
			svgText(im.Dimension), im.Mentions, strconv.FormatFloat(im.Net, 'f', 4, 64), svgText(words[i]))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`,
			num(labelW-8), num(y+row/2+4), colorAxis, svgText(truncateRunes(im.Dimension, 20)))
		for _, seg := range []struct {
			key   string
			n     int64
			color string
		}{{"negative", im.Negative, colorNeg}, {"neutral", neu, colorNeu}, {"positive", im.Positive, colorPos}} {
			w := float64(seg.n) * scale
			fmt.Fprintf(&b, `<rect data-key="%s" data-value="%d" x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
				seg.key, seg.n, num(x), num(y+5), num(w), num(row-10), seg.color)
			x += w
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#1d232a">%d · net %s</text></g>`,
			num(labelW+plot+6), num(y+row/2+4), im.Mentions, signed(im.Net))
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(axis), num(top), num(axis), num(height-8), colorAxis)
	chartClose(&b, "Dimension impact: bar length is the number of mentions, its balance the net sentiment")
	return template.HTML(b.String()) //nolint:gosec // every text is escaped by svgText
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// trendChart draws the monthly reviews with their positive and negative
// reviews as three lines on one axis.
func trendChart(ms []store.MonthStat) template.HTML {
	if len(ms) == 0 {
		return ""
	}
	const height, left, right, top, bottom = 260.0, 56.0, 16.0, 28.0, 40.0
	var peak int64
	for _, m := range ms {
		peak = max(peak, m.Reviews, m.Positive, m.Negative)
	}
	yTop, step := niceCeil(float64(peak))
	plotW, plotH := chartWidth-left-right, height-top-bottom
	x := func(i int) float64 {
		if len(ms) == 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(len(ms)-1)
	}
	y := func(v int64) float64 { return top + plotH - plotH*float64(v)/yTop }
	first, last := ms[0], ms[len(ms)-1]
	desc := fmt.Sprintf("%d months from %s to %s; peak %d reviews in a month; latest month %s: %d reviews, %d positive, %d negative.",
		len(ms), first.Month, last.Month, peak, last.Month, last.Reviews, last.Positive, last.Negative)
	var b strings.Builder
	chartOpen(&b, "chart-trend", "trend", height, "Monthly trend: reviews, positive and negative", desc)
	for v := 0.0; v <= yTop+step/2; v += step {
		yy := top + plotH - plotH*v/yTop
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/><text class="tick" x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`,
			num(left), num(yy), num(chartWidth-right), num(yy), colorGrid, num(left-6), num(yy+4), colorAxis, strconv.FormatFloat(v, 'f', -1, 64))
	}
	every := max(1, (len(ms)+7)/8)
	for i, m := range ms {
		if i%every == 0 || i == len(ms)-1 {
			anchor := "middle" // the ends stay inside the chart
			if i == len(ms)-1 && len(ms) > 1 {
				anchor = "end"
			} else if i == 0 && len(ms) > 1 {
				anchor = "start"
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`, num(x(i)), num(height-bottom+18), anchor, colorAxis, svgText(m.Month))
		}
	}
	for _, s := range []struct {
		key, label, color string
		v                 func(store.MonthStat) int64
	}{
		{"reviews", "reviews", colorReview, func(m store.MonthStat) int64 { return m.Reviews }},
		{"positive", "positive", colorPos, func(m store.MonthStat) int64 { return m.Positive }},
		{"negative", "negative", colorNeg, func(m store.MonthStat) int64 { return m.Negative }},
	} {
		pts := make([]string, len(ms))
		vals := make([]string, len(ms))
		for i, m := range ms {
			pts[i] = num(x(i)) + "," + num(y(s.v(m)))
			vals[i] = strconv.FormatInt(s.v(m), 10)
		}
		fmt.Fprintf(&b, `<polyline data-key="%s" data-values="%s" points="%s" fill="none" stroke="%s" stroke-width="2"/>`,
			s.key, strings.Join(vals, ","), strings.Join(pts, " "), s.color)
		for i, m := range ms {
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2.5" fill="%s"><title>%s: %d %s</title></circle>`,
				num(x(i)), num(y(s.v(m))), s.color, svgText(m.Month), s.v(m), s.label)
		}
	}
	lx := left
	for _, l := range []struct{ label, color string }{{"reviews", colorReview}, {"positive", colorPos}, {"negative", colorNeg}} {
		fmt.Fprintf(&b, `<rect x="%s" y="8" width="12" height="4" fill="%s"/><text x="%s" y="14" fill="%s">%s</text>`,
			num(lx), l.color, num(lx+16), colorAxis, l.label)
		lx += 90
	}
	chartClose(&b, "Monthly trend: reviews per month, and how many of them are positive and negative")
	return template.HTML(b.String()) //nolint:gosec // every text is escaped by svgText
}
