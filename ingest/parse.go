package ingest

import (
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/language"
)

// Rejection is a problem with one row. A row with several problems yields
// several Rejections with the same Row.
type Rejection struct {
	// Row is the 1-based data row number, header excluded.
	Row int `json:"row"`
	// Line is where the row starts in the file: the text line (CSV, TSV,
	// JSON, JSON Lines) or the sheet row (XLSX). 0 when unknown.
	Line int `json:"line,omitempty"`
	// Column is the source column header (JSON key) holding the bad value;
	// empty for a problem with the whole row.
	Column string `json:"column"`
	// Field is the canonical field the column is mapped to; empty for a
	// problem with the whole row.
	Field Field `json:"field,omitempty"`
	// Reason says what is wrong and what to fix.
	Reason string `json:"reason"`
	// Warning marks a problem that did not reject the row: the row was
	// kept without the value (e.g. a review date in the future).
	Warning bool `json:"warning,omitempty"`
}

// Options control Parse and Preview.
type Options struct {
	// Format is the input format; empty means sniff it from the body.
	Format Format
	// Mapping overrides the column mapping; nil means AutoMap. Ignored for
	// FormatExtension, whose keys are the canonical field names.
	Mapping Mapping
	// DefaultRating (1–5) is used for rows without a rating, and lets a file
	// without a rating column be imported. 0 means a rating is required.
	DefaultRating int
	// XLSX bounds what a workbook may decompress to; zero values take the
	// defaults.
	XLSX XLSXLimits
}

// Summary describes a parse.
type Summary struct {
	Format Format
	// RowsTotal = RowsValid + RowsRejected: data rows, header and blank rows
	// excluded.
	RowsTotal, RowsValid, RowsRejected int
	// Mapping is the mapping used, with header names as they are in the file.
	Mapping Mapping
	// Headers are the file's column headers (for JSON, the keys of the first
	// 100 review objects in order of appearance).
	Headers []string
}

// Parse reads body in opt.Format and streams each valid review to emit and
// each problem to reject, in source order; emit's *Review is the caller's to
// keep. Either callback may be nil. Parse holds one row at a time (XLSX
// shared strings excepted), so memory does not grow with the row count.
//
// It returns a *FileError for whole-file problems (encoding, binary data,
// corrupt XLSX, malformed JSON, no usable columns, no data rows): import
// nothing then, even if emit was called. An error returned by emit stops the
// parse and is returned wrapped. Any other error is a caller mistake (an
// invalid Options).
func Parse(body []byte, opt Options, emit func(*Review) error, reject func(Rejection)) (Summary, error) {
	p, err := newParser(opt, emit, reject)
	if err != nil {
		return Summary{}, err
	}
	err = p.run(body)
	return p.summary(), err
}

// errStop ends a parse early (Preview).
var errStop = errors.New("stop")

// maxTrackedIDs bounds the memory spent on spotting reused review ids: 16
// bytes per id, so 1M ids cost about 40 MB with map overhead.
const maxTrackedIDs = 1_000_000

// dateCacheSize bounds the parsed-date cache; exports repeat a few hundred
// distinct dates over thousands of rows.
const dateCacheSize = 4096

type parsedDate struct {
	t  time.Time
	ok bool
}

type idSeen struct {
	content uint64
	row     int
}

type parser struct {
	opt    Options
	format Format
	emit   func(*Review) error
	reject func(Rejection)

	headers []string
	mapping Mapping
	// noRating: the mapping says explicitly (rating → "") that the file
	// has no rating column; reviews are stored without a rating.
	noRating bool
	cols     [numFields]int    // column index per field, -1 unmapped
	keys     [numFields]string // JSON key per field
	mapped   [numFields]bool
	colName  [numFields]string

	// Preview.
	preview   bool
	stopAfter int
	missing   []Field

	xlsx     bool
	date1904 bool

	sum   Summary
	now   time.Time // dates after now+maxDateAhead are not used
	warns []Rejection
	dates map[string]parsedDate
	ids   map[uint64]idSeen
	seed  maphash.Seed
	rej   []Rejection
}

func newParser(opt Options, emit func(*Review) error, reject func(Rejection)) (*parser, error) {
	if opt.DefaultRating < 0 || opt.DefaultRating > 5 {
		return nil, fmt.Errorf("ingest: default rating %d is out of range 0–5", opt.DefaultRating)
	}
	if emit == nil {
		emit = func(*Review) error { return nil }
	}
	if reject == nil {
		reject = func(Rejection) {}
	}
	p := &parser{
		opt:    opt,
		emit:   emit,
		reject: reject,
		now:    time.Now(),
		dates:  make(map[string]parsedDate),
		ids:    make(map[uint64]idSeen),
		seed:   maphash.MakeSeed(),
	}
	for i := range p.cols {
		p.cols[i] = -1
	}
	return p, nil
}

func (p *parser) summary() Summary {
	s := p.sum
	s.Format = p.format
	s.Headers = p.headers
	if p.mapping != nil {
		s.Mapping = p.mapping.Clone()
	}
	return s
}

func (p *parser) run(body []byte) error {
	p.format = p.opt.Format
	if p.format == "" {
		f, err := DetectFormat("", "", body[:min(len(body), 64<<10)])
		if err != nil {
			return err
		}
		p.format = f
	}
	if !p.format.Valid() {
		return fileErrorf("unsupported format %q: upload %s", p.format, acceptedFormats)
	}
	var err error
	if p.format == FormatXLSX {
		err = p.parseXLSX(body)
	} else {
		var text []byte
		text, err = utf8Text(body)
		if err != nil {
			return err
		}
		switch p.format {
		case FormatCSV:
			err = p.parseDelimited(text, ',')
		case FormatTSV:
			err = p.parseDelimited(text, '\t')
		case FormatJSON:
			err = p.parseJSON(text, false)
		case FormatExtension:
			err = p.parseJSON(text, true)
		case FormatJSONL:
			err = p.parseJSONL(text)
		}
	}
	if errors.Is(err, errStop) {
		return nil
	}
	if err != nil {
		return err
	}
	if p.sum.RowsTotal == 0 {
		switch p.format {
		case FormatJSON, FormatJSONL, FormatExtension:
			return &FileError{Reason: "the file contains no reviews"}
		}
		return &FileError{Reason: "the file has a header row but no data rows"}
	}
	return nil
}

// setHeaders fixes the headers and resolves the mapping over them. It
// returns a *FileError when the mapping is unusable (errStop in preview,
// after recording what is missing).
func (p *parser) setHeaders(headers []string) error {
	p.headers = cleanHeaders(headers)
	if p.format == FormatExtension {
		// The contract fixes the keys; absent keys are empty values and so
		// per-row rejections, like any other row problem.
		p.mapping = Mapping{}
		for i, f := range Fields {
			p.keys[i] = string(f)
			p.mapped[i] = true
			p.colName[i] = string(f)
			p.mapping[f] = string(f)
		}
		return nil
	}
	m := p.opt.Mapping
	if m == nil {
		m = AutoMap(p.headers)
	}
	cols, err := resolveColumns(m, p.headers)
	if err != nil {
		return err
	}
	p.cols = cols
	p.mapping = Mapping{}
	for i, c := range cols {
		if c < 0 {
			continue
		}
		p.mapped[i] = true
		p.keys[i] = p.headers[c]
		p.colName[i] = p.headers[c]
		p.mapping[Fields[i]] = p.headers[c]
	}
	if p.noRating = explicitNoRating(p.opt.Mapping) && !p.mapped[fRating]; p.noRating {
		p.mapping[FieldRating] = ""
	}
	if err := checkRequired(p.mapping, p.headers, p.opt.DefaultRating, p.noRating); err != nil {
		if p.preview {
			if !p.mapped[fBody] {
				p.missing = append(p.missing, FieldBody)
			}
			if !p.mapped[fRating] && p.opt.DefaultRating == 0 && !p.noRating {
				p.missing = append(p.missing, FieldRating)
			}
			return errStop
		}
		return err
	}
	return nil
}

// rowInput is one source row's values per field.
type rowInput struct {
	vals [numFields]string
	// JSON only: image_urls given as an array, and values of the wrong type.
	images    []string
	imagesSet bool
	bad       [numFields]string
}

// recordProblem rejects a whole row (wrong column count, not a JSON object).
func (p *parser) recordProblem(row, line int, reason string) error {
	p.sum.RowsTotal++
	p.sum.RowsRejected++
	p.reject(Rejection{Row: row, Line: line, Reason: reason})
	return p.afterRow()
}

func (p *parser) afterRow() error {
	if p.stopAfter > 0 && p.sum.RowsTotal >= p.stopAfter {
		return errStop
	}
	return nil
}

// process validates one row and emits or rejects it.
func (p *parser) process(row, line int, in *rowInput) error {
	p.sum.RowsTotal++
	r := p.build(row, line, in)
	if len(p.rej) > 0 {
		p.sum.RowsRejected++
		for _, rj := range p.rej {
			p.reject(rj)
		}
		return p.afterRow()
	}
	p.sum.RowsValid++
	if err := p.emit(r); err != nil {
		if errors.Is(err, errStop) {
			return err
		}
		return fmt.Errorf("emit row %d: %w", row, err)
	}
	for _, w := range p.warns {
		p.reject(w)
	}
	return p.afterRow()
}

func (p *parser) bad(row, line, f int, reason string) {
	p.rej = append(p.rej, Rejection{Row: row, Line: line, Column: p.colName[f], Field: Fields[f], Reason: reason})
}

// build maps and validates one row. Problems are left in p.rej.
func (p *parser) build(row, line int, in *rowInput) *Review {
	p.rej, p.warns = p.rej[:0], p.warns[:0]
	for f, msg := range in.bad {
		if msg != "" {
			p.bad(row, line, f, msg)
		}
	}
	r := &Review{Row: row}

	var src sourceText
	r.Body, src.body = p.text(row, line, fBody, in.vals[fBody], MaxBodyChars, "review text")
	if r.Body == "" && in.bad[fBody] == "" {
		p.bad(row, line, fBody, "review text is empty; every row needs a non-empty review text")
	}
	r.Title, src.title = p.text(row, line, fTitle, in.vals[fTitle], MaxTitleChars, "title")
	r.Author, src.author = p.text(row, line, fAuthor, in.vals[fAuthor], MaxAuthorChars, "author")
	var variant string
	variant, src.variant = p.text(row, line, fVariant, in.vals[fVariant], MaxVariantChars, "variant")
	r.Variant, src.variant = collapseSpace(variant), collapseSpace(src.variant)
	if src != (sourceText{r.Author, r.Title, r.Body, r.Variant}) {
		r.source = &src
	}
	if id := cleanText(in.vals[fReviewID]); !isNA(id) {
		if len(id) > MaxIDChars {
			p.bad(row, line, fReviewID, fmt.Sprintf("review id is %d characters; the limit is %d — is the right column mapped?", len(id), MaxIDChars))
		} else {
			r.SourceReviewID = id
		}
	}

	p.rating(row, line, in, r)
	p.date(row, line, in.vals[fReviewDate], r)

	if p.mapped[fHelpfulVotes] {
		n, problem := parseHelpful(cleanText(in.vals[fHelpfulVotes]))
		if problem != "" {
			p.bad(row, line, fHelpfulVotes, problem)
		}
		r.HelpfulVotes = n
	}
	r.VerifiedPurchase = p.boolean(row, line, fVerifiedPurchase, in.vals[fVerifiedPurchase], "verified purchase")
	r.HasVideo = p.boolean(row, line, fHasVideo, in.vals[fHasVideo], "has video")
	r.HasImages = p.boolean(row, line, fHasImages, in.vals[fHasImages], "has images")
	r.ReviewURL = p.url(row, line, fReviewURL, in.vals[fReviewURL], "review URL")
	r.VideoURL = p.url(row, line, fVideoURL, in.vals[fVideoURL], "video URL")
	p.images(row, line, in, r)
	if r.VideoURL != "" {
		r.HasVideo = true
	}
	if len(r.ImageURLs) > 0 {
		r.HasImages = true
	}
	if len(p.rej) > 0 {
		return nil
	}
	if r.SourceReviewID != "" {
		p.checkID(row, line, r)
		if len(p.rej) > 0 {
			return nil
		}
	}
	r.Language = language.DetectPair(r.Title, r.Body)
	return r
}

// text cleans a free-text value, decodes its HTML character references,
// and checks its length. It returns the text to store and the cleaned
// source text (before decoding), which the content hash is taken over.
func (p *parser) text(row, line, f int, raw string, limit int, what string) (text, source string) {
	s := cleanText(raw)
	if s == "" || isTextNA(s) {
		return "", ""
	}
	source = s
	s = decodeEntities(s)
	if len(s) > limit {
		if n := utf8.RuneCountInString(s); n > limit {
			p.bad(row, line, f, fmt.Sprintf("%s is %d characters; the limit is %d — shorten it or check the column mapping", what, n, limit))
		}
	}
	return s, source
}

func (p *parser) rating(row, line int, in *rowInput, r *Review) {
	raw := ""
	if p.mapped[fRating] {
		raw = strings.TrimSpace(in.vals[fRating])
	}
	if p.noRating {
		return // the file has no rating column, by the user's explicit choice: no rating
	}
	if (raw == "" || isNA(raw)) && in.bad[fRating] == "" {
		if p.opt.DefaultRating != 0 {
			r.Rating, r.RatingDefaulted = p.opt.DefaultRating, true
			return
		}
	}
	if in.bad[fRating] != "" {
		return
	}
	n, problem := parseRating(raw)
	if problem != "" {
		p.bad(row, line, fRating, problem)
		return
	}
	r.Rating = n
}

func (p *parser) date(row, line int, raw string, r *Review) {
	s := cleanText(raw)
	if s == "" || isNA(s) {
		return
	}
	if len(s) > MaxDateChars {
		p.bad(row, line, fReviewDate, fmt.Sprintf("date is %d characters long; it is not a date — check the column mapping", len(s)))
		return
	}
	if p.xlsx {
		if t, ok := p.excelSerial(s); ok {
			r.ReviewDate, r.HasDate = t, true
			if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
				r.ReviewDateRaw = t.Format(time.DateOnly)
			} else {
				r.ReviewDateRaw = t.Format("2006-01-02 15:04:05")
			}
			p.notFuture(row, line, r)
			return
		}
	}
	r.ReviewDateRaw = s
	d, ok := p.dates[s]
	if !ok {
		d.t, d.ok = ParseDate(s)
		if len(p.dates) < dateCacheSize {
			p.dates[s] = d
		}
	}
	r.ReviewDate, r.HasDate = d.t, d.ok
	p.notFuture(row, line, r)
}

// maxDateAhead is how far past now a review date may be: time zones put a
// review posted today up to a day ahead of the server's clock.
const maxDateAhead = 24 * time.Hour

// notFuture drops a review date more than maxDateAhead in the future (the
// raw text is kept) and records a warning: such a date is a typo, a wrong
// day/month order or a wrongly mapped column, and would distort trends.
func (p *parser) notFuture(row, line int, r *Review) {
	if !r.HasDate || !r.ReviewDate.After(p.now.Add(maxDateAhead)) {
		return
	}
	r.ReviewDate, r.HasDate = time.Time{}, false
	p.warns = append(p.warns, Rejection{Row: row, Line: line, Column: p.colName[fReviewDate], Field: Fields[fReviewDate], Warning: true,
		Reason: fmt.Sprintf("review date %q is in the future: the review is kept without a date (its raw text is kept); check the date column and its day/month order", clipName(r.ReviewDateRaw))})
}

// excelSerial reads an XLSX date cell's raw serial number ("45306" or
// "45306.5"). Numbers outside 1980–2100 are left to ParseDate (e.g.
// 20240115 or Unix seconds).
func (p *parser) excelSerial(s string) (time.Time, bool) {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != '.' {
			return time.Time{}, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 29221 || v > 73051 { // 1980-01-01 .. 2100-01-01
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(v, p.date1904)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC().Round(time.Second), true
}

func (p *parser) boolean(row, line, f int, raw, what string) bool {
	if !p.mapped[f] {
		return false
	}
	v, ok := ParseBool(raw)
	if !ok {
		p.bad(row, line, f, fmt.Sprintf("%s %q is not a yes/no value; expected true/false, yes/no or 1/0", what, short(strings.TrimSpace(raw))))
	}
	return v
}

func (p *parser) url(row, line, f int, raw, what string) string {
	s := cleanText(raw)
	if s == "" || isNA(s) {
		return ""
	}
	if problem := checkURL(s); problem != "" {
		p.bad(row, line, f, what+": "+problem)
		return ""
	}
	return s
}

func (p *parser) images(row, line int, in *rowInput, r *Review) {
	list := in.images
	if !in.imagesSet {
		list = splitURLList(cleanText(in.vals[fImageURLs]))
	}
	if len(list) > MaxImageURLs {
		p.bad(row, line, fImageURLs, fmt.Sprintf("%d image URLs; the limit is %d", len(list), MaxImageURLs))
		return
	}
	for _, u := range list {
		if problem := checkURL(u); problem != "" {
			p.bad(row, line, fImageURLs, "image URL: "+problem)
			return
		}
	}
	r.ImageURLs = list
}

// checkID rejects a row whose review id an earlier row of this file used
// for a different review: dedupe on the id would silently drop one of them.
func (p *parser) checkID(row, line int, r *Review) {
	var h maphash.Hash
	h.SetSeed(p.seed)
	h.WriteString(r.SourceReviewID)
	key := h.Sum64()
	h.Reset()
	h.WriteString(r.Author)
	h.WriteByte(0)
	h.WriteByte(byte(r.Rating))
	h.WriteString(r.Title)
	h.WriteByte(0)
	h.WriteString(r.Body)
	h.WriteByte(0)
	h.WriteString(r.ReviewDateRaw)
	h.WriteByte(0)
	h.WriteString(r.Variant)
	content := h.Sum64()
	if seen, ok := p.ids[key]; ok {
		if seen.content != content {
			p.bad(row, line, fReviewID, fmt.Sprintf("review id %q is also used by row %d for a different review; the id column must identify each review — map another column to review_id, or none", short(r.SourceReviewID), seen.row))
		}
		return
	}
	if len(p.ids) < maxTrackedIDs {
		p.ids[key] = idSeen{content: content, row: row}
	}
}
