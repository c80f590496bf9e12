package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// headerSampleObjects is how many review objects the JSON formats look at to
// list the keys (the "headers") that the mapping works on.
const headerSampleObjects = 100

// parseJSON reads a JSON array of review objects, or an object with a
// "reviews" array (the extension body is the latter). The whole text is
// checked first, so that a syntax error fails the file before any emit.
func (p *parser) parseJSON(text []byte, extension bool) error {
	if !json.Valid(text) {
		return jsonSyntaxError(text)
	}
	var headers []string
	seen := map[string]bool{}
	elements, objects := 0, 0
	err := walkJSONReviews(text, extension, func(raw json.RawMessage, _ int64) error {
		elements++
		if len(raw) == 0 || raw[0] != '{' {
			return nil
		}
		objects++
		for _, k := range objectKeys(raw) {
			if !seen[k] {
				seen[k] = true
				headers = append(headers, k)
			}
		}
		if objects >= headerSampleObjects {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if elements == 0 {
		return &FileError{Reason: "the file contains no reviews"}
	}
	if err := p.setHeaders(headers); err != nil {
		return err
	}
	lines := lineCounter{text: text}
	var in rowInput
	row := 0
	return walkJSONReviews(text, extension, func(raw json.RawMessage, off int64) error {
		row++
		line := lines.at(off)
		if len(raw) == 0 || raw[0] != '{' {
			return p.recordProblem(row, line, fmt.Sprintf("review %d is %s, not a JSON object; each review must be an object such as {\"rating\": 5, \"body\": \"…\"}", row, jsonKind(raw)))
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return p.recordProblem(row, line, fmt.Sprintf("review %d cannot be read: %v", row, err))
		}
		p.fillJSON(&in, obj)
		return p.process(row, line, &in)
	})
}

// walkJSONReviews calls fn with each element of the reviews array and the
// byte offset where it starts. text must be valid JSON.
func walkJSONReviews(text []byte, extension bool, fn func(json.RawMessage, int64) error) error {
	dec := json.NewDecoder(bytes.NewReader(text))
	tok, err := dec.Token()
	if err != nil {
		return jsonSyntaxError(text)
	}
	switch tok {
	case json.Delim('['):
		if extension {
			return &FileError{Reason: "the extension body must be a JSON object with a \"reviews\" array, not an array"}
		}
		return walkJSONArray(dec, text, fn)
	case json.Delim('{'):
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return jsonSyntaxError(text)
			}
			if key, _ := keyTok.(string); key != "reviews" {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return jsonSyntaxError(text)
				}
				continue
			}
			t, err := dec.Token()
			if err != nil {
				return jsonSyntaxError(text)
			}
			switch t {
			case nil:
				return nil
			case json.Delim('['):
				return walkJSONArray(dec, text, fn)
			}
			return &FileError{Reason: "\"reviews\" must be an array of review objects"}
		}
		return &FileError{Reason: "the JSON object has no \"reviews\" array: upload an array of review objects, or an object like {\"reviews\": [...]}"}
	}
	return &FileError{Reason: "the JSON file must hold an array of review objects, or an object like {\"reviews\": [...]}"}
}

func walkJSONArray(dec *json.Decoder, text []byte, fn func(json.RawMessage, int64) error) error {
	for dec.More() {
		off := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return jsonSyntaxError(text)
		}
		if err := fn(raw, off); err != nil {
			return err
		}
	}
	return nil
}

// objectKeys lists a JSON object's keys in order.
func objectKeys(raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

// fillJSON takes the mapped values out of a review object.
func (p *parser) fillJSON(in *rowInput, obj map[string]json.RawMessage) {
	in.images, in.imagesSet = nil, false
	for f := range numFields {
		in.vals[f], in.bad[f] = "", ""
		if !p.mapped[f] {
			continue
		}
		raw, ok := obj[p.keys[f]]
		if !ok {
			continue
		}
		if f == fImageURLs && len(raw) > 0 && raw[0] == '[' {
			var list []any
			if err := json.Unmarshal(raw, &list); err != nil {
				in.bad[f] = p.colName[f] + ": must be a list of URL strings"
				continue
			}
			in.imagesSet = true
			for _, v := range list {
				s, isStr := v.(string)
				if !isStr {
					in.bad[f] = p.colName[f] + ": must be a list of URL strings"
					break
				}
				if s = strings.TrimSpace(s); s != "" {
					in.images = append(in.images, s)
				}
			}
			continue
		}
		s, problem := jsonScalar(raw)
		if problem != "" {
			in.bad[f] = fmt.Sprintf("%s: %s", p.colName[f], problem)
			continue
		}
		in.vals[f] = s
	}
}

// jsonScalar turns a JSON value into the text a spreadsheet cell would hold:
// strings as is, numbers as written, booleans as "true"/"false", null as "".
func jsonScalar(raw json.RawMessage) (string, string) {
	if len(raw) == 0 {
		return "", ""
	}
	switch raw[0] {
	case '"':
		if bytes.IndexByte(raw, '\\') < 0 {
			return string(raw[1 : len(raw)-1]), ""
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", "is not a valid JSON string"
		}
		return s, ""
	case 'n':
		return "", ""
	case '[':
		return "", "expected text or a number, got a list"
	case '{':
		return "", "expected text or a number, got an object"
	}
	return string(raw), ""
}

func jsonKind(raw []byte) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// jsonSyntaxError describes where text stops being JSON.
func jsonSyntaxError(text []byte) error {
	err := json.Unmarshal(text, new(json.RawMessage))
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		if err == nil {
			err = errors.New("unexpected structure")
		}
		return fileErrorf("malformed JSON: %v; fix the file, or export it as CSV", err)
	}
	// Offset counts the bytes read, the offending one included.
	off := min(max(int(se.Offset)-1, 0), len(text))
	line, col := lineCol(text, off)
	reason := fmt.Sprintf("malformed JSON at line %d, column %d (byte offset %d): %v", line, col, off, se)
	if strings.Contains(se.Error(), "after top-level value") {
		reason += " — if the file has one review object per line, it is JSON Lines: upload it as .jsonl"
	} else {
		reason += "; fix the file, or export it as CSV"
	}
	return &FileError{Reason: reason}
}

func lineCol(text []byte, off int) (line, col int) {
	line = 1 + bytes.Count(text[:off], []byte{'\n'})
	col = off + 1
	if i := bytes.LastIndexByte(text[:off], '\n'); i >= 0 {
		col = off - i
	}
	return line, col
}

// lineCounter turns increasing byte offsets into 1-based line numbers,
// skipping the white space and comma before a JSON value.
type lineCounter struct {
	text []byte
	pos  int
	line int
}

func (lc *lineCounter) at(off int64) int {
	if lc.line == 0 {
		lc.line = 1
	}
	o := int(off)
	for o < len(lc.text) {
		c := lc.text[o]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' {
			break
		}
		o++
	}
	if o > lc.pos {
		lc.line += bytes.Count(lc.text[lc.pos:o], []byte{'\n'})
		lc.pos = o
	}
	return lc.line
}

// parseJSONL reads JSON Lines: one review object per line. A line that is
// not a JSON object rejects that row only.
func (p *parser) parseJSONL(text []byte) error {
	var headers []string
	seen := map[string]bool{}
	nonBlank, objects := 0, 0
	eachLine(text, func(_ int, line []byte) bool {
		nonBlank++
		if line[0] == '{' && json.Valid(line) {
			objects++
			for _, k := range objectKeys(line) {
				if !seen[k] {
					seen[k] = true
					headers = append(headers, k)
				}
			}
		}
		return objects < headerSampleObjects && nonBlank < 10*headerSampleObjects
	})
	if nonBlank == 0 {
		return &FileError{Reason: "the file contains no reviews"}
	}
	if objects == 0 {
		return fileErrorf("none of the first %d lines is a JSON object: JSON Lines needs one review object per line; if the file is a JSON array or one JSON document, upload it as .json", min(nonBlank, 10*headerSampleObjects))
	}
	if err := p.setHeaders(headers); err != nil {
		return err
	}
	var in rowInput
	row := 0
	var err error
	eachLine(text, func(lineNo int, line []byte) bool {
		row++
		var obj map[string]json.RawMessage
		if line[0] != '{' || !json.Valid(line) {
			reason := fmt.Sprintf("line %d is not a JSON object; each line must be one review object such as {\"rating\": 5, \"body\": \"…\"}", lineNo)
			if uerr := json.Unmarshal(line, new(json.RawMessage)); uerr != nil {
				reason = fmt.Sprintf("line %d is not valid JSON (%v); each line must be one review object", lineNo, uerr)
			}
			err = p.recordProblem(row, lineNo, reason)
			return err == nil
		}
		if uerr := json.Unmarshal(line, &obj); uerr != nil {
			err = p.recordProblem(row, lineNo, fmt.Sprintf("line %d cannot be read: %v", lineNo, uerr))
			return err == nil
		}
		p.fillJSON(&in, obj)
		err = p.process(row, lineNo, &in)
		return err == nil
	})
	return err
}

// eachLine calls fn with each non-blank line, trimmed, and its 1-based line
// number, until fn returns false.
func eachLine(text []byte, fn func(int, []byte) bool) {
	lineNo := 0
	for len(text) > 0 {
		lineNo++
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !fn(lineNo, line) {
			return
		}
	}
}
