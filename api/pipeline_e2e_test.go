package api_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/voc-project/voc"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
)

// simAnalyzer starts llmsim (answers from the offline analyser) and returns
// the OpenAI-compatible provider pointed at it over HTTP.
func simAnalyzer(t testing.TB, cfg llmsim.Config, rec llm.Recorder, rps float64) (llm.Analyzer, *llmsim.Server) {
	t.Helper()
	var lim llm.Limiter
	if rps > 0 {
		lim = llm.NewLocalLimiter(llm.LimiterConfig{RPS: rps, MaxWait: 10 * time.Second})
	}
	sim := llmsim.New(cfg, offline.New())
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: srv.URL + "/v1", APIKey: "sim-key", Model: "voc-sim",
		Timeout: 20 * time.Second, Recorder: rec, Limiter: lim, DefaultRetryAfter: 200 * time.Millisecond})
	require.NoError(t, err)
	return p, sim
}

func quietSim() llmsim.Config {
	c := llmsim.DefaultConfig()
	c.Latency, c.Jitter = 0, 0
	return c
}

// waitFinal waits for a product's analysis to finish with its final report.
func (e *env) waitFinal(productID int64, timeout time.Duration) store.Analysis {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		a, err := store.AnalysisLatest(context.Background(), e.pool, productID)
		if err == nil && a.Status == "done" {
			return a
		}
		time.Sleep(100 * time.Millisecond)
	}
	a, _ := store.AnalysisLatest(context.Background(), e.pool, productID)
	var jobs []string
	rows, _ := e.pool.Query(context.Background(), "SELECT kind || ':' || state || ':' || coalesce(errors::text,'') FROM river_job WHERE state NOT IN ('completed') LIMIT 10")
	for rows != nil && rows.Next() {
		var s string
		_ = rows.Scan(&s)
		jobs = append(jobs, s)
	}
	e.t.Fatalf("analysis of product %d did not finish: %+v; open jobs: %v", productID, a, jobs)
	return a
}

// checkReportMatchesDB checks the final report's counts against the
// database, and that the preliminary report exists exactly once.
func (e *env) checkReportMatchesDB(a store.Analysis) store.Aggregates {
	e.t.Helper()
	t := e.t
	require.Equal(t, 1, e.count("SELECT count(*) FROM reports WHERE analysis_id = $1 AND kind = 'preliminary'", a.ID))
	require.Equal(t, 1, e.count("SELECT count(*) FROM reports WHERE analysis_id = $1 AND kind = 'final'", a.ID))
	require.Equal(t, 1, e.count("SELECT count(*) FROM river_job WHERE kind = 'build_report' AND args->>'report_kind' = 'preliminary' AND (args->>'analysis_id')::bigint = $1", a.ID))

	var raw []byte
	require.NoError(t, e.pool.QueryRow(context.Background(), "SELECT aggregates FROM reports WHERE analysis_id = $1 AND kind = 'final'", a.ID).Scan(&raw))
	var g store.Aggregates
	require.NoError(t, json.Unmarshal(raw, &g))
	pid := a.ProductID
	require.EqualValues(t, e.count("SELECT count(*) FROM reviews WHERE product_id = $1", pid), g.Reviews)
	require.EqualValues(t, e.count("SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1", pid), g.Insights)
	require.EqualValues(t, e.count("SELECT count(*) FROM review_tags t JOIN reviews r ON r.id = t.review_id WHERE r.product_id = $1", pid), g.Tags)
	var ratings int64
	for _, c := range g.RatingDist {
		ratings += c.Count
	}
	require.Equal(t, g.Reviews, ratings)
	// Every review is accounted for: done or failed, in both stages.
	require.Equal(t, a.ReviewsTotal, a.InsightsDone+a.InsightsFailed)
	require.Equal(t, a.ReviewsTotal, a.ThemesDone+a.ThemesFailed)
	require.Equal(t, a.InsightsDone, e.count("SELECT count(*) FROM analysis_reviews WHERE analysis_id = $1 AND insights_state = 'done'", a.ID))
	require.Equal(t, a.InsightsFailed, e.count("SELECT count(*) FROM review_failures WHERE analysis_id = $1 AND stage = 'insight_extraction'", a.ID))
	// Every insight's dimension is of the kind its type demands (the schema
	// enforces it too) and every tag's label is from the library.
	require.Equal(t, 0, e.count(`SELECT count(*) FROM insights i JOIN dimensions d ON d.id = i.dimension_id
		WHERE d.kind <> CASE i.type WHEN 'scenario' THEN 'scenario' WHEN 'emotion' THEN 'emotion' ELSE 'product' END`))
	// Quotes and tag evidence are the review's own characters, exactly, at
	// their offsets.
	e.checkQuotesExact(pid)
	return g
}

// unquotedSQL counts a product's rows of table (insights or review_tags)
// whose quote is not exactly the review's text at the stored field and
// character offsets.
const unquotedSQL = `SELECT count(*) FROM %s q JOIN reviews r ON r.id = q.review_id
	WHERE r.product_id = $1 AND (q.quote_field IS NULL OR q.quote = '' OR substr(
		CASE q.quote_field WHEN 'title' THEN r.title WHEN 'body' THEN r.body
			WHEN 'title_translated' THEN r.title_translated WHEN 'body_translated' THEN r.body_translated END,
		q.quote_start + 1, q.quote_end - q.quote_start) IS DISTINCT FROM q.quote)`

// checkQuotesExact asserts that every stored quote and tag evidence of the
// product passes an exact substring check at its offsets.
func (e *env) checkQuotesExact(productID int64) {
	e.t.Helper()
	for _, tbl := range []string{"insights", "review_tags"} {
		require.Zero(e.t, e.count(fmt.Sprintf(unquotedSQL, tbl), productID), "%s whose quote is not the review's own characters", tbl)
	}
}

// TestMisquotesAreRejected runs the fixture through llmsim in its misquoting
// mode (paraphrases, translated quotes, invented sentences, quotes moved to
// another review, quotes joined across sentences): every stored quote and
// tag evidence passes an exact substring check at its offsets, and every
// misquote the simulator sent is recorded as a rejection in llm_calls.
func TestMisquotesAreRejected(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	sc.MisquoteRate = 0.3
	sc.Seed = 7
	e := newEnv(t, envOpts{sim: &sc})
	acc := e.upload(fixture.Multilingual, fixtureCSV(t, 2), "B0MISQ0001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	a := e.waitFinal(acc.ProductID, 2*time.Minute)
	e.checkAllAccountedFor(a, true)
	g := e.checkReportMatchesDB(a) // includes checkQuotesExact
	require.Positive(t, g.Insights)
	require.Positive(t, g.Tags)

	st := e.sim.Stats()
	var sent int64
	for _, kind := range []string{llmsim.MisquoteParaphrase, llmsim.MisquoteTranslated, llmsim.MisquoteInvented, llmsim.MisquoteWrongID, llmsim.MisquoteJoined} {
		require.Positive(t, st.Misquotes[kind], "misquote kind %s was exercised", kind)
		sent += st.Misquotes[kind]
	}
	// Each rejection is recorded: the provider's validation counts every
	// item it drops on the call's llm_calls row. With no other fault in
	// this run, the drops are exactly the misquotes.
	rejected := e.count(`SELECT coalesce(sum(dropped), 0) FROM llm_calls WHERE stage IN ($1, $2)`, voc.StageInsights, voc.StageThemes)
	require.EqualValues(t, sent, rejected, "misquotes sent vs rejections recorded")
	// And no quote of a stored row is one the simulator made up.
	for _, q := range []string{"in English: %", "I would buy this again%", "Customer support replaced%"} {
		require.Zero(t, e.count(`SELECT count(*) FROM insights WHERE quote LIKE $1`, q))
		require.Zero(t, e.count(`SELECT count(*) FROM review_tags WHERE quote LIKE $1`, q))
	}
	t.Logf("misquotes sent %v (%d), rejections recorded %d; stored %d insights and %d tags, all exact",
		st.Misquotes, sent, rejected, g.Insights, g.Tags)
}

// semevalJSON turns the SemEval ABSA XML into a JSON array of reviews.
func semevalJSON(t testing.TB, raw []byte) []byte {
	t.Helper()
	var doc struct {
		Reviews []struct {
			RID       string `xml:"rid,attr"`
			Sentences []struct {
				Text string `xml:"text"`
			} `xml:"sentences>sentence"`
		} `xml:"Review"`
	}
	require.NoError(t, xml.Unmarshal(raw, &doc))
	var out []map[string]string
	for _, r := range doc.Reviews {
		var parts []string
		for _, s := range r.Sentences {
			parts = append(parts, s.Text)
		}
		out = append(out, map[string]string{"review_id": r.RID, "text": strings.Join(parts, " ")})
	}
	require.Len(t, out, 277)
	b, err := json.Marshal(out)
	require.NoError(t, err)
	return b
}

// TestPipelineOnFixture runs the committed multilingual fixture (60 reviews
// in six languages) through every stage against llmsim: it needs nothing
// outside the repository, and every stage stores results.
func TestPipelineOnFixture(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	e := newEnv(t, envOpts{sim: &sc})
	acc := e.upload(fixture.Multilingual, fixture.Read(t, fixture.Multilingual), "B0FIXT0001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.Equal(t, fixture.MultilingualRows, u.RowsIngested)
	a := e.waitFinal(acc.ProductID, 2*time.Minute)
	e.checkAllAccountedFor(a, true)
	g := e.checkReportMatchesDB(a)
	require.Zero(t, a.InsightsFailed+a.ThemesFailed+a.TranslationFailed)
	require.Positive(t, g.Insights)
	require.Positive(t, g.Tags)
	require.NotEmpty(t, g.TopStrengths)
	// Every language gets insights and tags, and the six languages are told
	// apart by detection.
	require.Equal(t, 6, e.count(`SELECT count(DISTINCT r.language) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1`, acc.ProductID))
	require.Equal(t, 6, e.count(`SELECT count(DISTINCT r.language) FROM review_tags x JOIN reviews r ON r.id = x.review_id WHERE r.product_id = $1`, acc.ProductID))
	t.Logf("fixture: %d reviews, %d insights, %d tags, %d LLM calls", a.ReviewsTotal, g.Insights, g.Tags, e.sim.Stats().Calls)
}

func TestPipelineOnSharedFiles(t *testing.T) {
	t.Parallel()
	files := []struct{ name, asin string }{
		{"marc_multilingual_sample.csv", "B0PIPE0001"},
		{"amazon_alexa_reviews.tsv", "B0PIPE0002"},
		{"online_shopping_phones_zh.csv", "B0PIPE0003"},
		{"semeval2015_absa_laptops_train.xml", "B0PIPE0004"},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			sc := quietSim()
			e2 := newEnv(t, envOpts{sim: &sc})
			name, body := f.name, readData(t, f.name)
			if strings.HasSuffix(name, ".xml") {
				// SemEval is XML, not an upload format: its reviews go in
				// as JSON, one review per <Review>, sentences joined.
				name, body = "semeval.json", semevalJSON(t, body)
			}
			acc := e2.upload(name, body, f.asin, nil)
			u := e2.waitUpload(acc.UploadID)
			require.Equal(t, store.UploadDone, u.Status, u.Error)
			a := e2.waitFinal(acc.ProductID, 3*time.Minute)
			g := e2.checkReportMatchesDB(a)
			require.Positive(t, g.Insights)
			require.NotEmpty(t, g.TopStrengths)

			// The API reports progress and LLM spend.
			var st struct {
				Status string `json:"status"`
				Stages map[string]struct{ Total, Done, Failed int }
				Calls  int64 `json:"calls"`
			}
			status, raw := e2.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d/analysis", acc.ProductID), nil, "", &st)
			require.Equal(t, http.StatusOK, status, string(raw))
			require.Equal(t, "done", st.Status)
			require.Equal(t, u.RowsIngested, st.Stages["insight_extraction"].Total)
			require.Positive(t, st.Calls)
			stats := e2.sim.Stats()
			require.EqualValues(t, stats.Calls, st.Calls, "every call the simulator saw is recorded")
			t.Logf("%s: %d reviews, %d LLM calls (%.3f per review), %d insights, %d tags",
				f.name, a.ReviewsTotal, st.Calls, float64(st.Calls)/float64(a.ReviewsTotal), g.Insights, g.Tags)
		})
	}
}
