package ingest_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"

	"github.com/voc-project/voc/ingest"
)

func TestDetectFormat(t *testing.T) {
	t.Parallel()
	xlsx := makeXLSX(t, [][]string{{"rating", "body"}, {"5", "x"}})
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("rating\tbody\n5\tgood\n"))
	require.NoError(t, err)
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}
	tests := []struct {
		name, filename, contentType string
		head                        []byte
		want                        ingest.Format
		errContains                 string
	}{
		{"csv by name", "reviews.csv", "", []byte("rating,body\n"), ingest.FormatCSV, ""},
		{"csv upper-case name", `C:\Users\me\REVIEWS.CSV`, "", []byte("rating,body\n"), ingest.FormatCSV, ""},
		{"tsv by name", "a.tsv", "", []byte("rating\tbody\n"), ingest.FormatTSV, ""},
		{"xlsx by name", "a.xlsx", "", xlsx[:512], ingest.FormatXLSX, ""},
		{"xlsx named csv", "a.csv", "text/csv", xlsx[:512], ingest.FormatXLSX, ""},
		{"csv named xlsx", "a.xlsx", "", []byte("rating,body\n5,x\n"), ingest.FormatCSV, ""},
		{"json by name", "a.json", "", []byte(`[{"rating":5}]`), ingest.FormatJSON, ""},
		{"jsonl named json", "a.json", "", []byte("{\"rating\":5}\n{\"rating\":4}\n"), ingest.FormatJSONL, ""},
		{"extension body named json", "a.json", "", []byte(`{"asin":"B000000001","reviews":[{"rating":5}]}`), ingest.FormatJSON, ""},
		{"jsonl by name", "a.jsonl", "", []byte("{}\n"), ingest.FormatJSONL, ""},
		{"ndjson", "a.ndjson", "", []byte("{}\n"), ingest.FormatJSONL, ""},
		{"content type csv", "upload", "text/csv; charset=utf-8", []byte("a,b\n"), ingest.FormatCSV, ""},
		{"content type tsv", "", "text/tab-separated-values", []byte("a\tb\n"), ingest.FormatTSV, ""},
		{"content type xlsx", "", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx[:512], ingest.FormatXLSX, ""},
		{"content type ndjson", "", "application/x-ndjson", []byte("{}\n"), ingest.FormatJSONL, ""},
		{"sniff tsv", "", "", []byte("rating\tdate\tbody\n5\tx\ty\n"), ingest.FormatTSV, ""},
		{"sniff csv", "export.txt", "text/plain", []byte("rating,date,body\n"), ingest.FormatCSV, ""},
		{"sniff semicolon csv", "", "", []byte("rating;body\n"), ingest.FormatCSV, ""},
		{"sniff utf-16 tsv", "", "", utf16, ingest.FormatTSV, ""},
		{"sniff json array", "", "application/octet-stream", []byte("\xEF\xBB\xBF  [ {\"a\":1} ]"), ingest.FormatJSON, ""},
		{"sniff pretty json object", "", "", []byte("{\n  \"reviews\": []\n}"), ingest.FormatJSON, ""},
		{"sniff jsonl", "", "", []byte("{\"a\":1}\n{\"a\":2}\n"), ingest.FormatJSONL, ""},
		{"sniff single-line envelope", "", "", []byte(`{"reviews":[{"a":1}]}`), ingest.FormatJSON, ""},
		{"sniff single jsonl line", "", "", []byte("{\"rating\":5,\"body\":\"x\"}\n"), ingest.FormatJSONL, ""},
		{"sniff xlsx", "", "", xlsx[:512], ingest.FormatXLSX, ""},
		{"truncated multibyte head", "", "", []byte("评分,评论\n5,很好用很好用很\xe5"), ingest.FormatCSV, ""},
		{"legacy xls by name", "a.xls", "", ole, "", ".xls"},
		{"legacy xls by content", "a.csv", "", ole, "", ".xls"},
		{"pdf", "a.pdf", "application/pdf", []byte("%PDF-1.4"), "", "CSV, TSV, XLSX, JSON or JSON Lines"},
		{"ods", "a.ods", "", []byte("PK\x03\x04"), "", "unsupported file type"},
		{"binary unknown", "a.bin", "", []byte{0, 1, 2, 3, 0xff}, "", "unsupported file type"},
		{"binary sniffed", "", "", []byte{0, 1, 2, 3, 0xff}, "", "binary"},
		{"empty", "", "", nil, "", "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ingest.DetectFormat(tc.filename, tc.contentType, tc.head)
			if tc.errContains != "" {
				requireFileError(t, err, tc.errContains)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			require.True(t, got.Valid())
		})
	}
}
