package report

import (
	"encoding/xml"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
)

// svgNode is an SVG element with its attributes and children.
type svgNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []svgNode  `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// walk calls fn on n and every descendant.
func (n svgNode) walk(fn func(svgNode)) {
	fn(n)
	for _, c := range n.Children {
		c.walk(fn)
	}
}

// charts parses every inline SVG of a page by its aria id ("chart-…"); a
// chart that is not well-formed XML fails the test.
func charts(t *testing.T, page string) map[string]svgNode {
	t.Helper()
	out := map[string]svgNode{}
	for _, m := range regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1) {
		var n svgNode
		require.NoError(t, xml.Unmarshal([]byte(m), &n), m)
		id := strings.TrimSuffix(strings.Fields(n.attr("aria-labelledby"))[0], "-t")
		out[id] = n
	}
	return out
}

func chartDoc() Document {
	d := sampleDoc()
	d.Report.Kind = "final"
	d.Agg.Impact = []Impact{
		{Kind: "product", Dimension: "fit </svg><script>alert(1)</script>", Mentions: 40, Positive: 10, Negative: 25, Net: -0.375, RatingLift: 0.3},
		{Kind: "product", Dimension: "battery life", Mentions: 1388, Positive: 1200, Negative: 88, Net: 0.8012, RatingLift: 0.05},
	}
	d.Agg.MonthlyTrend = []store.MonthStat{
		{Month: "2025-01", Reviews: 2150, Positive: 1500, Negative: 400},
		{Month: "2025-02", Reviews: 0},
		{Month: "2025-03", Reviews: 900, Positive: 600, Negative: 200},
	}
	return d
}

// The HTML report carries the rating, sentiment, impact and trend charts as
// inline SVG, each drawing exactly the report's numbers, with a title and a
// description in words, and user text escaped.
func TestHTMLCharts(t *testing.T) {
	t.Parallel()
	d := chartDoc()
	page, err := HTML(d, Links{Enabled: true})
	require.NoError(t, err)
	out := string(page)
	require.NotContains(t, out, "<script")
	require.NotContains(t, out, "ZgotmplZ")
	require.Contains(t, out, "fit &lt;/svg&gt;&lt;script&gt;")
	cs := charts(t, out)
	require.Len(t, cs, 4, "rating, sentiment, impact and trend charts")

	for id, c := range cs {
		require.Equal(t, "img", c.attr("role"), id)
		var title, desc string
		c.walk(func(n svgNode) {
			switch {
			case n.XMLName.Local == "title" && n.attr("id") == id+"-t":
				title = n.Text
			case n.XMLName.Local == "desc":
				desc = n.Text
			}
		})
		require.NotEmpty(t, title, id)
		require.NotEmpty(t, desc, id)
	}

	// Bars: one per rating (5★ first, unrated last) and per sentiment, the
	// value drawn is the count, and the widths are proportional to it.
	bars := func(id string) (keys []string, values []int64, widths []float64) {
		cs[id].walk(func(n svgNode) {
			if n.XMLName.Local == "rect" && n.attr("data-key") != "" {
				v, err := strconv.ParseInt(n.attr("data-value"), 10, 64)
				require.NoError(t, err)
				w, err := strconv.ParseFloat(n.attr("width"), 64)
				require.NoError(t, err)
				keys, values, widths = append(keys, n.attr("data-key")), append(values, v), append(widths, w)
			}
		})
		return
	}
	keys, values, widths := bars("chart-ratings")
	require.Equal(t, []string{"5", "1", "none"}, keys)
	require.Equal(t, []int64{70, 10, 20}, values)
	require.InDelta(t, widths[0]/7, widths[1], 0.2, "10 is a seventh of 70")
	require.InDelta(t, widths[0]*2/7, widths[2], 0.2)
	keys, values, _ = bars("chart-sentiment")
	require.Equal(t, []string{"positive", "negative"}, keys)
	require.Equal(t, []int64{80, 20}, values)

	// Impact: one group per dimension whose segments add up to its mentions
	// and whose length is proportional to them.
	var groups []svgNode
	cs["chart-impact"].walk(func(n svgNode) {
		if n.XMLName.Local == "g" && n.attr("data-key") != "" {
			groups = append(groups, n)
		}
	})
	require.Len(t, groups, len(d.Agg.Impact))
	length := make([]float64, len(groups))
	for i, g := range groups {
		im := d.Agg.Impact[i]
		require.Equal(t, im.Dimension, g.attr("data-key"), "escaped in the markup, the same text once parsed")
		require.Equal(t, strconv.FormatInt(im.Mentions, 10), g.attr("data-value"))
		seg := map[string]int64{}
		for _, r := range g.Children {
			if r.XMLName.Local == "rect" {
				v, _ := strconv.ParseInt(r.attr("data-value"), 10, 64)
				seg[r.attr("data-key")] = v
				w, _ := strconv.ParseFloat(r.attr("width"), 64)
				length[i] += w
			}
		}
		require.Equal(t, map[string]int64{"negative": im.Negative, "positive": im.Positive,
			"neutral": im.Mentions - im.Positive - im.Negative}, seg, im.Dimension)
		net, _ := strconv.ParseFloat(g.attr("data-net"), 64)
		require.InDelta(t, im.Net, net, 1e-4)
	}
	require.InDelta(t, 1388.0/40, length[1]/length[0], 0.5, "bar length is the volume")

	// Trend: three lines with the monthly numbers, on an axis that ends at
	// the nice value above the peak (2,500 for 2,150).
	lines := map[string]string{}
	cs["chart-trend"].walk(func(n svgNode) {
		if n.XMLName.Local == "polyline" {
			lines[n.attr("data-key")] = n.attr("data-values")
		}
	})
	require.Equal(t, map[string]string{"reviews": "2150,0,900", "positive": "1500,0,600", "negative": "400,0,200"}, lines)
	var ticks []string
	cs["chart-trend"].walk(func(n svgNode) {
		if n.XMLName.Local == "text" && n.attr("class") == "tick" {
			ticks = append(ticks, n.Text)
		}
	})
	require.Equal(t, []string{"0", "500", "1000", "1500", "2000", "2500"}, ticks)

	// A report without data draws no empty charts.
	page, err = HTML(Document{}, Links{})
	require.NoError(t, err)
	require.NotContains(t, string(page), "<svg")
}

func TestNiceCeil(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ v, top, step float64 }{
		{2150, 2500, 500}, {3, 3, 1}, {1, 1, 1}, {0, 1, 1}, {7, 8, 2}, {40, 40, 10}, {1388, 1500, 500}, {101, 125, 25},
	} {
		top, step := niceCeil(c.v)
		require.Equal(t, c.top, top, "top of %v", c.v)
		require.Equal(t, c.step, step, "step of %v", c.v)
		require.LessOrEqual(t, math.Ceil(top/step), 5.0)
	}
}
