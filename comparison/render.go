package comparison

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/voc-project/voc/store"
)

// md escapes text for a Markdown table cell or paragraph: it cannot add
// markup, links, HTML or cells.
func md(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '!', '(', ')', '~', '&':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func pct(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

func share(items []store.ShareItem, key string) float64 {
	for _, s := range items {
		if s.Key == key {
			return s.Share
		}
	}
	return 0
}

func productLabel(p Product) string { return fmt.Sprintf("%s/%s", p.Marketplace, p.ASIN) }

// Markdown renders the comparison report: the products, the matrix of
// aligned dimensions, evidence from every product, and the 5W differences.
// Every quote names its review.
func Markdown(v View) []byte {
	var b bytes.Buffer
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("# Comparison: %s\n\n", md(v.Name))
	w("Alignment of dimensions: %s", md(v.AlignmentSource))
	if v.AlignmentNote != "" {
		w(" (%s)", md(v.AlignmentNote))
	}
	w(".\n\n## Products\n\n| Product | Title | Reviews | Excluded | Avg rating | Positive | Negative |\n|---|---|---:|---:|---:|---:|---:|\n")
	for _, p := range v.Products {
		avg := "–"
		if p.AvgRating != nil {
			avg = fmt.Sprintf("%.2f", *p.AvgRating)
		}
		w("| %s | %s | %d | %d | %s | %s | %s |\n", md(productLabel(p)), md(p.Title), p.Reviews, p.ExcludedReviews, avg,
			pct(share(p.SentimentShare, "positive")), pct(share(p.SentimentShare, "negative")))
	}
	w("\n## Aligned dimensions\n\nEach cell: insights (volume), net sentiment, impact (net insights per review).\n\n| Dimension | Kind |")
	for _, p := range v.Products {
		w(" %s |", md(productLabel(p)))
	}
	w("\n|---|---|%s\n", strings.Repeat("---:|", len(v.Products)))
	for _, r := range v.Matrix {
		w("| %s | %s |", md(r.Name), r.Kind)
		for _, c := range r.Cells {
			if c == nil {
				w(" – |")
				continue
			}
			w(" %d · %+.2f · %+.3f |", c.Volume, c.Net, c.Impact)
		}
		w("\n")
	}
	w("\n## Evidence\n\n")
	for pi, p := range v.Products {
		w("### %s — %s\n\n", md(productLabel(p)), md(p.Title))
		n := 0
		for _, r := range v.Matrix {
			c := r.Cells[pi]
			if c == nil || len(c.Evidence) == 0 || n >= 8 {
				continue
			}
			q := c.Evidence[0]
			w("- **%s** (net %+.2f): “%s” (review %d)\n", md(r.Name), c.Net, md(q.Quote), q.ReviewID)
			n++
		}
		if n == 0 {
			w("No insights yet.\n")
		}
		w("\n")
	}
	if len(v.FiveW) > 0 {
		w("## 5W differences\n\n| Type | Label |")
		for _, p := range v.Products {
			w(" %s |", md(productLabel(p)))
		}
		w(" Spread |\n|---|---|%s---:|\n", strings.Repeat("---:|", len(v.Products)))
		for _, d := range v.FiveW {
			w("| %s | %s |", d.Type, md(d.Label))
			for _, s := range d.Shares {
				w(" %s |", pct(s))
			}
			w(" %s |\n", pct(d.Spread))
		}
	}
	return b.Bytes()
}

var htmlTmpl = template.Must(template.New("cmp").Funcs(template.FuncMap{
	"pct": pct, "label": productLabel,
	"share":  share,
	"signed": func(f float64, prec int) string { return fmt.Sprintf("%+.*f", prec, f) },
	"first": func(qs []store.Quote) *store.Quote {
		if len(qs) == 0 {
			return nil
		}
		return &qs[0]
	},
	"cell": func(r Row, i int) *Cell { return r.Cells[i] },
}).Parse(`<!doctype html><html><head><meta charset="utf-8"><title>Comparison: {{.Name}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}td.n{text-align:right}blockquote{margin:.3rem 0 .3rem 1rem;color:#333}</style></head><body>
<h1>Comparison: {{.Name}}</h1>
<p>Alignment of dimensions: {{.AlignmentSource}}{{if .AlignmentNote}} ({{.AlignmentNote}}){{end}}.</p>
<h2>Products</h2>
<table><tr><th>Product</th><th>Title</th><th>Reviews</th><th>Excluded</th><th>Positive</th><th>Negative</th></tr>
{{range .Products}}<tr><td>{{label .}}</td><td>{{.Title}}</td><td class="n">{{.Reviews}}</td><td class="n">{{.ExcludedReviews}}</td><td class="n">{{pct (share .SentimentShare "positive")}}</td><td class="n">{{pct (share .SentimentShare "negative")}}</td></tr>
{{end}}</table>
<h2>Aligned dimensions</h2>
<p>Each cell: insights (volume), net sentiment, impact (net insights per review).</p>
<table><tr><th>Dimension</th><th>Kind</th>{{range .Products}}<th>{{label .}}</th>{{end}}</tr>
{{range $r := .Matrix}}<tr><td>{{$r.Name}}</td><td>{{$r.Kind}}</td>{{range $r.Cells}}<td class="n">{{if .}}{{.Volume}} · {{signed .Net 2}} · {{signed .Impact 3}}{{else}}–{{end}}</td>{{end}}</tr>
{{end}}</table>
<h2>Evidence</h2>
{{range $i, $p := .Products}}<h3>{{label $p}} — {{$p.Title}}</h3>
{{range $r := $.Matrix}}{{with cell $r $i}}{{with first .Evidence}}<blockquote><strong>{{$r.Name}}</strong>: “{{.Quote}}” (review {{.ReviewID}})</blockquote>
{{end}}{{end}}{{end}}{{end}}
{{if .FiveW}}<h2>5W differences</h2>
<table><tr><th>Type</th><th>Label</th>{{range .Products}}<th>{{label .}}</th>{{end}}<th>Spread</th></tr>
{{range .FiveW}}<tr><td>{{.Type}}</td><td>{{.Label}}</td>{{range .Shares}}<td class="n">{{pct .}}</td>{{end}}<td class="n">{{pct .Spread}}</td></tr>
{{end}}</table>{{end}}
</body></html>
`))

// HTML renders the comparison report as a standalone page (inline styles,
// no scripts); every user-provided string is escaped.
func HTML(v View) ([]byte, error) {
	var b bytes.Buffer
	if err := htmlTmpl.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("render comparison %d: %w", v.ID, err)
	}
	return b.Bytes(), nil
}
