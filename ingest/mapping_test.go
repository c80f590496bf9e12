package ingest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

func TestAutoMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers []string
		want    ingest.Mapping
	}{
		{
			name:    "alexa: feedback 1/0 is not mapped, verified_reviews is the body not verified_purchase",
			headers: []string{"\uFEFFrating", "date", "variation", "verified_reviews", "feedback"},
			want:    ingest.Mapping{"rating": "rating", "review_date": "date", "variant": "variation", "body": "verified_reviews"},
		},
		{
			name:    "marc",
			headers: []string{"id", "language", "stars", "text"},
			want:    ingest.Mapping{"review_id": "id", "rating": "stars", "body": "text"},
		},
		{
			name:    "chinese sentiment corpus: label is not a rating",
			headers: []string{"cat", "label", "review"},
			want:    ingest.Mapping{"body": "review"},
		},
		{
			name:    "canonical names (extension keys)",
			headers: []string{"review_id", "author", "rating", "title", "body", "review_date", "verified_purchase", "helpful_votes", "has_video", "has_images", "image_urls", "video_url", "review_url", "variant"},
			want: ingest.Mapping{"review_id": "review_id", "author": "author", "rating": "rating", "title": "title", "body": "body",
				"review_date": "review_date", "verified_purchase": "verified_purchase", "helpful_votes": "helpful_votes",
				"has_video": "has_video", "has_images": "has_images", "image_urls": "image_urls", "video_url": "video_url",
				"review_url": "review_url", "variant": "variant"},
		},
		{
			name:    "case, spaces, camelCase",
			headers: []string{"Review ID", "Star Rating", "Review Title", "Review Text", "Review Date", "Helpful Votes", "Verified Purchase", "Profile Name"},
			want: ingest.Mapping{"review_id": "Review ID", "rating": "Star Rating", "title": "Review Title", "body": "Review Text",
				"review_date": "Review Date", "helpful_votes": "Helpful Votes", "verified_purchase": "Verified Purchase", "author": "Profile Name"},
		},
		{
			name:    "camelCase scraper",
			headers: []string{"reviewId", "reviewerName", "ratingScore", "reviewTitle", "reviewDescription", "date", "variant"},
			want: ingest.Mapping{"review_id": "reviewId", "author": "reviewerName", "rating": "ratingScore", "title": "reviewTitle",
				"body": "reviewDescription", "review_date": "date", "variant": "variant"},
		},
		{
			name:    "amazon fine food",
			headers: []string{"Id", "ProductId", "UserId", "ProfileName", "HelpfulnessNumerator", "HelpfulnessDenominator", "Score", "Time", "Summary", "Text"},
			want: ingest.Mapping{"review_id": "Id", "author": "ProfileName", "helpful_votes": "HelpfulnessNumerator", "rating": "Score",
				"review_date": "Time", "title": "Summary", "body": "Text"},
		},
		{
			name: "datafiniti: reviews.* beat the product-level id/name",
			headers: []string{"id", "name", "asin", "brand", "reviews.date", "reviews.doRecommend", "reviews.id", "reviews.numHelpful",
				"reviews.rating", "reviews.text", "reviews.title", "reviews.username"},
			want: ingest.Mapping{"review_id": "reviews.id", "author": "reviews.username", "rating": "reviews.rating", "body": "reviews.text",
				"title": "reviews.title", "review_date": "reviews.date", "helpful_votes": "reviews.numHelpful"},
		},
		{
			name:    "chinese shop export",
			headers: []string{"用户昵称", "评分", "评论内容", "评论时间", "商品规格", "有用数", "图片"},
			want: ingest.Mapping{"author": "用户昵称", "rating": "评分", "body": "评论内容", "review_date": "评论时间",
				"variant": "商品规格", "helpful_votes": "有用数", "image_urls": "图片"},
		},
		{
			name:    "chinese short headers",
			headers: []string{"昵称", "星级", "标题", "内容", "日期", "颜色"},
			want:    ingest.Mapping{"author": "昵称", "rating": "星级", "title": "标题", "body": "内容", "review_date": "日期", "variant": "颜色"},
		},
		{
			name:    "product-level columns are not review fields",
			headers: []string{"product_title", "average_rating", "rating_count", "review", "stars"},
			want:    ingest.Mapping{"body": "review", "rating": "stars"},
		},
		{
			name:    "comment and score",
			headers: []string{"Comment", "Score", "Name", "Time"},
			want:    ingest.Mapping{"body": "Comment", "rating": "Score", "author": "Name", "review_date": "Time"},
		},
		{
			name:    "nothing usable",
			headers: []string{"foo", "bar", ""},
			want:    ingest.Mapping{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, ingest.AutoMap(tc.headers))
		})
	}
}
