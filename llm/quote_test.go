package llm_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
)

// TestLocateQuoteReturnsTheReviewsOwnCharacters: matching is tolerant, but
// the span is the review's exact substring at its character offsets.
func TestLocateQuoteReturnsTheReviewsOwnCharacters(t *testing.T) {
	r := llm.ReviewText{
		Title:          "Great “value” — really",
		Body:           "The battery   lasts ALL week. 音質がとても良い。Setup was easy.",
		BodyTranslated: "The sound quality is very good.",
	}
	cases := []struct {
		quote, field, text string
	}{
		{"battery lasts all week", llm.FieldBody, "battery   lasts ALL week"},
		{`"The battery lasts all week."`, llm.FieldBody, "The battery   lasts ALL week"},
		{`great "value" - really`, llm.FieldTitle, "Great “value” — really"},
		{"音質がとても良い", llm.FieldBody, "音質がとても良い"},
		{"battery … week", llm.FieldBody, "battery   lasts ALL week"},
		{"sound quality is very good", llm.FieldBodyTranslated, "sound quality is very good"},
	}
	for _, c := range cases {
		sp, ok := llm.LocateQuote(c.quote, r)
		require.True(t, ok, c.quote)
		require.Equal(t, c.field, sp.Field, c.quote)
		require.Equal(t, c.text, sp.Text, c.quote)
		var src string
		switch sp.Field {
		case llm.FieldTitle:
			src = r.Title
		case llm.FieldBody:
			src = r.Body
		case llm.FieldBodyTranslated:
			src = r.BodyTranslated
		}
		require.Equal(t, sp.Text, string([]rune(src)[sp.Start:sp.End]), "offsets are in characters")
	}
	for _, bad := range []string{
		"",
		"battery lasts all month",         // paraphrase
		"battery lasts all week setup",    // joined across sentences
		"The battery lasts. ALL week",     // punctuation moved inside
		"t ... y",                         // an ellipsis may not stand for the whole review
		"Die Akkulaufzeit ist großartig.", // not in the review at all
	} {
		_, ok := llm.LocateQuote(bad, r)
		require.False(t, ok, bad)
	}
	long := llm.ReviewText{Body: "start here " + strings.Repeat("x", 200) + " end there"}
	_, ok := llm.LocateQuote("start here … end there", long)
	require.False(t, ok, "an ellipsis gap longer than the limit")
}
