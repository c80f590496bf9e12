package ingest

import (
	"bytes"
	"fmt"

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
	// Cap decompression so that a small zip bomb cannot take the host down:
	// excelize allocates each part's declared size up front. Real workbooks
	// expand 5–30 times; 100 leaves room without trusting the headers.
	limit := min(max(int64(len(body))*100, 16<<20), 4<<30)
	f, err := guard(func() (*excelize.File, error) {
		return excelize.OpenReader(bytes.NewReader(body), excelize.Options{
			UnzipSizeLimit:    limit,
			UnzipXMLSizeLimit: min(limit, 16<<20),
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
