package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/pdftest"
	"github.com/voc-project/voc/store"
)

// TestPDFText renders a report with Chinese and hostile text and reads it
// back with pdftotext: every page numbered, CJK text set (not dropped or
// boxed), links to the review pages present. A quote with an emoji (outside
// the fonts' 16-bit range, which made fpdf panic) prints as U+FFFD in a
// dimension name and a quote alike.
func TestPDFText(t *testing.T) {
	t.Parallel()
	pdftest.Need(t, "pdftotext")
	d := sampleDoc()
	d.Agg.TopWeaknesses = append(d.Agg.TopWeaknesses, store.TopicStat{Topic: "电池续航", Count: 7,
		Evidence: []store.Quote{{ReviewID: 77, Quote: "电池用了两天就没电了，太失望"}}})
	d.Agg.TopStrengths = append(d.Agg.TopStrengths, store.TopicStat{Topic: "Sound 🎧", Count: 3,
		Evidence: []store.Quote{{ReviewID: 78, Quote: "Love it 😂 great bass"}}})
	d.Agg.Impact = []Impact{{Kind: "product", Dimension: "电池续航", Mentions: 9, Negative: 7, NegativeReviews: 7, RatingLift: 0.12}}
	for _, kind := range []string{KindFinal, KindSupplyChain} {
		d.Report.Kind = kind
		pdf, err := PDF(d, Links{Base: "https://voc.example", Enabled: true})
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(string(pdf), "%PDF-"))
		require.Contains(t, string(pdf), "/URI (https://voc.example/reviews/77?quote=")
		text := pdftest.Text(t, pdf)
		require.Contains(t, text, "电池用了两天就没电了，太失望")
		if kind == KindFinal {
			require.Contains(t, text, "Love it \uFFFD great bass")
			// The impact table's headers fit their columns (they were cut
			// to "Neg. revi…" and "Rating w/ com…").
			for _, h := range []string{"Neg. reviews", "Rating w/ complaint", "Rating w/o"} {
				require.Contains(t, text, h)
			}
		}
		require.Contains(t, text, "Noise <Cancelling> Headphones", "text is text in a PDF")
		require.Contains(t, text, "Page 1 of")
		require.Contains(t, text, "coverage 90.0% of 100 reviews")
		k, _ := KindOf(kind)
		require.Contains(t, text, k.SectionTitle(SecWeaknesses))
	}
}
