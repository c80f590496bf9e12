package report

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/voc-project/voc"

	"github.com/voc-project/voc/store"
)

// Aggregates are a report's numbers, all computed from the database: the
// store's counts plus each dimension's effect on rating, its weekly and
// monthly trend, and the issues that are emerging.
type Aggregates struct {
	store.Aggregates
	// AverageRating is the mean star rating of the rated reviews.
	AverageRating *float64 `json:"average_rating"`
	// Impact has one row per dimension with mentions, biggest effect on
	// rating first.
	Impact []Impact `json:"impact"`
	Trends Trends   `json:"trends"`
	// Emerging lists dimensions whose negative share rose significantly in
	// the latest period against the one before (EmergingTest says how).
	Emerging     []Emerging `json:"emerging_issues"`
	EmergingTest string     `json:"emerging_test"`
}

// Impact is a dimension's volume, net sentiment and effect on rating.
type Impact struct {
	Kind      string  `json:"kind"`
	Dimension string  `json:"dimension"`
	Mentions  int64   `json:"mentions"`
	Positive  int64   `json:"positive"`
	Negative  int64   `json:"negative"`
	Net       float64 `json:"net"`
	// NegativeReviews is the number of reviews with a negative mention.
	NegativeReviews int64 `json:"negative_reviews"`
	// RatingWithNegative is the mean rating of the rated reviews with a
	// negative mention of the dimension; RatingWithout that of the other
	// rated reviews. Nil when there are none.
	RatingWithNegative *float64 `json:"rating_with_negative"`
	RatingWithout      *float64 `json:"rating_without"`
	// RatingLift is how much the product's mean rating would rise without
	// the reviews that complain about the dimension: RatingWithout minus
	// the mean rating of all rated reviews. It ranks the dimensions.
	RatingLift float64 `json:"rating_lift"`
}

// Trends holds the weekly and monthly trend of every dimension.
type Trends struct {
	Weekly  Trend `json:"weekly"`
	Monthly Trend `json:"monthly"`
}

// Trend is one granularity of trend: the periods (oldest first) with their
// review counts, and each dimension's points aligned to those periods.
type Trend struct {
	Period     string           `json:"period" enum:"week,month"`
	Periods    []PeriodTotal    `json:"periods"`
	Dimensions []DimensionTrend `json:"dimensions"`
}

// PeriodTotal is one period: its first day and its dated reviews.
type PeriodTotal struct {
	Start    string `json:"start"`
	Reviews  int64  `json:"reviews"`
	Positive int64  `json:"positive"`
	Negative int64  `json:"negative"`
}

// DimensionTrend is one dimension's points, one per period.
type DimensionTrend struct {
	Kind      string       `json:"kind"`
	Dimension string       `json:"dimension"`
	Points    []TrendPoint `json:"points"`
}

// TrendPoint is one dimension in one period. NegativeShare is the share of
// the period's reviews with a negative mention of the dimension.
type TrendPoint struct {
	Mentions        int64   `json:"mentions"`
	Positive        int64   `json:"positive"`
	Negative        int64   `json:"negative"`
	NegativeReviews int64   `json:"negative_reviews"`
	NegativeShare   float64 `json:"negative_share"`
}

// Emerging is a dimension whose negative share rose significantly.
type Emerging struct {
	Kind      string `json:"kind"`
	Dimension string `json:"dimension"`
	Period    string `json:"period" enum:"week,month"`
	// Latest and Previous are the first days of the two periods compared.
	Latest   string `json:"latest"`
	Previous string `json:"previous"`
	// Negative reviews out of all dated reviews, in each period.
	LatestNegative   int64   `json:"latest_negative"`
	LatestReviews    int64   `json:"latest_reviews"`
	PreviousNegative int64   `json:"previous_negative"`
	PreviousReviews  int64   `json:"previous_reviews"`
	LatestShare      float64 `json:"latest_share"`
	PreviousShare    float64 `json:"previous_share"`
	Z                float64 `json:"z"`
	P                float64 `json:"p"`
}

// Trend windows and the emerging-issue test.
const (
	weeksShown      = 26
	monthsShown     = 24
	emergingAlpha   = 0.05
	emergingMinNeg  = 3
	emergingTestDoc = "two-proportion z-test, one-sided (H1: the share of reviews with a negative mention rose), α = 0.05, " +
		"latest period against the one before, at least 3 negative reviews in the latest period"
)

// Aggregate computes every number of a report on an analysis's product.
func Aggregate(ctx context.Context, db store.DBTX, a store.Analysis) (Aggregates, error) {
	base, err := store.ReportAggregates(ctx, db, a)
	if err != nil {
		return Aggregates{}, err
	}
	g := Aggregates{Aggregates: base, EmergingTest: emergingTestDoc, Emerging: []Emerging{}}
	dims, tot, err := store.ReportDimensionRatings(ctx, db, a.ProductID)
	if err != nil {
		return g, err
	}
	g.AverageRating, g.Impact = impact(dims, tot)
	for _, p := range []struct {
		period string
		n      int
		dst    *Trend
	}{{store.PeriodWeek, weeksShown, &g.Trends.Weekly}, {store.PeriodMonth, monthsShown, &g.Trends.Monthly}} {
		totals, rows, err := store.ReportTrend(ctx, db, a.ProductID, p.period, p.n)
		if err != nil {
			return g, err
		}
		*p.dst = trend(p.period, totals, rows)
		g.Emerging = append(g.Emerging, emerging(*p.dst)...)
	}
	return g, nil
}

func mean(sum, n int64) *float64 {
	if n == 0 {
		return nil
	}
	v := float64(sum) / float64(n)
	return &v
}

// impact ranks dimensions by how much the mean rating would rise without
// the reviews complaining about them.
func impact(dims []store.DimensionRatingStat, tot store.RatingTotals) (*float64, []Impact) {
	avg := mean(tot.Sum, tot.Rated)
	out := []Impact{}
	for _, d := range dims {
		n := d.Positive + d.Negative + d.Neutral
		if n == 0 {
			continue
		}
		im := Impact{Kind: d.Kind, Dimension: d.Name, Mentions: n, Positive: d.Positive, Negative: d.Negative,
			Net: float64(d.Positive-d.Negative) / float64(n), NegativeReviews: d.NegativeReviews,
			RatingWithNegative: mean(d.NegativeRatingSum, d.NegativeRated),
			RatingWithout:      mean(tot.Sum-d.NegativeRatingSum, tot.Rated-d.NegativeRated)}
		if avg != nil && im.RatingWithout != nil {
			im.RatingLift = *im.RatingWithout - *avg
		}
		out = append(out, im)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].RatingLift != out[j].RatingLift {
			return out[i].RatingLift > out[j].RatingLift
		}
		if out[i].Negative != out[j].Negative {
			return out[i].Negative > out[j].Negative
		}
		return out[i].Mentions > out[j].Mentions
	})
	return avg, out
}

func day(t time.Time) string { return t.Format("2006-01-02") }

// trend aligns each dimension's periods to the product's.
func trend(period string, totals, rows []store.PeriodStat) Trend {
	t := Trend{Period: period, Periods: make([]PeriodTotal, len(totals)), Dimensions: []DimensionTrend{}}
	idx := map[string]int{}
	for i, p := range totals {
		t.Periods[i] = PeriodTotal{Start: day(p.Start), Reviews: p.Reviews, Positive: p.Positive, Negative: p.Negative}
		idx[day(p.Start)] = i
	}
	byDim := map[string]int{}
	for _, r := range rows {
		i, ok := idx[day(r.Start)]
		if !ok {
			continue
		}
		key := r.Kind + "\x00" + r.Dimension
		j, ok := byDim[key]
		if !ok {
			j = len(t.Dimensions)
			byDim[key] = j
			t.Dimensions = append(t.Dimensions, DimensionTrend{Kind: r.Kind, Dimension: r.Dimension, Points: make([]TrendPoint, len(totals))})
		}
		pt := TrendPoint{Mentions: r.Mentions, Positive: r.Positive, Negative: r.Negative, NegativeReviews: r.NegativeReviews}
		if n := totals[i].Reviews; n > 0 {
			pt.NegativeShare = float64(r.NegativeReviews) / float64(n)
		}
		t.Dimensions[j].Points[i] = pt
	}
	return t
}

// emerging applies the two-proportion z-test to each dimension's share of
// reviews with a negative mention, latest period against the one before.
func emerging(t Trend) []Emerging {
	out := []Emerging{}
	n := len(t.Periods)
	if n < 2 {
		return out
	}
	n1, n0 := t.Periods[n-1].Reviews, t.Periods[n-2].Reviews
	for _, d := range t.Dimensions {
		x1, x0 := d.Points[n-1].NegativeReviews, d.Points[n-2].NegativeReviews
		if x1 < emergingMinNeg {
			continue
		}
		z, p, ok := twoProportionZ(x1, n1, x0, n0)
		if !ok || p >= emergingAlpha {
			continue
		}
		out = append(out, Emerging{Kind: d.Kind, Dimension: d.Dimension, Period: t.Period,
			Latest: t.Periods[n-1].Start, Previous: t.Periods[n-2].Start,
			LatestNegative: x1, LatestReviews: n1, PreviousNegative: x0, PreviousReviews: n0,
			LatestShare: float64(x1) / float64(n1), PreviousShare: float64(x0) / float64(n0), Z: z, P: p})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].P < out[j].P })
	return out
}

// twoProportionZ tests H1: x1/n1 > x0/n0 with the pooled two-proportion
// z-test. It returns z, the one-sided p-value, and false when the test is
// undefined (an empty period, or no variance).
func twoProportionZ(x1, n1, x0, n0 int64) (z, p float64, ok bool) {
	if n1 == 0 || n0 == 0 {
		return 0, 1, false
	}
	p1, p0 := float64(x1)/float64(n1), float64(x0)/float64(n0)
	pool := float64(x1+x0) / float64(n1+n0)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n0)))
	if se == 0 {
		return 0, 1, false
	}
	z = (p1 - p0) / se
	return z, 0.5 * math.Erfc(z/math.Sqrt2), true
}

// Evidence lists the quotes a narrative may cite, with the sentiment each
// stands for: strengths positive, weaknesses negative.
func Evidence(g Aggregates) []voc.Evidence {
	var out []voc.Evidence
	add := func(kind, sentiment string, ts []store.TopicStat) {
		for _, t := range ts {
			for _, q := range t.Evidence {
				out = append(out, voc.Evidence{ReviewID: q.ReviewID, Kind: kind, Topic: t.Topic, Sentiment: sentiment, Quote: q.Quote})
			}
		}
	}
	add(voc.InsightStrength, voc.Positive, g.TopStrengths)
	add(voc.InsightWeakness, voc.Negative, g.TopWeaknesses)
	add(voc.InsightSuggestion, "", g.TopSuggestions)
	for _, f := range g.FiveW {
		add(f.Type, "", f.Labels)
	}
	return out
}
