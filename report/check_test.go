package report

import (
	"testing"

	"github.com/voc-project/voc"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
)

func checkFixture() (Aggregates, []voc.Evidence) {
	avg := 4.46
	g := Aggregates{
		Aggregates: store.Aggregates{
			Reviews: 2385, Insights: 3100, Tags: 900,
			SentimentShare: []store.ShareItem{{Key: "negative", Count: 250, Share: 250.0 / 2385}, {Key: "positive", Count: 2000, Share: 2000.0 / 2385}},
			TopStrengths: []store.TopicStat{{Topic: "Overall satisfaction", Count: 1208, Evidence: []store.Quote{{ReviewID: 1, Quote: "Love my Echo!"}}},
				{Topic: "Sound quality", Count: 310, Evidence: []store.Quote{{ReviewID: 2, Quote: "Great sound"}}}},
			TopWeaknesses: []store.TopicStat{{Topic: "Overall satisfaction", Count: 95, Evidence: []store.Quote{{ReviewID: 3, Quote: "Stopped working after 3 days"}}},
				{Topic: "Setup", Count: 120, Evidence: []store.Quote{{ReviewID: 4, Quote: "Setup was a pain"}}},
				{Topic: "Price", Count: 40, Evidence: []store.Quote{{ReviewID: 5, Quote: "too expensive"}}}},
			FiveW: []store.FiveWStat{{Type: "user", Labels: []store.TopicStat{{Topic: "Kids", Count: 44, Share: 0.2, Evidence: []store.Quote{{ReviewID: 6, Quote: "my kids"}}}}}},
		},
		AverageRating: &avg,
		Impact: []Impact{
			{Kind: "product", Dimension: "Setup", Mentions: 200, Positive: 70, Negative: 120, Net: -0.25, NegativeReviews: 118, RatingLift: 0.08},
			{Kind: "product", Dimension: "Overall satisfaction", Mentions: 1303, Positive: 1208, Negative: 95, Net: 0.85, NegativeReviews: 95, RatingLift: 0.05},
			{Kind: "product", Dimension: "Price", Mentions: 60, Positive: 20, Negative: 40, Net: -0.33, NegativeReviews: 40, RatingLift: 0.02},
			{Kind: "product", Dimension: "Sound quality", Mentions: 320, Positive: 310, Negative: 10, Net: 0.94, NegativeReviews: 10, RatingLift: 0.004},
		},
	}
	return g, Evidence(g)
}

// TestCheckRejectsLyingNarrative feeds the checker a narrative that lies
// the way the old offline narrator did (the evidence sample size as the
// count), and worse: every wrong figure is repaired or the claim dropped,
// and nothing wrong survives.
func TestCheckRejectsLyingNarrative(t *testing.T) {
	t.Parallel()
	g, ev := checkFixture()
	lying := voc.Narrative{
		ExecutiveSummary: voc.Claim{Text: "Across 3 reviews (average rating 4.5), customers praise overall satisfaction.", ReviewIDs: []int64{1}},
		Strengths: []voc.Claim{
			{Text: "Overall satisfaction: praised in 3 reviews, e.g. “Love my Echo!”.", ReviewIDs: []int64{1}},
			{Text: "Sound quality: praised in 310 mentions, 97% of its mentions.", ReviewIDs: []int64{2}},
			{Text: "Sound quality is loved by 77% of buyers.", ReviewIDs: []int64{2}},
			{Text: "Setup is praised by everyone.", ReviewIDs: []int64{999}},
		},
		Weaknesses: []voc.Claim{
			{Text: "Overall satisfaction: criticised in 95 mentions, e.g. “Stopped working after 3 days”.", ReviewIDs: []int64{3}},
			{Text: "Setup: criticised in 3 reviews.", ReviewIDs: []int64{4}},
			{Text: "Price: 40 complaints, net sentiment -0.90.", ReviewIDs: []int64{5}},
			{Text: "Sound quality is bad.", ReviewIDs: []int64{2}},
		},
		PriorityActions: []voc.Claim{{Text: "Fix Setup first: 12 mentions.", ReviewIDs: []int64{4}}},
		Personas:        []voc.Persona{{Name: "Kids", Summary: "Tagged in 44 reviews.", ReviewIDs: []int64{6}}, {Name: "Kids", Summary: "Tagged in 45 reviews.", ReviewIDs: []int64{6}}},
	}
	n := Check(lying, g, ev)

	require.Equal(t, "Across 2385 reviews (average rating 4.5), customers praise overall satisfaction.", n.ExecutiveSummary.Text)
	texts := func(cs []voc.Claim) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Text)
		}
		return out
	}
	require.Equal(t, []string{
		"Overall satisfaction: praised in 1208 reviews, e.g. “Love my Echo!”.",
		"Sound quality: praised in 310 mentions, 97% of its mentions.",
	}, texts(n.Strengths), "a wrong count is replaced by the true one (the number in the quote is the reviewer's); a wrong share drops the claim; an unknown citation drops it")
	require.Equal(t, []string{
		"Setup: criticised in 120 reviews.",
	}, texts(n.Weaknesses), "overall satisfaction is not polarising (1208 vs 95) so it stays a strength only; a wrong net drops Price; a weakness citing praise is dropped")
	require.Equal(t, []string{"Fix Setup first: 120 mentions."}, texts(n.PriorityActions))
	require.Len(t, n.Personas, 2)
	for _, p := range n.Personas {
		require.Equal(t, "Tagged in 44 reviews.", p.Summary, "a persona's count is its label's")
	}
	require.Empty(t, n.Polarising)
	require.True(t, n.Check.Checked)
	require.Len(t, n.Check.Repaired, 5)
	require.Len(t, n.Check.Dropped, 5)
	for _, d := range n.Check.Dropped {
		require.NotEmpty(t, d.Reason)
	}
}

// TestCheckNumbersInNames does not take a number in a dimension's name
// for a figure.
func TestCheckNumbersInNames(t *testing.T) {
	t.Parallel()
	g, _ := checkFixture()
	g.Impact = append(g.Impact, Impact{Kind: "product", Dimension: "USB 3.0 port", Mentions: 12, Positive: 9, Negative: 3})
	g.TopStrengths = append(g.TopStrengths, store.TopicStat{Topic: "USB 3.0 port", Count: 9, Evidence: []store.Quote{{ReviewID: 8, Quote: "fast"}}})
	n := Check(voc.Narrative{Strengths: []voc.Claim{{Text: "USB 3.0 port: praised in 9 mentions.", ReviewIDs: []int64{8}}}}, g, Evidence(g))
	require.Len(t, n.Strengths, 1)
	require.Empty(t, n.Check.Dropped)
	require.Empty(t, n.Check.Repaired)
}

// TestCheckPolarising keeps a dimension under both strengths and weaknesses
// when its mentions split both ways, labelled with both counts.
func TestCheckPolarising(t *testing.T) {
	t.Parallel()
	g, ev := checkFixture()
	n := Check(voc.Narrative{
		Strengths:  []voc.Claim{{Text: "Setup: praised in 70 mentions.", ReviewIDs: []int64{1}}},
		Weaknesses: []voc.Claim{{Text: "Setup: criticised in 120 mentions.", ReviewIDs: []int64{4}}},
	}, g, ev)
	require.Equal(t, []string{"Setup"}, n.Polarising)
	require.Len(t, n.Strengths, 1)
	require.Len(t, n.Weaknesses, 1)
	require.Equal(t, "Polarising: Setup has 70 positive and 120 negative mentions. Setup: praised in 70 mentions.", n.Strengths[0].Text)
	require.Equal(t, "Polarising: Setup has 70 positive and 120 negative mentions. Setup: criticised in 120 mentions.", n.Weaknesses[0].Text)
}

func TestTwoProportionZ(t *testing.T) {
	t.Parallel()
	// 30 of 100 against 10 of 100: z = 0.2 / sqrt(0.2*0.8*0.02) = 3.536.
	z, p, ok := twoProportionZ(30, 100, 10, 100)
	require.True(t, ok)
	require.InDelta(t, 3.5355, z, 1e-3)
	require.InDelta(t, 0.000203, p, 1e-5)
	_, p, ok = twoProportionZ(10, 100, 10, 100)
	require.True(t, ok)
	require.InDelta(t, 0.5, p, 1e-9)
	_, _, ok = twoProportionZ(0, 0, 1, 10)
	require.False(t, ok)
}

// TestCheckPolarisingLabelFromData replaces a narrative's own polarising
// label with the data's: a label whose counts were lied about (each the
// number of cited reviews) is put right, the body's count too, and a label
// on a dimension that is not polarising goes.
func TestCheckPolarisingLabelFromData(t *testing.T) {
	t.Parallel()
	g, ev := checkFixture()
	// Setup: 70 positive, 120 negative, and its weakness topic counts 120.
	// A lie of 70 (a true count of Setup, but its praise) in the body of
	// a weakness must not pass for the complaint count either.
	n := Check(voc.Narrative{
		Strengths:  []voc.Claim{{Text: "Polarising: Setup has 3 positive and 3 negative mentions. Setup: praised in 3 mentions.", ReviewIDs: []int64{1}}},
		Weaknesses: []voc.Claim{{Text: "Polarising: Setup has 70 positive and 70 negative mentions. Setup: criticised in 70 mentions.", ReviewIDs: []int64{4}}, {Text: "Polarising: Price has 20 positive and 40 negative mentions. Price: criticised in 40 mentions.", ReviewIDs: []int64{5}}},
	}, g, ev)
	require.Equal(t, []string{"Setup"}, n.Polarising)
	require.Len(t, n.Strengths, 1)
	require.Equal(t, "Polarising: Setup has 70 positive and 120 negative mentions. Setup: praised in 70 mentions.", n.Strengths[0].Text)
	require.Equal(t, []string{
		"Polarising: Setup has 70 positive and 120 negative mentions. Setup: criticised in 120 mentions.",
		"Price: criticised in 40 mentions.",
	}, []string{n.Weaknesses[0].Text, n.Weaknesses[1].Text})
	// Two bodies repaired, two labels restated, one label removed.
	require.Len(t, n.Check.Repaired, 5)

	// The same in Chinese keeps the Chinese label.
	zh := Check(voc.Narrative{
		Strengths:  []voc.Claim{{Text: "两极分化：Setup有3条正面和3条负面提及。Setup：70条好评。", ReviewIDs: []int64{1}}},
		Weaknesses: []voc.Claim{{Text: "两极分化：Setup有3条正面和3条负面提及。Setup：120条批评。", ReviewIDs: []int64{4}}},
	}, g, ev)
	require.Equal(t, "两极分化：Setup有70条正面和120条负面提及。Setup：120条批评。", zh.Weaknesses[0].Text)

	// Own words: "polarising" lets a claim state both counts of its one
	// dimension, and no other number.
	own := Check(voc.Narrative{Weaknesses: []voc.Claim{
		{Text: "Setup is polarising: 70 praise it, 120 complain.", ReviewIDs: []int64{4}},
		{Text: "Setup is polarising: 1208 praise it, 120 complain.", ReviewIDs: []int64{4}},
	}}, g, ev)
	require.Len(t, own.Weaknesses, 1)
	require.Equal(t, "Setup is polarising: 70 praise it, 120 complain.", own.Weaknesses[0].Text)
}

// TestCheckNamesInQuotes does not let a name inside a quote make a claim
// about two things, under which any count of either would pass.
func TestCheckNamesInQuotes(t *testing.T) {
	t.Parallel()
	g, ev := checkFixture()
	n := Check(voc.Narrative{Weaknesses: []voc.Claim{
		{Text: "Setup: criticised in 310 mentions, e.g. “Setup was a pain, the sound quality too”.", ReviewIDs: []int64{4}},
	}}, g, ev)
	require.Equal(t, "Setup: criticised in 120 mentions, e.g. “Setup was a pain, the sound quality too”.", n.Weaknesses[0].Text)
}
