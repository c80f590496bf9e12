package ingest_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/ingest"
)

// bombXLSX returns a valid two-row workbook with an extra part of n zero
// bytes. With lie set, the part's header declares 1 KiB instead of n.
func bombXLSX(t *testing.T, part string, n int64, lie bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"rating", "body"}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A2", &[]any{5, "works"}))
	base := xlsxBytes(t, f)
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		require.NoError(t, zw.Copy(zf))
	}
	// Compress the filler once, then store it raw so the header can lie.
	var comp bytes.Buffer
	dw := newDeflater(t, &comp)
	crc := crc32.NewIEEE()
	zeros := make([]byte, 1<<20)
	for left := n; left > 0; left -= int64(len(zeros)) {
		chunk := zeros[:min(int64(len(zeros)), left)]
		_, _ = crc.Write(chunk)
		_, err := dw.Write(chunk)
		require.NoError(t, err)
	}
	require.NoError(t, dw.Close())
	declared := uint64(n)
	if lie {
		declared = 1 << 10
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: part, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	require.NoError(t, err)
	_, err = w.Write(comp.Bytes())
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return out.Bytes()
}

func TestXLSXBombRefused(t *testing.T) {
	t.Parallel()
	lim := ingest.XLSXLimits{MaxPartBytes: 1 << 20, MaxUnzipBytes: 8 << 20}
	cases := []struct {
		name string
		part string
		size int64
		lie  bool
	}{
		{"filler part over the per-part limit", "docProps/filler.xml", 4 << 20, false},
		{"filler part lying about its size", "docProps/filler.xml", 4 << 20, true},
		{"sheet over the whole-workbook limit", "xl/worksheets/sheet9.xml", 16 << 20, false},
		{"sheet lying about its size", "xl/worksheets/sheet9.xml", 16 << 20, true},
	}
	for _, c := range cases {
		body := bombXLSX(t, c.part, c.size, c.lie)
		require.Less(t, len(body), 1<<20, "the bomb is small")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ingest.Parse(body, ingest.Options{Format: ingest.FormatXLSX, XLSX: lim}, nil, nil)
		runtime.ReadMemStats(&after)
		var fe *ingest.FileError
		require.ErrorAs(t, err, &fe, c.name)
		require.Contains(t, fe.Reason, "XLSX", c.name)
		t.Log(c.name, ": ", fe.Reason)
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(c.size/2), "%s: nothing near the part's size is allocated", c.name)
	}
	// Under the limits the same workbook parses.
	ok := bombXLSX(t, "docProps/filler.xml", 512<<10, false)
	sum, err := ingest.Parse(ok, ingest.Options{Format: ingest.FormatXLSX, XLSX: lim}, nil, nil)
	require.NoError(t, err)
	require.Equal(t, 1, sum.RowsValid)
}

func newDeflater(t *testing.T, w io.Writer) io.WriteCloser {
	t.Helper()
	fw, err := flate.NewWriter(w, flate.BestCompression)
	require.NoError(t, err)
	return fw
}
