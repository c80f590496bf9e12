package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/jobs"
	"github.com/voc-project/voc/store"
)

// ingestOnly runs just the ingestion queue: these tests look at what
// ingestion stores, not at the analysis it starts.
var ingestOnly = envOpts{queues: map[string]int{jobs.QueueIngestion: 2}}

type marcRow struct {
	id, lang, text string
	stars          int
}

func readMARC(t testing.TB) []marcRow {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(readData(t, "marc_multilingual_sample.csv"))).ReadAll()
	require.NoError(t, err)
	var out []marcRow
	for _, r := range recs[1:] {
		s, err := strconv.Atoi(r[2])
		require.NoError(t, err)
		out = append(out, marcRow{id: r[0], lang: r[1], stars: s, text: r[3]})
	}
	return out
}

// distinctAlexa counts the Alexa file's rows with a body that differ in
// rating, date, variation or text — the documented dedupe rule, computed
// independently of the parser.
func distinctAlexa(t testing.TB) (valid, distinct int) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(readData(t, "amazon_alexa_reviews.tsv"), []byte("\xef\xbb\xbf"))))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = '\t', true, -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, rec := range recs[1:] {
		text := strings.Join(strings.Fields(rec[3]), " ")
		if text == "" {
			continue
		}
		valid++
		seen[rec[0]+"\x00"+rec[1]+"\x00"+rec[2]+"\x00"+text] = true
	}
	return valid, len(seen)
}

func TestUploadSharedFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ingestOnly)
	alexaValid, alexaDistinct := distinctAlexa(t)
	require.Equal(t, 3071, alexaValid)

	marc := readMARC(t)
	var jsonRows []map[string]any
	var jsonl bytes.Buffer
	xl := excelize.NewFile()
	require.NoError(t, xl.SetSheetRow("Sheet1", "A1", &[]any{"review_id", "stars", "language", "review_body"}))
	for i, m := range marc {
		row := map[string]any{"review_id": m.id, "stars": m.stars, "review_body": m.text}
		jsonRows = append(jsonRows, row)
		b, _ := json.Marshal(row)
		jsonl.Write(append(b, '\n'))
		require.NoError(t, xl.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &[]any{m.id, m.stars, m.lang, m.text}))
	}
	jsonBody, _ := json.Marshal(jsonRows)
	var xlsx bytes.Buffer
	require.NoError(t, xl.Write(&xlsx))

	cases := []struct {
		name, file   string
		body         []byte
		total, valid int
		ingested     int
		rejected     int
	}{
		{"marc csv", "marc.csv", readData(t, "marc_multilingual_sample.csv"), 1200, 1200, 1200, 0},
		{"alexa tsv", "alexa.tsv", readData(t, "amazon_alexa_reviews.tsv"), 3150, alexaValid, alexaDistinct, 79},
		{"zh phones csv", "phones.csv", readData(t, "online_shopping_phones_zh.csv"), 2323, 2323, 2323, 0},
		{"marc json", "marc.json", jsonBody, 1200, 1200, 1200, 0},
		{"marc jsonl", "marc.jsonl", jsonl.Bytes(), 1200, 1200, 1200, 0},
		{"marc xlsx", "marc.xlsx", xlsx.Bytes(), 1200, 1200, 1200, 0},
	}
	for i, c := range cases {
		asin := fmt.Sprintf("B0FILE%04d", i)
		acc := e.upload(c.file, c.body, asin, nil)
		u := e.waitUpload(acc.UploadID)
		require.Equal(t, store.UploadDone, u.Status, "%s: %s", c.name, u.Error)
		require.Equal(t, c.total, u.RowsTotal, c.name)
		require.Equal(t, c.ingested, u.RowsIngested, c.name)
		require.Equal(t, c.valid-c.ingested, u.RowsDuplicate, c.name)
		require.Equal(t, c.rejected, u.RowsRejected, c.name)
		require.Len(t, u.Rejections, c.rejected, c.name)
		require.Equal(t, c.ingested, e.count("SELECT count(*) FROM reviews WHERE product_id = $1", acc.ProductID), c.name)
		// The raw body is dropped once ingested.
		require.Equal(t, 0, e.count("SELECT count(*) FROM uploads WHERE id = $1 AND body IS NOT NULL", acc.UploadID))

		// The same file again adds nothing.
		again := e.waitUpload(e.upload(c.file, c.body, asin, nil).UploadID)
		require.Equal(t, store.UploadDone, again.Status)
		require.Equal(t, 0, again.RowsIngested, c.name)
		require.Equal(t, c.valid, again.RowsDuplicate, c.name)
		require.Equal(t, c.ingested, e.count("SELECT count(*) FROM reviews WHERE product_id = $1", acc.ProductID), c.name)
	}

	// Every Alexa rejection names the row and says what to fix.
	var rej []store.Rejection
	rows, err := e.pool.Query(t.Context(), `SELECT row_num, col, reason FROM upload_rejections r JOIN uploads u ON u.id = r.upload_id
		JOIN products p ON p.id = u.product_id WHERE p.asin = 'B0FILE0001' ORDER BY row_num LIMIT 3`)
	require.NoError(t, err)
	for rows.Next() {
		var r store.Rejection
		require.NoError(t, rows.Scan(&r.Row, &r.Column, &r.Reason))
		rej = append(rej, r)
	}
	require.NotEmpty(t, rej)
	for _, r := range rej {
		require.Positive(t, r.Row)
		require.NotEmpty(t, r.Reason)
	}
	// Languages were detected on the way in.
	require.Equal(t, 6, e.count(`SELECT count(DISTINCT language) FROM reviews r JOIN products p ON p.id = r.product_id
		WHERE p.asin = 'B0FILE0000' AND language IN ('de','en','es','fr','ja','zh')`))
	// Alexa dates parse ("31-Jul-18").
	require.Equal(t, 0, e.count(`SELECT count(*) FROM reviews r JOIN products p ON p.id = r.product_id
		WHERE p.asin = 'B0FILE0001' AND review_date IS NULL`))
}

func extensionBody(asin string, reviews []map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{
		"asin": asin, "title": "Test Product", "marketplace": "DE", "average_rating": 4.2, "price": "€19,99",
		"bullet_points": []string{"Long battery life", "Loud speaker"},
		"categories":    []map[string]string{{"name": "Electronics", "url": "https://example.com/e"}},
		"reviews":       reviews,
	})
	return b
}

func TestExtensionIngest(t *testing.T) {
	t.Parallel()
	e := newEnv(t, ingestOnly)
	marc := readMARC(t)
	var reviews []map[string]any
	dates := []string{"January 1, 2024", "1. Januar 2024", "1 janvier 2024", "1 de enero de 2024", "2024年1月1日", "sometime last year"}
	for i, m := range marc {
		reviews = append(reviews, map[string]any{
			"review_id": m.id, "author": "a" + strconv.Itoa(i), "rating": m.stars, "title": "", "body": m.text,
			"review_date": dates[i%len(dates)], "verified_purchase": i%2 == 0, "helpful_votes": i % 7,
			"variant": "Color: Black", "image_urls": []string{}, "has_images": false,
		})
	}
	// One bad review: rating out of range. It is rejected, the rest load.
	reviews = append(reviews, map[string]any{"review_id": "bad-1", "rating": 9, "body": "x"})
	var acc struct {
		UploadID  int64 `json:"upload_id"`
		ProductID int64 `json:"product_id"`
	}
	status, raw := e.do(http.MethodPost, "/api/v1/reviews/ingest", bytes.NewReader(extensionBody("B0EXT00001", reviews)), "application/json", &acc)
	require.Equal(t, http.StatusAccepted, status, string(raw[:min(len(raw), 2000)]))
	u := e.waitUpload(acc.UploadID)
	require.Equal(t, store.UploadDone, u.Status, u.Error)
	require.Equal(t, 1201, u.RowsTotal)
	require.Equal(t, 1200, u.RowsIngested)
	require.Equal(t, 1, u.RowsRejected)
	require.Equal(t, "rating", u.Rejections[0].Column)

	// Product metadata, marketplace and dates.
	p, err := store.ProductGetByKey(t.Context(), e.pool, "DE", "B0EXT00001")
	require.NoError(t, err)
	require.Equal(t, "Test Product", p.Title)
	require.Equal(t, []string{"Long battery life", "Loud speaker"}, p.BulletPoints)
	require.Equal(t, 1000, e.count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND review_date = '2024-01-01'`, p.ID))
	// The unparseable date is null with its raw text kept.
	require.Equal(t, 200, e.count(`SELECT count(*) FROM reviews WHERE product_id = $1 AND review_date IS NULL AND review_date_raw = 'sometime last year'`, p.ID))

	// Pushing the same reviews again (the extension re-scrapes) adds none.
	status, raw = e.do(http.MethodPost, "/api/v1/reviews/ingest", bytes.NewReader(extensionBody("B0EXT00001", reviews[:100])), "application/json", &acc)
	require.Equal(t, http.StatusAccepted, status, string(raw))
	u = e.waitUpload(acc.UploadID)
	require.Equal(t, 0, u.RowsIngested)
	require.Equal(t, 100, u.RowsDuplicate)

	// Envelope errors are 422 with the field named.
	status, raw = e.do(http.MethodPost, "/api/v1/reviews/ingest", bytes.NewReader(extensionBody("B0", nil)), "application/json", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), "asin")
	// The same product in another marketplace is another product.
	status, _ = e.do(http.MethodPost, "/api/v1/reviews/ingest", bytes.NewReader(bytes.Replace(extensionBody("B0EXT00001", reviews[:10]), []byte(`"DE"`), []byte(`"FR"`), 1)), "application/json", &acc)
	require.Equal(t, http.StatusAccepted, status)
	require.Equal(t, 2, e.count(`SELECT count(*) FROM products WHERE asin = 'B0EXT00001'`))
}
