package ingest_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"

	"github.com/voc-project/voc/ingest"
)

type dataset struct {
	file          string
	comma         rune
	opt           ingest.Options
	total, valid  int
	wantMapping   ingest.Mapping
	wantLanguages map[string]float64 // minimum share of valid reviews
}

var datasets = []dataset{
	{
		file: "marc_multilingual_sample.csv", comma: ',',
		total: 1200, valid: 1200,
		wantMapping: ingest.Mapping{"review_id": "id", "rating": "stars", "body": "text"},
	},
	{
		file: "amazon_alexa_reviews.tsv", comma: '\t', opt: ingest.Options{Format: ingest.FormatTSV},
		total: 3150, valid: 3071,
		wantMapping:   ingest.Mapping{"rating": "rating", "review_date": "date", "variant": "variation", "body": "verified_reviews"},
		wantLanguages: map[string]float64{"en": 0.85},
	},
	{
		file: "online_shopping_phones_zh.csv", comma: ',', opt: ingest.Options{DefaultRating: 3},
		total: 2323, valid: 2323,
		wantMapping:   ingest.Mapping{"body": "review"},
		wantLanguages: map[string]float64{"zh": 0.99},
	},
}

func TestParseSharedData(t *testing.T) {
	t.Parallel()
	for _, ds := range datasets {
		t.Run(ds.file, func(t *testing.T) {
			t.Parallel()
			res := mustParse(t, sharedData(t, ds.file), ds.opt)
			require.Equal(t, ds.total, res.sum.RowsTotal)
			require.Equal(t, ds.valid, res.sum.RowsValid)
			require.Equal(t, ds.total-ds.valid, res.sum.RowsRejected)
			require.Equal(t, ds.wantMapping, res.sum.Mapping)
			langs := map[string]int{}
			for _, r := range res.reviews {
				langs[r.Language]++
			}
			t.Logf("languages: %v", langs)
			for l, share := range ds.wantLanguages {
				require.GreaterOrEqual(t, float64(langs[l])/float64(len(res.reviews)), share, "share of %s", l)
			}
		})
	}
}

func TestParseMARC(t *testing.T) {
	t.Parallel()
	body := sharedData(t, "marc_multilingual_sample.csv")
	recs := readRecords(t, body, ',')
	res := mustParse(t, body, ingest.Options{})
	require.Len(t, res.reviews, len(recs)-1)
	agree := 0
	for i, r := range res.reviews {
		rec := recs[i+1]
		require.Equal(t, i+1, r.Row)
		require.Equal(t, rec[0], r.SourceReviewID)
		require.Equal(t, rec[2], string(rune('0'+r.Rating)))
		require.Equal(t, strings.TrimSpace(rec[3]), r.Body)
		require.False(t, r.HasDate)
		if r.Language == rec[1] {
			agree++
		}
	}
	require.GreaterOrEqual(t, float64(agree)/float64(len(res.reviews)), 0.98, "detected language agrees with the language column")
}

func TestParseAlexa(t *testing.T) {
	t.Parallel()
	body := sharedData(t, "amazon_alexa_reviews.tsv")
	require.True(t, bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")), "the file has a BOM")
	res := mustParse(t, body, ingest.Options{Format: ingest.FormatTSV})

	// Every date ("31-Jul-18" etc.) parses, in May–July 2018.
	from, to := time.Date(2018, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2018, 8, 1, 0, 0, 0, 0, time.UTC)
	variants := map[string]int{}
	for _, r := range res.reviews {
		require.Truef(t, r.HasDate, "row %d date %q", r.Row, r.ReviewDateRaw)
		require.False(t, r.ReviewDate.Before(from) || !r.ReviewDate.Before(to), r.ReviewDateRaw)
		variants[r.Variant]++
	}
	require.Equal(t, "31-Jul-18", res.reviews[0].ReviewDateRaw)
	require.Equal(t, time.Date(2018, 7, 31, 0, 0, 0, 0, time.UTC), res.reviews[0].ReviewDate)
	require.Equal(t, "Charcoal Fabric", res.reviews[0].Variant, "trailing space trimmed")
	require.Contains(t, variants, "Black Dot", "double space collapsed")
	require.Contains(t, variants, "Configuration: Fire TV Stick")
	require.Len(t, variants, 16)

	// The 79 rejections are the empty bodies, reported against the source column.
	require.Len(t, res.rejections, 79)
	for _, rj := range res.rejections {
		require.Equal(t, "verified_reviews", rj.Column)
		require.Equal(t, ingest.FieldBody, rj.Field)
		require.Contains(t, rj.Reason, "review text is empty")
		require.Equal(t, rj.Row+1, rj.Line, "one line per row after the header")
	}

	// Dedupe: identical short texts on different dates/variants/ratings are
	// kept; only rows identical in every field collapse.
	distinct := map[[32]byte]bool{}
	texts := map[string]bool{}
	for _, r := range res.reviews {
		distinct[r.ContentHash()] = true
		texts[r.Body] = true
	}
	t.Logf("valid %d, distinct content hashes %d, distinct texts %d", len(res.reviews), len(distinct), len(texts))
	require.Greater(t, len(distinct), len(texts), "same text on different dates/variants is kept")
	require.Less(t, len(distinct), len(res.reviews), "exact duplicate rows collapse")
}

func TestParseChineseWithoutRating(t *testing.T) {
	t.Parallel()
	body := sharedData(t, "online_shopping_phones_zh.csv")
	res := parse(t, body, ingest.Options{})
	requireFileError(t, res.err, "no usable columns", `"cat", "label", "review"`, "star rating", `map rating to ""`, `Column "label" was not used`)
	require.Zero(t, res.sum.RowsTotal)
	require.Empty(t, res.reviews)

	res = mustParse(t, body, ingest.Options{DefaultRating: 3})
	for _, r := range res.reviews {
		require.Equal(t, 3, r.Rating)
		require.True(t, r.RatingDefaulted)
	}
}

// TestParseAllFormats writes the shared rows as CSV, TSV, semicolon CSV,
// UTF-16 TSV, XLSX, JSON, JSON Lines and extension bodies and checks that
// every format yields the same counts, rejected rows and content hashes.
func TestParseAllFormats(t *testing.T) {
	t.Parallel()
	for _, ds := range datasets {
		t.Run(ds.file, func(t *testing.T) {
			t.Parallel()
			body := sharedData(t, ds.file)
			ref := mustParse(t, body, ds.opt)
			recs := readRecords(t, body, ds.comma)

			utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(writeCSV(t, recs, '\t'))
			require.NoError(t, err)
			utf16BE, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes(writeCSV(t, recs, ','))
			require.NoError(t, err)
			bodies := map[string]struct {
				body   []byte
				format ingest.Format
			}{
				"csv":       {writeCSV(t, recs, ','), ingest.FormatCSV},
				"tsv":       {writeCSV(t, recs, '\t'), ingest.FormatTSV},
				"semicolon": {writeCSV(t, recs, ';'), ingest.FormatCSV},
				"utf16":     {utf16, ingest.FormatCSV},
				"utf16be":   {utf16BE, ingest.FormatCSV},
				"xlsx":      {makeXLSX(t, recs), ingest.FormatXLSX},
				"json":      {makeJSON(t, recs), ingest.FormatJSON},
				"jsonl":     {makeJSONL(t, recs), ingest.FormatJSONL},
				"extension": {makeExtension(t, recs, ref.sum.Mapping), ingest.FormatExtension},
				"sniffed":   {makeJSONL(t, recs), ""},
			}
			for name, b := range bodies {
				t.Run(name, func(t *testing.T) {
					opt := ds.opt
					opt.Format = b.format
					got := mustParse(t, b.body, opt)
					require.Equal(t, ref.sum.RowsTotal, got.sum.RowsTotal)
					require.Equal(t, ref.sum.RowsValid, got.sum.RowsValid)
					require.Equal(t, ref.sum.RowsRejected, got.sum.RowsRejected)
					require.Equal(t, fmtRows(ref.rejectedRows()), fmtRows(got.rejectedRows()))
					require.Equal(t, ref.hashes(), got.hashes())
					for i := range ref.reviews {
						require.Equal(t, ref.reviews[i].Row, got.reviews[i].Row)
						require.Equal(t, ref.reviews[i].Language, got.reviews[i].Language)
						require.Equal(t, ref.reviews[i].SourceReviewID, got.reviews[i].SourceReviewID)
					}
				})
			}
		})
	}
}

func TestParseRowValidation(t *testing.T) {
	t.Parallel()
	body := "id,rating,title,body,date,helpful,verified,images,video,variant\n" +
		"r1,5,Great,Works well,2024-01-15,12,Verified Purchase,https://img/a.jpg https://img/b.jpg,,Color: Black\n" + // 1 valid
		"r2,4 out of 5 stars,,  Fine  ,\"January 2, 2024\",\"1,234\",yes,,https://v/1.mp4,\n" + // 2 valid
		"r3,,,no rating here,,,,,,\n" + // 3 rating empty
		"r4,4.5,,half star,,,,,,\n" + // 4 rating fraction
		"r5,great,,words,,,,,,\n" + // 5 rating word
		"r6,5,,   ,,,,,,\n" + // 6 body blank
		"r7,5,,bad helpful,,lots,,,,\n" + // 7 helpful
		"r8,5,,bad bool,,,maybe,,,\n" + // 8 verified
		"r9,5,,bad image,,,,javascript:alert(1),,\n" + // 9 image URL
		"r10,5,,too few columns\n" + // 10 column count
		"r11,5,,ambiguous date kept raw,03/04/2024,,,,,\n" + // 11 valid, no date
		",,,,,,,,,\n" + // blank: skipped, not counted
		"r12,0,,,,x,,,,\n" + // 12: rating and body and helpful: three problems
		"r1,5,Great,Works well,2024-01-15,12,Verified Purchase,https://img/a.jpg https://img/b.jpg,,Color: Black\n" + // 13 same id, same content: fine
		"r1,1,Other,Different review,2024-01-16,,,,,\n" // 14 same id, different review
	res := parse(t, []byte(body), ingest.Options{})
	require.NoError(t, res.err)
	require.Equal(t, 14, res.sum.RowsTotal)
	require.Equal(t, []int{1, 2, 11, 13}, rows(res.reviews))
	require.Equal(t, 10, res.sum.RowsRejected)

	r := res.reviews[0]
	require.Equal(t, "r1", r.SourceReviewID)
	require.Equal(t, 5, r.Rating)
	require.Equal(t, "Great", r.Title)
	require.True(t, r.HasDate)
	require.Equal(t, 12, r.HelpfulVotes)
	require.True(t, r.VerifiedPurchase)
	require.Equal(t, []string{"https://img/a.jpg", "https://img/b.jpg"}, r.ImageURLs)
	require.True(t, r.HasImages)
	require.False(t, r.HasVideo)
	require.Equal(t, "Color: Black", r.Variant)
	require.Equal(t, "en", r.Language)

	r = res.reviews[1]
	require.Equal(t, 4, r.Rating)
	require.Equal(t, "Fine", r.Body)
	require.Equal(t, 1234, r.HelpfulVotes)
	require.Equal(t, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), r.ReviewDate)
	require.True(t, r.HasVideo)
	require.Equal(t, "https://v/1.mp4", r.VideoURL)

	r = res.reviews[2]
	require.False(t, r.HasDate)
	require.Equal(t, "03/04/2024", r.ReviewDateRaw)

	byRow := map[int][]ingest.Rejection{}
	for _, rj := range res.rejections {
		byRow[rj.Row] = append(byRow[rj.Row], rj)
	}
	check := func(row int, column string, field ingest.Field, reason string) {
		t.Helper()
		for _, rj := range byRow[row] {
			if rj.Column == column && rj.Field == field && strings.Contains(rj.Reason, reason) {
				wantLine := row + 1
				if row > 11 {
					wantLine++ // the blank line
				}
				require.Equal(t, wantLine, rj.Line)
				return
			}
		}
		t.Errorf("row %d: no rejection %s/%s %q in %+v", row, column, field, reason, byRow[row])
	}
	check(3, "rating", ingest.FieldRating, "rating is empty")
	check(4, "rating", ingest.FieldRating, "not a whole number")
	check(5, "rating", ingest.FieldRating, `"great" is not a star rating`)
	check(6, "body", ingest.FieldBody, "review text is empty")
	check(7, "helpful", ingest.FieldHelpfulVotes, `"lots" is not a number`)
	check(8, "verified", ingest.FieldVerifiedPurchase, `"maybe" is not a yes/no value`)
	check(9, "images", ingest.FieldImageURLs, "not an http(s) URL")
	check(10, "", "", "row has 4 columns but the header has 10")
	check(12, "rating", ingest.FieldRating, "out of range")
	check(12, "body", ingest.FieldBody, "empty")
	check(12, "helpful", ingest.FieldHelpfulVotes, "not a number")
	require.Len(t, byRow[12], 3, "every problem of a row is reported")
	check(14, "id", ingest.FieldReviewID, `review id "r1" is also used by row 1`)
}

func rows(rs []*ingest.Review) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Row
	}
	return out
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", ingest.MaxBodyChars+1)
	ok := strings.Repeat("é", ingest.MaxBodyChars) // 2 bytes each: the limit is in characters
	body := "rating,body,title\n5," + long + ",x\n5," + ok + ",x\n5,fine," + strings.Repeat("t", ingest.MaxTitleChars+1) + "\n"
	res := parse(t, []byte(body), ingest.Options{})
	require.NoError(t, res.err)
	require.Equal(t, []int{2}, rows(res.reviews))
	require.Len(t, res.rejections, 2)
	require.Contains(t, res.rejections[0].Reason, "review text is 50001 characters; the limit is 50000")
	require.Equal(t, ingest.FieldTitle, res.rejections[1].Field)
}

func TestParseDefaultRating(t *testing.T) {
	t.Parallel()
	body := []byte("rating,body\n,no rating\n4,has rating\nbad,garbage rating\n")
	res := parse(t, body, ingest.Options{DefaultRating: 5})
	require.NoError(t, res.err)
	require.Len(t, res.reviews, 2)
	require.Equal(t, 5, res.reviews[0].Rating)
	require.True(t, res.reviews[0].RatingDefaulted)
	require.Equal(t, 4, res.reviews[1].Rating)
	require.False(t, res.reviews[1].RatingDefaulted)
	require.Equal(t, 3, res.rejections[0].Row, "a present but unreadable rating is still rejected")

	_, err := ingest.Parse(body, ingest.Options{DefaultRating: 6}, nil, nil)
	require.Error(t, err)
	require.NotErrorAs(t, err, new(*ingest.FileError))
}

func TestParseMappingOverride(t *testing.T) {
	t.Parallel()
	body := []byte("Sterne,Kommentar,Notiz\n5,Super Produkt,intern\n")
	res := mustParse(t, body, ingest.Options{Mapping: ingest.Mapping{"rating": "sterne", "body": "Notiz"}})
	require.Equal(t, "intern", res.reviews[0].Body, "override wins over auto")
	require.Equal(t, ingest.Mapping{"rating": "Sterne", "body": "Notiz"}, res.sum.Mapping, "headers as in the file")

	res = parse(t, body, ingest.Options{Mapping: ingest.Mapping{"rating": "Stars", "body": "Kommentar"}})
	requireFileError(t, res.err, `mapped to column "Stars"`, `"Sterne", "Kommentar", "Notiz"`)
	res = parse(t, body, ingest.Options{Mapping: ingest.Mapping{"stars": "Sterne", "body": "Kommentar"}})
	requireFileError(t, res.err, `unknown field "stars"`)
}

func TestParseExcelDateCell(t *testing.T) {
	t.Parallel()
	recs := [][]string{{"rating", "body", "date"}, {"5", "good", "2024-03-05"}}
	b := makeXLSX(t, recs)
	// Overwrite the date with a real date cell.
	f := openXLSX(t, b)
	require.NoError(t, f.SetCellValue("Reviews", "C2", time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)))
	style, err := f.NewStyle(&excelizeStyleDate)
	require.NoError(t, err)
	require.NoError(t, f.SetCellStyle("Reviews", "C2", "C2", style))
	res := mustParse(t, xlsxBytes(t, f), ingest.Options{Format: ingest.FormatXLSX})
	r := res.reviews[0]
	require.True(t, r.HasDate)
	require.Equal(t, time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), r.ReviewDate)
	require.Equal(t, "2024-03-05", r.ReviewDateRaw)
	require.Equal(t, mustParse(t, writeCSV(t, recs, ','), ingest.Options{}).hashes(), res.hashes())
}

func TestParseJSONVariants(t *testing.T) {
	t.Parallel()
	t.Run("object with reviews and typed values", func(t *testing.T) {
		t.Parallel()
		body := []byte(`{"source":"x","reviews":[
			{"rating":"5","body":"Great","helpful_votes":"12","verified_purchase":true,"image_urls":["https://a/1.jpg"]},
			{"rating":4.0,"body":"Good","helpful_votes":3,"verified_purchase":"false","image_urls":null},
			{"rating":5,"body":["not","text"]},
			"not an object",
			{"rating":5,"body":"nul\u0000byte"}
		]}`)
		res := parse(t, body, ingest.Options{Format: ingest.FormatJSON})
		require.NoError(t, res.err)
		require.Equal(t, 5, res.sum.RowsTotal)
		require.Equal(t, []int{1, 2, 5}, rows(res.reviews))
		require.Equal(t, 12, res.reviews[0].HelpfulVotes)
		require.True(t, res.reviews[0].VerifiedPurchase)
		require.True(t, res.reviews[0].HasImages)
		require.Equal(t, 4, res.reviews[1].Rating)
		require.Equal(t, "nulbyte", res.reviews[2].Body, "NUL removed: Postgres text cannot hold it")
		require.Contains(t, res.rejections[0].Reason, "got a list")
		require.Equal(t, 4, res.rejections[0].Line)
		require.Contains(t, res.rejections[1].Reason, "is a string, not a JSON object")
	})
	t.Run("jsonl bad line is a rejection", func(t *testing.T) {
		t.Parallel()
		body := []byte("{\"rating\":5,\"body\":\"a\"}\n\n{\"rating\":5,\"body\":\n{\"rating\":3,\"body\":\"c\"}\r\n[1,2]\n")
		res := parse(t, body, ingest.Options{Format: ingest.FormatJSONL})
		require.NoError(t, res.err)
		require.Equal(t, 4, res.sum.RowsTotal)
		require.Equal(t, []int{1, 3}, rows(res.reviews))
		require.Equal(t, 3, res.rejections[0].Line)
		require.Contains(t, res.rejections[0].Reason, "line 3 is not valid JSON")
		require.Contains(t, res.rejections[1].Reason, "line 5 is not a JSON object")
	})
	t.Run("jsonl that is really json", func(t *testing.T) {
		t.Parallel()
		res := parse(t, []byte("[\n {\"rating\": 5,\n  \"body\": \"a\"}\n]\n"), ingest.Options{Format: ingest.FormatJSONL})
		requireFileError(t, res.err, "JSON Lines needs one review object per line", ".json")
	})
	t.Run("extension rows validated like the rest", func(t *testing.T) {
		t.Parallel()
		body := []byte(`{"asin":"B000000001","reviews":[
			{"review_id":"R1","author":"Ann","rating":5,"title":"Nice","body":"Love it","review_date":"Reviewed in the United States on January 1, 2024","verified_purchase":true,"helpful_votes":"One person found this helpful","variant":"Color: Black","review_url":"https://www.amazon.com/gp/customer-reviews/R1"},
			{"review_id":"R2","rating":0,"body":""},
			{"review_id":"R3","rating":4,"body":"ok","review_date":"1. Januar 2024"}
		]}`)
		res := parse(t, body, ingest.Options{Format: ingest.FormatExtension})
		require.NoError(t, res.err)
		require.Equal(t, []int{1, 3}, rows(res.reviews))
		r := res.reviews[0]
		require.Equal(t, "R1", r.SourceReviewID)
		require.Equal(t, "Ann", r.Author)
		require.Equal(t, 1, r.HelpfulVotes)
		require.True(t, r.HasDate)
		require.Equal(t, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), res.reviews[1].ReviewDate)
		require.Len(t, res.rejections, 2)
		require.ElementsMatch(t, []string{"rating", "body"}, []string{res.rejections[0].Column, res.rejections[1].Column})
		require.Equal(t, 2, res.rejections[0].Row)
	})
	t.Run("extension must be an object", func(t *testing.T) {
		t.Parallel()
		res := parse(t, []byte(`[{"rating":5,"body":"x"}]`), ingest.Options{Format: ingest.FormatExtension})
		requireFileError(t, res.err, `"reviews" array`)
	})
}

func TestParseFileErrors(t *testing.T) {
	t.Parallel()
	zh := sharedData(t, "online_shopping_phones_zh.csv")
	gbk, err := simplifiedChineseGBK(zh)
	require.NoError(t, err)
	validXLSX := makeXLSX(t, [][]string{{"rating", "body"}, {"5", "good"}, {"4", "fine"}})
	garbage := make([]byte, 4096)
	x := uint32(2463534242)
	for i := range garbage {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		garbage[i] = byte(x)
	}
	garbageNoNUL := bytes.ReplaceAll(garbage, []byte{0}, []byte{1})

	tests := []struct {
		name     string
		body     []byte
		format   ingest.Format
		contains []string
	}{
		{"empty", nil, ingest.FormatCSV, []string{"the file is empty"}},
		{"gbk", gbk, ingest.FormatCSV, []string{"not valid UTF-8", "byte offset 18", "line 2", "GBK", "re-export it as UTF-8"}},
		{"latin1", []byte("rating,body\n5,caf\xe9 cr\xe8me\n"), ingest.FormatCSV, []string{"not valid UTF-8", "byte offset 17", "re-export it as UTF-8"}},
		{"utf16 without bom", []byte("r\x00a\x00t\x00i\x00n\x00g\x00,\x00b\x00o\x00d\x00y\x00\n\x00"), ingest.FormatCSV, []string{"UTF-16 without a byte-order mark"}},
		{"binary with NUL", garbage, ingest.FormatCSV, []string{"binary data"}},
		{"binary without NUL", garbageNoNUL, ingest.FormatCSV, []string{"UTF-8"}},
		{"control characters", bytes.Repeat([]byte("a\x01\x02\x03\x04"), 100), ingest.FormatCSV, []string{"binary data"}},
		{"no usable columns", []byte("foo,bar\n1,2\n"), ingest.FormatCSV, []string{"no usable columns", `["foo", "bar"]`, "review text column", "star rating column"}},
		{"header only", []byte("rating,body\n"), ingest.FormatCSV, []string{"no data rows"}},
		{"blank rows only", []byte("rating,body\n,\n\n , \n"), ingest.FormatCSV, []string{"no data rows"}},
		{"empty first row", []byte(",,\n5,good,x\n"), ingest.FormatCSV, []string{"first row is empty"}},
		{"truncated xlsx", validXLSX[:len(validXLSX)/2], ingest.FormatXLSX, []string{"XLSX", "cannot be opened", "CSV"}},
		{"xlsx that is text", []byte("rating,body\n5,x\n"), ingest.FormatXLSX, []string{"not an XLSX file"}},
		{"legacy xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), ingest.FormatXLSX, []string{".xls"}},
		{"empty xlsx", makeXLSX(t, nil), ingest.FormatXLSX, []string{"every sheet is empty"}},
		{"header-only xlsx", makeXLSX(t, [][]string{{"rating", "body"}}), ingest.FormatXLSX, []string{"no data rows"}},
		{"json syntax", []byte("[\n{\"rating\":5,\"body\":\"a\"},\n{\"rating\":4,\"body\":}\n]"), ingest.FormatJSON, []string{"malformed JSON", "line 3", "column 20"}},
		{"json truncated", []byte(`[{"rating":5,"body":"a"},{"rat`), ingest.FormatJSON, []string{"malformed JSON"}},
		{"json lines as json", []byte("{\"rating\":5,\"body\":\"a\"}\n{\"rating\":5,\"body\":\"b\"}\n"), ingest.FormatJSON, []string{"malformed JSON", "upload it as .jsonl"}},
		{"json scalar", []byte(`"hello"`), ingest.FormatJSON, []string{"array of review objects"}},
		{"json object without reviews", []byte(`{"items":[]}`), ingest.FormatJSON, []string{`no "reviews" array`}},
		{"json reviews not array", []byte(`{"reviews":{}}`), ingest.FormatJSON, []string{`"reviews" must be an array`}},
		{"json empty array", []byte(`[]`), ingest.FormatJSON, []string{"no reviews"}},
		{"jsonl empty", []byte("\n\n"), ingest.FormatJSONL, []string{"no reviews"}},
		{"unknown format", []byte("x"), ingest.Format("pdf"), []string{"unsupported format", "CSV, TSV, XLSX"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := parse(t, tc.body, ingest.Options{Format: tc.format})
			requireFileError(t, res.err, tc.contains...)
			require.Empty(t, res.reviews, "nothing emitted before a file error")
		})
	}
}

func TestPreview(t *testing.T) {
	t.Parallel()
	body := sharedData(t, "amazon_alexa_reviews.tsv")
	pr, err := ingest.Preview(body, ingest.Options{Format: ingest.FormatTSV}, 5)
	require.NoError(t, err)
	require.Equal(t, ingest.FormatTSV, pr.Format)
	require.Equal(t, []string{"rating", "date", "variation", "verified_reviews", "feedback"}, pr.Headers)
	require.Equal(t, "verified_reviews", pr.Mapping[ingest.FieldBody])
	require.Equal(t, []string{"feedback"}, pr.Unmapped)
	require.Empty(t, pr.Missing)
	require.Len(t, pr.Rows, 5)
	for i, row := range pr.Rows {
		require.Equal(t, i+1, row.Row)
		require.NotNil(t, row.Review)
	}
	require.Equal(t, "Love my Echo!", pr.Rows[0].Review.Body)

	// Rejected rows show up with their reasons (row 86 is the first empty body).
	pr, err = ingest.Preview(body, ingest.Options{Format: ingest.FormatTSV}, 100)
	require.NoError(t, err)
	var rejected []int
	for _, row := range pr.Rows {
		if row.Review == nil {
			rejected = append(rejected, row.Row)
			require.NotEmpty(t, row.Rejections)
		}
	}
	require.Equal(t, 86, rejected[0])
	require.Len(t, pr.Rows, 100)

	// Missing required fields are reported, not an error.
	zh := sharedData(t, "online_shopping_phones_zh.csv")
	pr, err = ingest.Preview(zh, ingest.Options{}, 5)
	require.NoError(t, err)
	require.Equal(t, []ingest.Field{ingest.FieldRating}, pr.Missing)
	require.Empty(t, pr.Rows)
	require.Equal(t, ingest.Mapping{"body": "review"}, pr.Mapping)
	require.Equal(t, []string{"cat", "label"}, pr.Unmapped)

	pr, err = ingest.Preview(zh, ingest.Options{DefaultRating: 4}, 0)
	require.NoError(t, err)
	require.Len(t, pr.Rows, ingest.DefaultPreviewRows)

	xl := makeXLSX(t, readRecords(t, body, '\t')[:30])
	pr, err = ingest.Preview(xl, ingest.Options{}, 3)
	require.NoError(t, err)
	require.Equal(t, ingest.FormatXLSX, pr.Format)
	require.Len(t, pr.Rows, 3)

	_, err = ingest.Preview([]byte("\x00\x01binary"), ingest.Options{Format: ingest.FormatCSV}, 3)
	requireFileError(t, err, "binary")
}

func TestContentHash(t *testing.T) {
	t.Parallel()
	base := ingest.Review{Author: "Ann", Rating: 5, Title: "Nice", Body: "Love it!", ReviewDateRaw: "31-Jul-18", Variant: "Black Dot"}
	base.ReviewDate, base.HasDate = ingest.ParseDate(base.ReviewDateRaw)
	h := base.ContentHash()

	same := base
	same.Body = "  Love   it!\n"
	same.Variant = "Black  Dot "
	same.SourceReviewID = "ignored"
	same.Row = 99
	same.HelpfulVotes = 7
	same.Language = "xx"
	require.Equal(t, h, same.ContentHash(), "white space, row, id and derived fields do not count")

	iso := base
	iso.ReviewDateRaw = "2018-07-31" // same date written differently (e.g. an XLSX date cell)
	iso.ReviewDate, iso.HasDate = ingest.ParseDate(iso.ReviewDateRaw)
	require.Equal(t, h, iso.ContentHash())

	nfd := base
	nfd.Body = "Cafe\u0301"
	nfc := base
	nfc.Body = "Café"
	require.Equal(t, nfc.ContentHash(), nfd.ContentHash(), "NFC")

	for name, mut := range map[string]func(*ingest.Review){
		"author":  func(r *ingest.Review) { r.Author = "Bob" },
		"rating":  func(r *ingest.Review) { r.Rating = 4 },
		"title":   func(r *ingest.Review) { r.Title = "" },
		"body":    func(r *ingest.Review) { r.Body = "Love it" },
		"date":    func(r *ingest.Review) { r.ReviewDate = r.ReviewDate.AddDate(0, 0, 1) },
		"variant": func(r *ingest.Review) { r.Variant = "White Dot" },
		"case":    func(r *ingest.Review) { r.Body = "love it!" },
		"raw date": func(r *ingest.Review) {
			r.HasDate = false
			r.ReviewDateRaw = "sometime"
		},
		"field boundary": func(r *ingest.Review) { r.Author, r.Title = "AnnNice", "" },
	} {
		r := base
		mut(&r)
		require.NotEqual(t, h, r.ContentHash(), name)
	}

	require.Equal(t, "id:R1", (&ingest.Review{SourceReviewID: "R1"}).DedupeKey())
	require.True(t, strings.HasPrefix(base.DedupeKey(), "sha256:"))
	require.Len(t, base.DedupeKey(), len("sha256:")+64)
}

func TestEmitErrorStops(t *testing.T) {
	t.Parallel()
	boom := errorString("boom")
	n := 0
	_, err := ingest.Parse([]byte("rating,body\n5,a\n5,b\n5,c\n"), ingest.Options{}, func(*ingest.Review) error {
		n++
		if n == 2 {
			return boom
		}
		return nil
	}, nil)
	require.ErrorIs(t, err, boom)
	require.Equal(t, 2, n)
}

type errorString string

func (e errorString) Error() string { return string(e) }
