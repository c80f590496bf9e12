package ingest

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// FileError is a problem with the whole file: wrong encoding, binary data, a
// corrupt or truncated XLSX, malformed JSON, no usable columns, no data rows.
// The caller marks the upload failed with Reason and imports nothing.
type FileError struct {
	// Reason says what is wrong and what to do about it, for the user.
	Reason string
}

// Error returns the reason.
func (e *FileError) Error() string { return e.Reason }

func fileErrorf(format string, args ...any) *FileError {
	return &FileError{Reason: Clip(fmt.Sprintf(format, args...), MaxReasonBytes)}
}

const acceptedFormats = "CSV, TSV, XLSX, JSON or JSON Lines (.jsonl)"

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// utf8Text returns body as UTF-8 text without a byte-order mark: UTF-8 is
// used in place, UTF-16 with a BOM (Excel's "Unicode text") is transcoded.
// It returns a *FileError for anything that is not text in a known encoding.
func utf8Text(body []byte) ([]byte, error) {
	if len(body) == 0 {
		return nil, &FileError{Reason: "the file is empty"}
	}
	base := 0
	switch {
	case bytes.HasPrefix(body, bomUTF8):
		base = len(bomUTF8)
		body = body[base:]
	case bytes.HasPrefix(body, bomUTF16LE), bytes.HasPrefix(body, bomUTF16BE):
		if len(body)%2 != 0 {
			return nil, &FileError{Reason: "the file starts with a UTF-16 byte-order mark but has an odd number of bytes: it is truncated or not UTF-16; re-export it as UTF-8"}
		}
		dec := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder()
		out, err := dec.Bytes(body)
		if err != nil {
			return nil, fileErrorf("the file is not valid UTF-16 (%v): re-export it as UTF-8", err)
		}
		if i := bytes.IndexByte(out, 0); i >= 0 {
			return nil, &FileError{Reason: "the UTF-16 file contains NUL characters: it is binary or corrupt; re-export it as UTF-8 CSV"}
		}
		return out, nil
	}
	if i := bytes.IndexByte(body, 0); i >= 0 {
		if looksUTF16(body) {
			return nil, &FileError{Reason: "the file looks like UTF-16 without a byte-order mark: re-export it as UTF-8 (in Excel: Save As → \"CSV UTF-8\")"}
		}
		return nil, fileErrorf("the file contains binary data (a NUL byte at offset %d): it is not a text file; upload %s", base+i, acceptedFormats)
	}
	if !utf8.Valid(body) {
		off := invalidUTF8Offset(body)
		line := 1 + bytes.Count(body[:off], []byte{'\n'})
		return nil, fileErrorf("the file is not valid UTF-8: invalid byte 0x%02X at byte offset %d (line %d); %s — re-export it as UTF-8 (in Excel: Save As → \"CSV UTF-8\")",
			body[off], base+off, line, guessLegacyEncoding(body[off:]))
	}
	if looksBinary(body) {
		return nil, fileErrorf("the file contains binary data (many control characters): it is not a text file; upload %s", acceptedFormats)
	}
	return body, nil
}

func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// guessLegacyEncoding names the likely encoding of text starting at the first
// invalid UTF-8 byte, so that the user knows what they have.
func guessLegacyEncoding(b []byte) string {
	if len(b) > 256 {
		b = b[:256]
	}
	// The cut may split a double-byte character, hence one bad rune allowed.
	if out, err := simplifiedchinese.GBK.NewDecoder().Bytes(b); err == nil {
		han, bad := 0, 0
		for _, r := range string(out) {
			switch {
			case r == utf8.RuneError:
				bad++
			case unicode.Is(unicode.Han, r):
				han++
			}
		}
		if han >= 2 && bad <= 1 {
			return "it looks like GBK/GB18030 (Chinese Windows)"
		}
	}
	return "it may be Windows-1252, Latin-1, Shift-JIS or GBK"
}

// looksUTF16 reports whether b has the NUL pattern of BOM-less UTF-16 text.
func looksUTF16(b []byte) bool {
	if len(b) > 1024 {
		b = b[:1024]
	}
	if len(b) < 4 {
		return false
	}
	var even, odd int
	for i, c := range b {
		if c == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	half := len(b) / 2
	return even > half*6/10 || odd > half*6/10
}

// looksBinary reports whether the start of b has too many control
// characters to be text. Tabs, line breaks and form feeds are text.
func looksBinary(b []byte) bool {
	if len(b) > 8192 {
		b = b[:8192]
	}
	ctl := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7F {
			ctl++
		}
	}
	return ctl > 8 && ctl*100 > len(b)
}
