package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/comparison"
	"github.com/voc-project/voc/internal/pdftest"
	"github.com/voc-project/voc/store"
)

// sharedData reads a shared data file from VOC_TEST_DATA, else
// ../shared/data; it skips the test, naming the file, when it is absent.
func sharedData(t *testing.T, name string) []byte {
	t.Helper()
	dir := os.Getenv("VOC_TEST_DATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data")
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if os.IsNotExist(err) {
		t.Skipf("shared data file %s is absent (set VOC_TEST_DATA)", filepath.Join(dir, name))
	}
	require.NoError(t, err)
	return b
}

// csvRows reads a delimited file leniently.
func csvRows(t *testing.T, b []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = comma, true, -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	return recs
}

// threeProducts uploads 40 reviews each of the MARC (multilingual), Alexa
// (English) and Chinese phone files and waits for their final reports.
func threeProducts(t *testing.T, e *env) []int64 {
	t.Helper()
	const n = 40
	write := func(header []string, rows [][]string) []byte {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		require.NoError(t, w.Write(header))
		require.NoError(t, w.WriteAll(rows))
		return buf.Bytes()
	}
	var marc, alexa, phones [][]string
	recs := csvRows(t, sharedData(t, "marc_multilingual_sample.csv"), ',')[1:]
	for i := 0; len(marc) < n && i < len(recs); i += len(recs) / n { // every k-th row mixes the languages
		marc = append(marc, []string{recs[i][0], recs[i][2], recs[i][3]})
	}
	for _, r := range csvRows(t, sharedData(t, "amazon_alexa_reviews.tsv"), '\t')[1:] {
		if len(r) > 3 && strings.TrimSpace(r[3]) != "" && len(alexa) < n {
			alexa = append(alexa, []string{"alexa-" + strconv.Itoa(len(alexa)), r[0], r[3]})
		}
	}
	for _, r := range csvRows(t, sharedData(t, "online_shopping_phones_zh.csv"), ',')[1:] {
		if len(r) > 2 && strings.TrimSpace(r[2]) != "" && len(phones) < n {
			phones = append(phones, []string{"phone-" + strconv.Itoa(len(phones)), r[2]})
		}
	}
	files := []struct {
		asin string
		body []byte
	}{
		{"B0CMPMARC1", write([]string{"review_id", "rating", "text"}, marc)},
		{"B0CMPALEX1", write([]string{"review_id", "rating", "text"}, alexa)},
		{"B0CMPPHON1", write([]string{"review_id", "review"}, phones)},
	}
	var ids []int64
	for _, f := range files {
		acc := e.upload(f.asin+".csv", f.body, f.asin, map[string]string{"target_language": "en"})
		ids = append(ids, acc.ProductID)
	}
	for _, id := range ids {
		e.waitFinal(id, 3*time.Minute)
	}
	return ids
}

func (e *env) compare(body string) (int, []byte, comparison.View) {
	e.t.Helper()
	var v comparison.View
	status, raw := e.do(http.MethodPost, "/api/v1/comparisons", strings.NewReader(body), "application/json", &v)
	return status, raw, v
}

// checkComparison creates a comparison of the three products and checks
// the view, an alignment correction and the reports.
func checkComparison(t *testing.T, e *env, ids []int64, source string) {
	ctx := context.Background()
	var aligned int64
	if e.sim != nil {
		aligned = e.sim.Stats().Tasks["alignment"]
	}
	status, raw, v := e.compare(fmt.Sprintf(`{"name":"Speakers vs phones","product_ids":[%d,%d,%d]}`, ids[0], ids[1], ids[2]))
	require.Equal(t, http.StatusCreated, status, string(raw))
	if e.sim != nil {
		require.Equal(t, aligned+1, e.sim.Stats().Tasks["alignment"], "one alignment call per comparison")
		defer func() {
			require.Equal(t, aligned+1, e.sim.Stats().Tasks["alignment"], "reading and correcting the comparison make no call")
		}()
	}
	require.Len(t, v.Products, 3)
	for i, p := range v.Products {
		require.Equal(t, ids[i], p.ID)
		require.EqualValues(t, 40, p.Reviews, "product %d", p.ID)
		require.NotEmpty(t, p.SentimentShare)
		if i < 2 {
			require.NotEmpty(t, p.RatingDist)
		}
	}
	require.Equal(t, source, v.AlignmentSource)
	require.NotEmpty(t, v.Matrix)
	// Dimensions learned separately in three languages line up by meaning.
	shared := 0
	for _, r := range v.Matrix {
		require.Len(t, r.Cells, 3)
		n := 0
		for i, c := range r.Cells {
			if c == nil {
				continue
			}
			n++
			require.Equal(t, ids[i], c.ProductID)
			require.Equal(t, c.Positive+c.Negative+c.Neutral, c.Volume)
			if c.Volume > 0 {
				require.InDelta(t, float64(c.Positive-c.Negative)/float64(c.Volume), c.Net, 1e-9)
				require.InDelta(t, float64(c.Positive-c.Negative)/40, c.Impact, 1e-9)
			}
		}
		if n >= 2 {
			shared++
		}
	}
	require.Positive(t, shared, "some dimension is aligned across products: %s", raw)
	// The matrix's volumes add up to the insights of the non-excluded reviews.
	for i, id := range ids {
		var sum int64
		for _, r := range v.Matrix {
			if c := r.Cells[i]; c != nil {
				sum += c.Volume
			}
		}
		require.EqualValues(t, e.count(`SELECT count(*) FROM insights i JOIN reviews r ON r.id = i.review_id WHERE r.product_id = $1`, id), sum)
	}

	// 5W differences: shares per product, largest spread first.
	require.NotEmpty(t, v.FiveW, "5W differences")
	for i, d := range v.FiveW {
		require.Len(t, d.Shares, 3)
		require.InDelta(t, slices.Max(d.Shares)-slices.Min(d.Shares), d.Spread, 1e-9)
		require.Positive(t, d.Spread)
		if i > 0 {
			require.LessOrEqual(t, d.Spread, v.FiveW[i-1].Spread)
		}
	}

	// Correct the alignment: split a shared row's first member into a group
	// of its own, renamed. The correction persists.
	var groups []store.AlignGroup
	moved := int64(0)
	for _, g := range v.Alignment {
		if moved == 0 && len(g.Members) >= 2 {
			moved = g.Members[0].DimensionID
			groups = append(groups, store.AlignGroup{Name: g.Name, Kind: g.Kind, Members: g.Members[1:]},
				store.AlignGroup{Name: "Analyst's own", Kind: g.Kind, Members: g.Members[:1]})
			continue
		}
		groups = append(groups, g)
	}
	require.NotZero(t, moved)
	body, _ := json.Marshal(map[string]any{"groups": groups})
	path := fmt.Sprintf("/api/v1/comparisons/%d/alignment", v.ID)
	var fixed comparison.View
	status, raw = e.do(http.MethodPatch, path, bytes.NewReader(body), "application/json", &fixed)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.Equal(t, "edited", fixed.AlignmentSource)
	status, raw = e.do(http.MethodGet, fmt.Sprintf("/api/v1/comparisons/%d", v.ID), nil, "", &fixed)
	require.Equal(t, http.StatusOK, status, string(raw))
	found := false
	for _, r := range fixed.Matrix {
		if r.Name == "Analyst's own" {
			found = true
			require.Equal(t, moved, r.Members[0].DimensionID)
		}
	}
	require.True(t, found, "the correction persists")

	// A bad correction changes nothing.
	var before string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT alignment::text FROM comparisons WHERE id = $1`, v.ID).Scan(&before))
	other := int64(e.count(`SELECT min(id) FROM dimensions WHERE product_id = $1`, ids[1]))
	bad, _ := json.Marshal(map[string]any{"groups": []store.AlignGroup{{Name: "x", Kind: "product",
		Members: []store.AlignMember{{ProductID: ids[0], DimensionID: other}}}}})
	status, raw = e.do(http.MethodPatch, path, bytes.NewReader(bad), "application/json", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, string(raw))
	require.Contains(t, string(raw), fmt.Sprintf("belongs to product %d", ids[1]))
	var after string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT alignment::text FROM comparisons WHERE id = $1`, v.ID).Scan(&after))
	require.Equal(t, before, after)

	// The reports cite evidence from every product.
	md := string(e.getBody(fmt.Sprintf("/api/v1/comparisons/%d/markdown", v.ID)))
	html := string(e.getBody(fmt.Sprintf("/api/v1/comparisons/%d/html", v.ID)))
	sections := strings.Split(md, "\n### ")[1:]
	require.Len(t, sections, 3, md)
	for i, sec := range sections {
		var cited int64
		for _, line := range strings.Split(sec, "\n") {
			if j := strings.LastIndex(line, "(review "); j >= 0 {
				id, err := strconv.ParseInt(strings.TrimSuffix(line[j+len("(review "):], ")"), 10, 64)
				require.NoError(t, err, line)
				cited++
				require.Equal(t, 1, e.count(`SELECT count(*) FROM reviews WHERE id = $1 AND product_id = $2`, id, ids[i]), "review %d is product %d's", id, ids[i])
			}
		}
		require.Positive(t, cited, "product %d has evidence: %s", ids[i], sec)
	}
	require.Contains(t, html, "<h2>Aligned dimensions</h2>")
	require.Equal(t, 3, strings.Count(html, "<h3>"))

	// The PDF cites evidence from every product too (the same quotes and
	// reviews as the Markdown), the Chinese phone reviews' included.
	pdf := e.getBody(fmt.Sprintf("/api/v1/comparisons/%d/pdf", v.ID))
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF-")))
	text := strings.Join(strings.Fields(pdftest.Text(t, pdf)), "")
	cjk := false
	for i, sec := range sections {
		cited := 0
		for _, line := range strings.Split(sec, "\n") {
			if j := strings.LastIndex(line, "(review "); j >= 0 {
				id := strings.TrimSuffix(line[j+len("(review "):], ")")
				require.Contains(t, text, "(review#"+id+")", "product %d's evidence is cited in the PDF", ids[i])
				cited++
				if strings.ContainsFunc(line, func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }) {
					q := line[strings.Index(line, "“")+len("“") : strings.LastIndex(line, "”")]
					require.Contains(t, text, strings.Join(strings.Fields(strings.ReplaceAll(q, "\\", "")), ""), "CJK quotes are set in the PDF")
					cjk = true
				}
			}
		}
		require.Positive(t, cited)
	}
	require.True(t, cjk, "the Chinese phone product has a Chinese quote: %s", md)
}

// TestComparisonOffline compares the MARC, Alexa and Chinese phone
// products analysed by the offline analyser.
func TestComparisonOffline(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{})
	checkComparison(t, e, threeProducts(t, e), "offline")
}

// TestComparisonSim does the same with the LLM simulator as the provider.
func TestComparisonSim(t *testing.T) {
	t.Parallel()
	sc := quietSim()
	e := newEnv(t, envOpts{sim: &sc})
	checkComparison(t, e, threeProducts(t, e), "llm")
}

// TestComparisonBadInput: comparisons of 1 or 11 products, duplicates,
// unknown products and products without a model are refused and nothing
// is stored.
func TestComparisonBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpts{queues: map[string]int{}})
	ctx := context.Background()
	var ids []int64
	for i := 0; i < 11; i++ {
		p, err := store.ProductUpsert(ctx, e.pool, store.ProductInput{Marketplace: "US", ASIN: fmt.Sprintf("B0CMPBAD%02d", i)})
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	list := func(xs []int64) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = strconv.FormatInt(x, 10)
		}
		return strings.Join(s, ",")
	}
	for _, c := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"name":"one","product_ids":[` + list(ids[:1]) + `]}`, 422, "product_ids"},
		{`{"name":"eleven","product_ids":[` + list(ids) + `]}`, 422, "product_ids"},
		{`{"name":"dup","product_ids":[` + list([]int64{ids[0], ids[0]}) + `]}`, 422, "listed twice"},
		{`{"name":"unknown","product_ids":[` + list([]int64{ids[0], 987654321}) + `]}`, 422, "no product has id 987654321"},
		{`{"name":"  ","product_ids":[` + list(ids[:2]) + `]}`, 422, "name"},
		{`{"name":"no model","product_ids":[` + list(ids[:2]) + `]}`, 409, "no model yet"},
	} {
		status, raw, _ := e.compare(c.body)
		require.Equal(t, c.status, status, string(raw))
		require.Contains(t, string(raw), c.want)
		require.Contains(t, string(raw), `"status":`)
	}
	require.Zero(t, e.count(`SELECT count(*) FROM comparisons`))
	status, raw := e.do(http.MethodGet, "/api/v1/comparisons/987654321", nil, "", nil)
	require.Equal(t, http.StatusNotFound, status, string(raw))
}
