package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// The review reader's search, sort and keyset paging, and the dashboard's
// aggregates over the same filter. One WHERE builder (ReviewQuery.where)
// serves the page, its total, the export and every dashboard count, so a
// count the dashboard shows is the number of reviews the reader lists for
// the same filter.
//
// The SQL is written here rather than in sqlc/queries because the sort order
// and the set of active filters vary per request: sqlc cannot parametrise
// ORDER BY, and one static query with every filter switched by flags cannot
// use the per-sort indexes of migration 00017. Every value is a bound
// parameter; only whitelisted fragments are spliced in.

// reviewSearchText is the expression the trigram index of migration 00017
// covers. Keep the two identical.
const reviewSearchText = `(r.title || ' ' || r.body || ' ' || coalesce(r.title_translated, '') || ' ' || coalesce(r.body_translated, ''))`

// Review sort orders of ReviewQuery.Sort.
const (
	SortNewest     = "newest"
	SortOldest     = "oldest"
	SortRatingHigh = "rating_desc"
	SortRatingLow  = "rating_asc"
	SortHelpful    = "helpful"
	SortID         = "id"
)

// ReviewSorts lists the sort orders ReviewSearch accepts.
var ReviewSorts = []string{SortNewest, SortOldest, SortRatingHigh, SortRatingLow, SortHelpful, SortID}

type sortSpec struct {
	key  string // SQL expression of the sort key (NULL-free)
	desc bool
	kind string // how the key is carried in a cursor: date, int
}

var sortSpecs = map[string]sortSpec{
	SortNewest:     {key: "coalesce(r.review_date, '0001-01-01'::date)", desc: true, kind: "date"},
	SortOldest:     {key: "coalesce(r.review_date, '0001-01-01'::date)", kind: "date"},
	SortRatingHigh: {key: "coalesce(r.rating, 0::smallint)", desc: true, kind: "int"},
	SortRatingLow:  {key: "coalesce(r.rating, 0::smallint)", kind: "int"},
	SortHelpful:    {key: "r.helpful_votes", desc: true, kind: "int"},
	SortID:         {key: "r.id", kind: "int"},
}

// ReviewQuery is the review reader's filter: ReviewFilter's fields plus
// text search, dates, variants and the sentiment of the matching insight.
// An empty field does not filter; values within a field are alternatives;
// fields combine with AND.
type ReviewQuery struct {
	ReviewFilter
	// Terms must each occur (case-insensitively, as a substring) in the
	// title, body or their translations.
	Terms []string
	// NoRating adds reviews without a rating to Ratings (alone: only those).
	NoRating bool
	// DateFrom and DateTo bound review_date, both inclusive; a review
	// without a date is excluded when either is set.
	DateFrom, DateTo *time.Time
	Variants         []string
	// InsightSentiment narrows the dimension filter to insights of this
	// sentiment (alone: reviews with any insight of this sentiment).
	InsightSentiment string
	// Sort is one of ReviewSorts; empty is SortNewest.
	Sort string
}

// SearchCursor is where a search page ends: the last review's sort key and
// id. Its zero value starts at the first page.
type SearchCursor struct {
	Sort string
	Key  string
	ID   int64
}

// String encodes the cursor for a URL.
func (c SearchCursor) String() string {
	return c.Sort + "~" + c.Key + "~" + strconv.FormatInt(c.ID, 10)
}

// ParseSearchCursor decodes SearchCursor.String for the sort order sort. It
// returns false when s is not such a cursor.
func ParseSearchCursor(s, sort string) (SearchCursor, bool) {
	parts := strings.Split(s, "~")
	if len(parts) != 3 || parts[0] != sort {
		return SearchCursor{}, false
	}
	spec, ok := sortSpecs[sort]
	if !ok {
		return SearchCursor{}, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id < 1 {
		return SearchCursor{}, false
	}
	switch spec.kind {
	case "date":
		if _, err := time.Parse(time.DateOnly, parts[1]); err != nil {
			return SearchCursor{}, false
		}
	default:
		if _, err := strconv.ParseInt(parts[1], 10, 64); err != nil {
			return SearchCursor{}, false
		}
	}
	return SearchCursor{Sort: sort, Key: parts[1], ID: id}, true
}

// SearchPage is one page of a review search: the reviews with insights and
// tags, the number of reviews the filter matches, and the cursor of the
// next page (nil on the last).
type SearchPage struct {
	Reviews []ReviewDetail
	Total   int64
	Next    *SearchCursor
}

// likePattern escapes LIKE's wildcards in a search term.
func likePattern(term string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(term) + "%"
}

// where returns the SQL condition on reviews r of productID for the
// query, appending its parameters to args.
func (rq ReviewQuery) where(productID int64, args *[]any) string {
	arg := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	conds := []string{"r.product_id = " + arg(productID)}
	if len(rq.Ratings) > 0 || rq.NoRating {
		ratings := make([]int16, len(rq.Ratings))
		for i, v := range rq.Ratings {
			ratings[i] = int16(v)
		}
		c := "r.rating = ANY(" + arg(ratings) + "::smallint[])"
		if rq.NoRating {
			c = "(" + c + " OR r.rating IS NULL)"
		}
		conds = append(conds, c)
	}
	if len(rq.Sentiments) > 0 {
		conds = append(conds, "s.sentiment = ANY("+arg(rq.Sentiments)+"::text[])")
	}
	if len(rq.Languages) > 0 {
		conds = append(conds, "r.language = ANY("+arg(rq.Languages)+"::text[])")
	}
	if len(rq.Variants) > 0 {
		conds = append(conds, "r.variant = ANY("+arg(rq.Variants)+"::text[])")
	}
	if rq.DateFrom != nil {
		conds = append(conds, "r.review_date >= "+arg(*rq.DateFrom)+"::date")
	}
	if rq.DateTo != nil {
		conds = append(conds, "r.review_date <= "+arg(*rq.DateTo)+"::date")
	}
	if len(rq.Terms) > 0 {
		pats := make([]string, len(rq.Terms))
		for i, t := range rq.Terms {
			pats[i] = likePattern(t)
		}
		conds = append(conds, reviewSearchText+" ILIKE ALL("+arg(pats)+"::text[])")
	}
	if rq.byDimension() || rq.InsightSentiment != "" {
		sub := []string{"i.review_id = r.id"}
		if n := len(rq.DimensionIDs) + len(rq.DimensionNames); n > 0 {
			sub = append(sub, "(i.dimension_id = ANY("+arg(nonNil(rq.DimensionIDs))+"::bigint[]) OR d.name = ANY("+arg(nonNil(rq.DimensionNames))+"::text[]))")
		}
		if rq.InsightType != "" {
			sub = append(sub, "i.type = "+arg(rq.InsightType))
		}
		if rq.InsightSentiment != "" {
			sub = append(sub, "i.sentiment = "+arg(rq.InsightSentiment))
		}
		conds = append(conds, "EXISTS (SELECT 1 FROM insights i JOIN dimensions d ON d.id = i.dimension_id WHERE "+strings.Join(sub, " AND ")+")")
	}
	if rq.byLabel() {
		sub := []string{"t.review_id = r.id"}
		if n := len(rq.LabelIDs) + len(rq.LabelNames); n > 0 {
			sub = append(sub, "(t.label_id = ANY("+arg(nonNil(rq.LabelIDs))+"::bigint[]) OR l.name = ANY("+arg(nonNil(rq.LabelNames))+"::text[]))")
		}
		if rq.LabelType != "" {
			sub = append(sub, "t.type = "+arg(rq.LabelType))
		}
		conds = append(conds, "EXISTS (SELECT 1 FROM review_tags t JOIN labels l ON l.id = t.label_id WHERE "+strings.Join(sub, " AND ")+")")
	}
	return strings.Join(conds, " AND ")
}

// reviewsFrom is what a review query built by ReviewQuery.where reads:
// the reviews (r) with their overall sentiment (s, kept apart so the
// insight stage never rewrites a review row).
const reviewsFrom = "reviews r LEFT JOIN review_sentiments s ON s.review_id = r.id"

const reviewSearchColumns = `r.id, r.source_review_id, r.author, r.rating, r.title, r.body, r.review_date, r.review_date_raw,
	r.variant, r.language, r.verified_purchase, r.helpful_votes, r.translation_status,
	r.title_translated, r.body_translated, s.sentiment`

func scanReview(rows pgx.Rows) (ReviewDetail, error) {
	var d ReviewDetail
	var rating *int16
	var date *time.Time
	var helpful int32
	err := rows.Scan(&d.ID, &d.SourceReviewID, &d.Author, &rating, &d.Title, &d.Body, &date, &d.ReviewDateRaw,
		&d.Variant, &d.Language, &d.VerifiedPurchase, &helpful, &d.TranslationStatus,
		&d.TitleTranslated, &d.BodyTranslated, &d.Sentiment)
	if rating != nil {
		v := int(*rating)
		d.Rating = &v
	}
	if date != nil {
		d.ReviewDate = date.Format(time.DateOnly)
	}
	d.HelpfulVotes = int(helpful)
	d.Insights, d.Tags = []ReviewInsight{}, []ReviewTag{}
	return d, err
}

// sortKey is the cursor key of a review under spec.
func sortKey(spec sortSpec, sort string, d ReviewDetail) string {
	switch sort {
	case SortNewest, SortOldest:
		if d.ReviewDate == "" {
			return "0001-01-01"
		}
		return d.ReviewDate
	case SortRatingHigh, SortRatingLow:
		if d.Rating == nil {
			return "0"
		}
		return strconv.Itoa(*d.Rating)
	case SortHelpful:
		return strconv.Itoa(d.HelpfulVotes)
	}
	return strconv.FormatInt(d.ID, 10)
}

// reviewSearchRows runs the page query: at most limit reviews after the
// cursor, without insights and tags.
func reviewSearchRows(ctx context.Context, db DBTX, productID int64, rq ReviewQuery, after SearchCursor, limit int) ([]ReviewDetail, error) {
	sort := rq.Sort
	if sort == "" {
		sort = SortNewest
	}
	spec, ok := sortSpecs[sort]
	if !ok {
		return nil, fmt.Errorf("unknown review sort %q", sort)
	}
	var args []any
	where := rq.where(productID, &args)
	dir, cmp := "ASC", ">"
	if spec.desc {
		dir, cmp = "DESC", "<"
	}
	if after.ID > 0 {
		args = append(args, after.Key, after.ID)
		cast := "::date"
		if spec.kind == "int" {
			cast = "::bigint"
		}
		where += fmt.Sprintf(" AND (%s, r.id) %s ($%d%s, $%d::bigint)", spec.key, cmp, len(args)-1, cast, len(args))
	}
	args = append(args, limit)
	orderBy := spec.key + " " + dir + ", r.id " + dir
	if sort == SortID {
		orderBy = "r.id " + dir
	}
	sql := "SELECT " + reviewSearchColumns + " FROM " + reviewsFrom + " WHERE " + where + " ORDER BY " + orderBy + " LIMIT $" + strconv.Itoa(len(args))
	return queryAll(ctx, db, sql, args, scanReview)
}

// ReviewSearch returns one page of a product's reviews matching rq, in
// rq.Sort order, after the cursor (zero: the first page), with insights
// and tags and the total the filter matches. It returns an error when a
// query fails or rq.Sort is unknown.
func ReviewSearch(ctx context.Context, db DBTX, productID int64, rq ReviewQuery, after SearchCursor, limit int) (SearchPage, error) {
	rows, err := reviewSearchRows(ctx, db, productID, rq, after, limit+1)
	if err != nil {
		return SearchPage{}, fmt.Errorf("search reviews of product %d: %w", productID, err)
	}
	total, err := ReviewSearchCount(ctx, db, productID, rq)
	if err != nil {
		return SearchPage{}, err
	}
	page := SearchPage{Total: total, Reviews: rows}
	if len(rows) > limit {
		page.Reviews = rows[:limit]
		sort := rq.Sort
		if sort == "" {
			sort = SortNewest
		}
		last := page.Reviews[limit-1]
		page.Next = &SearchCursor{Sort: sort, Key: sortKey(sortSpecs[sort], sort, last), ID: last.ID}
	}
	if err := attachInsightsAndTags(ctx, db, page.Reviews); err != nil {
		return SearchPage{}, err
	}
	return page, nil
}

// ReviewSearchCount returns the number of a product's reviews matching rq.
func ReviewSearchCount(ctx context.Context, db DBTX, productID int64, rq ReviewQuery) (int64, error) {
	var args []any
	where := rq.where(productID, &args)
	var n int64
	if err := db.QueryRow(ctx, "SELECT count(*) FROM "+reviewsFrom+" WHERE "+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count reviews of product %d: %w", productID, err)
	}
	return n, nil
}

// attachInsightsAndTags fills the insights and tags of reviews in two
// queries.
func attachInsightsAndTags(ctx context.Context, db DBTX, reviews []ReviewDetail) error {
	if len(reviews) == 0 {
		return nil
	}
	ids := make([]int64, len(reviews))
	at := make(map[int64]int, len(reviews))
	for i, r := range reviews {
		ids[i] = r.ID
		at[r.ID] = i
	}
	ins, err := q(db).InsightListForReviews(ctx, ids)
	if err != nil {
		return fmt.Errorf("load insights of %d reviews: %w", len(ids), err)
	}
	for _, x := range ins {
		r := &reviews[at[x.ReviewID]]
		r.Insights = append(r.Insights, ReviewInsight(x))
	}
	tags, err := q(db).TagListForReviews(ctx, ids)
	if err != nil {
		return fmt.Errorf("load tags of %d reviews: %w", len(ids), err)
	}
	for _, x := range tags {
		r := &reviews[at[x.ReviewID]]
		r.Tags = append(r.Tags, ReviewTag(x))
	}
	return nil
}

// ReviewSearchEach calls fn for every review matching rq in rq.Sort order,
// without insights or tags, exportPageSize rows at a time. It stops at and
// returns the first error of a query or of fn.
func ReviewSearchEach(ctx context.Context, db DBTX, productID int64, rq ReviewQuery, fn func(ReviewDetail) error) error {
	sort := rq.Sort
	if sort == "" {
		sort = SortNewest
	}
	var after SearchCursor
	for {
		rows, err := reviewSearchRows(ctx, db, productID, rq, after, exportPageSize)
		if err != nil {
			return fmt.Errorf("export reviews of product %d: %w", productID, err)
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) < exportPageSize {
			return nil
		}
		last := rows[len(rows)-1]
		after = SearchCursor{Sort: sort, Key: sortKey(sortSpecs[sort], sort, last), ID: last.ID}
	}
}

// InsightsOfReviewsEach calls fn for every insight of the given reviews, in
// review then insight order, loading exportPageSize reviews at a time.
func InsightsOfReviewsEach(ctx context.Context, db DBTX, reviewIDs []int64, fn func(ReviewInsight) error) error {
	for start := 0; start < len(reviewIDs); start += exportPageSize {
		ids := reviewIDs[start:min(start+exportPageSize, len(reviewIDs))]
		rows, err := q(db).InsightListForReviews(ctx, ids)
		if err != nil {
			return fmt.Errorf("export insights of %d reviews: %w", len(ids), err)
		}
		for _, r := range rows {
			if err := fn(ReviewInsight(r)); err != nil {
				return err
			}
		}
	}
	return nil
}

// TagsOfReviewsEach calls fn for every 5W tag of the given reviews, like
// InsightsOfReviewsEach.
func TagsOfReviewsEach(ctx context.Context, db DBTX, reviewIDs []int64, fn func(ReviewTag) error) error {
	for start := 0; start < len(reviewIDs); start += exportPageSize {
		ids := reviewIDs[start:min(start+exportPageSize, len(reviewIDs))]
		rows, err := q(db).TagListForReviews(ctx, ids)
		if err != nil {
			return fmt.Errorf("export tags of %d reviews: %w", len(ids), err)
		}
		for _, r := range rows {
			if err := fn(ReviewTag(r)); err != nil {
				return err
			}
		}
	}
	return nil
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, db DBTX, sql string, args []any, scan func(pgx.Rows) (T, error)) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	return out, nil
}
