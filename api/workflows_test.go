package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/store"
)

type startedAnalysis struct {
	AnalysisID int64 `json:"analysis_id"`
	Reviews    int64 `json:"reviews"`
}

func (e *env) startAnalysis(productID int64, mode string) (int, []byte, startedAnalysis) {
	e.t.Helper()
	var out startedAnalysis
	status, raw := e.do(http.MethodPost, fmt.Sprintf("/api/v1/products/%d/analyses", productID),
		bytes.NewReader([]byte(`{"mode":"`+mode+`"}`)), "application/json", &out)
	return status, raw, out
}

// TestTranslateOnlyThenFull: a translate-only analysis, then a full one
// that reuses the stored translations (no translation call, counted by the
// simulator), then curation: an excluded review leaves the rerun and the
// report (which says so), a pinned one leads its dimension's evidence.
func TestTranslateOnlyThenFull(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	e := newEnv(t, envOpts{sim: &sc})
	translations := func() int64 { return e.sim.Stats().Tasks["translation"] }
	insights := func() int64 { return e.sim.Stats().Tasks["insights"] }

	var acc api.Accepted
	status, raw := e.do(http.MethodPost, "/api/v1/reviews/ingest", bytes.NewReader(extensionPage("B0FLOW0001", "DE", 0, 12)), "application/json", &acc)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	require.Equal(t, store.UploadDone, e.waitUpload(acc.UploadID).Status)
	pid := acc.ProductID

	status, raw, a := e.startAnalysis(pid, "rerun")
	require.Equal(t, http.StatusConflict, status, string(raw))
	require.Contains(t, string(raw), "no model yet")
	status, raw, a = e.startAnalysis(pid, "translate_only")
	require.Equal(t, http.StatusAccepted, status, string(raw))
	require.EqualValues(t, 12, a.Reviews)
	e.waitAnalysis(a.AnalysisID, 2*time.Minute)
	t1 := translations()
	require.Positive(t, t1)
	require.Zero(t, insights())
	require.Equal(t, 12, e.count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND translation_status = 'done' AND body_translated <> ''`, pid))

	// Full after translate-only: the same 12 reviews, no new translation.
	status, raw, a = e.startAnalysis(pid, "full")
	require.Equal(t, http.StatusAccepted, status, string(raw))
	require.EqualValues(t, 12, a.Reviews)
	full := e.waitAnalysis(a.AnalysisID, 2*time.Minute)
	require.Equal(t, 12, full.ReviewsTotal)
	require.Equal(t, 12, full.InsightsDone)
	require.Equal(t, t1, translations(), "stored translations are reused")
	require.Positive(t, insights())
	status, raw, _ = e.startAnalysis(pid, "full")
	require.Equal(t, http.StatusConflict, status, string(raw))
	require.Contains(t, string(raw), "use mode rerun")

	// Curation. Pin a review with a strength insight; exclude another.
	var pinned, excluded int64
	require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT i.review_id FROM insights i JOIN reviews r ON r.id = i.review_id
		WHERE r.product_id = $1 AND i.type IN ('strength', 'weakness') ORDER BY i.review_id DESC LIMIT 1`, pid).Scan(&pinned))
	require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT min(id) FROM reviews WHERE product_id = $1 AND id <> $2`, pid, pinned).Scan(&excluded))
	patch := func(id int64, body string) (int, []byte) {
		return e.do(http.MethodPatch, fmt.Sprintf("/api/v1/reviews/%d", id), bytes.NewReader([]byte(body)), "application/json", nil)
	}
	state := func() string {
		var s string
		require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT string_agg(id || ':' || excluded || pinned, ',' ORDER BY id) FROM reviews`).Scan(&s))
		return s
	}
	before := state()
	for _, bad := range []struct {
		id     int64
		body   string
		status int
		want   string
	}{
		{excluded, fmt.Sprintf(`{"excluded": true, "product_id": %d}`, pid+1000), 422, "belongs to product"},
		{987654321, `{"excluded": true}`, 404, "review not found"},
		{excluded, `{}`, 422, "excluded"},
		{excluded, `{"excluded": "yes"}`, 422, ""},
		{pinned, `{"excluded": true, "pinned": true}`, 422, "both excluded and pinned"},
	} {
		status, raw := patch(bad.id, bad.body)
		require.Equal(t, bad.status, status, string(raw))
		require.Contains(t, string(raw), bad.want)
	}
	require.Equal(t, before, state(), "bad input changes nothing")
	status, raw = patch(excluded, fmt.Sprintf(`{"excluded": true, "product_id": %d}`, pid))
	require.Equal(t, http.StatusOK, status, string(raw))
	require.JSONEq(t, fmt.Sprintf(`{"review_id":%d,"product_id":%d,"excluded":true,"pinned":false}`, excluded, pid), string(raw))
	status, raw = patch(pinned, `{"pinned": true}`)
	require.Equal(t, http.StatusOK, status, string(raw))

	// The review API shows curation, media and links.
	var page api.ReviewList
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d/reviews?limit=500", pid), nil, "", &page)
	require.Equal(t, http.StatusOK, status, string(raw))
	for _, r := range page.Items {
		require.Equal(t, r.ID == excluded, r.Excluded)
		require.Equal(t, r.ID == pinned, r.Pinned)
		require.NotEmpty(t, r.ReviewURL)
		if r.Variant == "Farbe: Schwarz" {
			require.True(t, r.HasImages && r.HasVideo)
			require.Equal(t, []string{"https://m.media-amazon.com/images/I/x1.jpg"}, r.ImageURLs)
			require.Equal(t, "https://m.media-amazon.com/video/v1.mp4", r.VideoURL)
			require.True(t, r.VerifiedPurchase)
		}
	}

	// A rerun leaves the excluded review out; its report says so and
	// leads with the pinned review.
	status, raw, a = e.startAnalysis(pid, "rerun")
	require.Equal(t, http.StatusAccepted, status, string(raw))
	require.EqualValues(t, 11, a.Reviews)
	rerun := e.waitAnalysis(a.AnalysisID, 2*time.Minute)
	require.Equal(t, 11, rerun.ReviewsTotal)
	require.Equal(t, t1, translations(), "a rerun does not translate")
	require.Zero(t, e.count(`SELECT count(*) FROM analysis_reviews WHERE analysis_id = $1 AND review_id = $2`, a.AnalysisID, excluded))
	var reportID int64
	require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT id FROM reports WHERE analysis_id = $1 AND kind = 'final'`, a.AnalysisID).Scan(&reportID))
	var rep api.ReportDetail
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d", reportID), nil, "", &rep)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.EqualValues(t, 1, rep.Aggregates.ExcludedReviews)
	require.EqualValues(t, 11, rep.Aggregates.Reviews)
	leads := 0
	for _, topics := range [][]store.TopicStat{rep.Aggregates.TopStrengths, rep.Aggregates.TopWeaknesses, rep.Aggregates.TopSuggestions} {
		for _, tp := range topics {
			for i, q := range tp.Evidence {
				require.NotEqual(t, excluded, q.ReviewID, "an excluded review is no evidence")
				if q.ReviewID == pinned {
					require.Zero(t, i, "the pinned review leads %q", tp.Topic)
					leads++
				}
			}
		}
	}
	require.Positive(t, leads, "the pinned review is evidence somewhere")
	raw = e.getBody(fmt.Sprintf("/api/v1/reports/%d/markdown", reportID))
	require.Contains(t, string(raw), "| Excluded | 1 reviews excluded by an analyst")
	raw = e.getBody(fmt.Sprintf("/api/v1/reports/%d/html", reportID))
	require.Contains(t, string(raw), "1 reviews excluded by an analyst")
}

func (e *env) getBody(path string) []byte {
	e.t.Helper()
	resp, raw := e.get(path)
	require.Equal(e.t, http.StatusOK, resp.StatusCode, string(raw))
	return raw
}

// TestStartAnalysisBadInput: unknown products, bad modes and a running
// analysis get problems and queue nothing.
func TestStartAnalysisBadInput(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	ctx := context.Background()
	p, err := store.ProductUpsert(ctx, e.pool, store.ProductInput{Marketplace: "US", ASIN: "B0BUSY0001"})
	require.NoError(t, err)
	_, err = store.AnalysisCreate(ctx, e.pool, p.ID, store.AnalysisFull, "zh", store.ScopeUnanalysed, nil, 0)
	require.NoError(t, err)
	snapshot := func() string {
		var s string
		require.NoError(t, e.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM analyses)::text || '/' || (SELECT count(*) FROM river_job)::text`).Scan(&s))
		return s
	}
	before := snapshot()
	tok := withBearer(e.tokens["analyst"])
	for _, c := range []struct {
		path, body string
		status     int
		want       string
	}{
		{fmt.Sprintf("/api/v1/products/%d/analyses", p.ID), `{"mode":"full"}`, 409, "is running"},
		{fmt.Sprintf("/api/v1/products/%d/analyses", p.ID), `{"mode":"everything"}`, 422, "mode"},
		{"/api/v1/products/987654321/analyses", `{"mode":"full"}`, 404, "product not found"},
	} {
		resp, raw := e.call(http.MethodPost, c.path, c.body, tok)
		requireProblem(t, resp, raw, c.status, "")
		require.Contains(t, string(raw), c.want)
	}
	require.Equal(t, before, snapshot())
}
