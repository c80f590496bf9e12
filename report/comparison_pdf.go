package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/voc-project/voc/comparison"
	"github.com/voc-project/voc/store"
)

// maxEvidencePerProduct bounds the quotes the comparison PDF shows for one
// product, as the Markdown report does.
const maxEvidencePerProduct = 8

func comparisonProduct(p comparison.Product) string { return p.Marketplace + "/" + p.ASIN }

func shareOf(items []store.ShareItem, key string) float64 {
	for _, s := range items {
		if s.Key == key {
			return s.Share
		}
	}
	return 0
}

// ComparisonPDF renders a comparison report as a PDF: the products, how
// their dimensions were aligned and the groups themselves, the matrix of
// aligned dimensions × products, evidence quoted from every product (each
// citing its review, a link when l is enabled) and the 5W differences.
// Text in Chinese, Japanese or Korean is set in the CJK font. It fails when
// the fonts cannot be found.
func ComparisonPDF(v comparison.View, l Links) ([]byte, error) {
	all, _ := json.Marshal(v) // only scanned for CJK text
	title := "Comparison: " + v.Name
	p, err := newPDFDoc(l, string(all), title, fmt.Sprintf("%s · %d products", title, len(v.Products)),
		fmt.Sprintf("Comparison #%d · alignment: %s", v.ID, v.AlignmentSource))
	if err != nil {
		return nil, err
	}
	f := p.Fpdf
	f.AddPage()

	p.font("B", 18)
	f.SetX(margin)
	p.write(8, "Comparison", "")
	f.Ln(9)
	p.font("", 14)
	f.SetX(margin)
	p.write(7, v.Name, "")
	f.Ln(10)

	p.heading("Products", 14)
	rows := make([][]string, len(v.Products))
	for i, pr := range v.Products {
		rows[i] = []string{comparisonProduct(pr), pr.Title, fmt.Sprint(pr.Reviews), fmt.Sprint(pr.ExcludedReviews), avgRating(pr.AvgRating),
			pct(shareOf(pr.SentimentShare, "positive")), pct(shareOf(pr.SentimentShare, "negative"))}
	}
	p.table([]string{"Product", "Title", "Reviews", "Excluded", "Avg rating", "Positive", "Negative"},
		[]float64{2.2, 4, 1.2, 1.2, 1.3, 1.3, 1.3}, "LLRRRRR", rows)
	p.note("Excluded reviews (taken out by an analyst) count nowhere in this report.")

	p.heading("Aligned dimensions", 14)
	compact := len(v.Products) > 4
	if compact {
		p.note("Each cell: insights (volume) · net sentiment. Impact is in the Markdown and HTML reports.")
	} else {
		p.note("Each cell: insights (volume) · net sentiment · impact (net insights per review).")
	}
	head := []string{"Dimension", "Kind"}
	weights := []float64{3, 1.3}
	align := "LL"
	for _, pr := range v.Products {
		head = append(head, comparisonProduct(pr))
		weights = append(weights, 2)
		align += "R"
	}
	rows = rows[:0]
	for _, r := range v.Matrix {
		row := []string{r.Name, r.Kind}
		for _, c := range r.Cells {
			switch {
			case c == nil:
				row = append(row, "–")
			case compact:
				row = append(row, fmt.Sprintf("%d · %s", c.Volume, signed(c.Net)))
			default:
				row = append(row, fmt.Sprintf("%d · %s · %+.3f", c.Volume, signed(c.Net), c.Impact))
			}
		}
		rows = append(rows, row)
	}
	p.table(head, weights, align, rows)

	p.heading("Alignment", 14)
	how := v.AlignmentNote
	if how == "" {
		how = map[string]string{"llm": "aligned by meaning by the language model", "offline": "aligned offline, by concept and normalised name",
			"edited": "corrected by an analyst"}[v.AlignmentSource]
	}
	p.note(fmt.Sprintf("Source: %s; %s. Each group joins the products' dimensions that mean the same thing.", v.AlignmentSource, how))
	byID := map[int64]string{}
	for _, pr := range v.Products {
		byID[pr.ID] = comparisonProduct(pr)
	}
	for _, g := range v.Alignment {
		ms := make([]string, len(g.Members))
		for i, m := range g.Members {
			ms[i] = byID[m.ProductID] + ": " + m.Name
		}
		p.bullet(fmt.Sprintf("%s (%s) — %s", g.Name, g.Kind, strings.Join(ms, "; ")), nil)
	}

	p.heading("Evidence", 14)
	for i, pr := range v.Products {
		p.heading(comparisonProduct(pr)+" — "+pr.Title, 11.5)
		n := 0
		for _, r := range v.Matrix {
			c := r.Cells[i]
			if c == nil || len(c.Evidence) == 0 || n >= maxEvidencePerProduct {
				continue
			}
			p.font("B", 9.5)
			f.SetX(margin)
			p.write(5, fmt.Sprintf("%s (net %s)", r.Name, signed(c.Net)), "")
			f.Ln(6)
			p.quote(c.Evidence[0])
			n++
		}
		if n == 0 {
			p.note("No insights yet.")
		}
	}

	if len(v.FiveW) > 0 {
		p.heading("5W differences", 14)
		head = []string{"Type", "Label"}
		weights = []float64{1, 2.5}
		align = "LL"
		for _, pr := range v.Products {
			head = append(head, comparisonProduct(pr))
			weights = append(weights, 2)
			align += "R"
		}
		head, weights, align = append(head, "Spread"), append(weights, 1.3), align+"R"
		rows = rows[:0]
		for _, d := range v.FiveW {
			row := []string{d.Type, d.Label}
			for _, s := range d.Shares {
				row = append(row, pct(s))
			}
			rows = append(rows, append(row, pct(d.Spread)))
		}
		p.table(head, weights, align, rows)
	}

	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render comparison %d as pdf: %w", v.ID, err)
	}
	return buf.Bytes(), nil
}
