package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

// formPart is one part of a hand-built multipart body.
type formPart struct {
	name, filename string
	content        []byte
}

// rawForm builds a multipart body from parts in order; a part with a
// filename is a file.
func rawForm(t *testing.T, parts ...formPart) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.filename != "" {
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.filename+`"`)
			h.Set("Content-Type", "application/octet-stream")
		} else {
			h.Set("Content-Disposition", `form-data; name="`+p.name+`"`)
		}
		w, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, err = w.Write(p.content)
		require.NoError(t, err)
	}
	require.NoError(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

// TestUploadFormParsing: the upload form is read as it arrives (the file
// streamed into the stored body), so every way a form can be wrong is
// answered here with a problem+json that names what to fix, and nothing
// is stored for it.
func TestUploadFormParsing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: map[string]int{}, maxBytes: 64 << 10})
	csvBody := []byte("rating,body\n5,works well\n1,broke fast\n")
	asin := formPart{name: "asin", content: []byte("B0FORM0001")}
	file := formPart{name: "file", filename: "r.csv", content: csvBody}

	truncated, truncCT := rawForm(t, asin, file)
	truncated.Truncate(truncated.Len() - 10) // no closing boundary
	_, boundaryCT := rawForm(t)

	form := func(parts ...formPart) formBody {
		b, ct := rawForm(t, parts...)
		return formBody{b, ct}
	}
	cases := []struct {
		name   string
		form   formBody
		status int
		detail string // in the answer
	}{
		{"not multipart", formBody{bytes.NewBufferString(`{"asin":"B0FORM0001"}`), "application/json"}, http.StatusUnprocessableEntity, "isn't multipart/form-data"},
		{"no content type", formBody{bytes.NewBufferString("rating,body\n5,ok\n"), ""}, http.StatusUnprocessableEntity, "isn't multipart/form-data"},
		{"no boundary", formBody{bytes.NewBufferString("--x\r\n"), "multipart/form-data"}, http.StatusUnprocessableEntity, "no multipart boundary"},
		{"empty body", formBody{&bytes.Buffer{}, boundaryCT}, http.StatusUnprocessableEntity, "cut short"},
		{"not a form", formBody{bytes.NewBufferString("hello, world"), boundaryCT}, http.StatusUnprocessableEntity, "cut short"},
		{"truncated", formBody{truncated, truncCT}, http.StatusUnprocessableEntity, "cut short"},
		{"missing file", form(asin), http.StatusUnprocessableEntity, `multipart field \"file\"`},
		{"file in another field", form(asin, formPart{name: "upload", filename: "r.csv", content: csvBody}), http.StatusUnprocessableEntity, `\"upload\"`},
		{"file field without a filename", form(asin, formPart{name: "file", content: csvBody}), http.StatusUnprocessableEntity, "filename"},
		{"two files", form(asin, file, file), http.StatusUnprocessableEntity, "exactly one file"},
		{"empty file", form(asin, formPart{name: "file", filename: "r.csv"}), http.StatusUnprocessableEntity, "empty"},
		{"file over the limit", form(asin, formPart{name: "file", filename: "r.csv", content: bytes.Repeat([]byte("5,great\n"), 10_000)}), http.StatusRequestEntityTooLarge, "VOC_MAX_UPLOAD_BYTES"},
		{"unknown format", form(asin, formPart{name: "file", filename: "x.bin", content: bytes.Repeat([]byte{0, 0xff, 0x13}, 100)}), http.StatusUnsupportedMediaType, "unsupported file type"},
		{"bad mapping after the file", form(asin, file, formPart{name: "mapping", content: []byte(`{"stars":"rating"}`)}), http.StatusUnprocessableEntity, "body.mapping.stars"},
		{"field over the limit", form(asin, file, formPart{name: "marketplace", content: bytes.Repeat([]byte("U"), 70_000)}), http.StatusUnprocessableEntity, "marketplace is 70000 bytes"},
		{"too many fields", form(append([]formPart{asin, file}, repeatPart(formPart{name: "note", content: []byte("x")}, 1000)...)...), http.StatusUnprocessableEntity, "over 1000 parts"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, path := range []string{"/api/v1/uploads", "/api/v1/uploads/preview"} {
				status, raw := e.do(http.MethodPost, path, bytes.NewReader(c.form.body.Bytes()), c.form.ct, nil)
				require.Equal(t, c.status, status, "%s: %s", path, raw)
				require.Contains(t, string(raw), `"detail"`, path)
				require.Contains(t, string(raw), c.detail, path)
			}
		})
	}
	require.Equal(t, 0, e.count("SELECT count(*) FROM uploads"))
	require.Equal(t, 0, e.count("SELECT count(*) FROM river_job"))
	require.Equal(t, 0, e.count("SELECT count(*) FROM audit_log WHERE action LIKE 'POST /api/v1/uploads%'"))

	// The fields may come before or after the file, and unknown fields
	// are ignored. What is stored reads back as the file that was sent,
	// with one ingestion job for it.
	for i, parts := range [][]formPart{
		{asin, file},
		{file, asin, {name: "marketplace", content: []byte("de")}},
		{{name: "note", content: []byte("ignored")}, file, asin},
	} {
		body, ct := rawForm(t, parts...)
		var acc struct {
			UploadID int64 `json:"upload_id"`
		}
		status, raw := e.do(http.MethodPost, "/api/v1/uploads", body, ct, &acc)
		require.Equal(t, http.StatusAccepted, status, "%d: %s", i, raw)
		up, err := store.UploadLockForIngest(context.Background(), e.pool, acc.UploadID)
		require.NoError(t, err)
		require.Equal(t, csvBody, up.Body, "%d", i)
		require.Equal(t, 1, e.count("SELECT count(*) FROM river_job WHERE kind = $1 AND (args->>'upload_id')::bigint = $2", jobs.IngestArgs{}.Kind(), acc.UploadID))
		// Its audit entry is written once, in the upload's transaction.
		require.Equal(t, 1, e.count(`SELECT count(*) FROM audit_log WHERE action = 'POST /api/v1/uploads' AND status = 202
			AND token_id IS NOT NULL AND (details->>'upload_id')::bigint = $1`, acc.UploadID))
		body, ct = rawForm(t, parts...)
		status, raw = e.do(http.MethodPost, "/api/v1/uploads/preview", body, ct, nil)
		require.Equal(t, http.StatusOK, status, "%d: %s", i, raw)
		require.Contains(t, string(raw), "broke fast")
	}
	require.Equal(t, 1, e.count("SELECT count(*) FROM products WHERE asin = 'B0FORM0001' AND marketplace = 'DE'"))
	require.True(t, strings.HasPrefix(string(csvBody), "rating"))
}

type formBody struct {
	body *bytes.Buffer
	ct   string
}

func repeatPart(p formPart, n int) []formPart {
	out := make([]formPart, n)
	for i := range out {
		out[i] = p
	}
	return out
}
