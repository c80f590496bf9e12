package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voc-project/voc"

	"github.com/voc-project/voc/internal/fixture"
	"github.com/voc-project/voc/internal/pdftest"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/report"
	"github.com/voc-project/voc/store"
)

// waitReport polls a report until it is ready.
func (e *env) waitReport(id int64) api.ReportDetail {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var d api.ReportDetail
		status, raw := e.do(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d", id), nil, "", &d)
		require.Equal(e.t, http.StatusOK, status, string(raw))
		if d.Status == store.ReportReady {
			return d
		}
		require.Equal(e.t, store.ReportBuilding, d.Status)
		time.Sleep(50 * time.Millisecond)
	}
	e.t.Fatalf("report %d was not built", id)
	return api.ReportDetail{}
}

func (e *env) anon(method, url string) (int, string, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(e.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), []byte(b.String())
}

var countClaim = regexp.MustCompile(`(\d+)(?: mentions?|条提及)`)

// TestReportsEndToEnd runs the Alexa file through the offline analyser and
// then exercises every report endpoint: numbers against the database, the
// checked narrative, the four role reports, PDF rendered to PNG, share
// links and the bad-input answers.
func TestReportsEndToEnd(t *testing.T) {
	t.Parallel()
	alexa := fixture.Shared(t, "amazon_alexa_reviews.tsv")
	pdftest.Need(t, "pdftoppm", "pdftotext")
	e := newEnv(t, envOpts{})
	ctx := context.Background()
	var building store.Report
	// A Chinese target language puts CJK text (dimension names, narrative)
	// into the PDF next to the English quotes.
	acc := e.upload("amazon_alexa_reviews.tsv", alexa, "B0RPT00001", map[string]string{"target_language": "zh"})
	require.Equal(t, store.UploadDone, e.waitUpload(acc.UploadID).Status)
	a := e.waitFinal(acc.ProductID, 3*time.Minute)

	// The final report's numbers come from the database.
	var list struct{ Items []api.ReportSummary }
	status, raw := e.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d/reports", acc.ProductID), nil, "", &list)
	require.Equal(t, http.StatusOK, status, string(raw))
	var final api.ReportSummary
	for _, r := range list.Items {
		if r.Kind == report.KindFinal {
			final = r
		}
	}
	require.NotZero(t, final.ID)
	d := e.waitReport(final.ID)
	g := d.Aggregates
	require.NotEmpty(t, g.Impact)
	for i, im := range g.Impact {
		require.EqualValues(t, e.count(`SELECT count(*) FROM insights i JOIN dimensions dm ON dm.id = i.dimension_id
			WHERE dm.product_id = $1 AND dm.name = $2`, acc.ProductID, im.Dimension), im.Mentions, im.Dimension)
		require.EqualValues(t, e.count(`SELECT count(DISTINCT i.review_id) FROM insights i JOIN dimensions dm ON dm.id = i.dimension_id
			WHERE dm.product_id = $1 AND dm.name = $2 AND i.sentiment = 'negative'`, acc.ProductID, im.Dimension), im.NegativeReviews, im.Dimension)
		if i > 0 {
			require.GreaterOrEqual(t, g.Impact[i-1].RatingLift, im.RatingLift, "sorted by effect on rating")
		}
		if im.RatingWithNegative != nil {
			var want float64
			require.NoError(t, e.pool.QueryRow(ctx, `SELECT avg(r.rating)::float8 FROM reviews r WHERE r.id IN (
				SELECT i.review_id FROM insights i JOIN dimensions dm ON dm.id = i.dimension_id
				WHERE dm.product_id = $1 AND dm.name = $2 AND i.sentiment = 'negative')`, acc.ProductID, im.Dimension).Scan(&want))
			require.InDelta(t, want, *im.RatingWithNegative, 1e-9)
		}
	}
	require.NotEmpty(t, g.Trends.Monthly.Periods)
	require.NotEmpty(t, g.Trends.Weekly.Periods)
	require.Contains(t, g.EmergingTest, "two-proportion z-test")
	var monthReviews int64
	for _, p := range g.Trends.Monthly.Periods {
		monthReviews += p.Reviews
	}
	require.EqualValues(t, e.count("SELECT count(*) FROM reviews WHERE product_id = $1 AND review_date IS NOT NULL", acc.ProductID), monthReviews)

	// The narrative's counts are the true ones, never the evidence sample
	// size, and nothing is both a strength and a weakness unless labelled.
	n := d.Narrative
	require.True(t, n.Check.Checked)
	trueCount := map[string]int64{}
	for _, ts := range g.TopStrengths {
		trueCount["s"+ts.Topic] = ts.Count
	}
	for _, ts := range g.TopWeaknesses {
		trueCount["w"+ts.Topic] = ts.Count
	}
	require.NotEmpty(t, n.Strengths)
	require.NotEmpty(t, n.Strengths)
	polarised := func(c string) bool { return strings.Contains(c, "Polarising") || strings.Contains(c, "两极分化") }
	topicOf := func(side, c string) string {
		best := ""
		for k := range trueCount {
			if strings.HasPrefix(k, side) && strings.Contains(c, k[1:]) && len(k) > len(best) {
				best = k
			}
		}
		require.NotEmpty(t, best, "claim %q names no top topic", c)
		return best
	}
	seen := map[string]bool{}
	for side, cs := range map[string][]string{"s": claimTexts(n.Strengths), "w": claimTexts(n.Weaknesses)} {
		for _, c := range cs {
			k := topicOf(side, c)
			m := countClaim.FindAllStringSubmatch(c, -1)
			require.NotEmpty(t, m, c)
			require.Equal(t, strconv.FormatInt(trueCount[k], 10), m[len(m)-1][1], "the count is the topic's true one: %s", c)
			if seen[k[1:]] {
				require.True(t, polarised(c), "%q is under both strengths and weaknesses without the label", c)
			}
			seen[k[1:]] = true
		}
	}

	// Measured for docs/BENCHMARKS.md: the final report of the 2,385
	// Alexa reviews as a PDF.
	doc, err := report.Load(ctx, e.pool, final.ID)
	require.NoError(t, err)
	start := time.Now()
	finalPDF, err := report.PDF(doc, report.Links{Base: e.url, Enabled: true})
	require.NoError(t, err)
	t.Logf("final report PDF: %d bytes in %v", len(finalPDF), time.Since(start))

	// Bad input.
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{http.MethodPost, fmt.Sprintf("/api/v1/analyses/%d/reports", a.ID), `{"kind":"ceo"}`, http.StatusUnprocessableEntity},
		{http.MethodPost, fmt.Sprintf("/api/v1/analyses/%d/reports", a.ID), `{}`, http.StatusUnprocessableEntity},
		{http.MethodPost, "/api/v1/analyses/999999/reports", `{"kind":"product"}`, http.StatusNotFound},
		{http.MethodGet, "/api/v1/reports/999999", "", http.StatusNotFound},
		{http.MethodGet, "/api/v1/reports/999999/pdf", "", http.StatusNotFound},
		{http.MethodPost, "/api/v1/reports/999999/shares", `{"expires_in_hours":1}`, http.StatusNotFound},
		{http.MethodGet, "/api/v1/reports/999999/shares", "", http.StatusNotFound},
		{http.MethodDelete, "/api/v1/reports/999999", "", http.StatusNotFound},
		{http.MethodDelete, "/api/v1/shares/999999", "", http.StatusNotFound},
		{http.MethodPost, fmt.Sprintf("/api/v1/reports/%d/shares", final.ID), `{"expires_in_hours":0}`, http.StatusUnprocessableEntity},
	} {
		status, raw := e.do(c.method, c.path, strings.NewReader(c.body), "application/json", nil)
		require.Equal(t, c.want, status, "%s %s: %s", c.method, c.path, raw)
		require.Contains(t, string(raw), `"detail"`, "problem+json")
	}
	status, _, raw = e.anon(http.MethodGet, e.url+"/share/not-a-real-token")
	require.Equal(t, http.StatusNotFound, status, string(raw))

	// A report still being built: no PDF, no share (409).
	building, err = store.ReportCreateBuilding(ctx, e.pool, a, report.KindProduct)
	require.NoError(t, err)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodGet, fmt.Sprintf("/api/v1/reports/%d/pdf", building.ID), ""},
		{http.MethodGet, fmt.Sprintf("/api/v1/reports/%d/html", building.ID), ""},
		{http.MethodPost, fmt.Sprintf("/api/v1/reports/%d/shares", building.ID), `{"expires_in_hours":2}`},
	} {
		status, raw := e.do(c.method, c.path, strings.NewReader(c.body), "application/json", nil)
		require.Equal(t, http.StatusConflict, status, "%s %s: %s", c.method, c.path, raw)
		require.Contains(t, string(raw), "still being built")
	}
	status, _ = e.do(http.MethodDelete, fmt.Sprintf("/api/v1/reports/%d", building.ID), nil, "", nil)
	require.Equal(t, http.StatusNoContent, status)

	// The four role reports, on demand.
	ids := map[string]int64{}
	for _, kind := range report.OnDemandKinds {
		var s api.ReportSummary
		status, raw := e.do(http.MethodPost, fmt.Sprintf("/api/v1/analyses/%d/reports", a.ID), strings.NewReader(`{"kind":"`+kind+`"}`), "application/json", &s)
		require.Equal(t, http.StatusAccepted, status, string(raw))
		require.Equal(t, kind, s.Kind)
		require.NotZero(t, s.ID)
		ids[kind] = s.ID
	}
	require.Equal(t, 4, e.count("SELECT count(*) FROM river_job WHERE kind = 'build_report' AND queue = 'reports' AND (args->>'report_id')::bigint > 0"))
	dir := t.TempDir()
	for _, kind := range report.OnDemandKinds {
		d := e.waitReport(ids[kind])
		k, _ := report.KindOf(kind)
		require.Equal(t, k.Sections, d.Sections)
		require.Equal(t, k.Title, d.Title)

		resp, pdf := e.get(fmt.Sprintf("/api/v1/reports/%d/pdf", d.ID))
		require.Equal(t, http.StatusOK, resp.StatusCode, string(pdf))
		require.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
		require.True(t, strings.HasPrefix(string(pdf), "%PDF-"))
		require.Contains(t, string(pdf), "/URI ("+e.url+"/reviews/", "citations link to the review page")
		file := filepath.Join(dir, kind+".pdf")
		require.NoError(t, os.WriteFile(file, pdf, 0o600))
		out, err := exec.Command("pdftoppm", "-r", "40", "-png", file, filepath.Join(dir, kind)).CombinedOutput()
		if d := os.Getenv("VOC_TEST_PDF_DIR"); d != "" {
			// Keep the PDFs to look at.
			_ = os.WriteFile(filepath.Join(d, kind+".pdf"), pdf, 0o600)
		}
		require.NoError(t, err, string(out))
		pngs, _ := filepath.Glob(filepath.Join(dir, kind+"-*.png"))
		require.GreaterOrEqual(t, len(pngs), 2, "pages rendered")
		text := pdftest.FileText(t, file, "-layout")
		for _, want := range []string{k.Title, "B0RPT00001", fmt.Sprintf("Page 1 of %d", len(pngs)), fmt.Sprintf("Page %d of %d", len(pngs), len(pngs)),
			"coverage 100.0% of 2385 reviews", k.SectionTitle(report.SecSummary), g.Impact[0].Dimension} {
			require.Contains(t, text, want, kind)
		}
		require.Regexp(t, `reviews?\s*#\d+`, text, kind)
	}
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/products/%d/reports", acc.ProductID), nil, "", &list)
	require.Equal(t, http.StatusOK, status, string(raw))
	kinds := map[string]bool{}
	for _, r := range list.Items {
		kinds[r.Kind] = true
	}
	require.Len(t, kinds, 6, "every kind is listed")

	// Markdown and HTML link every citation to the review page.
	resp, md := e.get(fmt.Sprintf("/api/v1/reports/%d/markdown", ids[report.KindSupplyChain]))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Regexp(t, `\[review #\d+\]\(`+regexp.QuoteMeta(e.url)+`/reviews/\d+\?quote=[^)]+\)`, string(md))
	require.Contains(t, string(md), "## QC checklist")

	// Share links.
	rid := ids[report.KindComprehensive]
	var sh api.ShareLink
	status, raw = e.do(http.MethodPost, fmt.Sprintf("/api/v1/reports/%d/shares", rid), strings.NewReader(`{"expires_in_hours":2}`), "application/json", &sh)
	require.Equal(t, http.StatusCreated, status, string(raw))
	require.True(t, strings.HasPrefix(sh.URL, e.url+"/share/"), sh.URL)
	token := strings.TrimPrefix(sh.URL, e.url+"/share/")
	require.GreaterOrEqual(t, len(token), 43, "at least 256 bits, base64url")
	require.WithinDuration(t, time.Now().Add(2*time.Hour), sh.ExpiresAt, time.Minute)
	require.Zero(t, e.count("SELECT count(*) FROM report_shares WHERE token_hash = convert_to($1, 'UTF8')", token), "the token is stored hashed")
	for range 2 {
		status, ct, page := e.anon(http.MethodGet, sh.URL)
		require.Equal(t, http.StatusOK, status, string(page))
		require.Equal(t, "text/html; charset=utf-8", ct)
		require.Contains(t, string(page), "Comprehensive strategy report")
		require.Contains(t, string(page), "read-only copy")
		require.NotContains(t, string(page), "/reviews/", "a share link links nowhere else in voc")
		require.NotContains(t, string(page), "/api/v1/")
	}
	status, _, _ = e.anon(http.MethodPost, sh.URL)
	require.Equal(t, http.StatusMethodNotAllowed, status, "a share link allows no mutation")
	status, _, _ = e.anon(http.MethodGet, e.url+fmt.Sprintf("/api/v1/reports/%d", rid))
	require.Equal(t, http.StatusUnauthorized, status, "the token opens the share page, nothing else")
	var shares struct{ Items []api.ShareLink }
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d/shares", rid), nil, "", &shares)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Len(t, shares.Items, 1)
	require.EqualValues(t, 2, shares.Items[0].Views)
	require.Empty(t, shares.Items[0].URL, "the token is not shown again")

	// Expired: 410, and nothing about the report.
	_, err = e.pool.Exec(ctx, "UPDATE report_shares SET expires_at = now() - interval '1 second' WHERE id = $1", sh.ID)
	require.NoError(t, err)
	status, ct, page := e.anon(http.MethodGet, sh.URL)
	require.Equal(t, http.StatusGone, status)
	require.Equal(t, "application/problem+json", ct)
	require.NotContains(t, string(page), "B0RPT00001")
	require.NotContains(t, string(page), "2385")
	require.NotContains(t, string(page), "Comprehensive")

	// Revoked: 404 for the link and for the share afterwards.
	status, _ = e.do(http.MethodDelete, fmt.Sprintf("/api/v1/shares/%d", sh.ID), nil, "", nil)
	require.Equal(t, http.StatusNoContent, status)
	status, _, page = e.anon(http.MethodGet, sh.URL)
	require.Equal(t, http.StatusNotFound, status)
	require.NotContains(t, string(page), "B0RPT00001")
	status, _ = e.do(http.MethodDelete, fmt.Sprintf("/api/v1/shares/%d", sh.ID), nil, "", nil)
	require.Equal(t, http.StatusNotFound, status)

	// Delete a report: gone, with its shares.
	status, _ = e.do(http.MethodPost, fmt.Sprintf("/api/v1/reports/%d/shares", rid), strings.NewReader(`{"expires_in_hours":1}`), "application/json", nil)
	require.Equal(t, http.StatusCreated, status)
	status, _ = e.do(http.MethodDelete, fmt.Sprintf("/api/v1/reports/%d", rid), nil, "", nil)
	require.Equal(t, http.StatusNoContent, status)
	status, _ = e.do(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d", rid), nil, "", nil)
	require.Equal(t, http.StatusNotFound, status)
	require.Zero(t, e.count("SELECT count(*) FROM report_shares WHERE report_id = $1", rid))

	raw, err = json.Marshal(d)
	require.NoError(t, err)
	t.Logf("final report JSON %d bytes; %d dimensions with impact; %d emerging issues", len(raw), len(g.Impact), len(g.Emerging))
}

func claimTexts(cs []voc.Claim) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Text
	}
	return out
}

// TestReportCheckerCatchesLyingLLM runs the pipeline against llmsim
// answering every report narrative with lies (each count replaced by the
// number of cited reviews, every strength repeated as a weakness): the
// stored narrative holds only true counts, and no dimension is both a
// strength and a weakness without the polarising label.
func TestReportCheckerCatchesLyingLLM(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	sc.LieRate = 1
	e := newEnv(t, envOpts{sim: &sc})
	var en []marcRow
	for _, r := range readMARC(t) {
		if r.lang == "en" && len(en) < 300 {
			en = append(en, r)
		}
	}
	acc := e.upload("lies.csv", marcCSV(t, en), "B0LIE00001", map[string]string{"target_language": "en"})
	require.Equal(t, store.UploadDone, e.waitUpload(acc.UploadID).Status)
	a := e.waitFinal(acc.ProductID, 2*time.Minute)
	var id int64
	require.NoError(t, e.pool.QueryRow(context.Background(), "SELECT id FROM reports WHERE analysis_id = $1 AND kind = 'final'", a.ID).Scan(&id))
	d := e.waitReport(id)
	n, g := d.Narrative, d.Aggregates
	require.True(t, n.Check.Checked)
	require.NotEmpty(t, n.Check.Repaired, "the lies were caught and repaired")
	require.NotEmpty(t, n.Check.Dropped, "the strengths repeated as weaknesses were dropped")
	for _, f := range append(n.Check.Repaired, n.Check.Dropped...) {
		require.NotEmpty(t, f.Reason)
	}
	trueCount := map[string]int64{}
	for _, ts := range g.TopStrengths {
		trueCount["s"+ts.Topic] = ts.Count
	}
	for _, ts := range g.TopWeaknesses {
		trueCount["w"+ts.Topic] = ts.Count
	}
	seen := map[string]bool{}
	checked := 0
	for side, cs := range map[string][]voc.Claim{"s": n.Strengths, "w": n.Weaknesses} {
		for _, c := range cs {
			topic := c.Text
			if strings.HasPrefix(topic, "Polarising: ") {
				topic = topic[strings.Index(topic, ". ")+2:]
			}
			topic = topic[:strings.Index(topic, ":")]
			m := countClaim.FindAllStringSubmatch(c.Text, -1)
			require.NotEmpty(t, m, c.Text)
			require.Equal(t, strconv.FormatInt(trueCount[side+topic], 10), m[len(m)-1][1], "a lie survived: %s", c.Text)
			checked++
			if seen[topic] {
				require.True(t, strings.HasPrefix(c.Text, "Polarising: "), "%q is under both strengths and weaknesses without the label", c.Text)
			}
			seen[topic] = true
		}
	}
	require.Positive(t, checked)
	// The summary's lied rating cannot be put right, so it goes; its
	// review count alone could have been.
	if m := regexp.MustCompile(`Across (\d+) reviews`).FindStringSubmatch(n.ExecutiveSummary.Text); m != nil {
		require.Equal(t, fmt.Sprintf("%d", g.Reviews), m[1])
	} else {
		require.Empty(t, n.ExecutiveSummary.Text)
		dropped := false
		for _, f := range n.Check.Dropped {
			dropped = dropped || f.Section == report.SecSummary
		}
		require.True(t, dropped, "the summary was dropped and says so")
	}
}
