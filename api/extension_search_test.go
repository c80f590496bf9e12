package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/comparison"
	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/password"
	"github.com/voc-project/voc/store"
)

// extensionCall sends a request as the extension's fetchWithTimeout does:
// getAuthHeaders() sets Content-Type: application/json and the bearer
// token on every request, GET and body-less POST included.
func (e *env) extensionCall(method, path, token string, body []byte) (int, []byte) {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "chrome-extension://hkbhalcjjfffpcjgmmhcbkbjhjbjibbh")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return resp.StatusCode, raw
}

// extensionLogin signs an analyst in as the extension does and returns the
// access token.
func extensionLogin(t *testing.T, e *env) string {
	t.Helper()
	_, err := store.UserCreate(context.Background(), e.pool, "searcher@example.com", "Sue Searcher", store.RoleAnalyst, password.Hash(testPassword))
	require.NoError(t, err)
	resp, err := http.Post(e.url+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"searcher@example.com","password":"`+testPassword+`"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	var login struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&login))
	require.NotEmpty(t, login.AccessToken)
	return login.AccessToken
}

// getProductByAsin is the extension's lookup: the product, or nil on any
// answer that is not ok (it then queues the ASIN for collection).
func getProductByAsin(e *env, token, asin string) map[string]any {
	status, raw := e.extensionCall(http.MethodGet, "/api/v1/products/"+asin, token, nil)
	if status != http.StatusOK {
		return nil
	}
	var p map[string]any
	require.NoError(e.t, json.Unmarshal(raw, &p))
	return p
}

// TestExtensionSearchResults runs the extension's search-results workflow
// with its exact requests: look each ASIN up with GET /products/{asin}
// (unknown: not ok), start the analysis of a collected one with POST
// /products/{asin}/start-analysis, and create a comparison project of the
// products with POST /analysis/projects, reading project.id.
func TestExtensionSearchResults(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	token := extensionLogin(t, e)
	asins := []string{"B0SRCHDE01", "B0SRCHDE02"}
	for _, asin := range asins {
		for _, page := range [][2]int{{0, 6}, {6, 12}} {
			status, raw := e.extensionCall(http.MethodPost, "/api/v1/reviews/ingest/queue", token, extensionPage(asin, "DE", page[0], page[1]))
			require.Equal(t, http.StatusAccepted, status, string(raw))
		}
	}
	// The lookup by ASIN answers once the pushes are ingested.
	productIDs := map[string]float64{}
	deadline := time.Now().Add(time.Minute)
	for _, asin := range asins {
		for {
			p := getProductByAsin(e, token, asin)
			if p != nil && p["review_count"] == float64(len(extensionReviews)) {
				productIDs[asin] = p["id"].(float64)
				require.Equal(t, asin, p["asin"])
				require.Equal(t, "DE", p["marketplace"])
				break
			}
			require.True(t, time.Now().Before(deadline), "product %s was not ingested", asin)
			time.Sleep(50 * time.Millisecond)
		}
	}
	// An ASIN nobody collected: not ok, so the extension collects it.
	status, raw := e.extensionCall(http.MethodGet, "/api/v1/products/B0SRCHNONE", token, nil)
	require.Equal(t, http.StatusNotFound, status, string(raw))
	require.Contains(t, string(raw), "no product has ASIN B0SRCHNONE")
	// The numeric id still answers the web app's lookup.
	status, raw = e.extensionCall(http.MethodGet, fmt.Sprintf("/api/v1/products/%d", int64(productIDs[asins[0]])), token, nil)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Contains(t, string(raw), `"asin":"B0SRCHDE01"`)

	// triggerProductAnalysis(): with the learning queue paused, the
	// analysis started stays running, so a second click finds it running.
	e.pausing(jobs.QueueLearning, func() {
		status, raw = e.do(http.MethodPost, "/api/v1/queues/learning/pause", nil, "", nil)
		require.Equal(t, http.StatusOK, status, string(raw))
	})
	type started struct {
		Success     bool   `json:"success"`
		Status      string `json:"status"`
		TaskID      string `json:"task_id"`
		ProductID   string `json:"product_id"`
		ASIN        string `json:"asin"`
		ReviewCount int64  `json:"review_count"`
		AnalysisID  *int64 `json:"analysis_id"`
	}
	start := func(asin string) started {
		status, raw := e.extensionCall(http.MethodPost, "/api/v1/products/"+asin+"/start-analysis", token, nil)
		require.Equal(t, http.StatusOK, status, string(raw))
		var s started
		require.NoError(t, json.Unmarshal(raw, &s))
		require.True(t, s.Success)
		require.Equal(t, asin, s.ASIN)
		require.Equal(t, fmt.Sprint(int64(productIDs[asin])), s.ProductID)
		require.EqualValues(t, len(extensionReviews), s.ReviewCount)
		return s
	}
	first := start(asins[0])
	require.Equal(t, "started", first.Status)
	require.Equal(t, fmt.Sprint(*first.AnalysisID), first.TaskID)
	again := start(asins[0])
	require.Equal(t, "already_running", again.Status)
	require.Equal(t, first.TaskID, again.TaskID)
	require.Equal(t, 1, e.count(`SELECT count(*) FROM analyses WHERE product_id = $1`, int64(productIDs[asins[0]])))
	status, raw = e.do(http.MethodPost, "/api/v1/queues/learning/resume", nil, "", nil)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "started", start(asins[1]).Status)
	for _, asin := range asins {
		e.waitFinal(int64(productIDs[asin]), 2*time.Minute)
	}
	// Analysed: nothing new to analyse, and no new analysis.
	upToDate := start(asins[0])
	require.Equal(t, "up_to_date", upToDate.Status)
	require.Nil(t, upToDate.AnalysisID)
	require.Equal(t, 1, e.count(`SELECT count(*) FROM analyses WHERE product_id = $1`, int64(productIDs[asins[0]])))

	// createAnalysisProject(): the ids from getProductIds, role_label null.
	body, _ := json.Marshal(map[string]any{
		"title":       "搜索结果对比分析 (2 个产品)",
		"description": "从亚马逊搜索结果创建的对比分析项目",
		"products": []map[string]any{
			{"product_id": productIDs[asins[0]], "role_label": nil},
			{"product_id": productIDs[asins[1]], "role_label": nil},
		},
		"analysis_type": "comparison",
	})
	status, raw = e.extensionCall(http.MethodPost, "/api/v1/analysis/projects", token, body)
	require.Equal(t, http.StatusCreated, status, string(raw))
	var created struct {
		Success bool `json:"success"`
		Project struct {
			ID           string `json:"id"`
			Title        string `json:"title"`
			AnalysisType string `json:"analysis_type"`
			Items        []struct {
				ProductID    string  `json:"product_id"`
				RoleLabel    *string `json:"role_label"`
				DisplayOrder int     `json:"display_order"`
			} `json:"items"`
			ComparisonURL string `json:"comparison_url"`
		} `json:"project"`
	}
	require.NoError(t, json.Unmarshal(raw, &created))
	require.True(t, created.Success)
	require.NotEmpty(t, created.Project.ID) // result.data?.project?.id
	require.Equal(t, "comparison", created.Project.AnalysisType)
	require.Len(t, created.Project.Items, 2)
	require.Equal(t, fmt.Sprint(int64(productIDs[asins[1]])), created.Project.Items[1].ProductID)
	require.Nil(t, created.Project.Items[1].RoleLabel)
	require.Equal(t, "/api/v1/comparisons/"+created.Project.ID, created.Project.ComparisonURL)
	var v comparison.View
	status, raw = e.do(http.MethodGet, created.Project.ComparisonURL, nil, "", &v)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "搜索结果对比分析 (2 个产品)", v.Name)
	require.Len(t, v.Products, 2)
	require.NotEmpty(t, v.Matrix)
}

// TestExtensionSearchResultsBadInput: unknown and ambiguous ASINs, a
// product without reviews, projects of one or eleven products, a product
// listed twice, an unknown product and one without a model each get their
// 4xx problem, and nothing is stored.
func TestExtensionSearchResultsBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: map[string]int{}})
	ctx := context.Background()
	var ids []int64
	for i := 0; i < 11; i++ {
		p, err := store.ProductUpsert(ctx, e.pool, store.ProductInput{Marketplace: "US", ASIN: fmt.Sprintf("B0SRCHBD%02d", i)})
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	for _, mp := range []string{"DE", "UK"} {
		_, err := store.ProductUpsert(ctx, e.pool, store.ProductInput{Marketplace: mp, ASIN: "B0SRCHTWO1"})
		require.NoError(t, err)
	}
	modelled := modelledProducts(t, e, threeModels, "B0ALIGNDE1", "B0ALIGNEN1")
	project := func(ps ...int64) []byte {
		items := make([]map[string]any, len(ps))
		for i, id := range ps {
			items[i] = map[string]any{"product_id": id, "role_label": nil}
		}
		b, _ := json.Marshal(map[string]any{"title": "t", "description": "d", "products": items, "analysis_type": "comparison"})
		return b
	}
	for _, c := range []struct {
		method, path string
		body         []byte
		status       int
		want         string
	}{
		{http.MethodGet, "/api/v1/products/B0SRCHNONE", nil, 404, "no product has ASIN B0SRCHNONE"},
		{http.MethodGet, "/api/v1/products/B0SRCHTWO1", nil, 409, `"candidates":[`},
		{http.MethodGet, "/api/v1/products/abc", nil, 422, "neither a product id nor an ASIN"},
		{http.MethodGet, "/api/v1/products/0", nil, 422, "at least 1"},
		{http.MethodGet, "/api/v1/products/B0SRCHTWO1?marketplace=uk", nil, 422, "marketplace"},
		{http.MethodPost, "/api/v1/products/B0SRCHNONE/start-analysis", nil, 404, "no product has ASIN B0SRCHNONE"},
		{http.MethodPost, "/api/v1/products/B0SRCHTWO1/start-analysis", nil, 409, `"candidates":[`},
		{http.MethodPost, "/api/v1/products/B0SRCHBD00/start-analysis", nil, 409, "no reviews to analyse"},
		{http.MethodPost, "/api/v1/analysis/projects", project(modelled[0]), 422, "products"},
		{http.MethodPost, "/api/v1/analysis/projects", project(ids...), 422, "products"},
		{http.MethodPost, "/api/v1/analysis/projects", project(modelled[0], modelled[0]), 422, "listed twice"},
		{http.MethodPost, "/api/v1/analysis/projects", project(modelled[0], 987654321), 422, "no product has id 987654321"},
		{http.MethodPost, "/api/v1/analysis/projects", project(modelled[0], ids[0]), 409, "no model yet"},
		{http.MethodPost, "/api/v1/analysis/projects", []byte(`{"title":"t","products":[{"product_id":"B0ALIGNDE1"},{"product_id":"B0ALIGNEN1"}]}`), 422, "product_id"},
		{http.MethodPost, "/api/v1/analysis/projects", []byte(`{"title":"t","products":[{"product_id":1},{"product_id":2}],"analysis_type":"poem"}`), 422, "analysis_type"},
	} {
		status, raw := e.extensionCall(c.method, c.path, e.token, c.body)
		require.Equal(t, c.status, status, "%s %s: %s", c.method, c.path, raw)
		require.Contains(t, string(raw), c.want, "%s %s", c.method, c.path)
		require.Contains(t, string(raw), `"status":`, "problem+json")
	}
	status, raw := e.extensionCall(http.MethodGet, "/api/v1/products/B0SRCHTWO1?marketplace=UK", e.token, nil)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Contains(t, string(raw), `"marketplace":"UK"`)
	require.Zero(t, e.count(`SELECT count(*) FROM comparisons`))
	require.Zero(t, e.count(`SELECT count(*) FROM analyses`))
	require.Zero(t, e.count(`SELECT count(*) FROM river_job`))
}
