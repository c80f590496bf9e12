package report

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"

	"github.com/voc-project/voc"

	"codeberg.org/go-pdf/fpdf"

	"github.com/voc-project/voc/store"
)

// Fonts. The PDF embeds subsets of two TrueType fonts: DejaVu Sans
// (Latin, Greek, Cyrillic and symbols; Debian's fonts-dejavu-core) and
// Droid Sans Fallback (Chinese, Japanese, Korean; fonts-droid-fallback).
// VOC_PDF_FONT_DIR names a directory holding DejaVuSans.ttf,
// DejaVuSans-Bold.ttf and DroidSansFallbackFull.ttf instead.
var fontSearch = []string{"/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/droid",
	"/usr/share/fonts/dejavu", "/usr/share/fonts/droid-nonlatin", "/usr/share/fonts/TTF"} // Debian, then Alpine

const (
	fontSans  = "DejaVuSans.ttf"
	fontBold  = "DejaVuSans-Bold.ttf"
	fontCJK   = "DroidSansFallbackFull.ttf"
	famLatin  = "sans"
	famCJK    = "cjk"
	pageWidth = 210.0
	margin    = 15.0
	bodyWidth = pageWidth - 2*margin
)

type fontSet struct {
	sans, bold, cjk []byte
	err             error
}

var fonts = sync.OnceValue(func() fontSet {
	find := func(name string) []byte {
		dirs := fontSearch
		if d := os.Getenv("VOC_PDF_FONT_DIR"); d != "" {
			dirs = append([]string{d}, dirs...)
		}
		for _, d := range dirs {
			if b, err := os.ReadFile(filepath.Join(d, name)); err == nil {
				return b
			}
		}
		return nil
	}
	fs := fontSet{sans: find(fontSans), bold: find(fontBold), cjk: find(fontCJK)}
	if fs.sans == nil || fs.bold == nil {
		fs.err = fmt.Errorf("pdf fonts %s and %s not found in VOC_PDF_FONT_DIR or %v (install fonts-dejavu-core)", fontSans, fontBold, fontSearch)
	}
	return fs
})

// isCJK reports whether r needs the CJK font: ideographs, kana, hangul,
// CJK punctuation and full-width forms.
func isCJK(r rune) bool {
	return r >= 0x2E80 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7AF || r >= 0xF900 && r <= 0xFAFF ||
		r >= 0xFE30 && r <= 0xFE4F || r >= 0xFF00 && r <= 0xFFEF || r >= 0x20000 && r <= 0x2FFFF
}

type run struct {
	text string
	cjk  bool
}

func runs(s string) []run {
	var out []run
	var b strings.Builder
	cur := false
	for _, r := range s {
		c := isCJK(r)
		if c != cur && b.Len() > 0 {
			out = append(out, run{b.String(), cur})
			b.Reset()
		}
		cur = c
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{b.String(), cur})
	}
	return out
}

// pdfDoc wraps fpdf with mixed-script text.
type pdfDoc struct {
	*fpdf.Fpdf
	hasCJK bool
	style  string
	size   float64
	links  Links
}

func (p *pdfDoc) font(style string, size float64) {
	p.style, p.size = style, size
	p.SetFont(famLatin, style, size)
}

func (p *pdfDoc) setRunFont(cjk bool) {
	if cjk && p.hasCJK {
		p.SetFont(famCJK, "", p.size)
		return
	}
	p.SetFont(famLatin, p.style, p.size)
}

// clean turns control characters into spaces and folds whitespace runs
// into one space, keeping one at either end ("review " + "#3"). A
// character beyond the Basic Multilingual Plane (an emoji, mostly) becomes
// U+FFFD: the fonts' tables stop at U+FFFF, and fpdf indexes past them.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f:
			return ' '
		case r > 0xffff:
			return unicode.ReplacementChar
		}
		return r
	}, s)
	out := strings.Join(strings.Fields(s), " ")
	if out == "" {
		return out
	}
	if strings.TrimLeftFunc(s, unicode.IsSpace) != s {
		out = " " + out
	}
	if strings.TrimRightFunc(s, unicode.IsSpace) != s {
		out += " "
	}
	return out
}

// write flows mixed-script text at line height h, linking it to url when
// url is not empty.
func (p *pdfDoc) write(h float64, s, url string) {
	for _, r := range runs(clean(s)) {
		p.setRunFont(r.cjk)
		chunks := []string{r.text}
		if r.cjk {
			// CJK text has no spaces to break at: let every character end
			// a line.
			chunks = strings.Split(r.text, "")
		}
		for _, c := range chunks {
			if url != "" {
				p.WriteLinkString(h, c, url)
			} else {
				p.Write(h, c)
			}
		}
	}
	p.setRunFont(false)
}

func (p *pdfDoc) width(s string) float64 {
	w := 0.0
	for _, r := range runs(s) {
		p.setRunFont(r.cjk)
		w += p.GetStringWidth(r.text)
	}
	p.setRunFont(false)
	return w
}

// cell writes one table cell of width w, cutting the text to fit.
func (p *pdfDoc) cell(w, h float64, s, align string, fill bool) {
	p.cellB(w, h, s, align, fill, "1")
}

func (p *pdfDoc) cellB(w, h float64, s, align string, fill bool, border string) {
	s = clean(s)
	x, y := p.GetXY()
	p.CellFormat(w, h, "", border, 0, "", fill, 0, "")
	if p.width(s) > w-2 {
		rs := []rune(s)
		for len(rs) > 0 && p.width(string(rs)+"…") > w-2 {
			rs = rs[:len(rs)-1]
		}
		s = string(rs) + "…"
	}
	tw := p.width(s)
	tx := x + 1
	if align == "R" {
		tx = x + w - 1 - tw
	}
	p.SetXY(tx, y)
	for _, r := range runs(s) {
		p.setRunFont(r.cjk)
		rw := p.GetStringWidth(r.text)
		p.CellFormat(rw, h, r.text, "", 0, "L", false, 0, "")
	}
	p.setRunFont(false)
	p.SetXY(x+w, y)
}

// table draws a table whose columns share the body width by weights.
func (p *pdfDoc) table(head []string, weights []float64, align string, rows [][]string) {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	ws := make([]float64, len(weights))
	for i, w := range weights {
		ws[i] = bodyWidth * w / total
	}
	h := 6.0
	hasHead := strings.Join(head, "") != ""
	var row func(cells []string, header bool)
	row = func(cells []string, header bool) {
		if p.GetY()+h > 297-margin-8 {
			p.AddPage()
			if !header && hasHead {
				row(head, true) // the header again on the new page
			}
		}
		p.SetX(margin)
		if header {
			p.font("B", 8.5)
			p.SetFillColor(238, 241, 244)
		} else {
			p.font("", 8.5)
		}
		for i, c := range cells {
			a := "L"
			if i < len(align) && align[i] == 'R' {
				a = "R"
			}
			p.cell(ws[i], h, c, a, header)
		}
		p.Ln(h)
	}
	if hasHead {
		row(head, true)
	}
	for _, r := range rows {
		row(r, false)
	}
	p.Ln(2)
	p.font("", 10)
}

// need starts a new page unless mm of height are left, so a heading
// stays with what follows it.
func (p *pdfDoc) need(mm float64) {
	if p.GetY()+mm > 297-margin-8 {
		p.AddPage()
	}
}

func (p *pdfDoc) heading(s string, size float64) {
	p.need(30)
	p.Ln(3)
	p.SetX(margin)
	p.font("B", size)
	p.SetTextColor(29, 35, 42)
	p.write(size*0.5, s, "")
	p.Ln(size*0.5 + 2)
	if size >= 13 {
		p.SetDrawColor(200, 206, 212)
		p.Line(margin, p.GetY()-1, pageWidth-margin, p.GetY()-1)
		p.Ln(1)
	}
	p.font("", 10)
}

func (p *pdfDoc) para(s string) {
	p.SetX(margin)
	p.font("", 10)
	p.write(5, s, "")
	p.Ln(7)
}

func (p *pdfDoc) note(s string) {
	p.SetX(margin)
	p.font("I", 9)
	p.SetTextColor(90, 98, 108)
	p.write(4.5, s, "")
	p.SetTextColor(29, 35, 42)
	p.Ln(6.5)
	p.font("", 10)
}

// cite writes "(review #N)" or "(reviews #N, #M)", each a link when links
// are on.
func (p *pdfDoc) cite(ids []int64, quote string) {
	if len(ids) == 0 {
		return
	}
	p.SetTextColor(40, 90, 160)
	p.font("", 9)
	word := "review "
	if len(ids) > 1 {
		word = "reviews "
	}
	p.write(5, " ("+word, "")
	for i, id := range ids {
		if i > 0 {
			p.write(5, ", ", "")
		}
		p.write(5, fmt.Sprintf("#%d", id), p.links.Review(id, quote))
	}
	p.write(5, ")", "")
	p.SetTextColor(29, 35, 42)
	p.font("", 10)
}

func (p *pdfDoc) bullet(text string, ids []int64) {
	p.SetX(margin)
	p.font("", 10)
	p.write(5, "• ", "")
	p.SetLeftMargin(margin + 4)
	p.write(5, text, "")
	p.cite(ids, "")
	p.SetLeftMargin(margin)
	p.Ln(6.5)
}

func (p *pdfDoc) quote(q store.Quote) {
	p.SetX(margin + 4)
	p.SetLeftMargin(margin + 4)
	y := p.GetY()
	p.SetTextColor(58, 68, 80)
	p.font("", 9.5)
	p.write(4.8, "\u201c"+q.Quote+"\u201d", "")
	p.cite([]int64{q.ReviewID}, q.Quote)
	p.SetLeftMargin(margin)
	p.Ln(5)
	p.SetDrawColor(196, 204, 212)
	p.SetLineWidth(0.8)
	if p.GetY() > y {
		p.Line(margin+1.5, y+0.5, margin+1.5, p.GetY()-1)
	}
	p.SetLineWidth(0.2)
	p.SetTextColor(29, 35, 42)
	p.Ln(1)
}

// hbars is a vector bar chart: one labelled bar per item, scaled to max.
func (p *pdfDoc) hbars(labels []string, values []float64, texts []string, r, g, b int) {
	maxv := 0.0
	for _, v := range values {
		maxv = math.Max(maxv, v)
	}
	labelW, valueW := 50.0, 30.0
	barW := bodyWidth - labelW - valueW
	for i, v := range values {
		if p.GetY()+6 > 297-margin-8 {
			p.AddPage()
		}
		y := p.GetY()
		p.SetXY(margin, y)
		p.font("", 8.5)
		p.cellB(labelW, 5, labels[i], "L", false, "")
		p.SetDrawColor(255, 255, 255)
		if maxv > 0 && v > 0 {
			p.SetFillColor(r, g, b)
			p.Rect(margin+labelW+1, y+1, math.Max(0.4, barW*v/maxv), 3.2, "F")
		}
		p.SetXY(margin+labelW+barW+1, y)
		p.CellFormat(valueW-1, 5, texts[i], "", 0, "R", false, 0, "")
		p.Ln(5.5)
	}
	p.SetDrawColor(200, 206, 212)
	p.Ln(2)
	p.font("", 10)
}

// columns is a vector column chart of reviews per period with the
// negative ones stacked on top in red.
func (p *pdfDoc) columns(labels []string, total, negative []int64) {
	if len(labels) == 0 {
		return
	}
	h := 40.0
	if p.GetY()+h+12 > 297-margin-8 {
		p.AddPage()
	}
	x0, y0 := margin+10, p.GetY()+2
	w := bodyWidth - 10
	var maxv int64
	for _, v := range total {
		maxv = max(maxv, v)
	}
	if maxv == 0 {
		maxv = 1
	}
	p.SetDrawColor(160, 168, 176)
	p.Line(x0, y0+h, x0+w, y0+h)
	p.font("", 7)
	p.SetXY(margin, y0-1)
	p.CellFormat(9, 3, fmt.Sprint(maxv), "", 0, "R", false, 0, "")
	step := w / float64(len(labels))
	bw := step * 0.7
	for i := range labels {
		x := x0 + float64(i)*step + (step-bw)/2
		th := h * float64(total[i]) / float64(maxv)
		nh := h * float64(negative[i]) / float64(maxv)
		p.SetFillColor(79, 124, 172)
		p.Rect(x, y0+h-th, bw, th-nh, "F")
		p.SetFillColor(192, 80, 77)
		p.Rect(x, y0+h-nh, bw, nh, "F")
		if len(labels) <= 12 || i%((len(labels)+11)/12) == 0 {
			p.SetXY(x-2, y0+h+0.5)
			p.CellFormat(bw+4, 3, labels[i], "", 0, "C", false, 0, "")
		}
	}
	p.SetXY(margin, y0+h+5)
	p.SetFillColor(79, 124, 172)
	p.Rect(margin+10, p.GetY()+0.8, 3, 2.5, "F")
	p.SetX(margin + 14)
	p.CellFormat(40, 4, "reviews", "", 0, "L", false, 0, "")
	p.SetFillColor(192, 80, 77)
	p.Rect(margin+40, p.GetY()+0.8, 3, 2.5, "F")
	p.SetX(margin + 44)
	p.CellFormat(60, 4, "negative reviews", "", 0, "L", false, 0, "")
	p.Ln(8)
	p.font("", 10)
}

// documentText is every string of a document, to tell whether it needs the
// CJK font.
func documentText(d Document) string {
	var b strings.Builder
	add := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
		}
	}
	add(d.Product.Title, d.Narrative.ExecutiveSummary.Text)
	for _, cs := range [][]voc.Claim{d.Narrative.Strengths, d.Narrative.Weaknesses, d.Narrative.PriorityActions} {
		for _, c := range cs {
			add(c.Text)
		}
	}
	for _, p := range d.Narrative.Personas {
		add(p.Name, p.Summary)
	}
	topics := func(ts []store.TopicStat) {
		for _, t := range ts {
			add(t.Topic)
			for _, q := range t.Evidence {
				add(q.Quote)
			}
		}
	}
	topics(d.Agg.TopStrengths)
	topics(d.Agg.TopWeaknesses)
	topics(d.Agg.TopSuggestions)
	for _, f := range d.Agg.FiveW {
		topics(f.Labels)
	}
	for _, im := range d.Agg.Impact {
		add(im.Dimension)
	}
	for _, dm := range d.Agg.Dimensions {
		add(dm.Name)
	}
	for _, f := range d.Agg.FailedReviews {
		add(f.Reason)
	}
	return b.String()
}

// newPDFDoc starts an A4 document with voc's fonts (the CJK one only when
// text has Chinese, Japanese or Korean in it), its title, and on every page
// a header line and a footer line with the page number. It fails when the
// fonts cannot be found.
func newPDFDoc(l Links, text, title, header, footer string) (*pdfDoc, error) {
	fs := fonts()
	if fs.err != nil {
		return nil, fs.err
	}
	f := fpdf.New("P", "mm", "A4", "")
	p := &pdfDoc{Fpdf: f, links: l}
	f.AddUTF8FontFromBytes(famLatin, "", fs.sans)
	f.AddUTF8FontFromBytes(famLatin, "B", fs.bold)
	// No italic face is embedded: italic is drawn from the regular one.
	f.AddUTF8FontFromBytes(famLatin, "I", fs.sans)
	if fs.cjk != nil && strings.IndexFunc(text, isCJK) >= 0 {
		f.AddUTF8FontFromBytes(famCJK, "", fs.cjk)
		p.hasCJK = true
	}
	f.SetTitle(title, true)
	f.SetCreator("voc", true)
	f.SetMargins(margin, margin+6, margin)
	f.SetAutoPageBreak(true, margin+8)
	f.AliasNbPages("{nb}")
	f.SetHeaderFunc(func() {
		f.SetY(8)
		p.font("", 7.5)
		f.SetTextColor(110, 118, 128)
		f.SetX(margin)
		p.write(4, header, "")
		f.SetTextColor(29, 35, 42)
		f.SetY(margin + 6)
	})
	f.SetFooterFunc(func() {
		f.SetY(-12)
		p.font("", 7.5)
		f.SetTextColor(110, 118, 128)
		f.SetX(margin)
		f.CellFormat(bodyWidth/2, 4, footer, "", 0, "L", false, 0, "")
		f.CellFormat(bodyWidth/2, 4, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
		f.SetTextColor(29, 35, 42)
	})
	return p, nil
}

// PDF renders a report as a PDF document, in its kind's sections and
// order: charts are vector graphics, every page names the product, the
// coverage and its number, and citations link to the review when l is
// enabled. Text in Chinese, Japanese or Korean is set in the CJK font. It
// fails when the fonts cannot be found.
func PDF(d Document, l Links) ([]byte, error) {
	k := kindOf(d.Report.Kind)
	a, n := d.Agg, d.Narrative
	name := productName(d.Product)
	p, err := newPDFDoc(l, documentText(d), k.Title+": "+name,
		fmt.Sprintf("%s · %s / %s · %s", name, d.Product.Marketplace, d.Product.ASIN, k.Title),
		fmt.Sprintf("Report #%d · coverage %s of %d reviews · %s", d.Report.ID, pct(d.Report.Coverage),
			a.Coverage.ReviewsTotal, d.Report.CreatedAt.UTC().Format("2006-01-02")))
	if err != nil {
		return nil, err
	}
	f := p.Fpdf
	f.AddPage()

	p.font("B", 18)
	f.SetX(margin)
	p.write(8, k.Title, "")
	f.Ln(9)
	p.font("", 14)
	f.SetX(margin)
	p.write(7, name, "")
	f.Ln(10)
	p.table([]string{"", ""}, []float64{1, 3}, "LL", [][]string{
		{"Marketplace / ASIN", d.Product.Marketplace + " / " + d.Product.ASIN},
		{"Report", fmt.Sprintf("#%d, %s, analysis #%d", d.Report.ID, d.Report.Kind, d.Report.AnalysisID)},
		{"For", k.Audience},
		{"Generated", d.Report.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")},
		{"Coverage", fmt.Sprintf("%s of %d reviews analysed (insights %d, themes %d, translation %d)", pct(d.Report.Coverage),
			a.Coverage.ReviewsTotal, a.Coverage.InsightsDone, a.Coverage.ThemesDone, a.Coverage.TranslationDone)},
		{"Totals", fmt.Sprintf("%d reviews, %d insights, %d 5W tags, average rating %s", a.Reviews, a.Insights, a.Tags, avgRating(a.AverageRating))},
		{"Excluded", fmt.Sprintf("%d reviews excluded by an analyst (not counted anywhere in this report)", a.ExcludedReviews)},
	})
	p.note(k.Goal)
	if d.Report.Kind == KindPreliminary {
		p.note(fmt.Sprintf("Preliminary report: written when %s of the reviews were analysed; the final report follows when the analysis completes.", pct(d.Report.Coverage)))
	}

	claims := func(cs []voc.Claim) {
		for _, c := range cs {
			if strings.TrimSpace(c.Text) != "" {
				p.bullet(c.Text, c.ReviewIDs)
			}
		}
	}
	topics := func(title string, ts []store.TopicStat) {
		p.heading(title, 11.5)
		if len(ts) == 0 {
			p.note("None found.")
			return
		}
		labels, vals, texts := make([]string, len(ts)), make([]float64, len(ts)), make([]string, len(ts))
		for i, t := range ts {
			labels[i], vals[i], texts[i] = t.Topic, float64(t.Count), mentions(t.Count)
		}
		p.hbars(labels, vals, texts, 79, 124, 172)
		for _, t := range ts {
			if len(t.Evidence) == 0 {
				continue
			}
			p.font("B", 9.5)
			f.SetX(margin)
			p.write(5, t.Topic, "")
			f.Ln(6)
			for _, q := range t.Evidence {
				p.quote(q)
			}
		}
	}

	for _, sec := range k.Sections {
		p.heading(k.SectionTitle(sec), 14)
		switch sec {
		case SecSummary:
			if s := strings.TrimSpace(n.ExecutiveSummary.Text); s != "" {
				f.SetX(margin)
				p.write(5, s, "")
				p.cite(n.ExecutiveSummary.ReviewIDs, "")
				f.Ln(8)
			} else {
				p.note("No summary was written.")
			}
			if n.Check.Checked && len(n.Check.Repaired)+len(n.Check.Dropped) > 0 {
				p.note(fmt.Sprintf("Every figure in this prose was checked against the data: %d claim(s) corrected, %d dropped.", len(n.Check.Repaired), len(n.Check.Dropped)))
			}
		case SecRatings:
			if len(a.RatingDist) == 0 {
				p.note("No ratings.")
				continue
			}
			var labels, texts []string
			var vals []float64
			for _, c := range a.RatingDist {
				s := ratingShare(a.Aggregates, c.Count)
				labels, vals, texts = append(labels, ratingName(c.Key)), append(vals, s), append(texts, fmt.Sprintf("%d (%s)", c.Count, pct(s)))
			}
			p.hbars(labels, vals, texts, 79, 124, 172)
		case SecSentiment:
			if len(a.SentimentShare) == 0 {
				p.note("No review sentiment yet.")
				continue
			}
			var labels, texts []string
			var vals []float64
			for _, s := range a.SentimentShare {
				labels, vals, texts = append(labels, s.Key), append(vals, s.Share), append(texts, fmt.Sprintf("%d (%s)", s.Count, pct(s.Share)))
			}
			p.hbars(labels, vals, texts, 79, 124, 172)
		case SecImpact:
			if len(a.Impact) == 0 {
				p.note("No dimension has mentions yet.")
				continue
			}
			p.note(fmt.Sprintf("Sorted by effect on rating: how much the mean rating (%s) would rise without the reviews that complain about the dimension.", avgRating(a.AverageRating)))
			var labels, texts []string
			var vals []float64
			rows := [][]string{}
			for _, im := range a.Impact {
				labels, vals, texts = append(labels, im.Dimension), append(vals, math.Max(0, im.RatingLift)), append(texts, lift(im.RatingLift))
				rows = append(rows, []string{im.Dimension, fmt.Sprint(im.Mentions), signed(im.Net), fmt.Sprint(im.NegativeReviews),
					avgRating(im.RatingWithNegative), avgRating(im.RatingWithout), lift(im.RatingLift)})
			}
			p.hbars(labels, vals, texts, 192, 80, 77)
			p.table([]string{"Dimension", "Mentions", "Net", "Neg. reviews", "Rating w/ complaint", "Rating w/o", "Effect"},
				[]float64{2.4, 1.2, 0.9, 1.6, 2.6, 1.6, 1.1}, "LRRRRRR", rows)
		case SecDimensions:
			if len(a.Dimensions) == 0 {
				p.note("The model has no dimensions.")
				continue
			}
			rows := [][]string{}
			for _, s := range a.Dimensions {
				rows = append(rows, []string{s.Kind, s.Name, fmt.Sprint(s.Positive), fmt.Sprint(s.Neutral), fmt.Sprint(s.Negative), signed(s.Net)})
			}
			p.table([]string{"Kind", "Dimension", "Positive", "Neutral", "Negative", "Net"}, []float64{1.2, 3, 1, 1, 1, 1}, "LLRRRR", rows)
		case SecStrengths:
			claims(n.Strengths)
			topics("Top strengths", a.TopStrengths)
		case SecWeaknesses:
			claims(n.Weaknesses)
			topics("Top weaknesses", a.TopWeaknesses)
		case SecPolarising:
			ps := polarising(a)
			if len(ps) == 0 {
				p.note("No dimension splits customers: each leans clearly one way.")
				continue
			}
			rows := [][]string{}
			for _, im := range ps {
				rows = append(rows, []string{im.Dimension, fmt.Sprint(im.Positive), fmt.Sprint(im.Negative)})
			}
			p.table([]string{"Dimension", "Positive", "Negative"}, []float64{3, 1, 1}, "LRR", rows)
		case SecSuggestion:
			topics("Top suggestions", a.TopSuggestions)
		case SecEmerging:
			p.note("Test: " + a.EmergingTest + ".")
			if len(a.Emerging) == 0 {
				p.note("No dimension's complaints rose significantly.")
				continue
			}
			rows := [][]string{}
			for _, e := range a.Emerging {
				rows = append(rows, []string{e.Dimension, e.Period + " of " + e.Latest,
					fmt.Sprintf("%d/%d (%s)", e.LatestNegative, e.LatestReviews, pct(e.LatestShare)),
					fmt.Sprintf("%d/%d (%s)", e.PreviousNegative, e.PreviousReviews, pct(e.PreviousShare)), pvalue(e.P)})
			}
			p.table([]string{"Dimension", "Period", "Latest", "Previous", "p"}, []float64{2.5, 2, 1.8, 1.8, 0.8}, "LLRRR", rows)
		case SecFiveW:
			shown := 0
			for _, fw := range a.FiveW {
				if !k.ShowsFiveW(fw.Type) {
					continue
				}
				shown++
				p.heading(fiveWTitle(fw.Type), 11.5)
				if len(fw.Labels) == 0 {
					p.note("No labels.")
					continue
				}
				var labels, texts []string
				var vals []float64
				for _, lb := range fw.Labels {
					labels, vals, texts = append(labels, lb.Topic), append(vals, lb.Share), append(texts, fmt.Sprintf("%d (%s)", lb.Count, pct(lb.Share)))
				}
				p.hbars(labels, vals, texts, 95, 140, 110)
				for _, lb := range fw.Labels {
					if len(lb.Evidence) > 0 {
						p.quote(lb.Evidence[0])
					}
				}
			}
			if shown == 0 {
				p.note("No 5W tags yet.")
			}
		case SecTrend:
			p.need(75) // the heading with its chart
			p.heading("Monthly trend", 11.5)
			if len(a.MonthlyTrend) == 0 {
				p.note("No dated reviews.")
			} else {
				var labels []string
				var tot, neg []int64
				for _, m := range a.MonthlyTrend {
					labels, tot, neg = append(labels, m.Month), append(tot, m.Reviews), append(neg, m.Negative)
				}
				p.columns(labels, tot, neg)
			}
			for _, tr := range []Trend{a.Trends.Monthly, a.Trends.Weekly} {
				title := "Weekly complaints per dimension"
				if tr.Period == store.PeriodMonth {
					title = "Monthly complaints per dimension"
				}
				p.heading(title, 11.5)
				if len(tr.Periods) == 0 || len(tr.Dimensions) == 0 {
					p.note("No dated reviews with insights.")
					continue
				}
				ps := tr.Periods[max(0, len(tr.Periods)-6):]
				off := len(tr.Periods) - len(ps)
				head := []string{"Dimension"}
				weights := []float64{2.6}
				align := "L"
				for _, pe := range ps {
					label := pe.Start
					if tr.Period == store.PeriodWeek {
						label = pe.Start[5:] // MM-DD: the year is in the monthly table
					}
					head, weights, align = append(head, label), append(weights, 1), align+"R"
				}
				rows := [][]string{}
				rv := []string{"reviews"}
				for _, pe := range ps {
					rv = append(rv, fmt.Sprint(pe.Reviews))
				}
				rows = append(rows, rv)
				for _, dm := range tr.Dimensions {
					r := []string{dm.Dimension}
					for _, pt := range dm.Points[off:] {
						r = append(r, pct(pt.NegativeShare))
					}
					rows = append(rows, r)
				}
				p.note("Share of the period's reviews with a negative mention of the dimension.")
				p.table(head, weights, align, rows)
			}
		case SecAgreement:
			rv := a.RatingVsSentiment
			if rv.Compared == 0 {
				p.note("No reviews have both a rating and a sentiment yet.")
				continue
			}
			p.para(fmt.Sprintf("The star rating agrees with the text's sentiment in %d of %d reviews (%s): 4–5★ positive, 3★ neutral, 1–2★ negative. "+
				"Disagreements are worth reading: they often hide complaints in high ratings or praise in low ones.", rv.Agree, rv.Compared, pct(rv.Rate)))
		case SecPersonas:
			if len(n.Personas) == 0 {
				p.note("No personas were written.")
			}
			for _, ps := range n.Personas {
				p.heading(ps.Name, 11.5)
				f.SetX(margin)
				p.write(5, ps.Summary, "")
				p.cite(ps.ReviewIDs, "")
				f.Ln(8)
			}
		case SecActions:
			if len(n.PriorityActions) == 0 {
				p.note("No actions were written.")
			}
			for i, c := range n.PriorityActions {
				f.SetX(margin)
				p.font("B", 10)
				p.write(5, fmt.Sprintf("%d. ", i+1), "")
				p.font("", 10)
				f.SetLeftMargin(margin + 5)
				p.write(5, c.Text, "")
				p.cite(c.ReviewIDs, "")
				f.SetLeftMargin(margin)
				f.Ln(7)
			}
		case SecChecklist:
			items := checklist(a)
			if len(items) == 0 {
				p.note("No complaints to check for.")
				continue
			}
			for _, it := range items {
				f.SetX(margin)
				f.SetDrawColor(90, 98, 108)
				f.Rect(margin, f.GetY()+1, 3.2, 3.2, "D")
				f.SetX(margin + 5)
				p.font("B", 10)
				p.write(5, it.Impact.Dimension, "")
				p.font("", 10)
				p.write(5, fmt.Sprintf(": %d negative mentions in %d reviews (effect on rating %s)", it.Impact.Negative, it.Impact.NegativeReviews, lift(it.Impact.RatingLift)), "")
				f.Ln(6.5)
				for _, q := range it.Quotes {
					p.quote(q)
				}
			}
		case SecFailures:
			c := a.Coverage
			p.para(fmt.Sprintf("%d review-stage failures: translation %d, insights %d, themes %d. Failed reviews have no insights or tags, so the insight and 5W figures above leave them out.",
				failedCount(a.Aggregates), c.TranslationFailed, c.InsightsFailed, c.ThemesFailed))
			if len(a.FailedReviews) > 0 {
				rows := [][]string{}
				for _, fr := range a.FailedReviews[:min(len(a.FailedReviews), maxFailuresListed)] {
					rows = append(rows, []string{fmt.Sprintf("#%d", fr.ReviewID), fr.Stage, fr.Reason})
				}
				p.table([]string{"Review", "Stage", "Reason"}, []float64{1, 1.5, 5}, "RLL", rows)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("render report %d as pdf: %w", d.Report.ID, err)
	}
	return buf.Bytes(), nil
}
