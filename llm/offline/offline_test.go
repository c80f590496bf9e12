package offline

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
)

// corpus returns a multilingual mix of real reviews: the MARC sample (six
// languages), Alexa reviews (en, with ratings) and Chinese phone reviews,
// n of each source at most (0 = all).
func corpus(t testing.TB, n int) []llm.ReviewText {
	t.Helper()
	var out []llm.ReviewText
	id := int64(1)
	add := func(rating int, title, body string) {
		out = append(out, llm.ReviewText{ID: id, Rating: rating, Title: title, Body: body})
		id++
	}
	for i, r := range readMARC(t) {
		if n > 0 && i >= n {
			break
		}
		// Give every other review a title so titles are exercised too.
		title := ""
		if i%2 == 0 {
			if s := splitSentences(r.text); len(s) > 1 {
				title = r.text[s[0].start:s[0].end]
			}
		}
		add(r.stars, title, r.text)
	}
	rd := csv.NewReader(openData(t, "amazon_alexa_reviews.tsv"))
	rd.Comma, rd.LazyQuotes, rd.FieldsPerRecord = '\t', true, -1
	rows, err := rd.ReadAll()
	require.NoError(t, err)
	for i, r := range rows[1:] {
		if n > 0 && i >= n {
			break
		}
		stars, _ := strconv.Atoi(r[0])
		add(stars, "", r[3]) // includes empty and whitespace-only bodies
	}
	rd = csv.NewReader(openData(t, "online_shopping_phones_zh.csv"))
	rd.LazyQuotes = true
	rows, err = rd.ReadAll()
	require.NoError(t, err)
	for i, r := range rows[1:] {
		if n > 0 && i >= n {
			break
		}
		add(0, "", r[2])
	}
	return out
}

func sample(rs []llm.ReviewText, n int) []llm.ReviewText {
	if len(rs) <= n {
		return rs
	}
	var out []llm.ReviewText
	step := len(rs) / n
	for i := 0; i < len(rs) && len(out) < n; i += step {
		out = append(out, rs[i])
	}
	return out
}

var (
	insightTypes = set(llm.InsightStrength, llm.InsightWeakness, llm.InsightSuggestion, llm.InsightScenario, llm.InsightEmotion)
	sentiments   = set(llm.Positive, llm.Neutral, llm.Negative)
	confidences  = set(llm.High, llm.Medium, llm.Low)
	wtypes       = set(llm.WTypes...)
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func names[T llm.Dimension | llm.Label](xs []T) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		switch v := any(x).(type) {
		case llm.Dimension:
			m[v.Name] = true
		case llm.Label:
			m[v.Name] = true
		}
	}
	return m
}

// requireLearnValid checks the schema constraints of a learned model.
func requireLearnValid(t *testing.T, out llm.LearnOutput) {
	t.Helper()
	d := out.Dimensions
	require.GreaterOrEqual(t, len(d.Product), 4)
	require.LessOrEqual(t, len(d.Product), 8)
	require.GreaterOrEqual(t, len(d.Scenario), 3)
	require.LessOrEqual(t, len(d.Scenario), 5)
	require.GreaterOrEqual(t, len(d.Emotion), 3)
	require.LessOrEqual(t, len(d.Emotion), 4)
	for _, ds := range [][]llm.Dimension{d.Product, d.Scenario, d.Emotion} {
		require.Len(t, names(ds), len(ds), "duplicate dimension names")
		for _, x := range ds {
			require.NotEmpty(t, x.Name)
			require.LessOrEqual(t, utf8.RuneCountInString(x.Name), 80)
			require.LessOrEqual(t, utf8.RuneCountInString(x.Definition), 300)
		}
	}
	for _, w := range llm.WTypes {
		ls := out.Labels.ByType(w)
		require.NotNil(t, ls)
		require.LessOrEqual(t, len(ls), 8)
		require.Len(t, names(ls), len(ls), "duplicate label names")
		for _, l := range ls {
			require.NotEmpty(t, l.Name)
			require.LessOrEqual(t, utf8.RuneCountInString(l.Name), 80)
			require.LessOrEqual(t, utf8.RuneCountInString(l.Definition), 300)
		}
	}
}

// requireInsightsValid checks every constraint a model's insight answer
// must meet: ids, enums, verbatim quotes, dimensions of the right kind, and
// at least one insight per review with content.
func requireInsightsValid(t *testing.T, in llm.InsightInput, out llm.InsightOutput) {
	t.Helper()
	require.Len(t, out.Reviews, len(in.Reviews))
	byKind := map[string]map[string]bool{
		llm.DimProduct: names(in.Dimensions.Product), llm.DimScenario: names(in.Dimensions.Scenario),
		llm.DimEmotion: names(in.Dimensions.Emotion),
	}
	for i, ri := range out.Reviews {
		rv := in.Reviews[i]
		require.Equal(t, rv.ID, ri.ID)
		require.True(t, sentiments[ri.Sentiment], ri.Sentiment)
		require.NotNil(t, ri.Insights)
		if hasContent(rv.Title) || hasContent(rv.Body) {
			require.NotEmpty(t, ri.Insights, "review %d has content but no insight: %q", rv.ID, rv.Body)
		}
		for _, it := range ri.Insights {
			require.True(t, insightTypes[it.Type], it.Type)
			require.True(t, sentiments[it.Sentiment], it.Sentiment)
			require.True(t, confidences[it.Confidence], it.Confidence)
			require.NotEmpty(t, it.Dimension)
			require.True(t, byKind[llm.DimensionKindFor(it.Type)][it.Dimension],
				"%s insight on %q, not a %s dimension", it.Type, it.Dimension, llm.DimensionKindFor(it.Type))
			require.NotEmpty(t, it.Quote)
			require.True(t, strings.Contains(rv.Title, it.Quote) || strings.Contains(rv.Body, it.Quote),
				"quote %q is not verbatim in review %d", it.Quote, rv.ID)
			require.Equal(t, it.Quote, it.QuoteTranslated)
			require.NotEmpty(t, it.Analysis)
		}
	}
}

func requireThemesValid(t *testing.T, in llm.ThemeInput, out llm.ThemeOutput) {
	t.Helper()
	require.Len(t, out.Reviews, len(in.Reviews))
	for i, rt := range out.Reviews {
		rv := in.Reviews[i]
		require.Equal(t, rv.ID, rt.ID)
		require.NotNil(t, rt.Tags)
		for _, tg := range rt.Tags {
			require.True(t, wtypes[tg.Type], tg.Type)
			require.True(t, names(in.Labels.ByType(tg.Type))[tg.Label], "label %q (%s) is not in the library", tg.Label, tg.Type)
			require.NotEmpty(t, tg.Quote)
			require.True(t, strings.Contains(rv.Title, tg.Quote) || strings.Contains(rv.Body, tg.Quote),
				"quote %q is not verbatim in review %d", tg.Quote, rv.ID)
			require.True(t, confidences[tg.Confidence], tg.Confidence)
			require.NotEmpty(t, tg.Explanation)
		}
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	a := New()
	require.Equal(t, "offline", a.Name())
	require.Equal(t, "voc-offline-1", a.Model())
	require.False(t, a.Translates())
}

func TestSplitSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []string
	}{
		{"english", "Great sound. Battery is 2.5 hours, e.g. short!  Love it?!", []string{"Great sound.", "Battery is 2.5 hours, e.g. short!", "Love it?!"}},
		{"chinese", "信号好。电池不耐用！值得买吗？", []string{"信号好。", "电池不耐用！", "值得买吗？"}},
		{"japanese", "とても良い。でも高い", []string{"とても良い。", "でも高い"}},
		{"newlines", "first line\nsecond line\n\n", []string{"first line", "second line"}},
		{"missing space", "fast like she did.She enjoys it", []string{"fast like she did.", "She enjoys it"}},
		{"leading junk", "好。：不好", []string{"好。", "不好"}},
		{"empty", "  \n ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range splitSentences(tt.text) {
				got = append(got, tt.text[s.start:s.end])
			}
			require.Equal(t, tt.want, got)
		})
	}
}

// TestNegationFlipsPolarity checks, per language, that a positive phrase is
// positive, its negation negative, a negative phrase negative and its
// negation not negative, and that intensifiers strengthen.
func TestNegationFlipsPolarity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, pos, negated, neg, negNeg, intensified string
	}{
		{"en", "This is good.", "This is not good.", "The battery is bad.", "The battery is not bad.", "This is very good."},
		{"en", "It works.", "It doesn't work.", "Lots of problems.", "No problems at all.", "It is really great."},
		{"de", "Das ist gut.", "Das ist nicht gut.", "Das ist schlecht.", "Das ist nicht schlecht.", "Das ist sehr gut."},
		{"de", "Es funktioniert.", "Es funktioniert nicht.", "Leider kaputt.", "Keine Probleme.", "Wirklich toll."},
		{"fr", "C'est bon.", "Ce n'est pas bon.", "C'est mauvais.", "Ce n'est pas mauvais.", "C'est très bon."},
		{"fr", "Ça fonctionne.", "Ça ne fonctionne pas.", "Produit décevant.", "Aucun problème.", "Vraiment super."},
		{"es", "Es bueno.", "No es bueno.", "Es malo.", "No es malo.", "Es muy bueno."},
		{"es", "Me gusta.", "No me gusta.", "Tiene problemas.", "Sin problemas.", "Muy contento."},
		{"zh", "这个好。", "这个不好。", "质量差。", "质量不差。", "这个很好。"},
		{"zh", "我喜欢。", "我不喜欢。", "有问题。", "没有问题。", "非常满意。"},
		{"ja", "これは良い。", "これは良くない。", "これは悪い。", "悪くない。", "とても良い。"},
		{"ja", "満足です。", "満足できない。", "問題があります。", "問題ない。", "本当に満足です。"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.pos, func(t *testing.T) {
			p, ps := sentenceSentiment(tt.pos, tt.lang)
			require.Equal(t, llm.Positive, p, tt.pos)
			p, _ = sentenceSentiment(tt.negated, tt.lang)
			require.Equal(t, llm.Negative, p, tt.negated)
			p, _ = sentenceSentiment(tt.neg, tt.lang)
			require.Equal(t, llm.Negative, p, tt.neg)
			p, _ = sentenceSentiment(tt.negNeg, tt.lang)
			require.NotEqual(t, llm.Negative, p, tt.negNeg)
			p, is := sentenceSentiment(tt.intensified, tt.lang)
			require.Equal(t, llm.Positive, p, tt.intensified)
			require.GreaterOrEqual(t, is, ps, "%q should score at least %q", tt.intensified, tt.pos)
		})
	}
}

func TestSentimentDetectsLanguage(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"Absolutely love it, works great and the sound is amazing.":   llm.Positive,
		"Total waste of money, it broke after two days.":              llm.Negative,
		"Leider nach einer Woche kaputt. Sehr enttäuscht.":            llm.Negative,
		"Produit conforme, très bonne qualité, je recommande.":        llm.Positive,
		"No funciona, muy mala calidad. Lo he devuelto.":              llm.Negative,
		"质量很好，屏幕清晰，非常满意！":                                             llm.Positive,
		"使いやすくて最高です。":                                                 llm.Positive,
		"The weather today is Tuesday and the box is on the table.":   llm.Neutral,
		"I wish the battery lasted longer, but overall I am pleased.": llm.Positive,
	} {
		got, _ := Sentiment(text, "")
		require.Equal(t, want, got, text)
	}
}

func learnFixture(t *testing.T, target string) (llm.LearnInput, llm.LearnOutput) {
	t.Helper()
	in := llm.LearnInput{TargetLanguage: target, Reviews: sample(corpus(t, 300), 60)}
	out, u, err := New().Learn(context.Background(), in)
	require.NoError(t, err)
	require.Equal(t, llm.Usage{}, u)
	return in, out
}

func TestLearnValid(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"en", "zh", "de"} {
		t.Run(target, func(t *testing.T) {
			_, out := learnFixture(t, target)
			requireLearnValid(t, out)
			first := out.Dimensions.Product[0].Name
			hasHan := strings.IndexFunc(first, isCJK) >= 0
			require.Equal(t, target == "zh", hasHan, "dimension name %q in the wrong language for %s", first, target)
		})
	}
}

func TestLearnEmptyNeverInventsLabels(t *testing.T) {
	t.Parallel()
	out, _, err := New().Learn(context.Background(), llm.LearnInput{TargetLanguage: "en"})
	require.NoError(t, err)
	requireLearnValid(t, out)
	for _, w := range llm.WTypes {
		require.Empty(t, out.Labels.ByType(w), w)
	}
}

// TestLearnMergesSynonyms checks that synonyms and lemmas land on one
// dimension and that 5W cues become labels.
func TestLearnMergesSynonyms(t *testing.T) {
	t.Parallel()
	reviews := []string{
		"The battery life is great.", "Battery lasts all day, love it.", "Charging is fast and the battery is good.",
		"Great sound!", "The audio is excellent.", "Speakers sound amazing.",
		"Bought it for my dad, he loves it.", "A great gift for my wife.", "We keep it in the kitchen and it works great.",
		"价格很便宜。", "价钱实惠，值得买。", "价位合适，很满意。",
	}
	var in llm.LearnInput
	for i, r := range reviews {
		in.Reviews = append(in.Reviews, llm.ReviewText{ID: int64(i + 1), Body: r})
	}
	in.TargetLanguage = "en"
	out, _, err := New().Learn(context.Background(), in)
	require.NoError(t, err)
	requireLearnValid(t, out)
	ps := names(out.Dimensions.Product)
	require.True(t, ps["Battery life"], "%v", ps)
	require.True(t, ps["Sound quality"], "%v", ps)
	require.True(t, ps["Price & value"], "%v", ps)
	for n := range ps {
		require.NotContains(t, []string{"Battery", "Audio", "Sound", "价钱", "价格"}, n)
	}
	require.True(t, names(out.Labels.User)["Elderly parents"])
	require.True(t, names(out.Labels.Buyer)["Adult children buying for parents"])
	require.True(t, names(out.Labels.Buyer)["Gift givers"])
	require.True(t, names(out.Labels.Where)["Kitchen"])
}

func TestInsightsContract(t *testing.T) {
	t.Parallel()
	_, learned := learnFixture(t, "en")
	a := New()
	reviews := corpus(t, 150)
	reviews = append(reviews,
		llm.ReviewText{ID: 100001, Title: "Great!", Body: ""},
		llm.ReviewText{ID: 100002, Body: "   "},
		llm.ReviewText{ID: 100003, Body: "👍"},
		llm.ReviewText{ID: 100004, Body: "ok"},
	)
	// Learned dimensions, and a user-edited set (renamed, merged, custom).
	edited := llm.Dimensions{
		Product:  []llm.Dimension{{Name: "Akku & Laden"}, {Name: "Sound + audio"}, {Name: "Alexa"}, {Name: "Misc"}},
		Scenario: []llm.Dimension{{Name: "Kitchen use"}, {Name: "Bedtime"}, {Name: "在家"}},
		Emotion:  []llm.Dimension{{Name: "Joy"}, {Name: "Anger"}, {Name: "Let-down"}},
	}
	for _, dims := range []llm.Dimensions{learned.Dimensions, edited} {
		for _, target := range []string{"en", "zh"} {
			in := llm.InsightInput{TargetLanguage: target, Dimensions: dims, Reviews: reviews}
			out, u, err := a.Insights(context.Background(), in)
			require.NoError(t, err)
			require.Equal(t, llm.Usage{}, u)
			requireInsightsValid(t, in, out)
		}
	}
	// Reviews without content get no insight and a neutral sentiment.
	out, _, err := a.Insights(context.Background(), llm.InsightInput{Dimensions: edited, Reviews: reviews[len(reviews)-3:]})
	require.NoError(t, err)
	require.Empty(t, out.Reviews[0].Insights)
	require.Equal(t, llm.Neutral, out.Reviews[0].Sentiment)
}

func TestInsightsTypesAndDimensions(t *testing.T) {
	t.Parallel()
	dims := llm.Dimensions{
		Product:  []llm.Dimension{{Name: "Battery life"}, {Name: "Sound quality"}, {Name: "Price & value"}, {Name: "Overall satisfaction"}},
		Scenario: []llm.Dimension{{Name: "At home"}, {Name: "Travel & commuting"}, {Name: "Gifting"}},
		Emotion:  []llm.Dimension{{Name: "Delight"}, {Name: "Disappointment"}, {Name: "Frustration & anger"}},
	}
	in := llm.InsightInput{TargetLanguage: "en", Dimensions: dims, Reviews: []llm.ReviewText{
		{ID: 1, Body: "The sound is amazing, but the battery dies after two hours. I wish the battery lasted longer."},
		{ID: 2, Body: "电池很耐用，音质不好。"},
		{ID: 3, Body: "Love it! I take it on every trip."},
		{ID: 4, Body: "Sehr enttäuscht, der Akku ist schlecht."},
	}}
	out, _, err := New().Insights(context.Background(), in)
	require.NoError(t, err)
	requireInsightsValid(t, in, out)
	has := func(i int, typ, dim, sentiment string) {
		t.Helper()
		for _, it := range out.Reviews[i].Insights {
			if it.Type == typ && it.Dimension == dim && it.Sentiment == sentiment {
				return
			}
		}
		require.Failf(t, "missing insight", "review %d: want %s/%s/%s in %+v", i+1, typ, dim, sentiment, out.Reviews[i].Insights)
	}
	has(0, llm.InsightStrength, "Sound quality", llm.Positive)
	has(0, llm.InsightWeakness, "Battery life", llm.Negative)
	has(0, llm.InsightSuggestion, "Battery life", llm.Negative)
	has(1, llm.InsightStrength, "Battery life", llm.Positive)
	has(1, llm.InsightWeakness, "Sound quality", llm.Negative)
	has(2, llm.InsightStrength, "Overall satisfaction", llm.Positive)
	has(2, llm.InsightScenario, "Travel & commuting", llm.Neutral)
	has(2, llm.InsightEmotion, "Delight", llm.Positive)
	has(3, llm.InsightWeakness, "Battery life", llm.Negative)
	has(3, llm.InsightEmotion, "Disappointment", llm.Negative)
	require.Equal(t, llm.Negative, out.Reviews[3].Sentiment)

	// Chinese analysis text for a Chinese target.
	in.TargetLanguage = "zh"
	out, _, err = New().Insights(context.Background(), in)
	require.NoError(t, err)
	require.Contains(t, out.Reviews[1].Insights[0].Analysis, "用户")
}

func TestThemesOnlyFromLibrary(t *testing.T) {
	t.Parallel()
	_, learned := learnFixture(t, "en")
	a := New()
	reviews := corpus(t, 200)
	custom := llm.Labels{
		Buyer: []llm.Label{{Name: "Gift shoppers"}, {Name: "Tech enthusiasts"}},
		User:  []llm.Label{{Name: "Seniors"}, {Name: "孩子"}},
		Where: []llm.Label{{Name: "Kitchen counter"}, {Name: "Christmas tree"}},
		When:  []llm.Label{{Name: "Christmas morning"}},
		Why:   []llm.Label{{Name: "Replacement"}},
		What:  []llm.Label{{Name: "Music"}, {Name: "Alarms"}},
	}
	for _, labels := range []llm.Labels{learned.Labels, custom, {}} {
		in := llm.ThemeInput{TargetLanguage: "en", Labels: labels, Reviews: reviews}
		out, u, err := a.Themes(context.Background(), in)
		require.NoError(t, err)
		require.Equal(t, llm.Usage{}, u)
		requireThemesValid(t, in, out)
	}

	in := llm.ThemeInput{TargetLanguage: "en", Labels: custom, Reviews: []llm.ReviewText{
		{ID: 1, Body: "I bought this as a gift for my 85 year old dad. He uses it for music every morning."},
		{ID: 2, Body: "The screen is bright and the battery is fine."},
		{ID: 3, Body: "送给孩子的礼物，孩子很喜欢。"},
	}}
	out, _, err := a.Themes(context.Background(), in)
	require.NoError(t, err)
	requireThemesValid(t, in, out)
	got := map[string]bool{}
	for _, tg := range out.Reviews[0].Tags {
		got[tg.Type+"/"+tg.Label] = true
	}
	require.True(t, got["buyer/Gift shoppers"], "%v", got)
	require.True(t, got["user/Seniors"], "%v", got)
	require.True(t, got["what/Music"], "%v", got)
	require.Empty(t, out.Reviews[1].Tags, "no cue, no tag")
	require.NotEmpty(t, out.Reviews[2].Tags)
	require.Equal(t, "孩子", out.Reviews[2].Tags[0].Label)
}

func TestTranslateEchoes(t *testing.T) {
	t.Parallel()
	in := llm.TranslateInput{TargetLanguage: "zh", Reviews: []llm.ReviewText{{ID: 7, Title: "Great", Body: "Works well."}, {ID: 9, Body: "好"}}}
	out, u, err := New().Translate(context.Background(), in)
	require.NoError(t, err)
	require.Equal(t, llm.Usage{}, u)
	require.Equal(t, []llm.Translation{{ID: 7, Title: "Great", Body: "Works well."}, {ID: 9, Body: "好"}}, out.Translations)
}

func narrateFixture() llm.ReportInput {
	return llm.ReportInput{
		TargetLanguage: "en",
		Facts:          map[string]any{"review_count": 120, "average_rating": 4.2, "other": []int{1, 2}},
		Evidence: []llm.Evidence{
			{ReviewID: 1, Kind: llm.InsightStrength, Topic: "Sound quality", Sentiment: llm.Positive, Quote: "The sound is amazing."},
			{ReviewID: 2, Kind: llm.InsightStrength, Topic: "Sound quality", Sentiment: llm.Positive, Quote: "Great sound."},
			{ReviewID: 3, Kind: llm.InsightWeakness, Topic: "Battery life", Sentiment: llm.Negative, Quote: "Battery dies fast."},
			{ReviewID: 4, Kind: llm.InsightSuggestion, Topic: "Battery life", Quote: "I wish the battery lasted longer."},
			{ReviewID: 1, Kind: llm.WUser, Topic: "Elderly parents", Quote: "for my dad"},
			{ReviewID: 1, Kind: llm.WWhere, Topic: "Kitchen", Quote: "in the kitchen"},
			{ReviewID: 5, Kind: llm.InsightScenario, Topic: "At home", Quote: "at home"},
		},
	}
}

func TestNarrateCitesEvidence(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"en", "zh"} {
		in := narrateFixture()
		in.TargetLanguage = target
		out, u, err := New().Narrate(context.Background(), in)
		require.NoError(t, err)
		require.Equal(t, llm.Usage{}, u)
		valid := map[int64]bool{}
		for _, e := range in.Evidence {
			valid[e.ReviewID] = true
		}
		claims := append([]llm.Claim{out.ExecutiveSummary}, out.Strengths...)
		claims = append(claims, out.Weaknesses...)
		claims = append(claims, out.PriorityActions...)
		for _, c := range claims {
			require.NotEmpty(t, c.Text)
			require.NotEmpty(t, c.ReviewIDs, c.Text)
			for _, id := range c.ReviewIDs {
				require.True(t, valid[id], "claim %q cites unknown review %d", c.Text, id)
			}
		}
		require.Len(t, out.Strengths, 1)
		require.Len(t, out.Weaknesses, 1)
		require.Len(t, out.PriorityActions, 2)
		require.Len(t, out.Personas, 1, "personas only from buyer/user evidence")
		require.Equal(t, "Elderly parents", out.Personas[0].Name)
		require.Equal(t, []int64{1}, out.Personas[0].ReviewIDs)
		require.Contains(t, out.Personas[0].Summary, "Kitchen")
		if target == "zh" {
			require.Contains(t, out.ExecutiveSummary.Text, "共分析120条评论")
		} else {
			require.Contains(t, out.ExecutiveSummary.Text, "Across 120 reviews (average rating 4.2)")
		}
	}

	_, _, err := New().Narrate(context.Background(), llm.ReportInput{Facts: map[string]any{"review_count": 3}})
	require.ErrorIs(t, err, ErrNoEvidence)
}

func TestContextCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a := New()
	rs := []llm.ReviewText{{ID: 1, Body: "good"}}
	_, _, err := a.Learn(ctx, llm.LearnInput{Reviews: rs})
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = a.Insights(ctx, llm.InsightInput{Reviews: rs})
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = a.Themes(ctx, llm.ThemeInput{Reviews: rs})
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = a.Translate(ctx, llm.TranslateInput{Reviews: rs})
	require.ErrorIs(t, err, context.Canceled)
	_, _, err = a.Narrate(ctx, narrateFixture())
	require.ErrorIs(t, err, context.Canceled)
}

// TestDeterministicAndConcurrent runs every task twice sequentially and
// eight times concurrently and requires identical JSON each time.
func TestDeterministicAndConcurrent(t *testing.T) {
	t.Parallel()
	a := New()
	reviews := corpus(t, 60)
	run := func() string {
		ctx := context.Background()
		learned, _, err := a.Learn(ctx, llm.LearnInput{TargetLanguage: "en", Reviews: sample(reviews, 60)})
		require.NoError(t, err)
		ins, _, err := a.Insights(ctx, llm.InsightInput{TargetLanguage: "en", Dimensions: learned.Dimensions, Reviews: reviews})
		require.NoError(t, err)
		th, _, err := a.Themes(ctx, llm.ThemeInput{TargetLanguage: "en", Labels: learned.Labels, Reviews: reviews})
		require.NoError(t, err)
		var ev []llm.Evidence
		for _, r := range ins.Reviews {
			for _, it := range r.Insights {
				ev = append(ev, llm.Evidence{ReviewID: r.ID, Kind: it.Type, Topic: it.Dimension, Sentiment: it.Sentiment, Quote: it.Quote})
			}
		}
		for _, r := range th.Reviews {
			for _, tg := range r.Tags {
				ev = append(ev, llm.Evidence{ReviewID: r.ID, Kind: tg.Type, Topic: tg.Label, Quote: tg.Quote})
			}
		}
		rep, _, err := a.Narrate(ctx, llm.ReportInput{TargetLanguage: "en", Evidence: ev})
		require.NoError(t, err)
		b, err := json.Marshal([]any{learned, ins, th, rep})
		require.NoError(t, err)
		return string(b)
	}
	want := run()
	require.Equal(t, want, run())
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = run()
		}()
	}
	wg.Wait()
	for _, g := range got {
		require.Equal(t, want, g)
	}
}

// BenchmarkInsights measures Insights throughput on a realistic
// multilingual mix (reviews/s is reported as a metric).
func BenchmarkInsights(b *testing.B) {
	reviews := corpus(b, 0)
	a := New()
	learned, _, err := a.Learn(context.Background(), llm.LearnInput{TargetLanguage: "en", Reviews: sample(reviews, 60)})
	require.NoError(b, err)
	const batch = 20 // the pipeline's batch size
	b.ResetTimer()
	n := 0
	for i := 0; b.Loop(); i++ {
		lo := (i * batch) % (len(reviews) - batch)
		in := llm.InsightInput{TargetLanguage: "en", Dimensions: learned.Dimensions, Reviews: reviews[lo : lo+batch]}
		if _, _, err := a.Insights(context.Background(), in); err != nil {
			b.Fatal(err)
		}
		n += batch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reviews/s")
}

// BenchmarkThemes measures Themes throughput on the same mix.
func BenchmarkThemes(b *testing.B) {
	reviews := corpus(b, 0)
	a := New()
	learned, _, err := a.Learn(context.Background(), llm.LearnInput{TargetLanguage: "en", Reviews: sample(reviews, 60)})
	require.NoError(b, err)
	const batch = 20
	b.ResetTimer()
	n := 0
	for i := 0; b.Loop(); i++ {
		lo := (i * batch) % (len(reviews) - batch)
		in := llm.ThemeInput{TargetLanguage: "en", Labels: learned.Labels, Reviews: reviews[lo : lo+batch]}
		if _, _, err := a.Themes(context.Background(), in); err != nil {
			b.Fatal(err)
		}
		n += batch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reviews/s")
}
