package api_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/store"
)

func TestMalformedUploads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: ingestOnly.queues, maxBytes: 1 << 20})

	xl := excelize.NewFile()
	for i := 1; i <= 500; i++ {
		require.NoError(t, xl.SetSheetRow("Sheet1", "A"+strconv.Itoa(i), &[]any{"rating", "body"}))
	}
	var full bytes.Buffer
	require.NoError(t, xl.Write(&full))
	truncated := full.Bytes()[:full.Len()/2]

	gbk := []byte("rating,review\n5,\xba\xdc\xba\xc3\xd3\xc3\n") // "很好用" in GBK
	garbage := bytes.Repeat([]byte{0x00, 0xff, 0x13, 0x37, 0x89}, 400)

	failed := []struct {
		name, file string
		body       []byte
		reason     string
	}{
		{"wrong encoding", "gbk.csv", gbk, "UTF-8"},
		{"no usable columns", "cols.csv", []byte("foo,bar\n1,2\n3,4\n"), "body"},
		{"truncated xlsx", "cut.xlsx", truncated, "XLSX"},
		{"header only", "empty.csv", []byte("rating,body\n"), "no data rows"},
	}
	for i, c := range failed {
		acc := e.upload(c.file, c.body, "B0BAD0000"+strconv.Itoa(i), nil)
		u := e.waitUpload(acc.UploadID)
		require.Equal(t, store.UploadFailed, u.Status, c.name)
		require.Contains(t, strings.ToLower(u.Error), strings.ToLower(c.reason), c.name)
		require.Equal(t, 0, e.count("SELECT count(*) FROM reviews WHERE upload_id = $1", acc.UploadID), c.name)
	}

	// Refused in the request itself.
	refused := []struct {
		name, file string
		body       []byte
		fields     map[string]string
		status     int
	}{
		{"binary garbage", "x.bin", garbage, nil, http.StatusUnsupportedMediaType},
		{"zero bytes", "e.csv", nil, nil, http.StatusUnprocessableEntity},
		{"over the limit", "big.csv", bytes.Repeat([]byte("5,great\n"), 200_000), nil, http.StatusRequestEntityTooLarge},
		{"bad asin", "a.csv", []byte("rating,body\n5,ok\n"), map[string]string{"asin": "x"}, http.StatusUnprocessableEntity},
		{"bad mapping", "a.csv", []byte("rating,body\n5,ok\n"), map[string]string{"mapping": `{"stars":"rating"}`}, http.StatusUnprocessableEntity},
	}
	for _, c := range refused {
		fields := map[string]string{"asin": "B0REFUSED1", "marketplace": "US"}
		for k, v := range c.fields {
			fields[k] = v
		}
		body, ct := multipartBody(t, c.file, c.body, fields)
		status, raw := e.do(http.MethodPost, "/api/v1/uploads", body, ct, nil)
		require.Equal(t, c.status, status, "%s: %s", c.name, raw)
		require.Contains(t, string(raw), `"detail"`, c.name)
	}
	require.Equal(t, 0, e.count("SELECT count(*) FROM uploads u JOIN products p ON p.id = u.product_id WHERE p.asin = 'B0REFUSED1'"))

	// No token, bad token: 401 problem+json. /health needs none.
	for _, tok := range []string{"", "voc_nope"} {
		req, _ := http.NewRequest(http.MethodGet, e.url+"/api/v1/uploads/1", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	}
	resp, err := http.Get(e.url + "/health")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	// The OpenAPI document describes the raw upload bodies.
	status, raw := e.do(http.MethodGet, "/openapi.json", nil, "", nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, string(raw), `"openapi":"3.1.0"`)
	require.Contains(t, string(raw), `"ExtensionIngest"`)
	require.Contains(t, string(raw), `"UploadForm"`)
	// Unknown endpoints are problems too.
	status, raw = e.do(http.MethodGet, "/api/v1/nope", nil, "", nil)
	require.Equal(t, http.StatusNotFound, status)
	require.Contains(t, string(raw), "no such endpoint")

	// A column mapping override makes an unusual file loadable.
	acc := e.upload("odd.csv", []byte("stars_given,what_they_said\n4,works well\n2,broke fast\n"), "B0MAP00001",
		map[string]string{"mapping": `{"rating":"stars_given","body":"what_they_said"}`})
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.Equal(t, 2, u.RowsIngested)
}
