package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"
	xlanguage "golang.org/x/text/language"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

var (
	asinRe     = regexp.MustCompile(`^[A-Za-z0-9_-]{5,20}$`)
	languageRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z]{2,4})?$`)
)

// Accepted is the answer to every upload: the work is queued.
type Accepted struct {
	UploadID       int64  `json:"upload_id"`
	ProductID      int64  `json:"product_id"`
	TargetLanguage string `json:"target_language" doc:"the product's target language, which its analyses translate and write into"`
	Status         string `json:"status"`
	StatusURL      string `json:"status_url"`
}

type acceptedOutput struct {
	Status int
	Body   Accepted
}

type uploadInput struct {
	AcceptLanguage string `header:"Accept-Language" doc:"a new product's target language when the form names none"`
	RawBody        multipart.Form
}

type extensionInput struct {
	AcceptLanguage string `header:"Accept-Language" doc:"a new product's target language"`
	RawBody        []byte
}

type uploadGetInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type uploadGetOutput struct {
	Body store.Upload
}

type uploadListOutput struct {
	Body []store.Upload
}

type collectionInput struct {
	ASIN         string `path:"asin" minLength:"5" maxLength:"20"`
	Marketplace  string `query:"marketplace" pattern:"^[A-Z]{2,5}$" doc:"needed only when the ASIN is in several marketplaces"`
	WorkflowMode string `query:"workflow_mode" default:"one_step_insight" enum:"one_step_insight,translate_only"`
}

type collectionOutput struct {
	Status int
	Body   struct {
		ProductID   int64  `json:"product_id"`
		Marketplace string `json:"marketplace"`
		JobID       int64  `json:"job_id"`
		Mode        string `json:"workflow_mode"`
		Status      string `json:"status" enum:"started" doc:"the analysis is queued; it starts once the pushed uploads are ingested"`
	}
}

type previewOutput struct {
	Body ingest.PreviewResult
}

func (s *server) registerUploadRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "create-upload",
		Method:      http.MethodPost,
		Path:        "/api/v1/uploads",
		Summary:     "Upload a review file",
		Description: "Multipart fields: `file` (CSV, TSV, XLSX, JSON or JSONL), `asin`, `marketplace` (default US), optional " +
			"`target_language`, `ui_language` and `mapping` (a JSON object of field → column, overriding the automatic header mapping). " +
			"`target_language` sets the product's target language (new or existing product). Without it, a new product " +
			"gets the language the person works in: `ui_language` (the web UI sends its own), else the first language of " +
			"`Accept-Language`, else VOC_DEFAULT_TARGET_LANGUAGE, else `en`; an existing product keeps its language. " +
			"The body is stored and queued; parsing happens in the ingestion job. Poll the status URL.",
		Tags:          []string{"ingest"},
		MaxBodyBytes:  s.MaxUploadBytes,
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{400, 401, 413, 415, 422},
	}, s.createUpload)
	huma.Register(api, huma.Operation{
		OperationID:  "preview-upload",
		Method:       http.MethodPost,
		Path:         "/api/v1/uploads/preview",
		Summary:      "Preview how a file would be mapped",
		Description:  "Same multipart fields as an upload. Parses the first rows only and stores nothing.",
		Tags:         []string{"ingest"},
		MaxBodyBytes: s.MaxUploadBytes,
		Errors:       []int{400, 401, 413, 415, 422},
	}, s.previewUpload)
	huma.Register(api, huma.Operation{
		OperationID: "get-upload",
		Method:      http.MethodGet,
		Path:        "/api/v1/uploads/{id}",
		Summary:     "Upload status, counts and rejected rows",
		Tags:        []string{"ingest"},
		Errors:      []int{401, 404},
	}, func(ctx context.Context, in *uploadGetInput) (*uploadGetOutput, error) {
		u, err := store.UploadGet(ctx, s.Pool, in.ID, 1000)
		if err != nil {
			return nil, s.storeError(ctx, "upload", err)
		}
		return &uploadGetOutput{Body: u}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "list-product-uploads",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/uploads",
		Summary:     "A product's latest uploads (without rejections)",
		Tags:        []string{"ingest"},
		Errors:      []int{401},
	}, func(ctx context.Context, in *productIDInput) (*uploadListOutput, error) {
		ups, err := store.UploadListByProduct(ctx, s.Pool, in.ID, 100)
		if err != nil {
			return nil, s.storeError(ctx, "uploads", err)
		}
		return &uploadListOutput{Body: ups}, nil
	})
	huma.Register(api, huma.Operation{
		OperationID:   "ingest-extension",
		Method:        http.MethodPost,
		Path:          "/api/v1/reviews/ingest",
		Summary:       "Push reviews from the browser extension",
		Description:   "JSON body per the extension contract (asin, marketplace, product metadata, reviews[]). The envelope is validated now; each review is validated by the ingestion job, and rejected reviews are listed on the upload.",
		Tags:          []string{"ingest"},
		MaxBodyBytes:  s.MaxUploadBytes,
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{400, 401, 413, 422},
	}, s.ingestExtension)
	huma.Register(api, huma.Operation{
		OperationID: "collection-complete",
		Method:      http.MethodPost,
		Path:        "/api/v1/products/{asin}/collection-complete",
		Summary:     "Start the analysis of everything pushed for a product",
		Description: "Queues an analysis of the product's reviews not yet analysed, once its pushed uploads are ingested. " +
			"Without `marketplace`, the ASIN must name one product across marketplaces: 404 when none has it, 409 with `candidates` when several do.",
		Tags:          []string{"ingest"},
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{401, 404, 409, 422},
	}, s.collectionComplete)
}

// maxMappingBytes bounds the mapping field: 14 fields with column names of a
// few hundred characters fit many times over, and the mapping is stored
// and echoed on every read of the upload.
const maxMappingBytes = 64 << 10

// uploadForm is the validated multipart form.
type uploadForm struct {
	product  store.ProductInput
	filename string
	format   ingest.Format
	mapping  ingest.Mapping
	body     []byte
}

func formValue(f *multipart.Form, name string) string {
	if v := f.Value[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// readUploadForm validates the multipart fields and reads the file. It
// sniffs the format from the name and the first bytes only; nothing is
// parsed.
func (s *server) readUploadForm(f *multipart.Form, needProduct bool) (uploadForm, error) {
	var out uploadForm
	var errs []error
	files := f.File["file"]
	if len(files) != 1 {
		return out, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.file", Message: "send exactly one file in the multipart field \"file\""})
	}
	fh := files[0]
	if fh.Size > s.MaxUploadBytes {
		return out, huma.Error413RequestEntityTooLarge(fmt.Sprintf("file is %d bytes; the limit is %d (VOC_MAX_UPLOAD_BYTES)", fh.Size, s.MaxUploadBytes))
	}
	asin := formValue(f, "asin")
	mp := strings.ToUpper(formValue(f, "marketplace"))
	if mp == "" {
		mp = "US"
	}
	lang := formValue(f, "target_language")
	uiLang := formValue(f, "ui_language")
	if needProduct {
		if !asinRe.MatchString(asin) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.asin", Message: "asin must be 5–20 letters, digits, - or _", Value: asin})
		}
		if !ingest.ValidMarketplace(mp) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.marketplace", Message: "marketplace must be one of " + ingest.MarketplaceList(), Value: ingest.Clip(mp, 40)})
		}
		if lang != "" && !languageRe.MatchString(lang) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.target_language", Message: "target_language must be a language code such as en, de or zh", Value: lang})
		}
		if uiLang != "" && !languageRe.MatchString(uiLang) {
			errs = append(errs, &huma.ErrorDetail{Location: "body.ui_language", Message: "ui_language must be a language code such as en, de or zh", Value: uiLang})
		}
	}
	if m := formValue(f, "mapping"); len(m) > maxMappingBytes {
		errs = append(errs, &huma.ErrorDetail{Location: "body.mapping",
			Message: fmt.Sprintf("mapping is %d bytes; the limit is %d (a JSON object of field → column name)", len(m), maxMappingBytes)})
	} else if m != "" {
		var raw map[string]string
		if err := json.Unmarshal([]byte(m), &raw); err != nil {
			errs = append(errs, &huma.ErrorDetail{Location: "body.mapping", Message: "mapping must be a JSON object of field → column name: " + err.Error()})
		} else {
			out.mapping = ingest.Mapping{}
			for k, v := range raw {
				fld := ingest.Field(k)
				if !fld.Valid() {
					errs = append(errs, &huma.ErrorDetail{Location: "body.mapping." + k, Message: "unknown field; known fields: review_id, author, rating, title, body, review_date, variant, helpful_votes, verified_purchase, review_url, image_urls, video_url, has_video, has_images"})
					continue
				}
				out.mapping[fld] = v
			}
		}
	}
	if len(errs) > 0 {
		return out, huma.Error422UnprocessableEntity("validation failed", errs...)
	}
	file, err := fh.Open()
	if err != nil {
		return out, huma.Error400BadRequest("cannot read the uploaded file: " + err.Error())
	}
	defer file.Close()
	// Sized from the part's length (already checked against the limit):
	// io.ReadAll's doubling from 512 bytes allocated and zeroed about twice
	// the body per upload, a tenth of the server's CPU at 20 concurrent
	// uploads (docs/BENCHMARKS.md).
	body := make([]byte, 0, fh.Size+bytes.MinRead+1)
	buf := bytes.NewBuffer(body)
	_, err = buf.ReadFrom(io.LimitReader(file, s.MaxUploadBytes+1))
	body = buf.Bytes()
	if err != nil {
		return out, huma.Error400BadRequest("cannot read the uploaded file: " + err.Error())
	}
	if int64(len(body)) > s.MaxUploadBytes {
		return out, huma.Error413RequestEntityTooLarge(fmt.Sprintf("file is over the %d-byte limit (VOC_MAX_UPLOAD_BYTES)", s.MaxUploadBytes))
	}
	if len(body) == 0 {
		return out, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "body.file", Message: "the file is empty"})
	}
	head := body[:min(len(body), 8192)]
	format, err := ingest.DetectFormat(fh.Filename, fh.Header.Get("Content-Type"), head)
	if err != nil {
		return out, huma.Error415UnsupportedMediaType(err.Error())
	}
	out.product = store.ProductInput{Marketplace: mp, ASIN: asin, TargetLanguage: lang, DefaultTargetLanguage: uiLang}
	out.filename, out.format, out.body = fh.Filename, format, body
	return out, nil
}

func (s *server) createUpload(ctx context.Context, in *uploadInput) (*acceptedOutput, error) {
	form, err := s.readUploadForm(&in.RawBody, true)
	if err != nil {
		return nil, err
	}
	form.product.DefaultTargetLanguage = s.workingLanguage(form.product.DefaultTargetLanguage, in.AcceptLanguage)
	mapping := map[string]string{}
	for k, v := range form.mapping {
		mapping[string(k)] = v
	}
	return s.acceptUpload(ctx, form.product, store.UploadInput{Source: store.SourceFile, Filename: form.filename,
		Format: string(form.format), Mapping: mapping, Body: form.body, StartPipeline: true})
}

// acceptUpload stores the raw body and queues its ingestion in one
// transaction, then answers 202.
func (s *server) acceptUpload(ctx context.Context, p store.ProductInput, up store.UploadInput) (*acceptedOutput, error) {
	var out Accepted
	err := store.InTx(ctx, s.Pool, func(tx pgx.Tx) error {
		prod, err := store.ProductUpsert(ctx, tx, p)
		if err != nil {
			return err
		}
		up.ProductID = prod.ID
		id, err := store.UploadCreate(ctx, tx, up)
		if err != nil {
			return err
		}
		if _, err := s.River.InsertTx(ctx, tx, jobs.IngestArgs{UploadID: id}, nil); err != nil {
			return fmt.Errorf("queue ingestion of upload %d: %w", id, err)
		}
		out = Accepted{UploadID: id, ProductID: prod.ID, TargetLanguage: prod.TargetLanguage, Status: store.UploadPending,
			StatusURL: fmt.Sprintf("/api/v1/uploads/%d", id)}
		return nil
	})
	if err != nil {
		return nil, s.storeError(ctx, "upload", err)
	}
	auditDetail(ctx, "upload_id", out.UploadID)
	auditDetail(ctx, "product_id", out.ProductID)
	return &acceptedOutput{Status: http.StatusAccepted, Body: out}, nil
}

func (s *server) previewUpload(_ context.Context, in *uploadInput) (*previewOutput, error) {
	form, err := s.readUploadForm(&in.RawBody, false)
	if err != nil {
		return nil, err
	}
	res, err := ingest.Preview(form.body, ingest.Options{Format: form.format, Mapping: form.mapping, XLSX: s.XLSX}, 20)
	if err != nil {
		var fe *ingest.FileError
		if errors.As(err, &fe) {
			return nil, huma.Error422UnprocessableEntity(fe.Reason)
		}
		return nil, err
	}
	return &previewOutput{Body: res}, nil
}

func (s *server) ingestExtension(ctx context.Context, in *extensionInput) (*acceptedOutput, error) {
	p, err := ingest.DecodeExtensionProduct(in.RawBody)
	if err != nil {
		var ve *ingest.ValidationError
		if errors.As(err, &ve) {
			details := make([]error, len(ve.Errors))
			for i, fe := range ve.Errors {
				loc := "body"
				if fe.Field != "" {
					loc += "." + fe.Field
				}
				details[i] = &huma.ErrorDetail{Location: loc, Message: fe.Message}
			}
			return nil, huma.Error422UnprocessableEntity("validation failed", details...)
		}
		return nil, huma.Error400BadRequest(err.Error())
	}
	cats := make([]store.Category, len(p.Categories))
	for i, c := range p.Categories {
		cats[i] = store.Category{Name: c.Name, URL: c.URL}
	}
	return s.acceptUpload(ctx, store.ProductInput{Marketplace: p.Marketplace, ASIN: p.ASIN, Title: p.Title, ImageURL: p.ImageURL,
		AverageRating: p.AverageRating, Price: p.Price, BulletPoints: p.BulletPoints, Categories: cats,
		DefaultTargetLanguage: s.workingLanguage("", in.AcceptLanguage)},
		store.UploadInput{Source: store.SourceExtension, Format: string(ingest.FormatExtension), Body: in.RawBody})
}

func (s *server) collectionComplete(ctx context.Context, in *collectionInput) (*collectionOutput, error) {
	if in.Marketplace != "" && !ingest.ValidMarketplace(in.Marketplace) {
		return nil, huma.Error422UnprocessableEntity("validation failed", &huma.ErrorDetail{Location: "query.marketplace",
			Message: "marketplace must be one of " + ingest.MarketplaceList(), Value: in.Marketplace})
	}
	p, err := s.resolveASIN(ctx, in.ASIN, in.Marketplace)
	if err != nil {
		return nil, err
	}
	kind := jobs.AnalysisFull
	if in.WorkflowMode == "translate_only" {
		kind = jobs.AnalysisTranslateOnly
	}
	res, err := s.River.Insert(ctx, jobs.CollectionCompleteArgs{ProductID: p.ID, AnalysisKind: kind}, nil)
	if err != nil {
		return nil, s.storeError(ctx, "analysis", err)
	}
	out := &collectionOutput{Status: http.StatusAccepted}
	out.Body.ProductID, out.Body.Marketplace, out.Body.JobID, out.Body.Mode, out.Body.Status = p.ID, p.Marketplace, res.Job.ID, in.WorkflowMode, "started"
	auditDetail(ctx, "product_id", p.ID)
	return out, nil
}

// workingLanguage is the language a person works in, which a new product's
// analyses are written in: the UI's language when the UI sent one, else
// the first language of Accept-Language (its primary subtag: "de" for
// "de-AT"), else VOC_DEFAULT_TARGET_LANGUAGE, else English. It never
// guesses another language.
func (s *server) workingLanguage(uiLang, acceptLanguage string) string {
	if uiLang != "" {
		return uiLang
	}
	if tags, _, err := xlanguage.ParseAcceptLanguage(acceptLanguage); err == nil {
		for _, t := range tags {
			base, conf := t.Base()
			switch code := base.String(); {
			case conf == xlanguage.No, code == "und", code == "mul", code == "mis", code == "zxx":
				// "*" parses as mul (multiple languages): no choice made.
			case languageRe.MatchString(code):
				return code
			}
		}
	}
	return cmp.Or(s.DefaultTargetLanguage, store.DefaultLanguage)
}
