package ingest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

func TestParseRating(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want int // 0: rejected
	}{
		{"5", 5}, {"1", 1}, {" 3 ", 3}, {"5.0", 5}, {"4.00", 4}, {"5,0", 5},
		{"4 out of 5 stars", 4}, {"5.0 out of 5 stars", 5}, {"Rated 2 out of 5", 2},
		{"5,0 von 5 Sternen", 5}, {"4,0 de 5 estrellas", 4}, {"3,0 sur 5 étoiles", 3},
		{"4,0 su 5 stelle", 4}, {"2,0 van 5 sterren", 2},
		{"5つ星のうち4.0", 4}, {"5つ星のうち1.0", 1}, {"５つ星のうち３．０", 3},
		{"4.0 颗星，最多 5 颗星", 4}, {"4/5", 4}, {"5 stars", 5}, {"1 star", 1}, {"4星", 4},
		{"★★★★☆", 4}, {"★★★★★", 5}, {"★☆☆☆☆", 1}, {"⭐⭐⭐", 3}, {"★ ★ ★", 3},
		// Rejected
		{"", 0}, {"  ", 0}, {"N/A", 0}, {"0", 0}, {"6", 0}, {"10", 0}, {"-3", 0}, {"4.5", 0},
		{"8/10", 0}, {"3 out of 10", 0}, {"great", 0}, {"☆☆☆☆☆", 0}, {"★★★★★★", 0},
		{"2024-01-15", 0}, {"99999999999999999999999", 0},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			got, ok := ingest.ParseRating(tc.raw)
			if tc.want == 0 {
				require.Falsef(t, ok, "ParseRating(%q) = %d, want rejection", tc.raw, got)
				return
			}
			require.Truef(t, ok, "ParseRating(%q) rejected", tc.raw)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestParseHelpfulVotes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  string
		want int
		ok   bool
	}{
		{"", 0, true}, {"N/A", 0, true}, {"0", 0, true}, {"12", 12, true}, {" 7 ", 7, true},
		{"1,234", 1234, true}, {"1.234", 1234, true}, {"12.0", 12, true}, {"1 234", 1234, true},
		{"2,345,678", 2345678, true},
		{"One person found this helpful", 1, true},
		{"12 people found this helpful", 12, true},
		{"1,024 people found this helpful", 1024, true},
		{"Eine Person fand diese Informationen hilfreich", 1, true},
		{"15 Personen fanden diese Informationen hilfreich", 15, true},
		{"Une personne a trouvé cela utile", 1, true},
		{"A 3 personas les ha parecido esto útil", 3, true},
		{"Una persona ha trovato utile questa recensione", 1, true},
		{"3人のお客様がこれが役に立ったと考えています", 3, true},
		{"12 人发现此评论有帮助", 12, true},
		{"Helpful (5)", 5, true},
		{"lots", 0, false}, {"-3", 0, false}, {"1.5", 0, false}, {"99999999999", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			got, ok := ingest.ParseHelpfulVotes(tc.raw)
			require.Equalf(t, tc.ok, ok, "ParseHelpfulVotes(%q) ok", tc.raw)
			if tc.ok {
				require.Equal(t, tc.want, got)
			}
		})
	}
}

func TestParseBool(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw       string
		value, ok bool
	}{
		{"true", true, true}, {"TRUE", true, true}, {"1", true, true}, {"yes", true, true},
		{"Y", true, true}, {"y", true, true}, {"Verified Purchase", true, true},
		{"Verifizierter Kauf", true, true}, {"Achat vérifié", true, true}, {"Compra verificada", true, true},
		{"是", true, true}, {"✓", true, true}, {"x", true, true},
		{"false", false, true}, {"0", false, true}, {"no", false, true}, {"N", false, true},
		{"", false, true}, {"  ", false, true}, {"N/A", false, true}, {"nein", false, true},
		{"Unverified", false, true}, {"Vine Customer Review of Free Product", false, true},
		{"maybe", false, false}, {"2", false, false}, {"verified-ish stuff", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			t.Parallel()
			v, ok := ingest.ParseBool(tc.raw)
			require.Equalf(t, tc.ok, ok, "ParseBool(%q) ok", tc.raw)
			require.Equalf(t, tc.value, v, "ParseBool(%q)", tc.raw)
		})
	}
}

func TestParseImageURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cell string
		want []string
	}{
		{"", nil},
		{"https://a/1.jpg", []string{"https://a/1.jpg"}},
		{"https://a/1.jpg https://a/2.jpg", []string{"https://a/1.jpg", "https://a/2.jpg"}},
		{"https://a/1.jpg|https://a/2.jpg; https://a/3.jpg", []string{"https://a/1.jpg", "https://a/2.jpg", "https://a/3.jpg"}},
		{"https://a/1.jpg,HTTPS://a/2.jpg", []string{"https://a/1.jpg", "HTTPS://a/2.jpg"}},
		{"https://m.media-amazon.com/images/I/71x._CR0,0,500,500_.jpg", []string{"https://m.media-amazon.com/images/I/71x._CR0,0,500,500_.jpg"}},
		{`["https://a/1.jpg","https://a/2.jpg"]`, []string{"https://a/1.jpg", "https://a/2.jpg"}},
		{`['https://a/1.jpg', 'https://a/2.jpg']`, []string{"https://a/1.jpg", "https://a/2.jpg"}},
		{"İİİ,http", nil}, // rejected as not a URL, but must not panic
	}
	for _, tc := range tests {
		t.Run(tc.cell, func(t *testing.T) {
			t.Parallel()
			body := "rating,body,images\n5,x,\"" + strings.ReplaceAll(tc.cell, `"`, `""`) + "\"\n"
			res := parse(t, []byte(body), ingest.Options{})
			require.NoError(t, res.err)
			if tc.cell == "İİİ,http" {
				require.Len(t, res.rejections, 1)
				return
			}
			require.Len(t, res.reviews, 1)
			require.Equal(t, tc.want, res.reviews[0].ImageURLs)
			require.Equal(t, len(tc.want) > 0, res.reviews[0].HasImages)
		})
	}
}
