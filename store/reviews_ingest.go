package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewReview is a parsed, validated review ready to load.
type NewReview struct {
	SourceReviewID   string // empty: dedupe on ContentHash
	ContentHash      []byte
	Author           string
	Rating           int // 0: unknown
	Title            string
	Body             string
	ReviewDate       *time.Time
	ReviewDateRaw    string
	VerifiedPurchase bool
	HelpfulVotes     int
	HasVideo         bool
	HasImages        bool
	ImageURLs        []string
	VideoURL         string
	ReviewURL        string
	Variant          string
	Language         string
}

// ReviewSource streams reviews into a COPY. Next advances; Review returns
// the current one; Err reports what stopped the stream early.
type ReviewSource interface {
	Next() bool
	Review() *NewReview
	Err() error
}

var reviewCopyColumns = []string{
	"product_id", "upload_id", "source_review_id", "content_hash", "author", "rating", "title", "body",
	"review_date", "review_date_raw", "verified_purchase", "helpful_votes", "has_video", "has_images",
	"image_urls", "video_url", "review_url", "variant", "language", "translation_status",
}

type copySource struct {
	ReviewCopyTarget
	src  ReviewSource
	vals []any
}

func (c *copySource) Next() bool { return c.src.Next() }
func (c *copySource) Err() error { return c.src.Err() }
func (c *copySource) Values() ([]any, error) {
	r := c.src.Review()
	var srcID *string
	if r.SourceReviewID != "" {
		srcID = &r.SourceReviewID
	}
	var rating *int16
	if r.Rating > 0 {
		v := int16(r.Rating)
		rating = &v
	}
	imgs := r.ImageURLs
	if imgs == nil {
		imgs = []string{}
	}
	lang := r.Language
	if lang == "" {
		lang = "und"
	}
	// A review already in the product's language needs no translation:
	// it is stored so, rather than marked by an update of every such row
	// when an analysis is planned (an update re-indexes the row's text).
	translation := TranslationPending
	if SameLanguage(lang, c.TargetLanguage) {
		translation = TranslationSkipped
	}
	v := c.vals[:0]
	v = append(v, c.ProductID, c.UploadID, srcID, r.ContentHash, r.Author, rating, r.Title, r.Body,
		r.ReviewDate, r.ReviewDateRaw, r.VerifiedPurchase, int32(r.HelpfulVotes), r.HasVideo, r.HasImages,
		imgs, r.VideoURL, r.ReviewURL, r.Variant, lang, translation)
	c.vals = v
	return v, nil
}

// ProductLockForIngest serialises ingestion of one product for the rest of
// the transaction.
func ProductLockForIngest(ctx context.Context, tx pgx.Tx, productID int64) error {
	if err := q(tx).ProductLockForIngest(ctx, productID); err != nil {
		return fmt.Errorf("lock product %d for ingest: %w", productID, err)
	}
	return nil
}

// ProductHasReviews reports whether the product has any review yet.
func ProductHasReviews(ctx context.Context, db DBTX, productID int64) (bool, error) {
	var has bool
	err := db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM reviews WHERE product_id = $1)", productID).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("check reviews of product %d: %w", productID, err)
	}
	return has, nil
}

// ReviewCopyTarget is where ReviewCopyIn puts reviews: the product and
// upload, and the product's target language (reviews already in it are
// stored with their translation skipped).
type ReviewCopyTarget struct {
	ProductID, UploadID int64
	TargetLanguage      string
}

// ReviewCopyIn loads reviews for one upload and returns how many were new.
//
// The source must already be free of duplicates among itself. When the
// product has no reviews yet (direct is true, under ProductLockForIngest),
// rows COPY straight into reviews. Otherwise they COPY into a temporary
// staging table and move over with ON CONFLICT DO NOTHING, which drops the
// ones the product already has (same source id, else same content hash).
func ReviewCopyIn(ctx context.Context, tx pgx.Tx, to ReviewCopyTarget, src ReviewSource, direct bool) (int64, error) {
	uploadID := to.UploadID
	cs := &copySource{ReviewCopyTarget: to, src: src, vals: make([]any, 0, len(reviewCopyColumns))}
	if direct {
		n, err := tx.CopyFrom(ctx, pgx.Identifier{"reviews"}, reviewCopyColumns, cs)
		if err != nil {
			return 0, fmt.Errorf("copy reviews of upload %d: %w", uploadID, mapErr(err))
		}
		return n, nil
	}
	const stage = `CREATE TEMP TABLE review_stage ON COMMIT DROP AS
		SELECT product_id, upload_id, source_review_id, content_hash, author, rating, title, body,
		       review_date, review_date_raw, verified_purchase, helpful_votes, has_video, has_images,
		       image_urls, video_url, review_url, variant, language, translation_status
		FROM reviews WITH NO DATA`
	if _, err := tx.Exec(ctx, stage); err != nil {
		return 0, fmt.Errorf("create review stage: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"review_stage"}, reviewCopyColumns, cs); err != nil {
		return 0, fmt.Errorf("copy reviews of upload %d to stage: %w", uploadID, err)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO reviews (product_id, upload_id, source_review_id, content_hash, author, rating,
		title, body, review_date, review_date_raw, verified_purchase, helpful_votes, has_video, has_images,
		image_urls, video_url, review_url, variant, language, translation_status)
		SELECT * FROM review_stage ON CONFLICT DO NOTHING`)
	if err != nil {
		return 0, fmt.Errorf("move staged reviews of upload %d: %w", uploadID, err)
	}
	if _, err := tx.Exec(ctx, "DROP TABLE review_stage"); err != nil {
		return 0, fmt.Errorf("drop review stage: %w", err)
	}
	return tag.RowsAffected(), nil
}

// SameLanguage reports whether a review in lang needs no translation into
// target: the same base language ("en-GB" and "en_us" are "en"), as the
// planning query compares them (AnalysisSkipTranslations).
func SameLanguage(lang, target string) bool {
	base := func(s string) string {
		s = strings.ToLower(strings.ReplaceAll(s, "_", "-"))
		if i := strings.IndexByte(s, '-'); i >= 0 {
			s = s[:i]
		}
		return s
	}
	return base(lang) == base(target)
}
