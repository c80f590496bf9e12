package ingest

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Field is a canonical review field that a source column can be mapped to.
type Field string

// The canonical fields.
const (
	FieldReviewID         Field = "review_id"
	FieldAuthor           Field = "author"
	FieldRating           Field = "rating"
	FieldTitle            Field = "title"
	FieldBody             Field = "body"
	FieldReviewDate       Field = "review_date"
	FieldVariant          Field = "variant"
	FieldHelpfulVotes     Field = "helpful_votes"
	FieldVerifiedPurchase Field = "verified_purchase"
	FieldReviewURL        Field = "review_url"
	FieldImageURLs        Field = "image_urls"
	FieldVideoURL         Field = "video_url"
	FieldHasVideo         Field = "has_video"
	FieldHasImages        Field = "has_images"
)

// Fields lists the canonical fields in a stable order. Do not modify it.
var Fields = []Field{
	FieldReviewID, FieldAuthor, FieldRating, FieldTitle, FieldBody, FieldReviewDate, FieldVariant,
	FieldHelpfulVotes, FieldVerifiedPurchase, FieldReviewURL, FieldImageURLs, FieldVideoURL,
	FieldHasVideo, FieldHasImages,
}

// field indexes, in Fields order.
const (
	fReviewID = iota
	fAuthor
	fRating
	fTitle
	fBody
	fReviewDate
	fVariant
	fHelpfulVotes
	fVerifiedPurchase
	fReviewURL
	fImageURLs
	fVideoURL
	fHasVideo
	fHasImages
	numFields
)

func fieldIndex(f Field) int {
	for i, g := range Fields {
		if g == f {
			return i
		}
	}
	return -1
}

// Valid reports whether f is a canonical field.
func (f Field) Valid() bool { return fieldIndex(f) >= 0 }

// Mapping maps canonical fields to source column headers (JSON keys for JSON
// formats). Unmapped fields are absent.
type Mapping map[Field]string

// Clone returns a copy of m.
func (m Mapping) Clone() Mapping {
	out := make(Mapping, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// synonyms lists, per field, normalised header names (see normHeader) in
// order of preference.
var synonyms = [numFields][]string{
	fReviewID: {"reviewid", "reviewsid", "commentid", "reviewno", "reviewnumber", "reviewidentifier",
		"id", "rid", "uniqueid", "评论id", "评价id", "评论编号", "评价编号", "レビューid"},
	fAuthor: {"author", "reviewer", "reviewername", "authorname", "username", "profilename", "nickname",
		"customername", "user", "customer", "buyer", "buyername", "name", "nick", "by",
		"昵称", "用户名", "用户", "买家", "评论人", "作者", "会员", "投稿者", "ユーザー", "ユーザー名",
		"autor", "auteur"},
	fRating: {"rating", "stars", "starrating", "reviewrating", "score", "star", "ratings", "rate",
		"overallrating", "overall", "customerrating", "productrating", "ratingvalue", "starsrating",
		"评分", "星级", "评星", "打分", "分数", "星", "评级", "評価", "星評価", "sterne", "sternebewertung",
		"estrellas", "étoiles", "etoiles", "stelle", "puntuación", "puntuacion", "valoración", "valoracion"},
	fTitle: {"title", "reviewtitle", "summary", "headline", "subject", "heading", "reviewsummary",
		"标题", "评论标题", "评价标题", "タイトル", "titel", "titre", "título", "titulo", "titolo"},
	fBody: {"body", "reviewbody", "reviewtext", "text", "review", "content", "reviewcontent",
		"verifiedreviews", "comment", "comments", "commenttext", "reviewcomment", "message", "opinion",
		"评论", "评论内容", "内容", "评价", "评价内容", "评语", "正文", "留言", "本文", "レビュー", "レビュー本文",
		"コメント", "rezension", "kommentar", "avis", "commentaire", "comentario", "comentário",
		"reseña", "opinión", "recensione", "testo", "tekst"},
	fReviewDate: {"reviewdate", "date", "reviewedat", "reviewtime", "unixreviewtime", "time", "datetime",
		"timestamp", "createdat", "created", "creationdate", "postedat", "posted", "publishedat",
		"submittedat", "submissiondate", "dateadded", "日期", "时间", "评论时间", "评价时间", "发布时间",
		"评论日期", "日付", "投稿日", "レビュー日", "datum", "fecha", "datedepublication"},
	fVariant: {"variant", "variation", "variations", "variantname", "productvariant", "sku", "option",
		"options", "style", "color", "colour", "size", "model", "规格", "颜色", "型号", "款式", "商品规格",
		"尺码", "版本", "スタイル", "色", "farbe", "couleur", "taille", "talla"},
	fHelpfulVotes: {"helpfulvotes", "helpful", "helpfulcount", "helpfulvotecount", "numhelpful",
		"helpfulnessnumerator", "votes", "vote", "helpfulness", "upvotes", "usefulcount", "likes",
		"thumbsup", "有用", "有用数", "点赞", "点赞数", "赞", "役に立った", "hilfreich"},
	fVerifiedPurchase: {"verifiedpurchase", "verified", "isverified", "verifiedbuyer", "verifiedorder",
		"amazonverifiedpurchase", "avp", "已验证购买", "已验证", "认证购买", "認証済み", "verifizierterkauf"},
	fReviewURL: {"reviewurl", "reviewlink", "url", "link", "permalink", "链接", "评论链接"},
	fImageURLs: {"imageurls", "images", "imageurl", "image", "reviewimages", "pictures", "pictureurls",
		"photos", "photourls", "图片", "晒图"},
	fVideoURL:  {"videourl", "video", "videos", "reviewvideo", "视频"},
	fHasVideo:  {"hasvideo", "hasvideos", "withvideo"},
	fHasImages: {"hasimages", "hasimage", "hasphotos", "hasphoto", "withphotos", "withimages"},
}

// neverMapped are headers that look like a rating or a review but are
// something else: binary sentiment labels read as stars would turn every
// negative review into a 1-star one, and product-level figures are not
// per-review values.
var neverMapped = map[string]bool{
	"label": true, "labels": true, "sentiment": true, "polarity": true, "class": true, "target": true,
	"feedback": true, "averagerating": true, "avgrating": true, "ratingcount": true,
	"ratingscount": true, "numratings": true, "totalratings": true, "reviewcount": true,
	"reviewscount": true, "numreviews": true, "totalreviews": true, "productid": true,
	"asin": true, "userid": true, "customerid": true, "productname": true, "producttitle": true,
}

// fuzzy rules apply to headers no synonym matched: a header containing one
// of any (and none of not) maps to the field.
var fuzzy = []struct {
	field int
	any   []string
	not   []string
}{
	{fRating, []string{"rating", "stars", "score", "评分", "星级"}, []string{"count", "average", "avg", "total", "num", "number", "helpful", "product"}},
	{fBody, []string{"reviewtext", "review", "comment", "text", "content", "评论", "评价", "内容"}, []string{"id", "date", "time", "title", "url", "link", "rating", "count", "helpful", "verified", "image", "photo", "video", "author", "name", "user", "star", "score", "vote"}},
	{fTitle, []string{"title", "summary", "headline", "标题"}, []string{"product", "item", "商品"}},
	{fReviewDate, []string{"date", "time", "日期", "时间"}, []string{"update", "zone"}},
	{fHelpfulVotes, []string{"helpful", "vote", "有用"}, nil},
	{fVerifiedPurchase, []string{"verified", "验证"}, []string{"review"}},
	{fAuthor, []string{"author", "reviewer", "username", "nickname", "profilename", "昵称", "用户"}, []string{"id", "url", "link", "email"}},
	{fVariant, []string{"variant", "variation", "colour", "color", "size", "style", "sku", "规格", "颜色", "型号"}, nil},
	{fImageURLs, []string{"image", "photo", "picture", "图片"}, []string{"has", "count"}},
	{fVideoURL, []string{"video", "视频"}, []string{"has", "count"}},
	{fReviewURL, []string{"url", "link", "链接"}, []string{"image", "photo", "video", "product"}},
}

// normHeader folds a header for matching: BOM, case, spaces, underscores,
// hyphens, dots and other punctuation are dropped.
func normHeader(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	for _, r := range h {
		switch {
		case r == '\uFEFF':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// AutoMap maps the headers of common review exports onto canonical fields,
// case-, space-, underscore- and BOM-insensitively, including common Chinese,
// Japanese and European headers. Each header is used at most once; the best
// match per field wins (an exact synonym over a partial match, and
// "reviews.text" over a bare "text", since a "reviews." prefix marks the
// per-review columns of an export that also has product columns). Fields
// with no plausible header are absent. It never fails.
func AutoMap(headers []string) Mapping {
	type cand struct {
		field, header, score int
	}
	var cands []cand
	for hi, h := range headers {
		n := normHeader(h)
		if n == "" || neverMapped[n] {
			continue
		}
		stripped, prefixed := stripReviewPrefix(n)
		matched := false
		for f := range numFields {
			for si, syn := range synonyms[f] {
				score := 0
				switch {
				case n == syn:
					score = 1000 - si*10
				case prefixed && stripped == syn:
					score = 1000 - si*10 + 5
				default:
					continue
				}
				cands = append(cands, cand{f, hi, score})
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		for ri, rule := range fuzzy {
			if containsAny(n, rule.any) && !containsAny(n, rule.not) {
				cands = append(cands, cand{rule.field, hi, 100 - ri})
			}
		}
	}
	// Greedy assignment, best score first; earlier headers win ties.
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].header < cands[j].header
	})
	m := Mapping{}
	usedHeader := make(map[int]bool)
	var usedField [numFields]bool
	for _, c := range cands {
		if usedField[c.field] || usedHeader[c.header] {
			continue
		}
		usedField[c.field] = true
		usedHeader[c.header] = true
		m[Fields[c.field]] = strings.TrimSpace(strings.TrimPrefix(headers[c.header], "\uFEFF"))
	}
	return m
}

// stripReviewPrefix removes a leading "reviews"/"review" from a normalised
// header ("reviews.rating" → "rating").
func stripReviewPrefix(n string) (string, bool) {
	for _, p := range []string{"reviews", "review"} {
		if rest, ok := strings.CutPrefix(n, p); ok && rest != "" {
			return rest, true
		}
	}
	return n, false
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// resolveColumns turns a mapping into column indexes over headers (-1 for
// unmapped fields). Headers match exactly after trimming spaces and a BOM,
// then case-insensitively; the first matching column wins. It returns a
// *FileError when the mapping names an unknown field or a missing column.
func resolveColumns(m Mapping, headers []string) ([numFields]int, error) {
	var cols [numFields]int
	for i := range cols {
		cols[i] = -1
	}
	clean := make([]string, len(headers))
	for i, h := range headers {
		clean[i] = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
	}
	for _, f := range sortedFields(m) {
		col := strings.TrimSpace(m[f])
		fi := fieldIndex(f)
		if fi < 0 {
			return cols, fileErrorf("mapping: unknown field %q; fields are %s", clipName(string(f)), FieldList())
		}
		if col == "" {
			continue
		}
		idx := -1
		for i, h := range clean {
			if h == col {
				idx = i
				break
			}
		}
		if idx < 0 {
			for i, h := range clean {
				if strings.EqualFold(h, col) {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			return cols, fileErrorf("mapping: field %s is mapped to column %q, which is not in the file; columns found: %s", f, clipName(col), quoteList(clean))
		}
		cols[fi] = idx
	}
	return cols, nil
}

func sortedFields(m Mapping) []Field {
	fs := make([]Field, 0, len(m))
	for f := range m {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i] < fs[j] })
	return fs
}

// FieldList names the fields a mapping may map, for messages.
func FieldList() string {
	s := make([]string, len(Fields))
	for i, f := range Fields {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

func quoteList(ss []string) string {
	const max = 40
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range ss {
		if i == max {
			fmt.Fprintf(&b, " … %d more", len(ss)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", clipName(s))
	}
	b.WriteByte(']')
	return b.String()
}

// explicitNoRating reports whether a mapping says, with an empty column
// for rating, that the file has no rating column: its reviews are then
// stored without a rating (never a made-up one).
func explicitNoRating(m Mapping) bool {
	v, ok := m[FieldRating]
	return ok && strings.TrimSpace(v) == ""
}

// checkRequired returns a *FileError when the mapping cannot produce reviews:
// there must be a review text column, and a rating column unless a default
// rating is set.
func checkRequired(m Mapping, headers []string, defaultRating int, noRating bool) error {
	hasBody := m[FieldBody] != ""
	hasRating := m[FieldRating] != "" || defaultRating != 0 || noRating
	if hasBody && hasRating {
		return nil
	}
	var need []string
	if !hasBody {
		need = append(need, "a review text column (e.g. body, text, review, content, comment, 评论, 内容)")
	}
	if !hasRating {
		need = append(need, "a star rating column (e.g. rating, stars, score, 评分) — or map rating to \"\" to import a file that has none without ratings (or set a default rating)")
	}
	reason := fmt.Sprintf("no usable columns: found columns %s; need %s",
		quoteList(cleanHeaders(headers)), strings.Join(need, " and "))
	for _, h := range headers {
		if neverMapped[normHeader(h)] && !hasRating {
			reason += fmt.Sprintf(". Column %q was not used as the rating: it looks like a sentiment label or a product-level figure, not a 1–5 star rating", clipName(strings.TrimSpace(h)))
			break
		}
	}
	return &FileError{Reason: Clip(reason, MaxReasonBytes)}
}

func cleanHeaders(headers []string) []string {
	out := make([]string, len(headers))
	for i, h := range headers {
		out[i] = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
	}
	return out
}
