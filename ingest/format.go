package ingest

import (
	"bytes"
	"encoding/json"
	"mime"
	"strings"

	xunicode "golang.org/x/text/encoding/unicode"
)

// Format is an input format.
type Format string

// The formats Parse reads.
const (
	FormatCSV  Format = "csv"
	FormatTSV  Format = "tsv"
	FormatXLSX Format = "xlsx"
	FormatJSON Format = "json"
	// FormatJSONL is JSON Lines: one review object per line.
	FormatJSONL Format = "jsonl"
	// FormatExtension is the browser extension's JSON body (SPEC section 6):
	// Parse reads its "reviews" array with the canonical keys;
	// DecodeExtensionProduct validates the rest.
	FormatExtension Format = "extension"
)

// Valid reports whether f is one of the formats Parse reads.
func (f Format) Valid() bool {
	switch f {
	case FormatCSV, FormatTSV, FormatXLSX, FormatJSON, FormatJSONL, FormatExtension:
		return true
	}
	return false
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// DetectFormat decides the format of an upload from its file name's
// extension, then its content type, then by sniffing head (the first few KB
// of the body). The content wins when it contradicts the name in a way that
// cannot be a mistake (a ZIP is an XLSX, JSON Lines named .json). It returns
// a *FileError saying which formats are accepted when it cannot tell or the
// format is not supported (legacy .xls, ODS, PDF, ...).
func DetectFormat(filename, contentType string, head []byte) (Format, error) {
	if bytes.HasPrefix(head, oleMagic) {
		return "", &FileError{Reason: "this is a legacy Excel .xls file or a password-protected workbook: save it as .xlsx (without a password) or as CSV UTF-8"}
	}
	isZip := bytes.HasPrefix(head, zipMagic)
	ext := strings.ToLower(filenameExt(filename))
	switch ext {
	case ".xlsx", ".xlsm":
		if isZip || len(head) == 0 {
			return FormatXLSX, nil
		}
		// A text file with the wrong name: read what it is.
		return sniff(head)
	case ".csv":
		if isZip {
			return FormatXLSX, nil
		}
		return FormatCSV, nil
	case ".tsv", ".tab":
		if isZip {
			return FormatXLSX, nil
		}
		return FormatTSV, nil
	case ".json":
		if isZip {
			return FormatXLSX, nil
		}
		if f, err := sniff(head); err == nil && f == FormatJSONL {
			return FormatJSONL, nil
		}
		return FormatJSON, nil
	case ".jsonl", ".ndjson", ".jsonlines":
		return FormatJSONL, nil
	case ".xls":
		return "", &FileError{Reason: "legacy Excel .xls files are not supported: save it as .xlsx or as CSV UTF-8"}
	case ".txt", "":
	default:
		if !isZip && !looksTextual(head) || unsupportedExt[ext] {
			return "", fileErrorf("unsupported file type %q: upload %s", ext, acceptedFormats)
		}
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch mt {
		case "text/csv", "application/csv":
			return FormatCSV, nil
		case "text/tab-separated-values":
			return FormatTSV, nil
		case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
			return FormatXLSX, nil
		case "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
			return FormatJSONL, nil
		case "application/vnd.ms-excel":
			if !isZip && !looksTextual(head) {
				return "", &FileError{Reason: "legacy Excel .xls files are not supported: save it as .xlsx or as CSV UTF-8"}
			}
		}
	}
	return sniff(head)
}

var unsupportedExt = map[string]bool{
	".ods": true, ".numbers": true, ".pdf": true, ".doc": true, ".docx": true, ".xml": true,
	".zip": true, ".gz": true, ".html": true, ".htm": true, ".parquet": true,
}

func filenameExt(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

func looksTextual(head []byte) bool {
	t, err := headText(head)
	return err == nil && len(bytes.TrimSpace(t)) > 0
}

// headText returns head as UTF-8 text, tolerating a multi-byte character cut
// at the end.
func headText(head []byte) ([]byte, error) {
	if bytes.HasPrefix(head, bomUTF16LE) || bytes.HasPrefix(head, bomUTF16BE) {
		if len(head)%2 != 0 {
			head = head[:len(head)-1]
		}
		out, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(head)
		if err != nil {
			return nil, err
		}
		head = out
	}
	head = bytes.TrimPrefix(head, bomUTF8)
	// Drop a partial rune at the end of a truncated head.
	for i := 0; i < 3 && len(head) > 0 && head[len(head)-1] >= 0x80; i++ {
		if _, err := utf8Text(head); err == nil {
			break
		}
		head = head[:len(head)-1]
	}
	return utf8Text(head)
}

// sniff decides the format from content alone.
func sniff(head []byte) (Format, error) {
	if len(head) == 0 {
		return "", &FileError{Reason: "the file is empty"}
	}
	if bytes.HasPrefix(head, zipMagic) {
		return FormatXLSX, nil
	}
	if bytes.HasPrefix(head, oleMagic) {
		return "", &FileError{Reason: "this is a legacy Excel .xls file or a password-protected workbook: save it as .xlsx (without a password) or as CSV UTF-8"}
	}
	text, err := headText(head)
	if err != nil {
		return "", err
	}
	text = bytes.TrimLeft(text, " \t\r\n")
	if len(text) == 0 {
		return "", &FileError{Reason: "the file is empty"}
	}
	switch text[0] {
	case '[':
		return FormatJSON, nil
	case '{':
		if isJSONLines(text) {
			return FormatJSONL, nil
		}
		return FormatJSON, nil
	}
	switch sniffDelimiter(text, 0) {
	case '\t':
		return FormatTSV, nil
	case 0:
		// One column: still a valid CSV (a list of review texts).
		return FormatCSV, nil
	}
	return FormatCSV, nil
}

// isJSONLines reports whether text (starting with '{') is JSON Lines rather
// than one JSON object: its first line is a complete object, and either
// another object line follows or that object is not a {"reviews": [...]}
// envelope.
func isJSONLines(text []byte) bool {
	first, rest, more := bytes.Cut(text, []byte{'\n'})
	first = bytes.TrimSpace(first)
	if !json.Valid(first) {
		return false
	}
	if more {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) > 0 {
			return rest[0] == '{'
		}
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(first, &env) != nil {
		return false
	}
	_, hasReviews := env["reviews"]
	return !hasReviews
}

// sniffDelimiter picks the field delimiter of a delimited text file from its
// first line: the most frequent of comma, tab, semicolon and pipe outside
// quotes. Ties go to def; 0 means none was seen (and def is 0).
func sniffDelimiter(text []byte, def rune) rune {
	var counts [4]int
	cands := [4]rune{',', '\t', ';', '|'}
	inQuote := false
	for _, c := range text {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if c == '\n' {
			break
		}
		for i, d := range cands {
			if rune(c) == d {
				counts[i]++
			}
		}
	}
	best, bestN := def, 0
	for i, d := range cands {
		if d == def {
			bestN = counts[i]
		}
	}
	for i, d := range cands {
		if counts[i] > bestN {
			best, bestN = d, counts[i]
		}
	}
	if bestN == 0 {
		return def
	}
	return best
}
