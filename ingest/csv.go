package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// parseDelimited reads CSV or TSV. The delimiter is sniffed from the header
// line (comma, tab, semicolon or pipe; ties go to def), because "CSV" from a
// European Excel is semicolon-separated and "TSV" is often named .csv.
func (p *parser) parseDelimited(text []byte, def rune) error {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = sniffDelimiter(text, def)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return &FileError{Reason: "the file is empty"}
	}
	if err != nil {
		return fileErrorf("cannot read the header row: %v", err)
	}
	if allBlank(header) {
		return &FileError{Reason: "the first row is empty: the first row must hold the column names"}
	}
	if err := p.setHeaders(header); err != nil {
		return err
	}
	cr.ReuseRecord = true
	ncols := len(header)
	var in rowInput
	row := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return fileErrorf("cannot read the file: %v", err)
			}
			row++
			if err := p.recordProblem(row, pe.StartLine, fmt.Sprintf("row cannot be read: %v", pe.Err)); err != nil {
				return err
			}
			continue
		}
		if allBlank(rec) {
			continue
		}
		row++
		line, _ := cr.FieldPos(0)
		if len(rec) != ncols {
			reason := fmt.Sprintf("row has %d columns but the header has %d; check this row for an unquoted %s or a stray quote", len(rec), ncols, delimiterName(cr.Comma))
			if last, _ := cr.FieldPos(len(rec) - 1); last > line {
				reason += fmt.Sprintf(" (the row runs from line %d to %d: a quoted field may be missing its closing quote)", line, last)
			}
			if err := p.recordProblem(row, line, reason); err != nil {
				return err
			}
			continue
		}
		for f, c := range p.cols {
			if c >= 0 {
				in.vals[f] = rec[c]
			}
		}
		if err := p.process(row, line, &in); err != nil {
			return err
		}
	}
}

func allBlank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

func delimiterName(r rune) string {
	switch r {
	case ',':
		return "comma"
	case '\t':
		return "tab"
	case ';':
		return "semicolon"
	case '|':
		return "pipe"
	}
	return fmt.Sprintf("%q", r)
}
