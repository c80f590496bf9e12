package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
)

func TestQuoteInLanguage(t *testing.T) {
	t.Parallel()
	q := func(quote, translated, lang string) store.Quote {
		return store.Quote{ReviewID: 1, Quote: quote, QuoteTranslated: translated, Language: lang}
	}
	for _, tt := range []struct {
		name       string
		in         store.Quote
		target     string
		translated string
		is         bool
	}{
		{"same language: its own translation", q("battery died", "", "en"), "en", "battery died", false},
		{"same language, region ignored", q("battery died", "x", "en"), "en-GB", "battery died", false},
		{"foreign with a translation", q("Akku ist leer", "battery is empty", "de"), "en", "battery is empty", true},
		{"foreign, the quote repeated (offline)", q("Akku ist leer", "Akku ist leer", "de"), "en", "", false},
		{"foreign, the model's quote differs only in punctuation and case", q("Akku ist leer", "akku ist leer.", "de"), "en", "", false},
		{"foreign without translation", q("Akku ist leer", "", "de"), "en", "", false},
		{"undetermined language stands for itself", q("ok!!", "", "und"), "en", "ok!!", false},
	} {
		got := store.QuoteInLanguage(tt.in, tt.target)
		require.Equal(t, tt.translated, got.QuoteTranslated, tt.name)
		require.Equal(t, tt.is, got.Translated, tt.name)
		require.Equal(t, tt.in.Quote, got.Quote, tt.name)
	}
}
