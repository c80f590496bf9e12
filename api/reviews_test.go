package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/store"
)

func TestParseReviewQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     reviewListInput
		filter store.ReviewFilter
		page   store.Page
	}{
		{"defaults", reviewListInput{}, store.ReviewFilter{}, store.Page{Limit: 50}},
		{"repeated and comma ratings, deduped", reviewListInput{Rating: []string{"5", "1, 2", "5"}, Limit: 10},
			store.ReviewFilter{Ratings: []int{5, 1, 2}}, store.Page{Limit: 10}},
		{"sentiment and language", reviewListInput{Sentiment: []string{"Negative,neutral"}, Language: []string{"en", "zh-TW,und"}},
			store.ReviewFilter{Sentiments: []string{"negative", "neutral"}, Languages: []string{"en", "zh-TW", "und"}}, store.Page{Limit: 50}},
		{"dimension by name and id", reviewListInput{Dimension: []string{"battery life", "42"}, InsightType: "Weakness"},
			store.ReviewFilter{DimensionIDs: []int64{42}, DimensionNames: []string{"battery life", "42"}, InsightType: "weakness"}, store.Page{Limit: 50}},
		{"label with type", reviewListInput{Label: []string{"gym"}, LabelType: "where"},
			store.ReviewFilter{LabelNames: []string{"gym"}, LabelType: "where"}, store.Page{Limit: 50}},
		{"label type alone", reviewListInput{LabelType: "buyer"}, store.ReviewFilter{LabelType: "buyer"}, store.Page{Limit: 50}},
		{"cursor", reviewListInput{Cursor: encodeCursor(1234), Limit: 500}, store.ReviewFilter{}, store.Page{AfterID: 1234, Limit: 500}},
		{"offset", reviewListInput{Offset: 100, Limit: 25}, store.ReviewFilter{}, store.Page{Offset: 100, Limit: 25}},
		{"empty values are ignored", reviewListInput{Rating: []string{"", " , "}, Dimension: []string{","}}, store.ReviewFilter{}, store.Page{Limit: 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, p, err := parseReviewQuery(&tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.filter, f)
			require.Equal(t, tt.page, p)
		})
	}
}

func TestParseReviewQueryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    reviewListInput
		where []string
	}{
		{"rating out of range", reviewListInput{Rating: []string{"6"}}, []string{"query.rating"}},
		{"rating not a number", reviewListInput{Rating: []string{"4,five"}}, []string{"query.rating"}},
		{"rating zero", reviewListInput{Rating: []string{"0"}}, []string{"query.rating"}},
		{"sentiment", reviewListInput{Sentiment: []string{"happy"}}, []string{"query.sentiment"}},
		{"language", reviewListInput{Language: []string{"english!"}}, []string{"query.language"}},
		{"insight type", reviewListInput{InsightType: "praise"}, []string{"query.insight_type"}},
		{"label type", reviewListInput{LabelType: "how"}, []string{"query.label_type"}},
		{"long dimension", reviewListInput{Dimension: []string{strings.Repeat("x", 201)}}, []string{"query.dimension"}},
		{"too many labels", reviewListInput{Label: []string{strings.Repeat("a,", 60)}}, []string{"query.label"}},
		{"limit", reviewListInput{Limit: 501}, []string{"query.limit"}},
		{"offset", reviewListInput{Offset: -1}, []string{"query.offset"}},
		{"bad cursor", reviewListInput{Cursor: "abc"}, []string{"query.cursor"}},
		{"negative cursor", reviewListInput{Cursor: "r-5"}, []string{"query.cursor"}},
		{"cursor and offset", reviewListInput{Cursor: encodeCursor(5), Offset: 10}, []string{"query.cursor"}},
		{"every problem at once", reviewListInput{Rating: []string{"9"}, Sentiment: []string{"meh"}, LabelType: "how"},
			[]string{"query.rating", "query.sentiment", "query.label_type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := parseReviewQuery(&tt.in)
			var model *huma.ErrorModel
			require.ErrorAs(t, err, &model)
			require.Equal(t, http.StatusUnprocessableEntity, model.Status)
			var where []string
			for _, d := range model.Errors {
				where = append(where, d.Location)
			}
			require.Equal(t, tt.where, where)
		})
	}
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	for _, id := range []int64{1, 99, 1 << 40} {
		got, ok := decodeCursor(encodeCursor(id))
		require.True(t, ok)
		require.Equal(t, id, got)
	}
	for _, c := range []string{"", "r", "r0", "12", "rx", "r1.5"} {
		_, ok := decodeCursor(c)
		require.False(t, ok, c)
	}
}

// newRouteTestServer registers the pipeline routes on a bare router with no
// database: enough for the OpenAPI document and for the requests that
// validation rejects before any store call.
func newRouteTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	r := chi.NewRouter()
	cfg := huma.DefaultConfig("voc API", "test")
	cfg.CreateHooks = nil
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	api := humachi.New(r, cfg)
	s := &server{Config: Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	s.registerPipelineRoutes(api)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func TestPipelineRoutesValidation(t *testing.T) {
	t.Parallel()
	srv := newRouteTestServer(t)
	tests := []struct {
		method, path, body string
		where              string
	}{
		{"GET", "/api/v1/products/1/reviews?rating=7", "", "query.rating"},
		{"GET", "/api/v1/products/1/reviews?rating=5&rating=x", "", "query.rating"},
		{"GET", "/api/v1/products/1/reviews?sentiment=great", "", "query.sentiment"},
		{"GET", "/api/v1/products/1/reviews?limit=501", "", "query.limit"},
		{"GET", "/api/v1/products/1/reviews?cursor=zzz", "", "query.cursor"},
		{"GET", "/api/v1/products/1/reviews?label_type=how", "", "query.label_type"},
		{"GET", "/api/v1/products?limit=0", "", "query.limit"},
		{"GET", "/api/v1/products/1/reviews?ids=5,-1", "", "query.ids"},
		{"GET", "/api/v1/reviews/0", "", "path.id"},
		{"POST", "/api/v1/products/1/model/language", `{"language":"d"}`, "body.language"},
		{"POST", "/api/v1/products/1/model/language", `{"language":"deutsch!"}`, "body.language"},
		{"POST", "/api/v1/products/1/dimensions", `{"kind":"price","name":"x"}`, "body.kind"},
		{"POST", "/api/v1/products/1/dimensions", `{"kind":"product","name":"   "}`, "body.name"},
		{"POST", "/api/v1/products/1/labels", `{"type":"how","name":"x"}`, "body.type"},
		{"PATCH", "/api/v1/products/1/dimensions/2", `{}`, "body"},
		{"PATCH", "/api/v1/products/1/labels/2", `{"name":"a\nb"}`, "body.name"},
		{"POST", "/api/v1/products/1/dimensions/2/merge", `{"into":0}`, "body.into"},
		{"POST", "/api/v1/products/1/labels/2/merge", `{}`, "body"}, // "expected required property into"
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.body, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, string(raw))
			require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
			require.Contains(t, string(raw), `"location":"`+tt.where, string(raw))
		})
	}
}

func TestPipelineRoutesOpenAPI(t *testing.T) {
	t.Parallel()
	srv := newRouteTestServer(t)
	resp, err := http.Get(srv.URL + "/openapi.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]any `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	for path, methods := range map[string][]string{
		"/api/v1/products":                               {"get"},
		"/api/v1/products/{id}":                          {"get", "delete"},
		"/api/v1/products/{id}/reviews":                  {"get"},
		"/api/v1/products/{id}/model":                    {"get"},
		"/api/v1/products/{id}/dimensions":               {"post"},
		"/api/v1/products/{id}/dimensions/{dimID}":       {"patch", "delete"},
		"/api/v1/products/{id}/dimensions/{dimID}/merge": {"post"},
		"/api/v1/products/{id}/labels":                   {"post"},
		"/api/v1/products/{id}/labels/{labelID}":         {"patch", "delete"},
		"/api/v1/products/{id}/labels/{labelID}/merge":   {"post"},
		"/api/v1/products/{id}/reports":                  {"get"},
		"/api/v1/reports/{id}":                           {"get"},
		"/api/v1/reports/{id}/markdown":                  {"get"},
		"/api/v1/reports/{id}/html":                      {"get"},
		"/api/v1/products/{id}/export.xlsx":              {"get"},
		"/api/v1/reviews/{id}":                           {"get"},
		"/api/v1/products/{id}/model/language":           {"post"},
	} {
		for _, m := range methods {
			require.Contains(t, doc.Paths[path], m, "%s %s", m, path)
		}
	}
	require.Contains(t, doc.Paths["/api/v1/reports/{id}/markdown"]["get"].Responses["200"].Content, "text/markdown")
	require.Contains(t, doc.Paths["/api/v1/reports/{id}/html"]["get"].Responses["200"].Content, "text/html")
	require.Contains(t, doc.Paths["/api/v1/products/{id}/export.xlsx"]["get"].Responses["200"].Content, xlsxContentType)
}
