package store

import (
	"context"
	"fmt"

	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// ReviewDetail is a review as the review reader and the export show it:
// the original, its translation, its overall sentiment, and (in pages) its
// insights and 5W tags.
type ReviewDetail struct {
	ID                int64   `json:"id"`
	SourceReviewID    *string `json:"source_review_id,omitempty"`
	Author            string  `json:"author,omitempty"`
	Rating            *int    `json:"rating"`
	Title             string  `json:"title"`
	Body              string  `json:"body"`
	Language          string  `json:"language"`
	ReviewDate        string  `json:"review_date,omitempty"` // YYYY-MM-DD; empty when unparsed
	ReviewDateRaw     string  `json:"review_date_raw,omitempty"`
	Variant           string  `json:"variant,omitempty"`
	VerifiedPurchase  bool    `json:"verified_purchase"`
	HelpfulVotes      int     `json:"helpful_votes"`
	Sentiment         *string `json:"sentiment"`
	TranslationStatus string  `json:"translation_status"`
	TitleTranslated   *string `json:"title_translated"`
	BodyTranslated    *string `json:"body_translated"`
	// Media and links the extension sends.
	HasImages bool     `json:"has_images"`
	ImageURLs []string `json:"image_urls"`
	HasVideo  bool     `json:"has_video"`
	VideoURL  string   `json:"video_url,omitempty"`
	ReviewURL string   `json:"review_url,omitempty"`
	// Curation: an excluded review leaves analyses and reports; a pinned
	// one leads its dimension's evidence.
	Excluded bool `json:"excluded"`
	Pinned   bool `json:"pinned"`
	// Insights and Tags are filled by ReviewList only.
	Insights []ReviewInsight `json:"insights"`
	Tags     []ReviewTag     `json:"tags"`
}

// ReviewInsight is one insight of a review with its dimension's name.
type ReviewInsight struct {
	ID              int64  `json:"id"`
	ReviewID        int64  `json:"review_id"`
	Type            string `json:"type"`
	DimensionID     int64  `json:"dimension_id"`
	Dimension       string `json:"dimension"`
	Quote           string `json:"quote"`
	QuoteTranslated string `json:"quote_translated"`
	Analysis        string `json:"analysis"`
	Sentiment       string `json:"sentiment"`
	Confidence      string `json:"confidence"`
}

// ReviewTag is one 5W tag of a review with its label's name.
type ReviewTag struct {
	ID              int64  `json:"id"`
	ReviewID        int64  `json:"review_id"`
	Type            string `json:"type"`
	LabelID         int64  `json:"label_id"`
	Label           string `json:"label"`
	Quote           string `json:"quote"`
	QuoteTranslated string `json:"quote_translated"`
	Explanation     string `json:"explanation"`
	Confidence      string `json:"confidence"`
}

// ReviewFilter selects a product's reviews. An empty field does not filter;
// values within a field are alternatives; fields combine with AND.
type ReviewFilter struct {
	// IDs keeps only these reviews (a report's citations, say).
	IDs        []int64
	Ratings    []int
	Sentiments []string
	Languages  []string
	// A review matches the dimension filter when one of its insights is on
	// a dimension with one of these ids or names and, when InsightType is
	// set, of that type. InsightType alone matches reviews with any insight
	// of that type.
	DimensionIDs   []int64
	DimensionNames []string
	InsightType    string
	// The label filter works like the dimension filter, on 5W tags.
	LabelIDs   []int64
	LabelNames []string
	LabelType  string
}

func (f ReviewFilter) byDimension() bool {
	return len(f.DimensionIDs)+len(f.DimensionNames) > 0 || f.InsightType != ""
}

func (f ReviewFilter) byLabel() bool {
	return len(f.LabelIDs)+len(f.LabelNames) > 0 || f.LabelType != ""
}

// Page says which slice of a listing to return: the rows after the keyset
// cursor AfterID (0: from the start), skipping Offset, at most Limit.
type Page struct {
	AfterID int64
	Offset  int
	Limit   int
}

// ReviewPage is one page of reviews, the number of reviews the filter
// matches in all, and whether more follow the page.
type ReviewPage struct {
	Reviews []ReviewDetail
	Total   int64
	HasMore bool
}

// ReviewList returns one page of a product's reviews in id order with
// their insights and tags, fetched for the whole page in two queries. An
// unknown product yields an empty page.
func ReviewList(ctx context.Context, db DBTX, productID int64, f ReviewFilter, p Page) (ReviewPage, error) {
	ratings := make([]int16, len(f.Ratings))
	for i, r := range f.Ratings {
		ratings[i] = int16(r)
	}
	// One extra row says whether another page follows.
	rows, err := q(db).ReviewListFiltered(ctx, dbsqlc.ReviewListFilteredParams{
		ProductID: productID, AfterID: p.AfterID, ReviewIds: nonNil(f.IDs), Ratings: ratings, Sentiments: nonNil(f.Sentiments),
		Languages: nonNil(f.Languages), ByDimension: f.byDimension(), DimensionIds: nonNil(f.DimensionIDs),
		DimensionNames: nonNil(f.DimensionNames), InsightType: f.InsightType, ByLabel: f.byLabel(),
		LabelIds: nonNil(f.LabelIDs), LabelNames: nonNil(f.LabelNames), LabelType: f.LabelType,
		Off: int32(p.Offset), Lim: int32(p.Limit + 1),
	})
	if err != nil {
		return ReviewPage{}, fmt.Errorf("list reviews of product %d: %w", productID, err)
	}
	total, err := q(db).ReviewCountFiltered(ctx, dbsqlc.ReviewCountFilteredParams{
		ProductID: productID, ReviewIds: nonNil(f.IDs), Ratings: ratings, Sentiments: nonNil(f.Sentiments),
		Languages: nonNil(f.Languages), ByDimension: f.byDimension(), DimensionIds: nonNil(f.DimensionIDs),
		DimensionNames: nonNil(f.DimensionNames), InsightType: f.InsightType, ByLabel: f.byLabel(),
		LabelIds: nonNil(f.LabelIDs), LabelNames: nonNil(f.LabelNames), LabelType: f.LabelType,
	})
	if err != nil {
		return ReviewPage{}, fmt.Errorf("count reviews of product %d: %w", productID, err)
	}
	page := ReviewPage{Total: total, Reviews: make([]ReviewDetail, 0, min(len(rows), p.Limit))}
	if len(rows) > p.Limit {
		page.HasMore = true
		rows = rows[:p.Limit]
	}
	if len(rows) == 0 {
		return page, nil
	}
	ids := make([]int64, len(rows))
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		at[r.ID] = i
		page.Reviews = append(page.Reviews, reviewFromRow(r))
	}
	ins, err := q(db).InsightListForReviews(ctx, ids)
	if err != nil {
		return ReviewPage{}, fmt.Errorf("load insights of %d reviews: %w", len(ids), err)
	}
	for _, x := range ins {
		r := &page.Reviews[at[x.ReviewID]]
		r.Insights = append(r.Insights, ReviewInsight(x))
	}
	tags, err := q(db).TagListForReviews(ctx, ids)
	if err != nil {
		return ReviewPage{}, fmt.Errorf("load tags of %d reviews: %w", len(ids), err)
	}
	for _, x := range tags {
		r := &page.Reviews[at[x.ReviewID]]
		r.Tags = append(r.Tags, ReviewTag(x))
	}
	return page, nil
}

func reviewFromRow(r dbsqlc.ReviewListFilteredRow) ReviewDetail {
	d := ReviewDetail{
		ID: r.ID, SourceReviewID: r.SourceReviewID, Author: r.Author, Title: r.Title, Body: r.Body,
		Language: r.Language, ReviewDateRaw: r.ReviewDateRaw, Variant: r.Variant, VerifiedPurchase: r.VerifiedPurchase,
		HelpfulVotes: int(r.HelpfulVotes), Sentiment: r.Sentiment, TranslationStatus: r.TranslationStatus,
		TitleTranslated: r.TitleTranslated, BodyTranslated: r.BodyTranslated,
		HasImages: r.HasImages, ImageURLs: nonNil(r.ImageUrls), HasVideo: r.HasVideo, VideoURL: r.VideoUrl, ReviewURL: r.ReviewUrl,
		Excluded: r.Excluded, Pinned: r.Pinned,
		Insights: []ReviewInsight{}, Tags: []ReviewTag{},
	}
	if r.Rating != nil {
		v := int(*r.Rating)
		d.Rating = &v
	}
	if r.ReviewDate != nil {
		d.ReviewDate = r.ReviewDate.Format("2006-01-02")
	}
	return d
}

// exportPageSize bounds the rows an export holds in memory at once.
const exportPageSize = 1000

// ReviewExportEach calls fn for every review of a product in id order,
// without insights or tags, reading exportPageSize rows at a time. It
// stops at and returns the first error of a query or of fn. Run it in a
// repeatable-read transaction for a consistent export.
func ReviewExportEach(ctx context.Context, db DBTX, productID int64, fn func(ReviewDetail) error) error {
	var after int64
	for {
		rows, err := q(db).ReviewListFiltered(ctx, dbsqlc.ReviewListFilteredParams{
			ProductID: productID, AfterID: after, ReviewIds: []int64{}, Ratings: []int16{}, Sentiments: []string{}, Languages: []string{},
			DimensionIds: []int64{}, DimensionNames: []string{}, LabelIds: []int64{}, LabelNames: []string{},
			Lim: exportPageSize,
		})
		if err != nil {
			return fmt.Errorf("export reviews of product %d after %d: %w", productID, after, err)
		}
		for _, r := range rows {
			if err := fn(reviewFromRow(r)); err != nil {
				return err
			}
		}
		if len(rows) < exportPageSize {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// ExportInsight is an insight as the export lists it, with its review's
// language.
type ExportInsight struct {
	ReviewInsight
	Language string
}

// ExportTag is a 5W tag as the export lists it, with its review's language.
type ExportTag struct {
	ReviewTag
	Language string
}

// InsightExportEach calls fn for every insight of a product in id order,
// like ReviewExportEach.
func InsightExportEach(ctx context.Context, db DBTX, productID int64, fn func(ExportInsight) error) error {
	var after int64
	for {
		rows, err := q(db).InsightExportPage(ctx, dbsqlc.InsightExportPageParams{ProductID: productID, AfterID: after, Lim: exportPageSize})
		if err != nil {
			return fmt.Errorf("export insights of product %d after %d: %w", productID, after, err)
		}
		for _, r := range rows {
			x := ExportInsight{Language: r.Language, ReviewInsight: ReviewInsight{ID: r.ID, ReviewID: r.ReviewID, Type: r.Type,
				DimensionID: r.DimensionID, Dimension: r.Dimension, Quote: r.Quote, QuoteTranslated: r.QuoteTranslated,
				Analysis: r.Analysis, Sentiment: r.Sentiment, Confidence: r.Confidence}}
			if err := fn(x); err != nil {
				return err
			}
		}
		if len(rows) < exportPageSize {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// TagExportEach calls fn for every 5W tag of a product in id order, like
// ReviewExportEach.
func TagExportEach(ctx context.Context, db DBTX, productID int64, fn func(ExportTag) error) error {
	var after int64
	for {
		rows, err := q(db).TagExportPage(ctx, dbsqlc.TagExportPageParams{ProductID: productID, AfterID: after, Lim: exportPageSize})
		if err != nil {
			return fmt.Errorf("export tags of product %d after %d: %w", productID, after, err)
		}
		for _, r := range rows {
			x := ExportTag{Language: r.Language, ReviewTag: ReviewTag{ID: r.ID, ReviewID: r.ReviewID, Type: r.Type,
				LabelID: r.LabelID, Label: r.Label, Quote: r.Quote, QuoteTranslated: r.QuoteTranslated,
				Explanation: r.Explanation, Confidence: r.Confidence}}
			if err := fn(x); err != nil {
				return err
			}
		}
		if len(rows) < exportPageSize {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// ProductCount returns the number of products.
func ProductCount(ctx context.Context, db DBTX) (int64, error) {
	n, err := q(db).ProductCount(ctx)
	if err != nil {
		return 0, fmt.Errorf("count products: %w", err)
	}
	return n, nil
}

// ProductReviewCount returns the number of reviews of a product.
func ProductReviewCount(ctx context.Context, db DBTX, productID int64) (int64, error) {
	n, err := q(db).ProductReviewCount(ctx, productID)
	if err != nil {
		return 0, fmt.Errorf("count reviews of product %d: %w", productID, err)
	}
	return n, nil
}
