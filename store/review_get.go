package store

import (
	"context"
	"fmt"
	"time"

	"github.com/voc-project/voc/language"
)

// ReviewFull is one review as its own page shows it: the review with its
// translation, insights and 5W tags, the product it belongs to, the upload
// that brought it, and its media and source links when the source had them.
type ReviewFull struct {
	ReviewDetail
	Product    ReviewProduct `json:"product"`
	Upload     *ReviewUpload `json:"upload" doc:"null when the upload has been deleted"`
	HasImages  bool          `json:"has_images"`
	HasVideo   bool          `json:"has_video"`
	ImageURLs  []string      `json:"image_urls"`
	VideoURL   string        `json:"video_url,omitempty"`
	ReviewURL  string        `json:"review_url,omitempty" doc:"the review on the marketplace, when the source gave it"`
	CreatedAt  time.Time     `json:"created_at" doc:"when voc stored the review"`
	Translated bool          `json:"translated" doc:"the review's language differs from the product's target language and a translation is stored"`
}

// ReviewProduct names the product a review belongs to.
type ReviewProduct struct {
	ID             int64  `json:"id"`
	Marketplace    string `json:"marketplace"`
	ASIN           string `json:"asin"`
	Title          string `json:"title"`
	TargetLanguage string `json:"target_language"`
}

// ReviewUpload is the upload a review came in.
type ReviewUpload struct {
	ID        int64     `json:"id"`
	Source    string    `json:"source" enum:"file,extension,cli"`
	Filename  string    `json:"filename,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ReviewGet returns one review with its product, upload, insights and tags,
// or ErrNotFound.
func ReviewGet(ctx context.Context, db DBTX, id int64) (ReviewFull, error) {
	r, err := q(db).ReviewGetByID(ctx, id)
	if err != nil {
		return ReviewFull{}, mapErr(err)
	}
	out := ReviewFull{
		ReviewDetail: ReviewDetail{
			ID: r.ID, SourceReviewID: r.SourceReviewID, Author: r.Author, Title: r.Title, Body: r.Body,
			Language: r.Language, ReviewDateRaw: r.ReviewDateRaw, Variant: r.Variant, VerifiedPurchase: r.VerifiedPurchase,
			HelpfulVotes: int(r.HelpfulVotes), Sentiment: r.Sentiment, TranslationStatus: r.TranslationStatus,
			TitleTranslated: r.TitleTranslated, BodyTranslated: r.BodyTranslated,
			Insights: []ReviewInsight{}, Tags: []ReviewTag{},
		},
		Product: ReviewProduct{ID: r.ProductID, Marketplace: r.Marketplace, ASIN: r.Asin, Title: r.ProductTitle,
			TargetLanguage: r.TargetLanguage},
		HasImages: r.HasImages, HasVideo: r.HasVideo, ImageURLs: nonNil(r.ImageUrls), VideoURL: r.VideoUrl,
		ReviewURL: r.ReviewUrl, CreatedAt: r.CreatedAt,
	}
	if r.Rating != nil {
		v := int(*r.Rating)
		out.Rating = &v
	}
	if r.ReviewDate != nil {
		out.ReviewDate = r.ReviewDate.Format("2006-01-02")
	}
	if r.UploadID != nil && r.UploadSource != nil {
		out.Upload = &ReviewUpload{ID: *r.UploadID, Source: *r.UploadSource, Filename: deref(r.UploadFilename)}
		if r.UploadCreatedAt != nil {
			out.Upload.CreatedAt = *r.UploadCreatedAt
		}
	}
	out.Translated = r.BodyTranslated != nil && !language.Same(r.Language, r.TargetLanguage)
	ins, err := q(db).InsightListForReviews(ctx, []int64{id})
	if err != nil {
		return ReviewFull{}, fmt.Errorf("load insights of review %d: %w", id, err)
	}
	for _, x := range ins {
		out.Insights = append(out.Insights, ReviewInsight(x))
	}
	tags, err := q(db).TagListForReviews(ctx, []int64{id})
	if err != nil {
		return ReviewFull{}, fmt.Errorf("load tags of review %d: %w", id, err)
	}
	for _, x := range tags {
		out.Tags = append(out.Tags, ReviewTag(x))
	}
	return out, nil
}
