package api

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/store"
)

// fakeExport is an in-memory exportSource.
type fakeExport struct {
	reviews  []store.ReviewDetail
	insights []store.ExportInsight
	tags     []store.ExportTag
	err      error // returned by Insights
}

func (f fakeExport) Reviews(_ context.Context, fn func(store.ReviewDetail) error) error {
	for _, r := range f.reviews {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (f fakeExport) Insights(_ context.Context, fn func(store.ExportInsight) error) error {
	if f.err != nil {
		return f.err
	}
	for _, x := range f.insights {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func (f fakeExport) Tags(_ context.Context, fn func(store.ExportTag) error) error {
	for _, x := range f.tags {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func ptrOf[T any](v T) *T { return &v }

func TestCellText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                   "",
		"great sound":        "great sound",
		"=HYPERLINK(\"x\")":  "'=HYPERLINK(\"x\")",
		"+1 for battery":     "'+1 for battery",
		"-2 stars":           "'-2 stars",
		"@SUM(A1)":           "'@SUM(A1)",
		"\t=cmd":             "'\t=cmd",
		"\r=cmd":             "'\r=cmd",
		"a = b":              "a = b",
		"'already quoted":    "'already quoted",
		"５ stars, fullwidth": "５ stars, fullwidth",
	} {
		require.Equal(t, want, cellText(in), "cellText(%q)", in)
	}
}

// readBack writes the workbook out and opens it again, as a client would.
func readBack(t *testing.T, f *excelize.File) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	require.NoError(t, f.Close())
	out, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	t.Cleanup(func() { _ = out.Close() })
	return out
}

func TestBuildXLSX(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 40000)
	src := fakeExport{
		reviews: []store.ReviewDetail{
			{ID: 1, Rating: ptrOf(5), ReviewDate: "2024-03-05", Language: "en", Title: "=1+1", Body: "Great <b>sound</b>\nsecond line",
				TitleTranslated: ptrOf("标题"), BodyTranslated: ptrOf("@cmd"), TranslationStatus: "done", Sentiment: ptrOf("positive"),
				Variant: "Color: Black", Author: "-Ann", HelpfulVotes: 3, VerifiedPurchase: true, SourceReviewID: ptrOf("R1"),
				ReviewURL: "https://www.amazon.com/gp/customer-reviews/R1", ImageURLs: []string{"https://m.media-amazon.com/a.jpg", "https://m.media-amazon.com/b.jpg"},
				VideoURL: "https://m.media-amazon.com/v.mp4", Pinned: true},
			{ID: 2, Language: "und", Title: "bell\x07ring", Body: long, TranslationStatus: "pending"},
		},
		insights: []store.ExportInsight{
			{Language: "en", ReviewInsight: store.ReviewInsight{ID: 10, ReviewID: 1, Type: "strength", Dimension: "sound", Quote: "+great",
				QuoteTranslated: "好", Analysis: "ok", Sentiment: "positive", Confidence: "high"}},
			// The offline analyser stores a foreign quote as its own
			// "translation": no translation is claimed.
			{Language: "de", ReviewInsight: store.ReviewInsight{ID: 11, ReviewID: 3, Type: "weakness", Dimension: "sound", Quote: "zu leise",
				QuoteTranslated: "zu leise", Sentiment: "negative", Confidence: "high"}},
			// A quote in the target language is its own translation.
			{Language: "zh", ReviewInsight: store.ReviewInsight{ID: 12, ReviewID: 4, Type: "strength", Dimension: "sound", Quote: "很好",
				Sentiment: "positive", Confidence: "high"}},
		},
		tags: []store.ExportTag{
			{Language: "en", ReviewTag: store.ReviewTag{ID: 20, ReviewID: 1, Type: "buyer", Label: "parents", Quote: "for my son",
				QuoteTranslated: "给儿子", Explanation: "-gift", Confidence: "medium"}},
		},
	}
	f, err := buildXLSX(context.Background(), src, "https://voc.example", "zh")
	require.NoError(t, err)
	wb := readBack(t, f)

	require.Equal(t, []string{"Reviews", "Insights", "Tags"}, wb.GetSheetList())

	rows, err := wb.GetRows("Reviews")
	require.NoError(t, err)
	require.Len(t, rows, 3)
	require.Equal(t, []string{"Review ID", "Rating", "Date", "Language", "Title", "Body", "Title (translated)", "Body (translated)",
		"Translation status", "Sentiment", "Variant", "Author", "Helpful votes", "Verified purchase", "Source review ID", "Link",
		"Review URL", "Image URLs", "Video URL", "Excluded", "Pinned"}, rows[0])
	require.Equal(t, []string{"1", "5", "2024-03-05", "en", "'=1+1", "Great <b>sound</b>\nsecond line", "标题", "'@cmd", "done",
		"positive", "Color: Black", "'-Ann", "3", "TRUE", "R1", "https://voc.example/reviews/1", "https://www.amazon.com/gp/customer-reviews/R1",
		"https://m.media-amazon.com/a.jpg\nhttps://m.media-amazon.com/b.jpg", "https://m.media-amazon.com/v.mp4", "FALSE", "TRUE"}, rows[1])
	require.Equal(t, "2", rows[2][0])
	require.Empty(t, rows[2][1], "no rating, empty cell")
	require.True(t, strings.HasPrefix(rows[2][4], "bell"), "a control character does not corrupt the file: %q", rows[2][4])
	require.Equal(t, excelize.TotalCellChars, len(rows[2][5]), "cells are cut at Excel's limit")

	// No cell is a formula, whatever its text.
	for _, cell := range []string{"E2", "H2", "L2"} {
		formula, err := wb.GetCellFormula("Reviews", cell)
		require.NoError(t, err)
		require.Empty(t, formula, cell)
	}
	// Except the links, which open the review in the web UI.
	formula, err := wb.GetCellFormula("Reviews", "P2")
	require.NoError(t, err)
	require.Equal(t, `HYPERLINK("https://voc.example/reviews/1","https://voc.example/reviews/1")`, formula)
	formula, err = wb.GetCellFormula("Insights", "J2")
	require.NoError(t, err)
	require.Equal(t, `HYPERLINK("https://voc.example/reviews/1?quote=%2Bgreat","https://voc.example/reviews/1?quote=%2Bgreat")`, formula)

	rows, err = wb.GetRows("Insights")
	require.NoError(t, err)
	require.Equal(t, [][]string{
		{"Review ID", "Type", "Dimension", "Quote", "Quote (translated)", "Analysis", "Sentiment", "Confidence", "Language", "Link"},
		{"1", "strength", "sound", "'+great", "好", "ok", "positive", "high", "en", "https://voc.example/reviews/1?quote=%2Bgreat"},
		{"3", "weakness", "sound", "zu leise", "", "", "negative", "high", "de", "https://voc.example/reviews/3?quote=zu+leise"},
		{"4", "strength", "sound", "很好", "很好", "", "positive", "high", "zh", "https://voc.example/reviews/4?quote=%E5%BE%88%E5%A5%BD"},
	}, rows)

	rows, err = wb.GetRows("Tags")
	require.NoError(t, err)
	require.Equal(t, [][]string{
		{"Review ID", "Type", "Label", "Quote", "Quote (translated)", "Explanation", "Confidence", "Language", "Link"},
		{"1", "buyer", "parents", "for my son", "给儿子", "'-gift", "medium", "en", "https://voc.example/reviews/1?quote=for+my+son"},
	}, rows)
}

func TestBuildXLSXEmptyAndFailing(t *testing.T) {
	t.Parallel()
	f, err := buildXLSX(context.Background(), fakeExport{}, "", "en")
	require.NoError(t, err)
	wb := readBack(t, f)
	for _, sheet := range []string{"Reviews", "Insights", "Tags"} {
		rows, err := wb.GetRows(sheet)
		require.NoError(t, err)
		require.Len(t, rows, 1, "header only in %s", sheet)
	}

	boom := errors.New("boom")
	_, err = buildXLSX(context.Background(), fakeExport{err: boom}, "", "en")
	require.ErrorIs(t, err, boom)
}

func TestBuildXLSXManyRows(t *testing.T) {
	t.Parallel()
	const n = 20000
	src := fakeExport{reviews: make([]store.ReviewDetail, n)}
	for i := range src.reviews {
		src.reviews[i] = store.ReviewDetail{ID: int64(i + 1), Rating: ptrOf(1 + i%5), Body: strings.Repeat("text ", 40), TranslationStatus: "done"}
	}
	f, err := buildXLSX(context.Background(), src, "", "en")
	require.NoError(t, err)
	wb := readBack(t, f)
	rows, err := wb.Rows("Reviews")
	require.NoError(t, err)
	count := 0
	for rows.Next() {
		count++
	}
	require.NoError(t, rows.Close())
	require.Equal(t, n+1, count)
}
