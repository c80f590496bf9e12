package api

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/store"
)

// An upload form is read part by part as it arrives, not by huma's
// multipart.Form (net/http's ParseMultipartForm): that one buffered the
// file in a growing bytes.Buffer and the handler then copied it again, a
// third of the server's CPU at 20 concurrent 1 MB uploads. Here the file
// part goes straight into its sink (the compressed stored body, or the
// preview's buffer), and only its first bytes are kept to sniff the format.

// uploadInput is an upload request. The form is read by the handler from
// the request itself (see Resolve): huma reads no body for it.
type uploadInput struct {
	AcceptLanguage string `header:"Accept-Language" doc:"a new product's target language when the form names none"`
	req            *http.Request
}

// Resolve keeps the request, whose body the handler reads as a stream.
func (in *uploadInput) Resolve(ctx huma.Context) []error {
	in.req, _ = humachi.Unwrap(ctx)
	return nil
}

// uploadFormBody documents the form for huma, which reads no body itself.
func uploadFormBody() *huma.RequestBody {
	// documentRawBodies fills in the schema (UploadForm).
	return &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"multipart/form-data": {}}}
}

const (
	// maxMappingBytes bounds the mapping field: 14 fields with column
	// names of a few hundred characters fit many times over, and the
	// mapping is stored and echoed on every read of the upload. The other
	// text fields share the bound.
	maxMappingBytes = 64 << 10
	// maxFormParts bounds the parts of a form, as net/http's own form
	// parser does.
	maxFormParts = 1000
	// formOverhead is what a form may add to its file: the text fields,
	// boundaries and part headers.
	formOverhead = 1 << 20
	// sniffBytes of the file are kept to tell its format.
	sniffBytes = 8192
)

// uploadFields are the text fields an upload form may carry; others are
// skipped.
var uploadFields = map[string]bool{"asin": true, "marketplace": true, "target_language": true, "ui_language": true, "mapping": true}

// uploadForm is the validated multipart form.
type uploadForm struct {
	product  store.ProductInput
	filename string
	format   ingest.Format
	mapping  ingest.Mapping
	size     int64
}

var (
	// copyBufs are the buffers the file part is copied through.
	copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}
	// bodyReaders buffer the request body under the multipart reader.
	bodyReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}
)

// headWriter passes a file on to its sink, keeping its first sniffBytes
// and counting it. It keeps the sink's error apart from the request's.
type headWriter struct {
	sink io.Writer
	head []byte
	n    int64
	err  error
}

func (w *headWriter) Write(p []byte) (int, error) {
	if len(w.head) < sniffBytes {
		w.head = append(w.head, p[:min(len(p), sniffBytes-len(w.head))]...)
	}
	n, err := w.sink.Write(p)
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("store the uploaded file: %w", err)
	}
	return n, err
}

// formError is a 422 for a form that cannot be read as multipart, as
// huma answered it.
func formError(msg string) error {
	return huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body", Message: "cannot read multipart form: " + msg})
}

// readUploadForm reads the upload form of r as it arrives, writes the file
// to file, and validates the fields. It sniffs the format from the name
// and the first bytes only; nothing is parsed. It returns a problem (4xx)
// naming what to fix when the form is not multipart, is cut short, has no
// single file in the field "file", or passes a limit.
func (s *server) readUploadForm(r *http.Request, file io.Writer, needProduct bool) (uploadForm, error) {
	var out uploadForm
	// The messages are net/http's, which huma's form parsing answered.
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return out, formError("request Content-Type isn't multipart/form-data; send the upload as multipart/form-data")
	}
	if params["boundary"] == "" {
		return out, formError("no multipart boundary param in Content-Type")
	}
	// The whole form is bounded too, so skipped parts cannot go on forever.
	limit := &io.LimitedReader{R: r.Body, N: s.MaxUploadBytes + formOverhead + 1}
	// multipart reads through a 4 KiB buffer: alone, that was a read
	// syscall (and a read-deadline update) per 4 KiB of the upload.
	br := bodyReaders.Get().(*bufio.Reader)
	br.Reset(limit)
	defer func() { br.Reset(nil); bodyReaders.Put(br) }()
	mr := multipart.NewReader(br, params["boundary"])
	// readErr answers a part that could not be read: past the form's bound,
	// or cut short.
	readErr := func(err error) error {
		if limit.N <= 0 {
			return huma.Error413RequestEntityTooLarge(s.formTooLarge())
		}
		return formError(err.Error() + "; the form is malformed or cut short")
	}
	values := map[string]string{}
	var files int
	var fileType, strayFile string
	var namelessFile bool
	hw := headWriter{sink: file, head: make([]byte, 0, sniffBytes)}
	bufp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bufp)
	for parts := 0; ; parts++ {
		part, err := mr.NextPart()
		// A bare io.EOF is the closing boundary; one wrapped by NextPart
		// is a form cut short (or no form at all).
		if err == io.EOF { //nolint:errorlint // see above
			break
		}
		if err != nil {
			return out, readErr(err)
		}
		if parts == maxFormParts {
			return out, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body",
				Message: fmt.Sprintf("the form has over %d parts; send the file and the fields asin, marketplace, target_language, ui_language and mapping", maxFormParts)})
		}
		name, filename := part.FormName(), part.FileName()
		switch {
		case name == "file" && filename != "":
			files++
			if files > 1 {
				return out, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.file",
					Message: "send exactly one file in the multipart field \"file\"; this form has more"})
			}
			out.filename, fileType = filename, part.Header.Get("Content-Type")
			_, err = io.CopyBuffer(&hw, io.LimitReader(part, s.MaxUploadBytes+1), *bufp)
			if hw.err != nil {
				return out, hw.err
			}
			if err == nil && hw.n > s.MaxUploadBytes {
				return out, huma.Error413RequestEntityTooLarge(fmt.Sprintf("file is over the %d-byte limit (VOC_MAX_UPLOAD_BYTES)", s.MaxUploadBytes))
			}
		case filename != "":
			strayFile = name
			_, err = io.CopyBuffer(io.Discard, part, *bufp)
		case uploadFields[name] && !hasKey(values, name):
			var v []byte
			v, err = io.ReadAll(io.LimitReader(part, maxMappingBytes+1))
			if err == nil && len(v) > maxMappingBytes {
				var rest int64
				rest, err = io.CopyBuffer(io.Discard, part, *bufp)
				if err == nil {
					return out, fieldTooLarge(name, int64(len(v))+rest)
				}
			}
			values[name] = strings.TrimSpace(string(v))
		default:
			namelessFile = namelessFile || name == "file"
			_, err = io.CopyBuffer(io.Discard, part, *bufp)
		}
		if err != nil {
			return out, readErr(err)
		}
	}
	if files == 0 {
		msg := "send exactly one file in the multipart field \"file\""
		switch {
		case namelessFile:
			msg = "the multipart field \"file\" has no filename: send it as a file part (curl -F file=@reviews.csv)"
		case strayFile != "":
			msg += fmt.Sprintf("; this form has a file in the field %q", strayFile)
		}
		return out, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.file", Message: msg})
	}
	if err := s.validateUploadFields(&out, values, needProduct); err != nil {
		return out, err
	}
	if hw.n == 0 {
		return out, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.file", Message: "the file is empty"})
	}
	format, err := ingest.DetectFormat(out.filename, fileType, hw.head)
	if err != nil {
		return out, huma.Error415UnsupportedMediaType(err.Error())
	}
	out.format, out.size = format, hw.n
	return out, nil
}

// formTooLarge says what an upload form may hold, for a 413.
func (s *server) formTooLarge() string {
	return fmt.Sprintf("the form is over %d bytes: the file may have up to %d (VOC_MAX_UPLOAD_BYTES) and the other fields %d",
		s.MaxUploadBytes+formOverhead, s.MaxUploadBytes, formOverhead)
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func fieldTooLarge(name string, n int64) error {
	msg := fmt.Sprintf("%s is %d bytes; the limit is %d", name, n, maxMappingBytes)
	if name == "mapping" {
		msg += " (a JSON object of field → column name)"
	}
	return huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body." + name, Message: msg})
}

// validateUploadFields checks the text fields and sets out's product and
// mapping.
func (s *server) validateUploadFields(out *uploadForm, values map[string]string, needProduct bool) error {
	var errs []error
	asin := values["asin"]
	mp := strings.ToUpper(values["marketplace"])
	if mp == "" {
		mp = "US"
	}
	lang := values["target_language"]
	uiLang := values["ui_language"]
	if needProduct {
		if !asinRe.MatchString(asin) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.asin", Message: "asin must be 5–20 letters, digits, - or _", Value: ingest.Clip(asin, 40)})
		}
		if !ingest.ValidMarketplace(mp) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.marketplace", Message: "marketplace must be one of " + ingest.MarketplaceList(), Value: ingest.Clip(mp, 40)})
		}
		if lang != "" && !languageRe.MatchString(lang) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.target_language", Message: "target_language must be a language code such as en, de or zh", Value: ingest.Clip(lang, 40)})
		}
		if uiLang != "" && !languageRe.MatchString(uiLang) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.ui_language", Message: "ui_language must be a language code such as en, de or zh", Value: ingest.Clip(uiLang, 40)})
		}
	}
	if m := values["mapping"]; m != "" {
		var raw map[string]string
		if err := json.Unmarshal([]byte(m), &raw); err != nil {
			errs = append(errs, &huma.ErrorDetail{Location: "body.mapping", Message: "mapping must be a JSON object of field → column name: " + err.Error()})
		} else {
			out.mapping = ingest.Mapping{}
			for k, v := range raw {
				fld := ingest.Field(k)
				if !fld.Valid() {
					errs = append(errs, &huma.ErrorDetail{Location: "body.mapping." + k, Message: "unknown field; known fields: " + ingest.FieldList()})
					continue
				}
				out.mapping[fld] = v
			}
		}
	}
	if len(errs) > 0 {
		return huma.Error422UnprocessableEntity("validation failed", errs...)
	}
	out.product = store.ProductInput{Marketplace: mp, ASIN: asin, TargetLanguage: lang, DefaultTargetLanguage: uiLang}
	return nil
}
