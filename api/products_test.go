package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// A product whose only upload failed (nothing stored) can be deleted by an
// analyst, with its uploads, and the deletion is in the audit log; one with
// reviews, or with an upload still to ingest, cannot; a viewer cannot.
func TestDeleteEmptyProduct(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)

	// An upload as the web app sends it; no worker runs here, so it stays
	// pending until the test says how ingestion ended.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("asin", "B0EMPTY001"))
	fw, err := mw.CreateFormFile("file", "broken.csv")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("not,a,review,file\n"))
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, e.url+"/api/v1/uploads", &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens["analyst"])
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(raw))
	pid := e.count(`SELECT id FROM products WHERE asin = 'B0EMPTY001'`)
	path := fmt.Sprintf("/api/v1/products/%d", pid)

	resp, raw = e.call(http.MethodDelete, path, "", withBearer(e.tokens["analyst"]))
	requireProblem(t, resp, raw, http.StatusConflict, "1 uploads still waiting for or in ingestion")

	// Ingestion failed with nothing stored.
	_, err = e.pool.Exec(t.Context(), `UPDATE uploads SET status = 'failed', error = 'no header row' WHERE product_id = $1`, pid)
	require.NoError(t, err)
	_, err = e.pool.Exec(t.Context(), `INSERT INTO upload_rejections (upload_id, row_num, col, reason)
		SELECT id, 1, 'rating', 'missing' FROM uploads WHERE product_id = $1`, pid)
	require.NoError(t, err)

	resp, raw = e.call(http.MethodDelete, path, "", withBearer(e.tokens["viewer"]))
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(raw))
	require.Equal(t, 1, e.count(`SELECT count(*) FROM products WHERE id = $1`, pid))

	resp, raw = e.call(http.MethodDelete, path, "", withBearer(e.tokens["analyst"]))
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(raw))
	require.Equal(t, 0, e.count(`SELECT count(*) FROM products WHERE id = $1`, pid))
	require.Equal(t, 0, e.count(`SELECT count(*) FROM uploads WHERE product_id = $1`, pid))
	require.Equal(t, 0, e.count(`SELECT count(*) FROM upload_rejections`))
	var actor, target string
	var details []byte
	require.NoError(t, e.pool.QueryRow(t.Context(), `SELECT actor, target, details FROM audit_log
		WHERE action = 'product.delete'`).Scan(&actor, &target, &details))
	require.Equal(t, fmt.Sprintf("product %d", pid), target)
	require.Contains(t, actor, "analyst")
	var d map[string]any
	require.NoError(t, json.Unmarshal(details, &d))
	require.Equal(t, "B0EMPTY001", d["asin"])
	require.Equal(t, "US", d["marketplace"])

	resp, raw = e.call(http.MethodDelete, path, "", withBearer(e.tokens["analyst"]))
	requireProblem(t, resp, raw, http.StatusNotFound, "product not found")

	// A product with a review stays.
	var full int64
	require.NoError(t, e.pool.QueryRow(t.Context(), `INSERT INTO products (marketplace, asin, title)
		VALUES ('US', 'B0FULL0001', 'Full') RETURNING id`).Scan(&full))
	_, err = e.pool.Exec(t.Context(), `INSERT INTO reviews (product_id, content_hash, body) VALUES ($1, 'h1', 'fine')`, full)
	require.NoError(t, err)
	resp, raw = e.call(http.MethodDelete, fmt.Sprintf("/api/v1/products/%d", full), "", withBearer(e.tokens["admin"]))
	requireProblem(t, resp, raw, http.StatusConflict, "has 1 reviews")
	require.Equal(t, 1, e.count(`SELECT count(*) FROM products WHERE id = $1`, full))
	require.Equal(t, 1, e.count(`SELECT count(*) FROM audit_log WHERE action = 'product.delete'`), "a refused delete is not recorded")
}

// The web app language is remembered on the user: PATCH /api/v1/me sets
// it, GET /api/v1/me and sign-in return it, and a bad value is a 400 that
// says what to send.
func TestUserLanguage(t *testing.T) {
	t.Parallel()
	e := newAuthEnv(t, nil)
	me := func(opt reqOpt) map[string]any {
		resp, raw := e.call(http.MethodGet, "/api/v1/me", "", opt)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		return m
	}
	analyst := withBearer(e.tokens["analyst"])
	require.Equal(t, "", me(analyst)["language"], "not chosen yet")

	for _, body := range []string{`{"language":"fr"}`, `{"language":"ZH"}`, `{}`} {
		resp, raw := e.call(http.MethodPatch, "/api/v1/me", body, analyst)
		requireProblem(t, resp, raw, http.StatusBadRequest, `language must be "zh" or "en"`)
	}
	require.Equal(t, "", me(analyst)["language"])

	resp, raw := e.call(http.MethodPatch, "/api/v1/me", `{"language":"zh"}`, analyst)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	require.Equal(t, "zh", me(analyst)["language"])
	require.Equal(t, "", me(withBearer(e.tokens["viewer"]))["language"], "per user")
	require.Equal(t, 1, e.count(`SELECT count(*) FROM audit_log WHERE action = 'user.language' AND details->>'language' = 'zh'`))

	// Signing in, in any browser, brings it back.
	resp, raw, c := e.login("analyst@example.com", testPassword)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	require.NotNil(t, c, string(raw))
	var info map[string]any
	require.NoError(t, json.Unmarshal(raw, &info))
	require.Equal(t, "zh", info["language"])
	resp, raw = e.call(http.MethodPatch, "/api/v1/me", `{"language":"en"}`, withCookie(c.Value), withHeader("Origin", e.url))
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	require.Equal(t, "en", me(withCookie(c.Value))["language"])
	require.Equal(t, "en", me(analyst)["language"])
}
