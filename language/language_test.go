package language_test

import (
	"encoding/csv"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/language"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want string
	}{
		{"", "und"},
		{"OK", "und"},
		{"👍👍👍", "und"},
		{"12345 !!!", "und"},
		{"Love it! Works great and the sound is good.", "en"},
		{"It's not what I expected", "en"},
		{"Das Produkt ist leider nach einer Woche kaputt gegangen.", "de"},
		{"Sehr gut, schnelle Lieferung", "de"},
		{"Produit conforme à la description, je recommande.", "fr"},
		{"Très déçu, ça ne marche pas", "fr"},
		{"Muy buen producto, llegó rápido.", "es"},
		{"¿Por qué no funciona?", "es"},
		{"Prodotto ottimo, consiglio a tutti.", "it"},
		{"Produto muito bom, chegou antes do prazo.", "pt"},
		{"Het product werkt heel goed, snel geleverd.", "nl"},
		{"Bardzo dobry produkt, polecam!", "pl"},
		{"Mycket bra produkt, fungerar som den ska.", "sv"},
		{"Çok güzel bir ürün, tavsiye ederim.", "tr"},
		{"Barang sangat bagus dan pengiriman cepat.", "id"},
		{"Sản phẩm rất tốt, giao hàng nhanh.", "vi"},
		{"这个手机信号很好，电池也耐用。", "zh"},
		{"這個手機訊號很好。", "zh"},
		{"iPhone很好用", "zh"},
		{"とても使いやすいです。", "ja"},
		{"Amazonで買ったケースです。品質は良い", "ja"},
		{"배송이 빠르고 좋아요", "ko"},
		{"Отличный товар, всем советую", "ru"},
		{"Чудовий товар, рекомендую всім і кожному", "uk"},
		{"Το προϊόν είναι πολύ καλό", "el"},
		{"المنتج ممتاز وسريع التوصيل", "ar"},
		{"המוצר מצוין", "he"},
		{"สินค้าดีมาก", "th"},
		{"बहुत अच्छा उत्पाद", "hi"},
		{"https://www.amazon.com/dp/B073SQYXTW/ref=cm_cr_ryp_prd_ttl_sol_18", "und"},
		{"Great, see https://www.amazon.de/dp/B073SQYXTW/ref=cm_cr_ryp for details", "en"},
		{"1.6600采用Series 60 Developer Platform 2.0,基于Symbian OS 7.0s", "zh"},
		{"Extremely low in volume", "en"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, language.Detect(tc.text))
		})
	}
}

func TestDetectPair(t *testing.T) {
	t.Parallel()
	require.Equal(t, "de", language.DetectPair("Super", "Das Gerät funktioniert einwandfrei und ist schnell."))
	require.Equal(t, "en", language.DetectPair("", "This is great"))
	require.Equal(t, language.Detect("Great product works well"), language.DetectPair("Great product", "works well"))
	// Only the first MaxScanBytes count: a long English title hides the body.
	long := strings.Repeat("the product is great and works well ", 10)
	require.Equal(t, "en", language.DetectPair(long, "Das Produkt ist sehr gut und ich bin zufrieden."))
}

func TestDetectTruncatesAtRuneBoundary(t *testing.T) {
	t.Parallel()
	// 255 ASCII bytes then a 3-byte rune straddling the cut.
	s := strings.Repeat("a", language.MaxScanBytes-1) + "中文"
	require.NotPanics(t, func() { language.Detect(s) })
}

// marcRows reads the shared multilingual sample: (language, text) pairs.
func marcRows(tb testing.TB) [][2]string {
	tb.Helper()
	f, err := os.Open(fixture.SharedPath(tb, "marc_multilingual_sample.csv"))
	require.NoError(tb, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(tb, err)
	require.Equal(tb, []string{"id", "language", "stars", "text"}, recs[0])
	out := make([][2]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		out = append(out, [2]string{r[1], r[3]})
	}
	return out
}

// TestDetectMARCAccuracy measures accuracy per language on the shared MARC
// sample (200 reviews each of de, en, es, fr, ja, zh) and asserts floors.
func TestDetectMARCAccuracy(t *testing.T) {
	t.Parallel()
	rows := marcRows(t)
	require.Len(t, rows, 1200)
	total := map[string]int{}
	correct := map[string]int{}
	confusions := map[string]int{}
	for _, r := range rows {
		want, text := r[0], r[1]
		got := language.Detect(text)
		total[want]++
		if got == want {
			correct[want]++
		} else {
			confusions[want+"->"+got]++
			if testing.Verbose() {
				t.Logf("%s -> %s: %.80q", want, got, text)
			}
		}
	}
	var langs []string
	for l := range total {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	all, ok := 0, 0
	for _, l := range langs {
		acc := float64(correct[l]) / float64(total[l])
		t.Logf("%s: %d/%d = %.1f%%", l, correct[l], total[l], 100*acc)
		require.GreaterOrEqualf(t, acc, 0.95, "accuracy for %s", l)
		all += total[l]
		ok += correct[l]
	}
	overall := float64(ok) / float64(all)
	t.Logf("overall: %d/%d = %.2f%%; confusions: %v", ok, all, 100*overall, confusions)
	require.GreaterOrEqual(t, overall, 0.98)
}

func BenchmarkDetect(b *testing.B) {
	rows := marcRows(b)
	texts := make([]string, len(rows))
	var bytes int64
	for i, r := range rows {
		texts[i] = r[1]
		bytes += int64(min(len(r[1]), language.MaxScanBytes))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		language.Detect(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reviews/s")
}

// BenchmarkDetectShort is the common case: a one-line review.
func BenchmarkDetectShort(b *testing.B) {
	texts := []string{
		"Love my Echo!", "Sehr gut, schnelle Lieferung", "Produit conforme, je recommande.",
		"Muy buen producto", "信号很好，电池耐用", "とても使いやすいです。",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		language.Detect(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reviews/s")
}
