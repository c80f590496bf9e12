package ingest_test

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

// replicate repeats the data rows of a shared file under its header until
// there are at least rows of them.
func replicate(tb testing.TB, name string, rows int) []byte {
	tb.Helper()
	body := bytes.TrimPrefix(sharedData(tb, name), []byte("\xEF\xBB\xBF"))
	i := bytes.IndexByte(body, '\n')
	header, data := body[:i+1], body[i+1:]
	if !bytes.HasSuffix(data, []byte("\n")) {
		data = append(append([]byte{}, data...), '\n')
	}
	per := bytes.Count(data, []byte("\n")) // the shared files have no multi-line fields
	out := append([]byte{}, header...)
	for n := 0; n < rows; n += per {
		out = append(out, data...)
	}
	return out
}

var benchFiles = []struct {
	name string
	opt  ingest.Options
}{
	{"marc_multilingual_sample.csv", ingest.Options{}},
	{"amazon_alexa_reviews.tsv", ingest.Options{Format: ingest.FormatTSV}},
	{"online_shopping_phones_zh.csv", ingest.Options{DefaultRating: 3}},
}

// BenchmarkParseCSV parses the shared files replicated to ~100k rows,
// including language detection, and hashes every review as the ingestion job
// does. Run with -cpu 1 for per-core numbers.
func BenchmarkParseCSV(b *testing.B) {
	for _, f := range benchFiles {
		b.Run(f.name, func(b *testing.B) {
			body := replicate(b, f.name, 100_000)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			rows := 0
			for b.Loop() {
				sum, err := ingest.Parse(body, f.opt, func(r *ingest.Review) error {
					_ = r.ContentHash()
					return nil
				}, nil)
				if err != nil {
					b.Fatal(err)
				}
				rows += sum.RowsTotal
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkParseFormats compares the formats on the same 3,150 Alexa rows.
func BenchmarkParseFormats(b *testing.B) {
	body := sharedData(b, "amazon_alexa_reviews.tsv")
	recs := readRecords(b, body, '\t')
	for _, tc := range []struct {
		name   string
		body   []byte
		format ingest.Format
	}{
		{"tsv", writeCSV(b, recs, '\t'), ingest.FormatTSV},
		{"xlsx", makeXLSX(b, recs), ingest.FormatXLSX},
		{"json", makeJSON(b, recs), ingest.FormatJSON},
		{"jsonl", makeJSONL(b, recs), ingest.FormatJSONL},
	} {
		b.Run(tc.name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				sum, err := ingest.Parse(tc.body, ingest.Options{Format: tc.format}, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				rows += sum.RowsTotal
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func BenchmarkParseDate(b *testing.B) {
	dates := []string{"31-Jul-18", "January 1, 2024", "2024-01-15T10:30:00Z", "1. März 2024", "2024年1月1日",
		"Reviewed in the United States on January 1, 2024"}
	for i := 0; b.Loop(); i++ {
		ingest.ParseDate(dates[i%len(dates)])
	}
}

// TestParseBoundedMemory parses 300k rows and checks that the live heap
// does not grow with the row count: Parse must stream.
func TestParseBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 300k rows")
	}
	body := replicate(t, "amazon_alexa_reviews.tsv", 300_000)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	n := 0
	sum, err := ingest.Parse(body, ingest.Options{Format: ingest.FormatTSV}, func(r *ingest.Review) error {
		n++
		if n%50_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc-min(ms.HeapAlloc, base))
		}
		return nil
	}, nil)
	require.NoError(t, err)
	require.GreaterOrEqual(t, sum.RowsTotal, 300_000)
	t.Logf("body %d MB, %d rows, live heap growth at most %d KB", len(body)>>20, sum.RowsTotal, peak>>10)
	require.Less(t, peak, uint64(16<<20), "live heap must not grow with the rows")
}
