package report

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/comparison"
	"github.com/voc-project/voc/internal/pdftest"
	"github.com/voc-project/voc/store"
)

// TestComparisonPDFText renders a comparison of an English, a German and a
// Chinese product and reads it back with pdftotext: every product's
// evidence is there with its review cited, the Chinese text is set (not
// dropped or boxed), the alignment is shown with how it was made.
func TestComparisonPDFText(t *testing.T) {
	t.Parallel()
	avg := 4.2
	v := comparison.View{ID: 7, Name: "Speakers <vs> phones", AlignmentSource: "llm", AlignmentNote: "aligned by meaning by the language model voc-sim",
		Products: []comparison.Product{
			{ID: 1, Marketplace: "US", ASIN: "B0SPEAKER1", Title: "Echo Dot", ProductOverview: store.ProductOverview{Reviews: 40, AvgRating: &avg,
				SentimentShare: []store.ShareItem{{Key: "positive", Share: 0.75}}}},
			{ID: 2, Marketplace: "DE", ASIN: "B0SPEAKER2", Title: "Lautsprecher", ProductOverview: store.ProductOverview{Reviews: 12}},
			{ID: 3, Marketplace: "CN", ASIN: "B0PHONE001", Title: "华为手机", ProductOverview: store.ProductOverview{Reviews: 30, ExcludedReviews: 2}},
		},
		Alignment: []store.AlignGroup{{Key: "llm", Name: "Battery life", Kind: "product", Members: []store.AlignMember{
			{ProductID: 1, DimensionID: 11, Name: "battery life"}, {ProductID: 2, DimensionID: 21, Name: "Akkulaufzeit"}, {ProductID: 3, DimensionID: 31, Name: "续航"}}}},
		Matrix: []comparison.Row{{Key: "llm", Name: "Battery life", Kind: "product", Cells: []*comparison.Cell{
			{ProductID: 1, Volume: 5, Positive: 4, Negative: 1, Net: 0.6, Impact: 0.075, Evidence: []store.Quote{{ReviewID: 101, Quote: "The battery lasts all day"}}},
			{ProductID: 2, Volume: 2, Negative: 2, Net: -1, Impact: -0.167, Evidence: []store.Quote{{ReviewID: 202, Quote: "Der Akku hält nicht lange"}}},
			{ProductID: 3, Volume: 3, Positive: 3, Net: 1, Impact: 0.1, Evidence: []store.Quote{{ReviewID: 303, Quote: "电池很耐用，充一次用两天"}}},
		}}},
		FiveW: []comparison.FiveWDiff{{Type: "where", Label: "厨房", Shares: []float64{0.5, 0.1, 0}, Spread: 0.5}},
	}
	pdf, err := ComparisonPDF(v, Links{Base: "https://voc.example", Enabled: true})
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(pdf), "%PDF-"))
	require.Contains(t, string(pdf), "/URI (https://voc.example/reviews/303?quote=")
	text := pdftest.Text(t, pdf)
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"The battery lasts all day", "Der Akku hält nicht lange", "电池很耐用，充一次用两天", "华为手机", "厨房", "续航",
		"Speakers <vs> phones", "aligned by meaning by the language model voc-sim", "US/B0SPEAKER1: battery life; DE/B0SPEAKER2: Akkulaufzeit; CN/B0PHONE001: 续航", "5 · +0.60 · +0.075"} {
		require.Contains(t, flat, strings.Join(strings.Fields(want), ""), want)
	}
	for _, id := range []string{"#101", "#202", "#303"} {
		require.Contains(t, flat, "(review"+id+")")
	}
	require.Contains(t, text, "Page 1 of")
}
