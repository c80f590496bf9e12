package api

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"

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
		RequestBody:   uploadFormBody(),
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{400, 401, 413, 415, 422},
	}, s.createUpload)
	huma.Register(api, huma.Operation{
		OperationID: "preview-upload",
		Method:      http.MethodPost,
		Path:        "/api/v1/uploads/preview",
		Summary:     "Preview how a file would be mapped",
		Description: "Same multipart fields as an upload. Parses the first rows only and stores nothing.",
		Tags:        []string{"ingest"},
		RequestBody: uploadFormBody(),
		Errors:      []int{400, 401, 413, 415, 422},
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

// createUpload compresses the file as it arrives, then stores it.
func (s *server) createUpload(ctx context.Context, in *uploadInput) (*acceptedOutput, error) {
	body := store.NewUploadBody(in.req.ContentLength)
	defer body.Close()
	form, err := s.readUploadForm(in.req, body, true)
	if err != nil {
		return nil, s.formError(ctx, err)
	}
	if err := body.Close(); err != nil {
		return nil, s.storeError(ctx, "upload", fmt.Errorf("compress the upload: %w", err))
	}
	form.product.DefaultTargetLanguage = s.workingLanguage(form.product.DefaultTargetLanguage, in.AcceptLanguage)
	mapping := map[string]string{}
	for k, v := range form.mapping {
		mapping[string(k)] = v
	}
	return s.acceptUpload(ctx, form.product, store.UploadInput{Source: store.SourceFile, Filename: form.filename,
		Format: string(form.format), Mapping: mapping, Compressed: body, StartPipeline: true})
}

// formError passes a form's problem on; anything else is an internal
// error.
func (s *server) formError(ctx context.Context, err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err
	}
	return s.storeError(ctx, "upload", err)
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
		auditDetail(ctx, "upload_id", out.UploadID)
		auditDetail(ctx, "product_id", out.ProductID)
		return auditInTx(ctx, tx, http.StatusAccepted)
	})
	if err != nil {
		return nil, s.storeError(ctx, "upload", err)
	}
	auditRecorded(ctx)
	return &acceptedOutput{Status: http.StatusAccepted, Body: out}, nil
}

func (s *server) previewUpload(ctx context.Context, in *uploadInput) (*previewOutput, error) {
	var body bytes.Buffer
	if n := in.req.ContentLength; n > 0 {
		body.Grow(int(min(n, s.MaxUploadBytes)))
	}
	form, err := s.readUploadForm(in.req, &body, false)
	if err != nil {
		return nil, s.formError(ctx, err)
	}
	res, err := ingest.Preview(body.Bytes(), ingest.Options{Format: form.format, Mapping: form.mapping, XLSX: s.XLSX}, 20)
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
