package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/voc-project/voc/language"
	"github.com/voc-project/voc/store/internal/dbsqlc"
)

// Aggregates are a report's numbers, computed in SQL over all of the
// product's reviews but the excluded ones. Every evidence item names its
// review; pinned reviews come first.
type Aggregates struct {
	// TargetLanguage is the language the report is written in: the
	// analysis's target language. Quotes in another language carry a
	// translation into it.
	TargetLanguage    string          `json:"target_language"`
	Reviews           int64           `json:"reviews"`
	ExcludedReviews   int64           `json:"excluded_reviews" doc:"reviews an analyst excluded; no aggregate counts them"`
	Insights          int64           `json:"insights"`
	Tags              int64           `json:"tags"`
	RatingDist        []CountItem     `json:"rating_distribution"`
	SentimentShare    []ShareItem     `json:"sentiment_share"`
	Dimensions        []DimensionStat `json:"dimensions"`
	TopStrengths      []TopicStat     `json:"top_strengths"`
	TopWeaknesses     []TopicStat     `json:"top_weaknesses"`
	TopSuggestions    []TopicStat     `json:"top_suggestions"`
	FiveW             []FiveWStat     `json:"five_w"`
	MonthlyTrend      []MonthStat     `json:"monthly_trend"`
	RatingVsSentiment Agreement       `json:"rating_vs_sentiment"`
	Coverage          Coverage        `json:"coverage"`
	FailedReviews     []FailedReview  `json:"failed_reviews"`
}

// CountItem is a count for a key.
type CountItem struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// ShareItem is a count and its share of the total.
type ShareItem struct {
	Key   string  `json:"key"`
	Count int64   `json:"count"`
	Share float64 `json:"share"`
}

// DimensionStat is a dimension's sentiment balance.
type DimensionStat struct {
	Kind     string  `json:"kind"`
	Name     string  `json:"name"`
	Positive int64   `json:"positive"`
	Negative int64   `json:"negative"`
	Neutral  int64   `json:"neutral"`
	Net      float64 `json:"net"`
}

// Quote is evidence: a verbatim quote, its review, and the quote in the
// report's target language. A citation of it links to the review at
// /reviews/{review_id}?quote={quote} (see ReviewLink).
type Quote struct {
	ReviewID int64 `json:"review_id"`
	// Quote is verbatim from the review, in the review's language.
	Quote string `json:"quote"`
	// QuoteTranslated is the quote in the report's target language: the
	// quote itself when the review is in that language, the stored
	// translation when it is not, and empty when there is none (the
	// offline analyser does not translate).
	QuoteTranslated string `json:"quote_translated"`
	// Language is the review's detected language.
	Language string `json:"language"`
	// Translated is true when the review's language differs from the
	// target and QuoteTranslated is a translation: show both, the
	// translation first and the original beside it.
	Translated bool `json:"translated"`
}

// ReviewLink is the web UI's address of a review with a quote to
// highlight: /reviews/{id}?quote={urlencoded quote}, or /reviews/{id}
// without a quote. Every rendered citation of a review links here.
func ReviewLink(reviewID int64, quote string) string {
	link := "/reviews/" + strconv.FormatInt(reviewID, 10)
	if quote != "" {
		link += "?quote=" + url.QueryEscape(quote)
	}
	return link
}

// TopicStat is a dimension's or label's count with evidence.
type TopicStat struct {
	Topic    string  `json:"topic"`
	Count    int64   `json:"count"`
	Share    float64 `json:"share,omitempty"`
	Evidence []Quote `json:"evidence"`
}

// FiveWStat is one 5W type's distribution.
type FiveWStat struct {
	Type   string      `json:"type"`
	Labels []TopicStat `json:"labels"`
}

// MonthStat is one month of the trend.
type MonthStat struct {
	Month     string   `json:"month"`
	Reviews   int64    `json:"reviews"`
	AvgRating *float64 `json:"avg_rating"`
	Positive  int64    `json:"positive"`
	Negative  int64    `json:"negative"`
}

// Agreement compares star ratings with extracted sentiment.
type Agreement struct {
	Compared int64   `json:"compared"`
	Agree    int64   `json:"agree"`
	Rate     float64 `json:"rate"`
}

// Coverage says how much of the analysis the report rests on.
type Coverage struct {
	ReviewsTotal      int     `json:"reviews_total"`
	TranslationDone   int     `json:"translation_done"`
	TranslationFailed int     `json:"translation_failed"`
	InsightsDone      int     `json:"insights_done"`
	InsightsFailed    int     `json:"insights_failed"`
	ThemesDone        int     `json:"themes_done"`
	ThemesFailed      int     `json:"themes_failed"`
	Fraction          float64 `json:"fraction"`
}

// FailedReview is a review a stage gave up on.
type FailedReview struct {
	ReviewID int64  `json:"review_id"`
	Stage    string `json:"stage"`
	Reason   string `json:"reason"`
}

const evidencePerTopic = 3

// ReportAggregates computes a report's aggregates for an analysis's product.
func ReportAggregates(ctx context.Context, db DBTX, a Analysis) (Aggregates, error) {
	g := Aggregates{TargetLanguage: a.TargetLanguage}
	pid := a.ProductID
	one := func(sql string, dst ...any) error { return db.QueryRow(ctx, sql, pid).Scan(dst...) }
	if err := one(`SELECT (SELECT count(*) FROM reviews WHERE product_id = $1 AND NOT excluded),
		(SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1 AND NOT r.excluded),
		(SELECT count(*) FROM review_tags t JOIN reviews r ON r.id = t.review_id WHERE r.product_id = $1 AND NOT r.excluded),
		(SELECT count(*) FROM reviews WHERE product_id = $1 AND excluded)`,
		&g.Reviews, &g.Insights, &g.Tags, &g.ExcludedReviews); err != nil {
		return g, fmt.Errorf("count report totals: %w", err)
	}
	var err error
	if g.RatingDist, err = collect(ctx, db, `SELECT coalesce(rating::text, 'none'), count(*) FROM reviews
		WHERE product_id = $1 AND NOT excluded GROUP BY rating ORDER BY rating NULLS LAST`, []any{pid}, func(r pgx.Rows) (CountItem, error) {
		var c CountItem
		return c, r.Scan(&c.Key, &c.Count)
	}); err != nil {
		return g, err
	}
	if g.SentimentShare, err = collect(ctx, db, `SELECT sentiment, count(*), count(*)::float8 / sum(count(*)) OVER ()
		FROM reviews JOIN review_sentiments ON review_sentiments.review_id = reviews.id WHERE product_id = $1 AND NOT excluded GROUP BY sentiment ORDER BY sentiment`, []any{pid},
		func(r pgx.Rows) (ShareItem, error) {
			var s ShareItem
			return s, r.Scan(&s.Key, &s.Count, &s.Share)
		}); err != nil {
		return g, err
	}
	if g.Dimensions, err = collect(ctx, db, `SELECT d.kind, d.name,
			count(*) FILTER (WHERE i.sentiment = 'positive'), count(*) FILTER (WHERE i.sentiment = 'negative'),
			count(*) FILTER (WHERE i.sentiment = 'neutral')
		FROM dimensions d LEFT JOIN (insights i JOIN reviews r ON r.id = i.review_id AND NOT r.excluded) ON i.dimension_id = d.id
		WHERE d.product_id = $1 GROUP BY d.id ORDER BY d.kind, count(i.id) DESC, d.name`, []any{pid},
		func(r pgx.Rows) (DimensionStat, error) {
			var s DimensionStat
			err := r.Scan(&s.Kind, &s.Name, &s.Positive, &s.Negative, &s.Neutral)
			if n := s.Positive + s.Negative + s.Neutral; n > 0 {
				s.Net = float64(s.Positive-s.Negative) / float64(n)
			}
			return s, err
		}); err != nil {
		return g, err
	}
	// Evidence of a strength is praise and of a weakness a complaint: an
	// insight whose sentiment contradicts its type is counted but never
	// quoted.
	topics := func(insightType string) ([]TopicStat, error) {
		// Counts over all insights; evidence from an index scan per
		// dimension, top 3 only (aggregating every quote and slicing was
		// the report's slowest query at 100,000 reviews). Excluded reviews
		// count nowhere; pinned ones lead the evidence.
		return collect(ctx, db, `SELECT d.name, c.n, coalesce(ev.items, '{}')
			FROM (SELECT i.dimension_id, count(*) AS n FROM insights i JOIN dimensions d ON d.id = i.dimension_id
				JOIN reviews r ON r.id = i.review_id
				WHERE d.product_id = $1 AND i.type = $2 AND NOT r.excluded GROUP BY i.dimension_id) c
			JOIN dimensions d ON d.id = c.dimension_id
			LEFT JOIN LATERAL (
				SELECT array_agg(jsonb_build_object('review_id', e.review_id, 'quote', e.quote, 'quote_translated', e.quote_translated,
					'language', e.language) ORDER BY e.pinned DESC, e.high DESC, e.id) AS items
				FROM (SELECT i.review_id, i.quote, i.quote_translated, r.language, r.pinned, i.id, i.confidence = 'high' AS high
					FROM insights i JOIN reviews r ON r.id = i.review_id
					WHERE i.dimension_id = c.dimension_id AND i.type = $2 AND NOT r.excluded
						AND i.sentiment = CASE $2 WHEN 'strength' THEN 'positive' WHEN 'weakness' THEN 'negative' ELSE i.sentiment END
					ORDER BY r.pinned DESC, i.confidence = 'high' DESC, i.id LIMIT $3) e
			) ev ON true
			ORDER BY c.n DESC, d.name LIMIT 10`, []any{pid, insightType, evidencePerTopic}, scanTopic(a.TargetLanguage))
	}
	if g.TopStrengths, err = topics("strength"); err != nil {
		return g, err
	}
	if g.TopWeaknesses, err = topics("weakness"); err != nil {
		return g, err
	}
	if g.TopSuggestions, err = topics("suggestion"); err != nil {
		return g, err
	}
	for _, t := range []string{"buyer", "user", "where", "when", "why", "what"} {
		labels, err := collect(ctx, db, `SELECT l.name, c.n, coalesce(ev.items, '{}'),
				coalesce(c.n::float8 / nullif(sum(c.n) OVER (), 0), 0)
			FROM labels l
			CROSS JOIN LATERAL (SELECT count(*) AS n FROM review_tags t JOIN reviews r ON r.id = t.review_id
				WHERE t.label_id = l.id AND NOT r.excluded) c
			LEFT JOIN LATERAL (
				SELECT array_agg(jsonb_build_object('review_id', e.review_id, 'quote', e.quote, 'quote_translated', e.quote_translated,
					'language', e.language) ORDER BY e.pinned DESC, e.id) AS items
				FROM (SELECT t.review_id, t.quote, t.quote_translated, r.language, r.pinned, t.id
					FROM review_tags t JOIN reviews r ON r.id = t.review_id
					WHERE t.label_id = l.id AND NOT r.excluded ORDER BY r.pinned DESC, t.id LIMIT $3) e
			) ev ON true
			WHERE l.product_id = $1 AND l.type = $2
			ORDER BY c.n DESC, l.name`, []any{pid, t, evidencePerTopic},
			func(r pgx.Rows) (TopicStat, error) {
				var s TopicStat
				var ev []map[string]any
				if err := r.Scan(&s.Topic, &s.Count, &ev, &s.Share); err != nil {
					return s, err
				}
				s.Evidence = quotesFrom(ev, a.TargetLanguage)
				return s, nil
			})
		if err != nil {
			return g, err
		}
		g.FiveW = append(g.FiveW, FiveWStat{Type: t, Labels: labels})
	}
	if g.MonthlyTrend, err = collect(ctx, db, `SELECT to_char(date_trunc('month', review_date), 'YYYY-MM'), count(*),
			avg(rating)::float8, count(*) FILTER (WHERE sentiment = 'positive'), count(*) FILTER (WHERE sentiment = 'negative')
		FROM reviews LEFT JOIN review_sentiments ON review_sentiments.review_id = reviews.id WHERE product_id = $1 AND NOT excluded AND review_date IS NOT NULL
		GROUP BY 1 ORDER BY 1`, []any{pid}, func(r pgx.Rows) (MonthStat, error) {
		var m MonthStat
		return m, r.Scan(&m.Month, &m.Reviews, &m.AvgRating, &m.Positive, &m.Negative)
	}); err != nil {
		return g, err
	}
	if err := one(`SELECT count(*), count(*) FILTER (WHERE
			(rating >= 4 AND sentiment = 'positive') OR (rating <= 2 AND sentiment = 'negative') OR (rating = 3 AND sentiment = 'neutral'))
		FROM reviews JOIN review_sentiments ON review_sentiments.review_id = reviews.id WHERE product_id = $1 AND NOT excluded AND rating IS NOT NULL`,
		&g.RatingVsSentiment.Compared, &g.RatingVsSentiment.Agree); err != nil {
		return g, fmt.Errorf("rating vs sentiment: %w", err)
	}
	if g.RatingVsSentiment.Compared > 0 {
		g.RatingVsSentiment.Rate = float64(g.RatingVsSentiment.Agree) / float64(g.RatingVsSentiment.Compared)
	}
	g.Coverage = Coverage{ReviewsTotal: a.ReviewsTotal, TranslationDone: a.TranslationDone, TranslationFailed: a.TranslationFailed,
		InsightsDone: a.InsightsDone, InsightsFailed: a.InsightsFailed, ThemesDone: a.ThemesDone, ThemesFailed: a.ThemesFailed}
	if a.ReviewsTotal > 0 {
		g.Coverage.Fraction = float64(min(a.InsightsDone, a.ThemesDone)) / float64(a.ReviewsTotal)
	}
	if g.FailedReviews, err = collect(ctx, db, `SELECT review_id, stage, reason FROM review_failures
		WHERE analysis_id = $1 ORDER BY review_id, stage LIMIT 200`, []any{a.ID}, func(r pgx.Rows) (FailedReview, error) {
		var f FailedReview
		return f, r.Scan(&f.ReviewID, &f.Stage, &f.Reason)
	}); err != nil {
		return g, err
	}
	return g, nil
}

func scanTopic(target string) func(r pgx.Rows) (TopicStat, error) {
	return func(r pgx.Rows) (TopicStat, error) {
		var s TopicStat
		var ev []map[string]any
		if err := r.Scan(&s.Topic, &s.Count, &ev); err != nil {
			return s, err
		}
		s.Evidence = quotesFrom(ev, target)
		return s, nil
	}
}

func quotesFrom(ev []map[string]any, target string) []Quote {
	out := make([]Quote, 0, len(ev))
	for _, e := range ev {
		id, _ := e["review_id"].(float64)
		q := Quote{ReviewID: int64(id)}
		q.Quote, _ = e["quote"].(string)
		q.QuoteTranslated, _ = e["quote_translated"].(string)
		q.Language, _ = e["language"].(string)
		out = append(out, QuoteInLanguage(q, target))
	}
	return out
}

// QuoteInLanguage settles a quote's QuoteTranslated and Translated against
// the target language (q.Language is the review's): a quote in the target language is its own translation;
// a quote in another language counts as translated only when the stored
// translation differs from it in more than case, spacing and punctuation
// (the offline analyser stores the model's quote itself, which is no
// translation, and the stored quote is the review's exact span, which may
// differ from it in just those), and has no translation otherwise; a quote
// of undetermined language stands for itself.
func QuoteInLanguage(q Quote, target string) Quote {
	switch {
	case language.Same(q.Language, target):
		q.QuoteTranslated, q.Translated = q.Quote, false
	case q.QuoteTranslated != "" && !sameText(q.QuoteTranslated, q.Quote):
		q.Translated = true
	case q.Language == "" || q.Language == "und":
		// Nothing says the quote is foreign: it stands for itself.
		q.QuoteTranslated, q.Translated = q.Quote, false
	default:
		q.QuoteTranslated, q.Translated = "", false
	}
	return q
}

func collect[T any](ctx context.Context, db DBTX, sql string, args []any, scan func(pgx.Rows) (T, error)) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("report query: %w", err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("report scan: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Report states: an on-demand report is building from its request until
// its job stores it (ready) or gives up (failed). Automatic reports are
// stored ready.
const (
	ReportBuilding = "building"
	ReportReady    = "ready"
	ReportFailed   = "failed"
)

// Report is a stored report.
type Report struct {
	ID         int64           `json:"id"`
	AnalysisID int64           `json:"analysis_id"`
	ProductID  int64           `json:"product_id"`
	Kind       string          `json:"kind"`
	Status     string          `json:"status"`
	Error      string          `json:"error,omitempty"`
	Coverage   float64         `json:"coverage"`
	Aggregates json.RawMessage `json:"aggregates,omitempty"`
	Narrative  json.RawMessage `json:"narrative,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
}

func reportFromRow(r dbsqlc.Report) Report {
	return Report{ID: r.ID, AnalysisID: r.AnalysisID, ProductID: r.ProductID, Kind: r.Kind, Status: r.Status, Error: r.Error,
		Coverage: r.Coverage, Aggregates: r.Aggregates, Narrative: r.Narrative, CreatedAt: r.CreatedAt}
}

// ReportCreate stores a report unless the analysis already has one of that
// kind; it reports whether it stored.
func ReportCreate(ctx context.Context, db DBTX, a Analysis, kind string, coverage float64, agg, narrative any) (bool, error) {
	aggJSON, err := json.Marshal(agg)
	if err != nil {
		return false, fmt.Errorf("encode aggregates: %w", err)
	}
	narJSON, err := json.Marshal(narrative)
	if err != nil {
		return false, fmt.Errorf("encode narrative: %w", err)
	}
	_, err = q(db).ReportInsert(ctx, dbsqlc.ReportInsertParams{AnalysisID: a.ID, ProductID: a.ProductID, Kind: kind,
		Coverage: coverage, Aggregates: aggJSON, Narrative: narJSON})
	if err == pgx.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert %s report of analysis %d: %w", kind, a.ID, err)
	}
	return true, nil
}

// ReportCreateBuilding records an on-demand report of an analysis, in state
// building, for its job to fill in.
func ReportCreateBuilding(ctx context.Context, db DBTX, a Analysis, kind string) (Report, error) {
	r, err := q(db).ReportInsertBuilding(ctx, dbsqlc.ReportInsertBuildingParams{AnalysisID: a.ID, ProductID: a.ProductID, Kind: kind})
	if err != nil {
		return Report{}, fmt.Errorf("insert %s report of analysis %d: %w", kind, a.ID, err)
	}
	return reportFromRow(r), nil
}

// ReportFinish stores a built on-demand report (status ready or failed,
// with the reason). It reports false when the report no longer exists or
// is not building (it was deleted meanwhile).
func ReportFinish(ctx context.Context, db DBTX, id int64, status, reason string, coverage float64, agg, narrative any) (bool, error) {
	aggJSON, err := json.Marshal(agg)
	if err != nil {
		return false, fmt.Errorf("encode aggregates: %w", err)
	}
	narJSON, err := json.Marshal(narrative)
	if err != nil {
		return false, fmt.Errorf("encode narrative: %w", err)
	}
	n, err := q(db).ReportFinish(ctx, dbsqlc.ReportFinishParams{ID: id, Status: status, Error: reason, Coverage: coverage,
		Aggregates: aggJSON, Narrative: narJSON})
	if err != nil {
		return false, fmt.Errorf("store report %d: %w", id, err)
	}
	return n == 1, nil
}

// ReportGet returns a report, or ErrNotFound.
func ReportGet(ctx context.Context, db DBTX, id int64) (Report, error) {
	r, err := q(db).ReportGetByID(ctx, id)
	if err != nil {
		return Report{}, mapErr(err)
	}
	return reportFromRow(r), nil
}

// ReportList returns a product's reports of every kind and state, newest
// first, without bodies.
func ReportList(ctx context.Context, db DBTX, productID int64) ([]Report, error) {
	rows, err := q(db).ReportListByProduct(ctx, productID)
	if err != nil {
		return nil, fmt.Errorf("list reports of product %d: %w", productID, err)
	}
	out := make([]Report, len(rows))
	for i, r := range rows {
		out[i] = Report{ID: r.ID, AnalysisID: r.AnalysisID, ProductID: r.ProductID, Kind: r.Kind, Status: r.Status,
			Coverage: r.Coverage, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// ReportDelete removes a report and its share links; ErrNotFound when there
// is no such report.
func ReportDelete(ctx context.Context, db DBTX, id int64) error {
	n, err := q(db).ReportDelete(ctx, id)
	if err != nil {
		return fmt.Errorf("delete report %d: %w", id, err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
