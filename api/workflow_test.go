package api_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/store"
)

// get sends an authenticated GET and returns the answer with its body read.
func (e *env) get(path string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.url+path, nil)
	require.NoError(e.t, err)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp, raw
}

// waitAnalysis waits for one analysis to end and returns it; it fails the
// test if it ends other than done.
func (e *env) waitAnalysis(id int64, timeout time.Duration) store.Analysis {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		a, err := store.AnalysisGet(context.Background(), e.pool, id)
		require.NoError(e.t, err)
		if a.Status != "running" {
			require.Equal(e.t, "done", a.Status, "analysis %d", id)
			return a
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("analysis %d did not finish: %+v", id, a)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// marcCSV writes MARC rows as an upload file in the shared file's layout.
func marcCSV(t testing.TB, rows []marcRow, extra ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write([]string{"id", "language", "stars", "text"}))
	for _, r := range rows {
		require.NoError(t, w.Write([]string{r.id, r.lang, strconv.Itoa(r.stars), r.text}))
	}
	for _, r := range extra {
		require.NoError(t, w.Write(r))
	}
	w.Flush()
	require.NoError(t, w.Error())
	return buf.Bytes()
}

// every returns every n-th row starting at off, which mixes the file's
// languages (it is sorted by language).
func every(rows []marcRow, n, off int) []marcRow {
	var out []marcRow
	for i := off; i < len(rows); i += n {
		out = append(out, rows[i])
	}
	return out
}

// pushBody is an extension push of MARC rows.
func pushBody(asin string, rows []marcRow) []byte {
	reviews := make([]map[string]any, len(rows))
	for i, m := range rows {
		reviews[i] = map[string]any{"review_id": m.id, "rating": m.stars, "title": "", "body": m.text,
			"review_date": "2024-03-0" + strconv.Itoa(1+i%9), "helpful_votes": i % 5}
	}
	b, _ := json.Marshal(map[string]any{
		"asin": asin, "marketplace": "US", "title": "Workflow Test Product", "is_stream": true,
		"bullet_points": []string{"Durable material", "Easy to clean"},
		"reviews":       reviews,
	})
	return b
}

// TestExtensionWorkflow pushes reviews as the browser extension does, in
// two calls, then signals collection-complete: one analysis covers every
// pushed review. In translate_only mode the analysis stops after
// translation.
func TestExtensionWorkflow(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	e := newEnv(t, envOpts{sim: &sc})
	marc := readMARC(t)

	push := func(asin string, rows []marcRow) api.Accepted {
		var acc api.Accepted
		status, raw := e.do(http.MethodPost, "/api/v1/reviews/ingest", bytes.NewReader(pushBody(asin, rows)), "application/json", &acc)
		require.Equal(t, http.StatusAccepted, status, string(raw))
		return acc
	}
	complete := func(asin, mode string) {
		var out struct {
			ProductID int64  `json:"product_id"`
			JobID     int64  `json:"job_id"`
			Mode      string `json:"workflow_mode"`
		}
		path := "/api/v1/products/" + asin + "/collection-complete?marketplace=US"
		if mode != "" {
			path += "&workflow_mode=" + mode
		}
		status, raw := e.do(http.MethodPost, path, nil, "", &out)
		require.Equal(t, http.StatusAccepted, status, string(raw))
		require.Positive(t, out.JobID)
		require.Equal(t, cmp.Or(mode, "one_step_insight"), out.Mode)
	}

	// Full analysis: two pushes (60 reviews each, six languages), and
	// collection-complete sent at once, while they may still be ingesting.
	rows := every(marc, 10, 0)
	require.Len(t, rows, 120)
	acc1 := push("B0WFEXT001", rows[:60])
	acc2 := push("B0WFEXT001", rows[60:])
	require.Equal(t, acc1.ProductID, acc2.ProductID)
	complete("B0WFEXT001", "")

	// Translate only, on another product. Its target language is English
	// (the push says no other), so English reviews would skip translation.
	trRows := every(marc, 25, 3)
	trRows = slices.DeleteFunc(trRows, func(r marcRow) bool { return r.lang == "en" })
	acc3 := push("B0WFTRAN01", trRows)
	complete("B0WFTRAN01", "translate_only")

	// Pushes alone start nothing: the analysis is collection-complete's.
	for _, acc := range []api.Accepted{acc1, acc2, acc3} {
		u := e.waitUpload(acc.UploadID)
		require.Equal(t, store.UploadDone, u.Status, u.Error)
		require.Nil(t, u.AnalysisID, "a push does not start an analysis")
	}

	a := e.waitFinal(acc1.ProductID, 2*time.Minute)
	require.Equal(t, store.AnalysisFull, a.Kind)
	require.Equal(t, 1, e.count("SELECT count(*) FROM analyses WHERE product_id = $1", acc1.ProductID))
	require.Equal(t, 120, e.count("SELECT count(*) FROM reviews WHERE product_id = $1", acc1.ProductID))
	require.Equal(t, 120, a.ReviewsTotal)
	require.Equal(t, 0, e.count(`SELECT count(*) FROM reviews r WHERE r.product_id = $1
		AND NOT EXISTS (SELECT 1 FROM analysis_reviews ar WHERE ar.analysis_id = $2 AND ar.review_id = r.id)`, acc1.ProductID, a.ID))
	e.checkAllAccountedFor(a, true)
	require.Equal(t, 120, a.InsightsDone, "no faults: every review gets through")
	g := e.checkReportMatchesDB(a)
	require.EqualValues(t, 120, g.Reviews)
	require.Positive(t, g.Insights)
	require.Equal(t, 1.0, g.Coverage.Fraction)
	require.Equal(t, 1, e.count("SELECT count(*) FROM product_models WHERE product_id = $1", acc1.ProductID), "one learned model")

	// translate_only: translated, then done, with no model, insights,
	// themes or report.
	ta := e.waitFinal(acc3.ProductID, time.Minute)
	require.Equal(t, store.AnalysisTranslateOnly, ta.Kind)
	require.Equal(t, len(trRows), ta.ReviewsTotal)
	require.Equal(t, len(trRows), ta.TranslationDone, "every review was translated")
	require.Zero(t, ta.TranslationFailed)
	require.Equal(t, len(trRows), e.count(`SELECT count(*) FROM reviews WHERE product_id = $1
		AND translation_status = 'done' AND body_translated IS NOT NULL`, acc3.ProductID))
	require.Zero(t, ta.InsightsDone+ta.InsightsFailed+ta.ThemesDone+ta.ThemesFailed)
	require.Zero(t, e.count("SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1", acc3.ProductID))
	require.Zero(t, e.count("SELECT count(*) FROM review_tags t JOIN reviews r ON r.id = t.review_id WHERE r.product_id = $1", acc3.ProductID))
	require.Zero(t, e.count("SELECT count(*) FROM reports WHERE product_id = $1", acc3.ProductID))
	require.Zero(t, e.count("SELECT count(*) FROM llm_calls WHERE analysis_id = $1 AND stage <> 'translation'", ta.ID))
	require.Zero(t, e.count(`SELECT count(*) FROM river_job WHERE (args->>'analysis_id')::bigint = $1
		AND kind IN ('extract_insights', 'extract_themes', 'build_report')`, ta.ID))
	p, err := store.ProductGet(t.Context(), e.pool, acc3.ProductID)
	require.NoError(t, err)
	require.Zero(t, p.ModelVersion, "translate_only learns no model")
	resp, raw := e.get(fmt.Sprintf("/api/v1/products/%d/reports", acc3.ProductID))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	require.JSONEq(t, `{"items":[]}`, string(raw))
}

// TestIncrementalAnalysis uploads a second file for a product that already
// has a model: its analysis learns nothing and covers only the new reviews.
func TestIncrementalAnalysis(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	e := newEnv(t, envOpts{sim: &sc})
	marc := readMARC(t)

	acc1 := e.upload("first.csv", marcCSV(t, every(marc, 12, 0)), "B0WFINC001", nil)
	u1 := e.waitUpload(acc1.UploadID)
	require.Equal(t, store.UploadDone, u1.Status, u1.Error)
	a1 := e.waitFinal(acc1.ProductID, time.Minute)
	require.Equal(t, 100, a1.ReviewsTotal)
	p1, err := store.ProductGet(t.Context(), e.pool, acc1.ProductID)
	require.NoError(t, err)
	require.Equal(t, 1, p1.ModelVersion)
	learnCalls := e.count("SELECT count(*) FROM llm_calls WHERE stage = 'learning'")
	require.Positive(t, learnCalls)
	insightsOfFirst := e.count("SELECT count(*) FROM insights WHERE analysis_id = $1", a1.ID)
	require.Positive(t, insightsOfFirst)

	// The second file repeats 10 reviews of the first (deduped) and brings
	// 60 new ones.
	second := append(every(marc, 12, 0)[:10], every(marc, 20, 7)...)
	acc2 := e.upload("second.csv", marcCSV(t, second), "B0WFINC001", nil)
	require.Equal(t, acc1.ProductID, acc2.ProductID)
	u2 := e.waitUpload(acc2.UploadID)
	require.Equal(t, store.UploadDone, u2.Status, u2.Error)
	require.Equal(t, 10, u2.RowsDuplicate)
	require.Equal(t, 60, u2.RowsIngested)
	require.NotNil(t, u2.AnalysisID)
	require.NotEqual(t, a1.ID, *u2.AnalysisID)
	a2 := e.waitAnalysis(*u2.AnalysisID, time.Minute)

	// No learning: the model is the one learned first, and no learning call
	// was made for the second analysis. (Every analysis starts with a
	// learn_model job, which plans it; it learns only when the product has
	// no model.)
	p2, err := store.ProductGet(t.Context(), e.pool, acc1.ProductID)
	require.NoError(t, err)
	require.Equal(t, p1.ModelVersion, p2.ModelVersion)
	require.Equal(t, 1, e.count("SELECT count(*) FROM product_models WHERE product_id = $1", acc1.ProductID))
	require.Equal(t, learnCalls, e.count("SELECT count(*) FROM llm_calls WHERE stage = 'learning'"))
	require.Zero(t, e.count("SELECT count(*) FROM llm_calls WHERE analysis_id = $1 AND stage = 'learning'", a2.ID))

	// Only the new reviews: the analysis, its batches and its insights.
	require.Equal(t, 60, a2.ReviewsTotal)
	e.checkAllAccountedFor(a2, true)
	require.Zero(t, e.count(`SELECT count(*) FROM analysis_reviews ar JOIN reviews r ON r.id = ar.review_id
		WHERE ar.analysis_id = $1 AND r.upload_id <> $2`, a2.ID, acc2.UploadID))
	require.Equal(t, 60, e.count(`SELECT count(*) FROM river_job, jsonb_array_elements_text(args->'review_ids') AS rid
		WHERE kind = 'translate_batch' AND (args->>'analysis_id')::bigint = $1`, a2.ID), "translation batches cover the new reviews once")
	require.Zero(t, e.count(`SELECT count(*) FROM river_job, jsonb_array_elements_text(args->'review_ids') AS rid
		JOIN reviews r ON r.id = rid::bigint
		WHERE kind IN ('translate_batch', 'extract_insights', 'extract_themes') AND (args->>'analysis_id')::bigint = $1
		AND r.upload_id <> $2`, a2.ID, acc2.UploadID))
	require.Zero(t, e.count(`SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id
		WHERE i.analysis_id = $1 AND r.upload_id <> $2`, a2.ID, acc2.UploadID))
	require.Equal(t, insightsOfFirst, e.count("SELECT count(*) FROM insights WHERE analysis_id = $1", a1.ID), "the first analysis's insights are kept")
	require.Equal(t, 1, e.count("SELECT count(*) FROM reports WHERE analysis_id = $1 AND kind = 'final'", a2.ID))
	// The report is about the product: old and new reviews.
	g := e.checkReportMatchesDB(a2)
	require.EqualValues(t, 160, g.Reviews)
}

// TestReanalysis edits the model (rename a dimension, merge two labels,
// delete a dimension) and re-runs: insights, themes and a new report on the
// edited model, without translating again.
func TestReanalysis(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	e := newEnv(t, envOpts{sim: &sc})
	ctx := t.Context()
	acc := e.upload("marc.csv", marcCSV(t, every(readMARC(t), 8, 0)), "B0WFRER001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	a1 := e.waitFinal(acc.ProductID, time.Minute)
	require.Equal(t, 150, a1.ReviewsTotal)
	pid := acc.ProductID
	base := fmt.Sprintf("/api/v1/products/%d", pid)

	// The two product dimensions with the most insights: rename the first,
	// delete the second.
	type dimUse struct {
		id   int64
		name string
		n    int
	}
	var dims []dimUse
	rows, err := e.pool.Query(ctx, `SELECT d.id, d.name, count(i.id) FROM dimensions d JOIN insights i ON i.dimension_id = d.id
		WHERE d.product_id = $1 AND d.kind = 'product' GROUP BY d.id ORDER BY count(i.id) DESC, d.id`, pid)
	require.NoError(t, err)
	for rows.Next() {
		var d dimUse
		require.NoError(t, rows.Scan(&d.id, &d.name, &d.n))
		dims = append(dims, d)
	}
	require.NoError(t, rows.Err())
	require.GreaterOrEqual(t, len(dims), 2, "the model needs two used product dimensions")
	renamed, deleted := dims[0], dims[1]

	var edit api.ModelEdit
	status, raw := e.do(http.MethodPatch, fmt.Sprintf("%s/dimensions/%d", base, renamed.id),
		strings.NewReader(`{"name": "Renamed Dimension"}`), "application/json", &edit)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "Renamed Dimension", edit.Dimension.Name)
	status, raw = e.do(http.MethodDelete, fmt.Sprintf("%s/dimensions/%d", base, deleted.id), nil, "", &edit)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.NotNil(t, edit.InsightsDeleted)
	require.EqualValues(t, deleted.n, *edit.InsightsDeleted)

	// Merge the two most used labels of one type.
	var from, into int64
	var fromName string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT a.id, a.name, b.id FROM labels a JOIN labels b ON b.product_id = a.product_id AND b.type = a.type AND b.id <> a.id
		WHERE a.product_id = $1 ORDER BY (SELECT count(*) FROM review_tags WHERE label_id = a.id) DESC, a.id, b.id LIMIT 1`, pid).Scan(&from, &fromName, &into))
	status, raw = e.do(http.MethodPost, fmt.Sprintf("%s/labels/%d/merge", base, from), strings.NewReader(fmt.Sprintf(`{"into": %d}`, into)), "application/json", &edit)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, into, edit.Label.ID)

	var model api.ModelDetail
	status, raw = e.do(http.MethodGet, base+"/model", nil, "", &model)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, 4, model.Version, "learned, then three edits")
	dimNames := map[int64]string{}
	for _, d := range model.Dimensions {
		dimNames[d.ID] = d.Name
	}
	labelIDs := map[int64]bool{}
	for _, l := range model.Labels {
		labelIDs[l.ID] = true
	}
	require.Equal(t, "Renamed Dimension", dimNames[renamed.id])
	require.NotContains(t, dimNames, deleted.id)
	require.NotContains(t, labelIDs, from)

	// Translations before the re-run.
	translations := func() map[int64]string {
		out := map[int64]string{}
		rows, err := e.pool.Query(ctx, `SELECT id, translation_status || '|' || coalesce(title_translated, '') || '|' || coalesce(body_translated, '')
			FROM reviews WHERE product_id = $1`, pid)
		require.NoError(t, err)
		for rows.Next() {
			var id int64
			var s string
			require.NoError(t, rows.Scan(&id, &s))
			out[id] = s
		}
		require.NoError(t, rows.Err())
		return out
	}
	before := translations()
	translationCalls := e.count("SELECT count(*) FROM llm_calls WHERE stage = 'translation'")

	var rerun struct {
		AnalysisID int64 `json:"analysis_id"`
	}
	status, raw = e.do(http.MethodPost, base+"/rerun", nil, "", &rerun)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	require.Positive(t, rerun.AnalysisID)
	a2 := e.waitAnalysis(rerun.AnalysisID, time.Minute)
	require.Equal(t, store.AnalysisRerun, a2.Kind)
	require.Equal(t, 150, a2.ReviewsTotal)
	e.checkAllAccountedFor(a2, false)
	require.Equal(t, 150, a2.InsightsDone)

	// No translation: no job, no call, and the translations are as they were.
	require.Zero(t, e.count("SELECT count(*) FROM river_job WHERE kind = 'translate_batch' AND (args->>'analysis_id')::bigint = $1", a2.ID))
	require.Positive(t, e.count("SELECT count(*) FROM river_job WHERE kind = 'extract_insights' AND (args->>'analysis_id')::bigint = $1", a2.ID))
	require.Equal(t, translationCalls, e.count("SELECT count(*) FROM llm_calls WHERE stage = 'translation'"))
	require.Equal(t, before, translations())

	// Every insight and tag is the re-run's, on the edited model only.
	require.Zero(t, e.count(`SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id
		WHERE r.product_id = $1 AND i.analysis_id <> $2`, pid, a2.ID))
	require.Positive(t, e.count("SELECT count(*) FROM insights WHERE analysis_id = $1", a2.ID))
	var insightDims []int64
	rows, err = e.pool.Query(ctx, "SELECT DISTINCT dimension_id FROM insights WHERE analysis_id = $1", a2.ID)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		insightDims = append(insightDims, id)
	}
	require.NoError(t, rows.Err())
	for _, id := range insightDims {
		require.Contains(t, dimNames, id, "insight on a dimension not in the edited model")
	}
	var tagLabels []int64
	rows, err = e.pool.Query(ctx, "SELECT DISTINCT label_id FROM review_tags WHERE analysis_id = $1", a2.ID)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		tagLabels = append(tagLabels, id)
	}
	require.NoError(t, rows.Err())
	for _, id := range tagLabels {
		require.Contains(t, labelIDs, id, "tag on a label not in the edited model")
	}

	// A new final report, for the re-run, that knows only the edited model.
	require.Equal(t, 1, e.count("SELECT count(*) FROM reports WHERE analysis_id = $1 AND kind = 'final'", a2.ID))
	var reports struct {
		Items []api.ReportSummary `json:"items"`
	}
	status, raw = e.do(http.MethodGet, base+"/reports", nil, "", &reports)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Len(t, reports.Items, 4, "preliminary and final of each analysis")
	// Newest first: the re-run's two reports, then the first analysis's.
	// (Within one analysis the order is that of storage, and a preliminary
	// report queued by the same commit as the final one may be stored
	// after it.)
	var final api.ReportSummary
	for i, r := range reports.Items {
		require.Equal(t, map[bool]int64{true: a2.ID, false: a1.ID}[i < 2], r.AnalysisID, "report %d", i)
		if r.AnalysisID == a2.ID && r.Kind == "final" {
			final = r
		}
	}
	require.Positive(t, final.ID)
	require.Equal(t, 1.0, final.Coverage)
	var rep api.ReportDetail
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d", final.ID), nil, "", &rep)
	require.Equal(t, http.StatusOK, status, string(raw))
	var reportDims []string
	for _, d := range rep.Aggregates.Dimensions {
		reportDims = append(reportDims, d.Name)
	}
	require.Contains(t, reportDims, "Renamed Dimension")
	require.NotContains(t, reportDims, renamed.name)
	require.NotContains(t, reportDims, deleted.name)
	for _, f := range rep.Aggregates.FiveW {
		for _, l := range f.Labels {
			require.NotEqual(t, fromName, l.Topic, "merged-away label in the report")
		}
	}
}

// TestReviewsAndDocuments reads a finished analysis back: reviews with
// insights and tags, filters, the XLSX export and the report documents,
// which must not let review text inject HTML.
func TestReviewsAndDocuments(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	e := newEnv(t, envOpts{sim: &sc})
	ctx := t.Context()

	// English reviews, plus some whose text carries a script tag inside an
	// opinion, so that it ends up in quotes.
	var en []marcRow
	for _, r := range readMARC(t) {
		if r.lang == "en" && len(en) < 80 {
			en = append(en, r)
		}
	}
	const script = "<script>alert(1)</script>"
	var extra [][]string
	for i, s := range []string{
		"The sound quality is excellent " + script + " and the battery lasts all day",
		"Terrible battery life " + script + " it died after two days and the price is too high",
		"Great value for the price " + script + " I love it and use it at the gym every morning",
	} {
		extra = append(extra, []string{"xss-" + strconv.Itoa(i), "en", strconv.Itoa(5 - 2*(i%2)), s})
	}
	// The script reviews come first, so their quotes are the reports'
	// first evidence.
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write([]string{"id", "language", "stars", "text"}))
	require.NoError(t, w.WriteAll(extra))
	all := marcCSV(t, en)
	buf.Write(all[bytes.IndexByte(all, '\n')+1:])
	acc := e.upload("docs.csv", buf.Bytes(), "B0WFDOC001", nil)
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.Equal(t, 83, u.RowsIngested)
	a := e.waitFinal(acc.ProductID, time.Minute)
	e.checkAllAccountedFor(a, true)
	pid := acc.ProductID
	base := fmt.Sprintf("/api/v1/products/%d", pid)

	list := func(query string) api.ReviewList {
		t.Helper()
		var l api.ReviewList
		status, raw := e.do(http.MethodGet, base+"/reviews?limit=500&"+query, nil, "", &l)
		require.Equal(t, http.StatusOK, status, "%s: %s", query, raw)
		require.EqualValues(t, len(l.Items), l.Total, query)
		return l
	}

	// Everything, with insights and tags.
	l := list("")
	require.EqualValues(t, 83, l.Total)
	withInsights, withTags := 0, 0
	for _, r := range l.Items {
		require.NotNil(t, r.Sentiment, "review %d", r.ID)
		if len(r.Insights) > 0 {
			withInsights++
		}
		if len(r.Tags) > 0 {
			withTags++
		}
		for _, in := range r.Insights {
			require.Equal(t, r.ID, in.ReviewID)
			require.NotEmpty(t, in.Dimension)
			require.Contains(t, r.Title+" "+r.Body, in.Quote)
		}
		for _, tg := range r.Tags {
			require.Equal(t, r.ID, tg.ReviewID)
			require.NotEmpty(t, tg.Label)
		}
	}
	require.Equal(t, e.count("SELECT count(DISTINCT review_id) FROM insights WHERE analysis_id = $1", a.ID), withInsights)
	require.Equal(t, e.count("SELECT count(DISTINCT review_id) FROM review_tags WHERE analysis_id = $1", a.ID), withTags)
	require.Positive(t, withTags)

	// By sentiment.
	for _, s := range []string{"positive", "negative"} {
		l := list("sentiment=" + s)
		require.Positive(t, l.Total, s)
		require.EqualValues(t, e.count("SELECT count(*) FROM reviews r JOIN review_sentiments s ON s.review_id = r.id WHERE r.product_id = $1 AND s.sentiment = $2", pid, s), l.Total, s)
		for _, r := range l.Items {
			require.Equal(t, s, *r.Sentiment)
		}
	}
	both := list("sentiment=positive,negative")
	require.EqualValues(t, list("sentiment=positive").Total+list("sentiment=negative").Total, both.Total)

	// By dimension (name), narrowed by insight type.
	var dimName string
	var dimID int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT d.id, d.name FROM dimensions d JOIN insights i ON i.dimension_id = d.id
		WHERE d.product_id = $1 AND i.type = 'weakness' GROUP BY d.id ORDER BY count(*) DESC, d.id LIMIT 1`, pid).Scan(&dimID, &dimName))
	byDim := list("dimension=" + url.QueryEscape(dimName))
	require.EqualValues(t, e.count("SELECT count(DISTINCT review_id) FROM insights WHERE dimension_id = $1", dimID), byDim.Total)
	for _, r := range byDim.Items {
		require.True(t, slices.ContainsFunc(r.Insights, func(in store.ReviewInsight) bool { return in.DimensionID == dimID }), "review %d", r.ID)
	}
	byID := list("dimension=" + strconv.FormatInt(dimID, 10))
	require.Equal(t, byDim.Total, byID.Total)
	weak := list("dimension=" + url.QueryEscape(dimName) + "&insight_type=weakness")
	require.Positive(t, weak.Total)
	require.EqualValues(t, e.count("SELECT count(DISTINCT review_id) FROM insights WHERE dimension_id = $1 AND type = 'weakness'", dimID), weak.Total)
	for _, r := range weak.Items {
		require.True(t, slices.ContainsFunc(r.Insights, func(in store.ReviewInsight) bool {
			return in.DimensionID == dimID && in.Type == "weakness"
		}), "review %d", r.ID)
	}
	// Filters combine with AND.
	weakNeg := list("dimension=" + url.QueryEscape(dimName) + "&insight_type=weakness&sentiment=negative")
	require.LessOrEqual(t, weakNeg.Total, weak.Total)
	for _, r := range weakNeg.Items {
		require.Equal(t, "negative", *r.Sentiment)
	}

	// By label.
	var labelName, labelType string
	var labelID int64
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT l.id, l.name, l.type FROM labels l JOIN review_tags t ON t.label_id = l.id
		WHERE l.product_id = $1 GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1`, pid).Scan(&labelID, &labelName, &labelType))
	byLabel := list("label=" + url.QueryEscape(labelName) + "&label_type=" + labelType)
	require.Positive(t, byLabel.Total)
	require.EqualValues(t, e.count("SELECT count(DISTINCT review_id) FROM review_tags WHERE label_id = $1", labelID), byLabel.Total)
	for _, r := range byLabel.Items {
		require.True(t, slices.ContainsFunc(r.Tags, func(tg store.ReviewTag) bool { return tg.LabelID == labelID }), "review %d", r.ID)
	}
	// A bad filter value is a 422 naming the parameter.
	status, raw := e.do(http.MethodGet, base+"/reviews?sentiment=happy", nil, "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "query.sentiment")

	// XLSX export.
	resp, body := e.get(base + "/export.xlsx")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", resp.Header.Get("Content-Type"))
	require.Contains(t, resp.Header.Get("Content-Disposition"), "attachment")
	require.Contains(t, resp.Header.Get("Content-Disposition"), "voc-US-B0WFDOC001-reviews.xlsx")
	xl, err := excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	defer xl.Close()
	for sheet, want := range map[string]int{
		"Reviews":  83,
		"Insights": e.count("SELECT count(*) FROM insights WHERE analysis_id = $1", a.ID),
		"Tags":     e.count("SELECT count(*) FROM review_tags WHERE analysis_id = $1", a.ID),
	} {
		rows, err := xl.GetRows(sheet)
		require.NoError(t, err, sheet)
		require.Len(t, rows, want+1, sheet)
	}

	// The report documents: review text shows as text, never as markup.
	var reportID int64
	var aggregates string
	require.NoError(t, e.pool.QueryRow(ctx, "SELECT id, aggregates::text FROM reports WHERE analysis_id = $1 AND kind = 'final'", a.ID).Scan(&reportID, &aggregates))
	require.Contains(t, aggregates, script, "a quote with the script tag is in the report")
	resp, body = e.get(fmt.Sprintf("/api/v1/reports/%d/markdown", reportID))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, "text/markdown; charset=utf-8", resp.Header.Get("Content-Type"))
	md := string(body)
	require.Contains(t, md, "B0WFDOC001")
	require.Contains(t, md, "&lt;script>", "the quote is there, its tag escaped")
	require.NotContains(t, strings.ToLower(md), "<script")
	require.NotContains(t, strings.ToLower(md), "</script")
	resp, body = e.get(fmt.Sprintf("/api/v1/reports/%d/html", reportID))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
	require.Contains(t, string(body), "&lt;script&gt;")
	require.NotContains(t, strings.ToLower(string(body)), "<script")
}
