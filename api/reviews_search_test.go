package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/api"
	"github.com/voc-project/voc/store"
)

// searchCSV is a small multilingual file with ratings, dates and variants.
func searchCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("Stars,Title,Review,Date,Variation\n")
	bodies := []string{"The battery died after two days", "Great sound and deep bass", "Der Akku ist schwach", "电池续航很好，音质不错"}
	for i := range n {
		fmt.Fprintf(&b, "%d,t%d,%s (%d),2024-%02d-%02d,Color: %s\n", 1+i%5, i, bodies[i%len(bodies)], i, 1+i%4, 1+i%27, []string{"Black", "White"}[i%2])
	}
	return []byte(b.String())
}

// The search, the dashboard and the filtered export agree over HTTP: the
// count a chart shows is the total the search returns and the rows the
// export holds.
func TestReviewSearchDashboardExport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	acc := e.upload("s.csv", searchCSV(40), "B0SEARCH77", nil)
	e.waitFinal(acc.ProductID, 2*time.Minute)
	base := fmt.Sprintf("/api/v1/products/%d", acc.ProductID)

	var d store.Dashboard
	status, raw := e.do(http.MethodGet, base+"/dashboard?variant="+url.QueryEscape("Color: Black")+"&granularity=week", nil, "", &d)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.EqualValues(t, 20, d.KPI.Reviews)
	require.NotEmpty(t, d.Dimensions)
	require.NotEmpty(t, d.Trend.Periods)

	search := func(q string) api.ReviewSearchResult {
		var r api.ReviewSearchResult
		status, raw := e.do(http.MethodGet, base+"/reviews/search?"+q, nil, "", &r)
		require.Equal(t, http.StatusOK, status, string(raw))
		return r
	}
	black := "variant=" + url.QueryEscape("Color: Black")
	for _, r := range d.Ratings {
		if r.Rating == 0 {
			continue
		}
		require.EqualValues(t, r.Count, search(fmt.Sprintf("%s&rating=%d", black, r.Rating)).Total, "rating %d", r.Rating)
	}
	for _, dim := range d.Dimensions {
		require.EqualValues(t, dim.Negative, search(fmt.Sprintf("%s&dimension=%d&insight_sentiment=negative", black, dim.ID)).Total, dim.Name)
	}

	// Search across scripts, with paging by cursor.
	res := search("q=" + url.QueryEscape("电池") + "&limit=3")
	require.EqualValues(t, 10, res.Total)
	seen := len(res.Items)
	for res.NextCursor != "" {
		res = search("q=" + url.QueryEscape("电池") + "&limit=3&cursor=" + url.QueryEscape(res.NextCursor))
		seen += len(res.Items)
	}
	require.Equal(t, 10, seen)

	// The export holds exactly the filtered reviews.
	status, body := e.do(http.MethodGet, base+"/reviews/export.xlsx?q=battery&"+black, nil, "", nil)
	require.Equal(t, http.StatusOK, status)
	f, err := excelize.OpenReader(bytes.NewReader(body))
	require.NoError(t, err)
	rows, err := f.GetRows("Reviews")
	require.NoError(t, err)
	want := search("q=battery&" + black).Total
	require.EqualValues(t, want+1, len(rows), "header plus the filtered reviews")
	for _, r := range rows[1:] {
		require.Contains(t, strings.ToLower(strings.Join(r, " ")), "battery")
	}

	// Bad input is a 422 naming each parameter.
	status, raw = e.do(http.MethodGet, base+"/reviews/search?rating=9&date_from=yesterday&insight_sentiment=angry", nil, "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	for _, p := range []string{"query.rating", "query.date_from", "query.insight_sentiment"} {
		require.Contains(t, string(raw), p)
	}
	status, raw = e.do(http.MethodGet, base+"/reviews/search?sort=best", nil, "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, string(raw), "query.sort")
	status, raw = e.do(http.MethodGet, base+"/reviews/search?sort=oldest&cursor=newest~2024-01-01~3", nil, "", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "cursor")
	status, _ = e.do(http.MethodGet, "/api/v1/products/999999/dashboard", nil, "", nil)
	require.Equal(t, http.StatusNotFound, status)
}

// App routes load the web app's shell, and /docs is served from the binary.
func TestAppRoutesAndDocs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	for _, p := range []string{"/reviews/12?quote=loud", "/products/3/reviews?rating=5", "/login?next=%2F", "/comparisons"} {
		resp, err := http.Get(e.url + p)
		require.NoError(t, err)
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, p)
		require.Contains(t, buf.String(), `<div id="root">`, p)
	}
	status, raw := e.do(http.MethodGet, "/docs", nil, "", nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, string(raw), "/assets/swagger/swagger-ui-bundle.js")
	require.NotContains(t, string(raw), "https://")
	resp, err := http.Get(e.url + "/docs")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "/docs needs a session, as before")
	status, _ = e.do(http.MethodGet, "/api/v1/nope", nil, "", nil)
	require.Equal(t, http.StatusNotFound, status)
}
