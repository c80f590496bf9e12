package ingest_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/internal/fixture"
)

// sharedData reads a file of the shared reference data (SPEC section 8),
// outside the repository; the test skips, naming the file, when it is absent.
func sharedData(tb testing.TB, name string) []byte {
	tb.Helper()
	return fixture.Shared(tb, name)
}

type result struct {
	sum        ingest.Summary
	reviews    []*ingest.Review
	rejections []ingest.Rejection
	err        error
}

func (r result) hashes() [][32]byte {
	out := make([][32]byte, len(r.reviews))
	for i, rv := range r.reviews {
		out[i] = rv.ContentHash()
	}
	return out
}

func (r result) rejectedRows() []int {
	var rows []int
	for _, rj := range r.rejections {
		if len(rows) == 0 || rows[len(rows)-1] != rj.Row {
			rows = append(rows, rj.Row)
		}
	}
	return rows
}

func parse(tb testing.TB, body []byte, opt ingest.Options) result {
	tb.Helper()
	var res result
	res.sum, res.err = ingest.Parse(body, opt, func(r *ingest.Review) error {
		res.reviews = append(res.reviews, r)
		return nil
	}, func(rj ingest.Rejection) {
		res.rejections = append(res.rejections, rj)
	})
	return res
}

// mustParse parses and checks the summary's invariants.
func mustParse(tb testing.TB, body []byte, opt ingest.Options) result {
	tb.Helper()
	res := parse(tb, body, opt)
	require.NoError(tb, res.err)
	require.Equal(tb, res.sum.RowsTotal, res.sum.RowsValid+res.sum.RowsRejected)
	require.Len(tb, res.reviews, res.sum.RowsValid)
	require.Len(tb, res.rejectedRows(), res.sum.RowsRejected)
	for i, r := range res.reviews {
		require.NotEmpty(tb, r.Body)
		require.True(tb, r.Rating >= 1 && r.Rating <= 5)
		require.NotEmpty(tb, r.Language)
		if i > 0 {
			require.Greater(tb, r.Row, res.reviews[i-1].Row, "source order")
		}
	}
	return res
}

func requireFileError(tb testing.TB, err error, contains ...string) *ingest.FileError {
	tb.Helper()
	require.Error(tb, err)
	fe, ok := err.(*ingest.FileError)
	require.Truef(tb, ok, "want *FileError, got %T: %v", err, err)
	for _, s := range contains {
		require.Contains(tb, fe.Reason, s)
	}
	return fe
}

// readRecords reads delimited text into records (header first).
func readRecords(tb testing.TB, body []byte, comma rune) [][]string {
	tb.Helper()
	body = bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))
	cr := csv.NewReader(bytes.NewReader(body))
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	require.NoError(tb, err)
	return recs
}

func writeCSV(tb testing.TB, recs [][]string, comma rune) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = comma
	require.NoError(tb, w.WriteAll(recs))
	return buf.Bytes()
}

// numeric reports whether the value is written as a number in JSON and XLSX
// (ratings), to check that numbers and strings read the same.
func numeric(header, value string) (float64, bool) {
	if header != "rating" && header != "stars" {
		return 0, false
	}
	f, err := strconv.ParseFloat(value, 64)
	return f, err == nil
}

func makeXLSX(tb testing.TB, recs [][]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	// An empty first sheet: Parse must use the first sheet with data.
	_, err := f.NewSheet("Reviews")
	require.NoError(tb, err)
	sw, err := f.NewStreamWriter("Reviews")
	require.NoError(tb, err)
	for i, rec := range recs {
		row := make([]any, len(rec))
		for j, v := range rec {
			row[j] = v
			if i > 0 {
				if n, ok := numeric(recs[0][j], v); ok {
					row[j] = n
				}
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(tb, err)
		require.NoError(tb, sw.SetRow(cell, row))
	}
	require.NoError(tb, sw.Flush())
	var buf bytes.Buffer
	require.NoError(tb, f.Write(&buf))
	return buf.Bytes()
}

func recordObjects(recs [][]string, rename map[string]string) []map[string]any {
	out := make([]map[string]any, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		obj := map[string]any{}
		for j, v := range rec {
			key := recs[0][j]
			if rename != nil {
				k, ok := rename[key]
				if !ok {
					continue
				}
				key = k
			}
			if n, ok := numeric(recs[0][j], v); ok {
				obj[key] = n
			} else {
				obj[key] = v
			}
		}
		out = append(out, obj)
	}
	return out
}

func makeJSON(tb testing.TB, recs [][]string) []byte {
	tb.Helper()
	b, err := json.MarshalIndent(recordObjects(recs, nil), "", " ")
	require.NoError(tb, err)
	return b
}

func makeJSONL(tb testing.TB, recs [][]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, obj := range recordObjects(recs, nil) {
		require.NoError(tb, enc.Encode(obj))
	}
	return buf.Bytes()
}

// makeExtension writes an extension body whose reviews carry the records'
// values under canonical keys, renamed by m (field → header).
func makeExtension(tb testing.TB, recs [][]string, m ingest.Mapping) []byte {
	tb.Helper()
	rename := map[string]string{}
	for f, h := range m {
		rename[h] = string(f)
	}
	body := map[string]any{
		"asin":        "B07XJ8C8F5",
		"marketplace": "us",
		"title":       "Test product",
		"reviews":     recordObjects(recs, rename),
	}
	b, err := json.Marshal(body)
	require.NoError(tb, err)
	return b
}

func fmtRows(rows []int) string { return fmt.Sprint(rows) }
