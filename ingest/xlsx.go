package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// parseXLSX reads the first sheet that has a header row and at least one
// data row, with excelize's streaming row reader. Cells are read raw (no
// number formats) so that "5" stays "5" and date cells are serial numbers,
// which date() converts; a row shorter than the header is padded (Excel
// omits trailing empty cells) and cells beyond the header are ignored.
func (p *parser) parseXLSX(body []byte) error {
	if !bytes.HasPrefix(body, zipMagic) {
		if bytes.HasPrefix(body, oleMagic) {
			return &FileError{Reason: "this is a legacy Excel .xls file or a password-protected workbook: save it as .xlsx (without a password) or as CSV UTF-8"}
		}
		return &FileError{Reason: "this is not an XLSX file (it is not a ZIP archive): upload a real .xlsx, or the file as CSV UTF-8"}
	}
	lim := p.opt.XLSX.withDefaults()
	if err := checkZipSizes(body, lim); err != nil {
		return err
	}
	f, err := guard(func() (*excelize.File, error) {
		return excelize.OpenReader(bytes.NewReader(body), excelize.Options{
			UnzipSizeLimit:    lim.MaxUnzipBytes,
			UnzipXMLSizeLimit: lim.xmlInMemory(),
		})
	})
	if err != nil {
		return fileErrorf("the XLSX file cannot be opened (%v): it is truncated, corrupt or not really XLSX; re-save it from Excel, or export it as CSV UTF-8", err)
	}
	defer f.Close()
	p.xlsx = true
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		p.date1904 = *props.Date1904
	}
	sheets, _ := guard(func() ([]string, error) { return f.GetSheetList(), nil })
	sawHeaderOnly := false
	for _, sheet := range sheets {
		found, headerOnly, err := p.readSheet(f, sheet)
		if err != nil || found {
			return err
		}
		sawHeaderOnly = sawHeaderOnly || headerOnly
	}
	if sawHeaderOnly {
		return &FileError{Reason: "the workbook has a header row but no data rows"}
	}
	return &FileError{Reason: "the workbook has no data: every sheet is empty"}
}

var rawCells = excelize.Options{RawCellValue: true}

// readSheet parses one sheet. found reports whether it had data rows (and so
// was the one used); headerOnly that it had only a header row.
func (p *parser) readSheet(f *excelize.File, sheet string) (found, headerOnly bool, err error) {
	rows, err := guard(func() (*excelize.Rows, error) { return f.Rows(sheet) })
	if err != nil {
		return false, false, fileErrorf("sheet %q cannot be read (%v): the file is corrupt; re-save it from Excel, or export it as CSV UTF-8", sheet, err)
	}
	defer rows.Close()
	var header []string
	var in rowInput
	sheetRow, row := 0, 0
	for {
		next, err := guard(func() (bool, error) { return rows.Next(), nil })
		if err != nil {
			return found, false, fileErrorf("sheet %q cannot be read (%v): the file is corrupt; re-save it from Excel, or export it as CSV UTF-8", sheet, err)
		}
		if !next {
			break
		}
		sheetRow++
		cells, err := guard(func() ([]string, error) { return rows.Columns(rawCells) })
		if err != nil {
			return found, false, fileErrorf("sheet %q row %d cannot be read (%v): the file is corrupt; re-save it from Excel, or export it as CSV UTF-8", sheet, sheetRow, err)
		}
		if allBlank(cells) {
			continue
		}
		if header == nil {
			header = trimTrailingBlank(cells)
			continue
		}
		if !found {
			// The first data row: this is the sheet.
			found = true
			if err := p.setHeaders(header); err != nil {
				return true, false, err
			}
		}
		row++
		for fi, c := range p.cols {
			switch {
			case c < 0:
			case c < len(cells):
				in.vals[fi] = cells[c]
			default:
				in.vals[fi] = ""
			}
		}
		if err := p.process(row, sheetRow, &in); err != nil {
			return true, false, err
		}
	}
	if _, err := guard(func() (bool, error) { return true, rows.Error() }); err != nil {
		return found, false, fileErrorf("sheet %q cannot be read to the end (%v): the file is truncated or corrupt; re-save it from Excel, or export it as CSV UTF-8", sheet, err)
	}
	return found, header != nil && !found, nil
}

func trimTrailingBlank(cells []string) []string {
	n := len(cells)
	for n > 0 && allBlank(cells[n-1:n]) {
		n--
	}
	out := make([]string, n)
	copy(out, cells[:n])
	return out
}

// guard runs an excelize call, turning a panic on malformed input into an
// error: a corrupt upload must fail the upload, not the worker.
func guard[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed workbook: %v", r)
		}
	}()
	return fn()
}

// Defaults of XLSXLimits.
const (
	DefaultXLSXMaxPartBytes  = 32 << 20
	DefaultXLSXMaxUnzipBytes = 1 << 30
)

// XLSXLimits bound what a workbook may decompress to. An XLSX file is a ZIP
// archive, and deflate shrinks a gigabyte of filler to a megabyte, so the
// size of the upload says nothing about the memory its parts take.
type XLSXLimits struct {
	// MaxPartBytes bounds each part that excelize reads whole into memory
	// (every part except large sheets and shared strings, which it spills
	// to temporary files); the sum of those parts may reach twice this.
	// 0: DefaultXLSXMaxPartBytes.
	MaxPartBytes int64
	// MaxUnzipBytes bounds the sum of all parts, on disk or in memory.
	// 0: DefaultXLSXMaxUnzipBytes.
	MaxUnzipBytes int64
}

func (l XLSXLimits) withDefaults() XLSXLimits {
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = DefaultXLSXMaxPartBytes
	}
	if l.MaxUnzipBytes <= 0 {
		l.MaxUnzipBytes = DefaultXLSXMaxUnzipBytes
	}
	l.MaxPartBytes = min(l.MaxPartBytes, l.MaxUnzipBytes)
	return l
}

// xmlInMemory is the size above which excelize spills a sheet or the
// shared strings to a temporary file instead of memory.
func (l XLSXLimits) xmlInMemory() int64 { return min(l.MaxPartBytes, 16<<20) }

// spillable reports whether excelize spills a part of this name to a
// temporary file when it is larger than xmlInMemory (see excelize's
// ReadZipReader).
func spillable(name string) bool {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	return n == "xl/sharedstrings.xml" || strings.HasPrefix(n, "xl/worksheets/sheet")
}

// checkZipSizes walks the archive with a streaming reader before excelize
// sees it, and counts the bytes each part really decompresses to (never
// trusting the sizes the headers declare) against the limits. Nothing the
// file controls is allocated beyond the central directory and a fixed copy
// buffer. It returns a *FileError naming the part and the limit.
func checkZipSizes(body []byte, lim XLSXLimits) error {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return fileErrorf("the XLSX file cannot be opened (%v): it is truncated, corrupt or not really XLSX; re-save it from Excel, or export it as CSV UTF-8", err)
	}
	tooBig := func(part string) error {
		return fileErrorf("the XLSX file is refused: part %q decompresses past the limits (%d MiB per part read into memory, %d MiB for those parts together, %d MiB for the whole workbook; VOC_XLSX_MAX_PART_BYTES, VOC_XLSX_MAX_UNZIP_BYTES). A review export does not: re-save it from Excel without embedded objects, or export it as CSV UTF-8",
			clipName(part), lim.MaxPartBytes>>20, 2*lim.MaxPartBytes>>20, lim.MaxUnzipBytes>>20)
	}
	var total, inMemory int64
	buf := make([]byte, 32<<10)
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		// The declared size decides where excelize puts the part; archive/zip
		// fails a part whose data does not match it, and we count the real
		// bytes as well.
		declared := int64(min(zf.UncompressedSize64, 1<<62))
		held := !spillable(zf.Name) || declared <= lim.xmlInMemory()
		partLimit := lim.MaxUnzipBytes - total
		if held {
			partLimit = min(partLimit, lim.MaxPartBytes, 2*lim.MaxPartBytes-inMemory)
		}
		if declared > partLimit {
			return tooBig(zf.Name)
		}
		rc, err := zf.Open()
		if err != nil {
			return fileErrorf("the XLSX file cannot be opened: part %q (%v); re-save it from Excel, or export it as CSV UTF-8", clipName(zf.Name), err)
		}
		n, err := io.CopyBuffer(io.Discard, io.LimitReader(rc, partLimit+1), buf)
		rc.Close()
		if err != nil && !errors.Is(err, io.EOF) {
			return fileErrorf("the XLSX file is corrupt: part %q cannot be decompressed (%v); re-save it from Excel, or export it as CSV UTF-8", clipName(zf.Name), err)
		}
		if n > partLimit {
			return tooBig(zf.Name)
		}
		total += n
		if held {
			inMemory += n
		}
	}
	return nil
}
