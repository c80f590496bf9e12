package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
)

// langReviews are English reviews (some written with the HTML character
// references scraped exports leave) and German ones.
var langReviews = [][]string{
	{"en-1", "5", "The battery lasts all day and the sound is &#34;crystal clear&#34;. I love it."},
	{"en-2", "1", "Terrible battery life, it died after two days &amp; the price is too high."},
	{"en-3", "4", "Great sound quality for the price. The bass is deep and rich."},
	{"en-4", "2", "The battery drains fast and charging takes forever. Disappointed."},
	{"en-5", "5", "Excellent sound, easy setup, and the app works &quot;perfectly&quot;."},
	{"en-6", "3", "Sound is fine but the battery could be better. Price is ok."},
	{"en-7", "5", "I use it at the gym every morning; the battery never lets me down."},
	{"en-8", "1", "Broke after a week. The sound crackles and support never answered."},
	{"en-9", "4", "Comfortable to wear for hours, good sound, fair price."},
	{"en-10", "2", "Too expensive for what it is, the sound is thin and tinny."},
	{"de-1", "5", "Der Akku hält den ganzen Tag und der Klang ist hervorragend. Ich bin begeistert."},
	{"de-2", "1", "Schrecklicher Akku, nach zwei Tagen leer, und der Preis ist viel zu hoch."},
	{"de-3", "4", "Guter Klang für den Preis, der Bass ist kräftig."},
	{"de-4", "2", "Der Akku ist schwach und das Laden dauert ewig. Enttäuscht."},
	{"de-5", "5", "Sehr guter Klang, einfache Einrichtung, ich benutze es jeden Tag im Fitnessstudio."},
	{"de-6", "1", "Nach einer Woche kaputt, der Klang knistert und der Support antwortet nicht."},
}

func langCSV(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write([]string{"review_id", "rating", "text"}))
	require.NoError(t, w.WriteAll(langReviews))
	return buf.Bytes()
}

// doWith sends a request with extra headers; like do otherwise.
func (e *env) doWith(method, path string, body io.Reader, headers map[string]string, out any) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, body)
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+e.token)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(e.t, json.Unmarshal(raw, out), string(raw))
	}
	return resp.StatusCode, raw
}

func jsonBody(t testing.TB, v any) io.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return bytes.NewReader(b)
}

// reportJSON is the part of GET /api/v1/reports/{id} these tests read.
type reportJSON struct {
	Aggregates struct {
		TargetLanguage string `json:"target_language"`
		TopStrengths   []struct {
			Evidence []store.Quote `json:"evidence"`
		} `json:"top_strengths"`
		TopWeaknesses []struct {
			Evidence []store.Quote `json:"evidence"`
		} `json:"top_weaknesses"`
		FiveW []struct {
			Labels []struct {
				Evidence []store.Quote `json:"evidence"`
			} `json:"labels"`
		} `json:"five_w"`
	} `json:"aggregates"`
}

func (r reportJSON) quotes() []store.Quote {
	var out []store.Quote
	for _, t := range r.Aggregates.TopStrengths {
		out = append(out, t.Evidence...)
	}
	for _, t := range r.Aggregates.TopWeaknesses {
		out = append(out, t.Evidence...)
	}
	for _, f := range r.Aggregates.FiveW {
		for _, l := range f.Labels {
			out = append(out, l.Evidence...)
		}
	}
	return out
}

func (e *env) latestReport(productID int64) (int64, reportJSON) {
	e.t.Helper()
	var d api.ProductDetail
	status, raw := e.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d", productID), nil, "", &d)
	require.Equal(e.t, http.StatusOK, status, string(raw))
	require.NotNil(e.t, d.LatestReportID)
	var r reportJSON
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d", *d.LatestReportID), nil, "", &r)
	require.Equal(e.t, http.StatusOK, status, string(raw))
	return *d.LatestReportID, r
}

var citationRe = regexp.MustCompile(`review #(\d+)`)

// TestReviewPageAndCitations runs the offline pipeline on English and
// German reviews, then follows the report's citations to the review page.
func TestReviewPageAndCitations(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	acc := e.upload("lang.csv", langCSV(t), "B0REVIEW01", nil)
	require.Equal(t, "en", acc.TargetLanguage, "no form field, no Accept-Language: English, never zh")
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	e.waitFinal(acc.ProductID, 2*time.Minute)

	// Entities were decoded at ingest: stored text is what a person reads.
	require.Zero(t, e.count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND (body LIKE '%&#34;%' OR body LIKE '%&amp;%' OR body LIKE '%&quot;%')`, acc.ProductID))
	var en1 int64
	require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT id FROM reviews WHERE product_id = $1 AND source_review_id = 'en-1'`, acc.ProductID).Scan(&en1))

	// The review page.
	var r store.ReviewFull
	status, raw := e.do(http.MethodGet, fmt.Sprintf("/api/v1/reviews/%d", en1), nil, "", &r)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, en1, r.ID)
	require.Equal(t, `The battery lasts all day and the sound is "crystal clear". I love it.`, r.Body)
	require.Equal(t, "en", r.Language)
	require.Equal(t, 5, *r.Rating)
	require.Equal(t, "en-1", *r.SourceReviewID)
	require.Equal(t, store.ReviewProduct{ID: acc.ProductID, Marketplace: "US", ASIN: "B0REVIEW01", TargetLanguage: "en"}, r.Product)
	require.NotNil(t, r.Upload)
	require.Equal(t, acc.UploadID, r.Upload.ID)
	require.Equal(t, "file", r.Upload.Source)
	require.Equal(t, "lang.csv", r.Upload.Filename)
	require.NotEmpty(t, r.Insights, "the offline analyser finds insights in it")
	require.Equal(t, e.count("SELECT count(*) FROM insights WHERE review_id = $1", en1), len(r.Insights))
	require.Equal(t, e.count("SELECT count(*) FROM review_tags WHERE review_id = $1", en1), len(r.Tags))
	for _, in := range r.Insights {
		require.NotEmpty(t, in.Dimension, "insights carry their dimension's name")
		require.Contains(t, r.Body, in.Quote, "quotes are verbatim")
	}
	require.False(t, r.Translated)

	// Unknown and malformed ids.
	status, raw = e.do(http.MethodGet, "/api/v1/reviews/987654321", nil, "", nil)
	require.Equal(t, http.StatusNotFound, status, string(raw))
	require.Contains(t, string(raw), "review not found")
	status, raw = e.do(http.MethodGet, "/api/v1/reviews/abc", nil, "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))

	// The report: every quote names its review, is verbatim from it, and
	// carries quote_translated. Offline nothing is translated, so German
	// quotes have no translation and say so.
	reportID, rep := e.latestReport(acc.ProductID)
	require.Equal(t, "en", rep.Aggregates.TargetLanguage)
	quotes := rep.quotes()
	require.NotEmpty(t, quotes)
	cited := map[int64]bool{}
	for _, q := range quotes {
		var body, lang string
		require.NoError(t, e.pool.QueryRow(context.Background(), "SELECT body, language FROM reviews WHERE id = $1", q.ReviewID).Scan(&body, &lang))
		require.Contains(t, body, q.Quote, "review %d", q.ReviewID)
		require.Equal(t, lang, q.Language)
		require.False(t, q.Translated)
		if lang == "en" {
			require.Equal(t, q.Quote, q.QuoteTranslated, "an English quote is its own translation")
		} else {
			require.Empty(t, q.QuoteTranslated, "no translation offline: none is claimed")
		}
		cited[q.ReviewID] = true
	}

	// The reviews list filtered by the cited ids returns exactly those.
	ids := make([]string, 0, len(cited))
	for id := range cited {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	var list api.ReviewList
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d/reviews?ids=%s", acc.ProductID, strings.Join(ids, ",")), nil, "", &list)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.EqualValues(t, len(cited), list.Total)
	for _, item := range list.Items {
		require.True(t, cited[item.ID])
	}
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d/reviews?ids=0,x", acc.ProductID), nil, "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "query.ids")

	// Every citation in the Markdown and HTML documents is a link to the
	// review, and a quote's link carries the quote.
	for _, format := range []string{"markdown", "html"} {
		status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d/%s", reportID, format), nil, "", nil)
		require.Equal(t, http.StatusOK, status, string(raw))
		doc := string(raw)
		all := citationRe.FindAllStringSubmatchIndex(doc, -1)
		require.NotEmpty(t, all, format)
		for _, m := range all {
			before := doc[max(0, m[0]-40):m[0]]
			id := doc[m[2]:m[3]]
			if format == "markdown" {
				require.True(t, strings.HasSuffix(before, "["), "%s: citation %q is not a link: …%s", format, doc[m[0]:m[1]], before)
				require.Regexp(t, `^\]\((https?://[^/)]+)?/reviews/`+id+`[?)]`, doc[m[1]:], format)
			} else {
				require.True(t, strings.HasSuffix(before, `">`), "%s: citation %q is not a link: …%s", format, doc[m[0]:m[1]], before)
				anchor := doc[strings.LastIndex(doc[:m[0]], "<a "):m[0]]
				require.Regexp(t, `^<a href="(https?://[^/"]+)?/reviews/`+id+`[?"]`, anchor, format)
			}
		}
		q := quotes[0]
		link := store.ReviewLink(q.ReviewID, q.Quote)
		if format == "html" {
			link = strings.ReplaceAll(link, "+", "&#43;")
		}
		require.Contains(t, doc, link, "%s: a quote's citation highlights the quote", format)
		require.NotContains(t, doc, "&amp;#34;", format)
	}

	// The offline analyser does not translate: switching the model to
	// German keeps names and ids, lists every item as untranslated, and
	// records German for future analyses.
	before, err := store.ModelGet(context.Background(), e.pool, acc.ProductID)
	require.NoError(t, err)
	insights := e.count("SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1", acc.ProductID)
	var sw api.ModelLanguage
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/model/language", acc.ProductID), jsonBody(t, map[string]string{"language": "de"}), "application/json", &sw)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "none", sw.Translator)
	require.Equal(t, "de", sw.Language)
	require.Equal(t, "en", sw.PreviousLanguage)
	require.Zero(t, sw.Translated)
	require.Len(t, sw.Untranslated, len(before.Dimensions)+len(before.Labels))
	require.Equal(t, before.Version+1, sw.ModelVersion)
	require.Equal(t, before.Dimensions, sw.Model.Dimensions, "same ids, same names")
	require.Equal(t, before.Labels, sw.Model.Labels)
	require.Equal(t, insights, e.count("SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1", acc.ProductID))
	p, err := store.ProductGet(context.Background(), e.pool, acc.ProductID)
	require.NoError(t, err)
	require.Equal(t, "de", p.TargetLanguage)

	// Bad input.
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/model/language", acc.ProductID), jsonBody(t, map[string]string{"language": "German!"}), "application/json", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "body.language")
	status, raw = e.do(http.MethodPost, "/api/v1/products/987654/model/language", jsonBody(t, map[string]string{"language": "de"}), "application/json", nil)
	require.Equal(t, http.StatusNotFound, status, string(raw))
}

// TestUploadTargetLanguageDefaults checks where a new product's target
// language comes from, and that an existing product keeps its own.
func TestUploadTargetLanguageDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: map[string]int{}}) // accept only, no workers
	upload := func(asin string, fields, headers map[string]string) (int, api.Accepted, []byte) {
		f := map[string]string{"asin": asin, "marketplace": "US"}
		for k, v := range fields {
			f[k] = v
		}
		body, ct := multipartBody(t, "lang.csv", langCSV(t), f)
		h := map[string]string{"Content-Type": ct}
		for k, v := range headers {
			h[k] = v
		}
		var acc api.Accepted
		status, raw := e.doWith(http.MethodPost, "/api/v1/uploads", body, h, &acc)
		return status, acc, raw
	}
	for _, tt := range []struct {
		name    string
		fields  map[string]string
		headers map[string]string
		want    string
	}{
		{"nothing said: English", nil, nil, "en"},
		{"Accept-Language", nil, map[string]string{"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"}, "de"},
		{"Accept-Language wildcard only", nil, map[string]string{"Accept-Language": "*"}, "en"},
		{"the UI's language beats Accept-Language", map[string]string{"ui_language": "fr"}, map[string]string{"Accept-Language": "de"}, "fr"},
		{"an explicit target language beats both", map[string]string{"target_language": "es", "ui_language": "fr"}, map[string]string{"Accept-Language": "de"}, "es"},
	} {
		asin := "B0LANG" + strconv.Itoa(len(tt.name))
		status, acc, raw := upload(asin, tt.fields, tt.headers)
		require.Equal(t, http.StatusAccepted, status, "%s: %s", tt.name, raw)
		require.Equal(t, tt.want, acc.TargetLanguage, tt.name)
		p, err := store.ProductGet(context.Background(), e.pool, acc.ProductID)
		require.NoError(t, err)
		require.Equal(t, tt.want, p.TargetLanguage, tt.name)
	}

	// An existing product keeps its language whatever the browser says;
	// only an explicit target_language changes it.
	_, first, _ := upload("B0KEEP0001", nil, map[string]string{"Accept-Language": "ja"})
	require.Equal(t, "ja", first.TargetLanguage)
	_, again, _ := upload("B0KEEP0001", map[string]string{"ui_language": "de"}, map[string]string{"Accept-Language": "fr"})
	require.Equal(t, "ja", again.TargetLanguage)
	_, changed, _ := upload("B0KEEP0001", map[string]string{"target_language": "en"}, nil)
	require.Equal(t, "en", changed.TargetLanguage)

	status, _, raw := upload("B0LANGBAD1", map[string]string{"ui_language": "not a language"}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "body.ui_language")

	// Without a model, a switch only records the language; while an
	// analysis runs, it is refused and changes nothing.
	var sw api.ModelLanguage
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/model/language", changed.ProductID),
		jsonBody(t, map[string]string{"language": "fr"}), "application/json", &sw)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Zero(t, sw.ModelVersion)
	require.Equal(t, "fr", sw.Language)
	require.Equal(t, "en", sw.PreviousLanguage)
	_, err := e.pool.Exec(context.Background(), `INSERT INTO analyses (product_id, kind, target_language, scope) VALUES ($1, 'full', 'fr', 'product')`, changed.ProductID)
	require.NoError(t, err)
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/model/language", changed.ProductID),
		jsonBody(t, map[string]string{"language": "de"}), "application/json", nil)
	require.Equal(t, http.StatusConflict, status, string(raw))
	require.Contains(t, string(raw), "is running")
	p, err := store.ProductGet(context.Background(), e.pool, changed.ProductID)
	require.NoError(t, err)
	require.Equal(t, "fr", p.TargetLanguage)
}

// translatingAnalyzer is the offline analyser with a translator: the
// simulator serves its answers, so the OpenAI provider, its schema
// validation and the pipeline see translated text. A translation is the
// text prefixed with the target language ("[de] Battery"); insights and
// tags of reviews in another language get their quote translated the same
// way.
type translatingAnalyzer struct{ llm.Analyzer }

func (translatingAnalyzer) Translates() bool { return true }

func (translatingAnalyzer) Translate(_ context.Context, in llm.TranslateInput) (llm.TranslateOutput, llm.Usage, error) {
	var out llm.TranslateOutput
	for _, r := range in.Reviews {
		tr := llm.Translation{ID: r.ID, Body: "[" + in.TargetLanguage + "] " + r.Body}
		if r.Title != "" {
			tr.Title = "[" + in.TargetLanguage + "] " + r.Title
		}
		out.Translations = append(out.Translations, tr)
	}
	return out, llm.Usage{Calls: 1}, nil
}

func (a translatingAnalyzer) Insights(ctx context.Context, in llm.InsightInput) (llm.InsightOutput, llm.Usage, error) {
	out, u, err := a.Analyzer.Insights(ctx, in)
	lang := map[int64]string{}
	for _, r := range in.Reviews {
		lang[r.ID] = r.Language
	}
	for i, r := range out.Reviews {
		if lang[r.ID] != "" && lang[r.ID] != in.TargetLanguage {
			for j := range r.Insights {
				out.Reviews[i].Insights[j].QuoteTranslated = "[" + in.TargetLanguage + "] " + r.Insights[j].Quote
			}
		}
	}
	return out, u, err
}

func (a translatingAnalyzer) Themes(ctx context.Context, in llm.ThemeInput) (llm.ThemeOutput, llm.Usage, error) {
	out, u, err := a.Analyzer.Themes(ctx, in)
	lang := map[int64]string{}
	for _, r := range in.Reviews {
		lang[r.ID] = r.Language
	}
	for i, r := range out.Reviews {
		if lang[r.ID] != "" && lang[r.ID] != in.TargetLanguage {
			for j := range r.Tags {
				out.Reviews[i].Tags[j].QuoteTranslated = "[" + in.TargetLanguage + "] " + r.Tags[j].Quote
			}
		}
	}
	return out, u, err
}

// httpTestServer serves h for the test and returns its URL.
func httpTestServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestModelLanguageSwitchWithLLM switches a learned model to German through
// the OpenAI provider against the simulator, and checks that German quotes
// in the English report come translated with the original beside them.
func TestModelLanguageSwitchWithLLM(t *testing.T) {
	t.Parallel()
	sim := llmsim.New(quietSim(), translatingAnalyzer{offline.New()})
	e := newEnvWithSim(t, sim)
	acc := e.upload("lang.csv", langCSV(t), "B0SWITCH01", map[string]string{"target_language": "en"})
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	e.waitFinal(acc.ProductID, 2*time.Minute)

	// German quotes: translated, with the original kept verbatim.
	reportID, rep := e.latestReport(acc.ProductID)
	var german int
	for _, q := range rep.quotes() {
		if q.Language == "de" {
			german++
			require.True(t, q.Translated, "review %d", q.ReviewID)
			// The model's quote, translated; the stored quote is the
			// review's exact span of it.
			require.True(t, strings.HasPrefix(q.QuoteTranslated, "[en] "), q.QuoteTranslated)
			require.Contains(t, q.QuoteTranslated, q.Quote)
		} else {
			require.False(t, q.Translated)
			require.Equal(t, q.Quote, q.QuoteTranslated)
		}
	}
	require.Positive(t, german, "the report quotes German reviews")
	status, raw := e.do(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d/markdown", reportID), nil, "", nil)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Regexp(t, `\\\[en\\\] .+ — original \(de\): .+ \(\[review #\d+\]\((https?://[^/)]+)?/reviews/\d+\?quote=`, string(raw))

	// One action switches the model to German: names and definitions are
	// translated, ids kept, and German recorded for future analyses.
	before, err := store.ModelGet(context.Background(), e.pool, acc.ProductID)
	require.NoError(t, err)
	insights := e.count("SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1", acc.ProductID)
	translated := e.count("SELECT count(*) FROM reviews WHERE product_id = $1 AND translation_status <> 'pending'", acc.ProductID)
	require.Positive(t, translated)
	var sw api.ModelLanguage
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/model/language", acc.ProductID), jsonBody(t, map[string]string{"language": "de"}), "application/json", &sw)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "llm", sw.Translator)
	require.Empty(t, sw.Untranslated)
	require.Equal(t, len(before.Dimensions)+len(before.Labels), sw.Translated)
	require.Len(t, sw.Model.Dimensions, len(before.Dimensions))
	for i, d := range sw.Model.Dimensions {
		require.Equal(t, before.Dimensions[i].ID, d.ID, "ids are kept")
		require.Equal(t, "[de] "+before.Dimensions[i].Name, d.Name)
		if before.Dimensions[i].Definition != "" {
			require.Equal(t, "[de] "+before.Dimensions[i].Definition, d.Definition)
		}
	}
	for i, l := range sw.Model.Labels {
		require.Equal(t, before.Labels[i].ID, l.ID)
		require.Equal(t, "[de] "+before.Labels[i].Name, l.Name)
	}
	require.EqualValues(t, translated, sw.TranslationsReset, "translations in English are cleared for German ones")
	require.Equal(t, insights, e.count("SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1", acc.ProductID),
		"no analysis is lost")
	p, err := store.ProductGet(context.Background(), e.pool, acc.ProductID)
	require.NoError(t, err)
	require.Equal(t, "de", p.TargetLanguage)
	var source string
	require.NoError(t, e.pool.QueryRow(context.Background(), "SELECT source FROM product_models WHERE product_id = $1 AND version = $2",
		acc.ProductID, sw.ModelVersion).Scan(&source))
	require.Equal(t, "edited", source)

	// A rerun translates the reset reviews into German (only those), then
	// writes the report in German: English quotes now come translated.
	var rerun struct {
		AnalysisID int64 `json:"analysis_id"`
	}
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/rerun", acc.ProductID), nil, "", &rerun)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	ra := e.waitFinal(acc.ProductID, 2*time.Minute)
	require.Equal(t, rerun.AnalysisID, ra.ID)
	require.Equal(t, "de", ra.TargetLanguage)
	require.Equal(t, 10, e.count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND language = 'en'
		AND translation_status = 'done' AND body_translated LIKE '[de] %'`, acc.ProductID), "English reviews translated into German")
	require.Equal(t, 6, e.count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND language = 'de'
		AND translation_status = 'skipped'`, acc.ProductID), "German reviews need no translation")
	require.Positive(t, e.count(`SELECT count(*) FROM river_job WHERE kind = 'translate_batch' AND (args->>'analysis_id')::bigint = $1`, ra.ID),
		"the rerun translated what the switch reset")
	_, rep = e.latestReport(acc.ProductID)
	require.Equal(t, "de", rep.Aggregates.TargetLanguage)
	var english int
	for _, q := range rep.quotes() {
		if q.Language == "en" {
			english++
			require.True(t, q.Translated, "review %d", q.ReviewID)
			require.True(t, strings.HasPrefix(q.QuoteTranslated, "[de] "), q.QuoteTranslated)
			require.Contains(t, q.QuoteTranslated, q.Quote)
		}
	}
	require.Positive(t, english)

	// The review reader filters by the renamed dimension, same id.
	var list api.ReviewList
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d/reviews?dimension=%s", acc.ProductID,
		url.QueryEscape(sw.Model.Dimensions[0].Name)), nil, "", &list)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.EqualValues(t, e.count("SELECT count(DISTINCT review_id) FROM insights WHERE dimension_id = $1", sw.Model.Dimensions[0].ID), list.Total)
}

// newEnvWithSim is newEnv with the OpenAI provider against a given
// simulator.
func newEnvWithSim(t *testing.T, sim *llmsim.Server) *env {
	t.Helper()
	srv := httpTestServer(t, sim)
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv + "/v1", APIKey: "sim-key", Model: "voc-sim", Timeout: 20 * time.Second})
	require.NoError(t, err)
	return newEnv(t, envOpts{analyzer: p})
}
