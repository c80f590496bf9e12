package api

import (
	"reflect"

	"github.com/danielgtaylor/huma/v2"
)

// The upload endpoints read their bodies raw (nothing is parsed in the
// request beyond what is needed to answer), so their request schemas are
// documented here, for /openapi.json and /docs only.

// ExtensionIngest is the browser extension's push body.
type ExtensionIngest struct {
	ASIN          string              `json:"asin" minLength:"5" maxLength:"20" doc:"Product ASIN"`
	Title         string              `json:"title,omitempty"`
	ImageURL      string              `json:"image_url,omitempty"`
	Marketplace   string              `json:"marketplace,omitempty" default:"US" doc:"Marketplace code; products are unique per (marketplace, asin)"`
	AverageRating *float64            `json:"average_rating,omitempty" minimum:"0" maximum:"5"`
	Price         string              `json:"price,omitempty"`
	BulletPoints  []string            `json:"bullet_points,omitempty"`
	Categories    []ExtensionCategory `json:"categories,omitempty"`
	IsStream      bool                `json:"is_stream,omitempty" doc:"More pushes follow; send collection-complete at the end"`
	Reviews       []ExtensionReview   `json:"reviews"`
}

// ExtensionCategory is one category of the product.
type ExtensionCategory struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// ExtensionReview is one pushed review. Invalid reviews are rejected one by
// one (listed on the upload), never the whole push.
type ExtensionReview struct {
	ReviewID         string   `json:"review_id,omitempty" doc:"Dedupe key; without it the content hash is"`
	Author           string   `json:"author,omitempty"`
	Rating           int      `json:"rating" minimum:"1" maximum:"5"`
	Title            string   `json:"title,omitempty"`
	Body             string   `json:"body" minLength:"1"`
	ReviewDate       string   `json:"review_date,omitempty" doc:"Raw page string, e.g. \"January 1, 2024\", \"1. Januar 2024\", \"2024年1月1日\""`
	VerifiedPurchase bool     `json:"verified_purchase,omitempty"`
	HelpfulVotes     int      `json:"helpful_votes,omitempty" minimum:"0"`
	HasVideo         bool     `json:"has_video,omitempty"`
	HasImages        bool     `json:"has_images,omitempty"`
	ImageURLs        []string `json:"image_urls,omitempty"`
	VideoURL         string   `json:"video_url,omitempty"`
	ReviewURL        string   `json:"review_url,omitempty"`
	Variant          string   `json:"variant,omitempty" doc:"e.g. \"Color: Black\""`
}

// UploadForm documents the multipart upload.
type UploadForm struct {
	File           string `json:"file" format:"binary" doc:"CSV, TSV, XLSX, JSON or JSONL"`
	ASIN           string `json:"asin" minLength:"5" maxLength:"20"`
	Marketplace    string `json:"marketplace,omitempty" default:"US"`
	TargetLanguage string `json:"target_language,omitempty" doc:"the product's target language (sets it for a new or an existing product); without it a new product gets ui_language, else Accept-Language, else VOC_DEFAULT_TARGET_LANGUAGE, else en"`
	UILanguage     string `json:"ui_language,omitempty" doc:"the language the person works in (the web UI sends its own); a new product's target language when target_language is absent"`
	Mapping        string `json:"mapping,omitempty" doc:"JSON object of field → column, e.g. {\"rating\":\"Stars\",\"body\":\"Comment\"}; overrides the automatic header mapping"`
}

// documentRawBodies replaces the generic raw-body schemas with the real ones.
func documentRawBodies(api huma.API) {
	oa := api.OpenAPI()
	set := func(path, contentType string, t reflect.Type) {
		pi := oa.Paths[path]
		if pi == nil || pi.Post == nil || pi.Post.RequestBody == nil {
			return
		}
		s := oa.Components.Schemas.Schema(t, true, t.Name())
		pi.Post.RequestBody.Content = map[string]*huma.MediaType{contentType: {Schema: s}}
	}
	set("/api/v1/reviews/ingest", "application/json", reflect.TypeOf(ExtensionIngest{}))
	set("/api/v1/reviews/ingest/queue", "application/json", reflect.TypeOf(ExtensionIngest{}))
	set("/api/v1/uploads", "multipart/form-data", reflect.TypeOf(UploadForm{}))
	set("/api/v1/uploads/preview", "multipart/form-data", reflect.TypeOf(UploadForm{}))
}
