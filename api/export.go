package api

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/store"
)

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// exportSource yields a product's rows for the export, each kind in a
// stable order, stopping at fn's first error.
type exportSource interface {
	Reviews(ctx context.Context, fn func(store.ReviewDetail) error) error
	Insights(ctx context.Context, fn func(store.ExportInsight) error) error
	Tags(ctx context.Context, fn func(store.ExportTag) error) error
}

// storeExport reads the export from the database, a page at a time.
type storeExport struct {
	db        store.DBTX
	productID int64
}

func (e storeExport) Reviews(ctx context.Context, fn func(store.ReviewDetail) error) error {
	return store.ReviewExportEach(ctx, e.db, e.productID, fn)
}

func (e storeExport) Insights(ctx context.Context, fn func(store.ExportInsight) error) error {
	return store.InsightExportEach(ctx, e.db, e.productID, fn)
}

func (e storeExport) Tags(ctx context.Context, fn func(store.ExportTag) error) error {
	return store.TagExportEach(ctx, e.db, e.productID, fn)
}

type exportInput struct {
	ID int64 `path:"id" minimum:"1"`
	// base is the scheme and host the request came to, for the links to
	// reviews in the workbook.
	base string
}

var hostRe = regexp.MustCompile(`^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$`)

// Resolve implements huma.Resolver: it records the address the request
// came to, so the workbook's links lead back to this server. The scheme is
// https behind TLS or when a proxy says so (X-Forwarded-Proto).
func (in *exportInput) Resolve(ctx huma.Context) []error {
	scheme := "http"
	if ctx.TLS() != nil || strings.EqualFold(ctx.Header("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	if host := ctx.Host(); hostRe.MatchString(host) {
		in.base = scheme + "://" + host
	}
	return nil
}

func (s *server) registerExportRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "export-xlsx",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/export.xlsx",
		Summary:     "Export a product's reviews, insights and 5W tags as an XLSX workbook",
		Description: "Sheets: Reviews (one row per review, with translation and sentiment), Insights and Tags (one row each, " +
			"keyed by review id). Every row ends with a Link column: a hyperlink to the review in the web UI " +
			"(`/reviews/N`, with `?quote=` for an insight's or tag's quote) on the host the export was requested from. " +
			"The three sheets are read in one consistent snapshot. Text that a spreadsheet would " +
			"take for a formula (starting with =, +, -, @, tab or carriage return) is prefixed with a single quote; the " +
			"Link cells are the only formulas (HYPERLINK), built from the host and URL-encoded text.",
		Tags:   []string{"export"},
		Errors: []int{401, 404},
		Responses: map[string]*huma.Response{"200": {
			Description: "The workbook, as an attachment",
			Content:     map[string]*huma.MediaType{xlsxContentType: {Schema: &huma.Schema{Type: "string", Format: "binary"}}},
		}},
	}, s.exportXLSX)
}

// exportXLSX builds the whole workbook before answering, so a database
// error is still a problem response; only then does it stream the file.
// The stream writers spill to temporary files, so memory stays bounded
// however large the product.
func (s *server) exportXLSX(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
	p, err := store.ProductGet(ctx, s.Pool, in.ID)
	if err != nil {
		return nil, s.storeError(ctx, "product", err)
	}
	return s.streamXLSX(ctx, p, in.base, "reviews", func(tx pgx.Tx) exportSource { return storeExport{db: tx, productID: p.ID} })
}

// streamXLSX builds a product's workbook from source, read in one
// read-only snapshot, before answering (so a database error is still a
// problem response), then streams it as voc-<marketplace>-<asin>-<what>.xlsx.
func (s *server) streamXLSX(ctx context.Context, p store.Product, base, what string, source func(pgx.Tx) exportSource) (*huma.StreamResponse, error) {
	tx, err := s.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, s.storeError(ctx, "export", fmt.Errorf("begin export of product %d: %w", p.ID, err))
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	f, err := buildXLSX(ctx, source(tx), base, p.TargetLanguage)
	if err != nil {
		return nil, s.storeError(ctx, "export", fmt.Errorf("export %s of product %d: %w", what, p.ID, err))
	}
	_ = tx.Rollback(ctx)
	name := fmt.Sprintf("voc-%s-%s-%s.xlsx", unsafeFilename.ReplaceAllString(p.Marketplace, ""), unsafeFilename.ReplaceAllString(p.ASIN, ""), what)
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		defer f.Close()
		hctx.SetHeader("Content-Type", xlsxContentType)
		hctx.SetHeader("Content-Disposition", disposition(true, name))
		hctx.SetStatus(http.StatusOK)
		if err := f.Write(hctx.BodyWriter()); err != nil {
			// The status is sent; the client sees a truncated download.
			s.Log.WarnContext(ctx, "write xlsx export", "product_id", p.ID, "what", what, "error", err)
		}
	}}, nil
}

var (
	reviewColumns = []exportColumn{
		{"Review ID", 10}, {"Rating", 7}, {"Date", 11}, {"Language", 9}, {"Title", 30}, {"Body", 80},
		{"Title (translated)", 30}, {"Body (translated)", 80}, {"Translation status", 12}, {"Sentiment", 10},
		{"Variant", 20}, {"Author", 18}, {"Helpful votes", 8}, {"Verified purchase", 9}, {"Source review ID", 18}, {"Link", 30},
		{"Review URL", 40}, {"Image URLs", 40}, {"Video URL", 40}, {"Excluded", 9}, {"Pinned", 8},
	}
	insightColumns = []exportColumn{
		{"Review ID", 10}, {"Type", 11}, {"Dimension", 22}, {"Quote", 60}, {"Quote (translated)", 60},
		{"Analysis", 60}, {"Sentiment", 10}, {"Confidence", 10}, {"Language", 9}, {"Link", 30},
	}
	tagColumns = []exportColumn{
		{"Review ID", 10}, {"Type", 8}, {"Label", 22}, {"Quote", 60}, {"Quote (translated)", 60},
		{"Explanation", 60}, {"Confidence", 10}, {"Language", 9}, {"Link", 30},
	}
)

type exportColumn struct {
	title string
	width float64
}

// maxLinkChars bounds a link's length: a longer quote is left out of it
// (the review page still opens), keeping the formula far below Excel's
// 8,192-character limit.
const maxLinkChars = 2000

// linkCell is a HYPERLINK formula to the review (and quote) on base, whose
// cached value is the address itself. Without a base (no usable Host) it
// is the relative address as text. The formula is safe to build by
// concatenation: base is checked against hostRe and the rest is
// URL-encoded, so neither holds a double quote.
func linkCell(base string, reviewID int64, quote string) any {
	link := store.ReviewLink(reviewID, quote)
	if len(base)+len(link) > maxLinkChars {
		link = store.ReviewLink(reviewID, "")
	}
	if base == "" {
		return link
	}
	return excelize.Cell{Formula: fmt.Sprintf(`HYPERLINK("%s%s","%s%s")`, base, link, base, link), Value: base + link}
}

// buildXLSX writes the export workbook with excelize's stream writers,
// linking every row to its review on base (scheme and host; empty: relative
// links as text). Quotes get their translation into target, the product's
// language, as the report shows them (store.QuoteInLanguage): a quote in
// the target language is its own translation, and a stored "translation"
// that merely repeats a foreign quote is left empty. The caller writes it
// out and closes it; on error it is closed already.
func buildXLSX(ctx context.Context, src exportSource, base, target string) (_ *excelize.File, err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			_ = f.Close()
		}
	}()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	if err := f.SetSheetName("Sheet1", "Reviews"); err != nil {
		return nil, fmt.Errorf("name sheet: %w", err)
	}
	for _, name := range []string{"Insights", "Tags"} {
		if _, err := f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("add sheet %s: %w", name, err)
		}
	}

	err = writeSheet(f, "Reviews", reviewColumns, bold, func(row func(...any) error) error {
		return src.Reviews(ctx, func(r store.ReviewDetail) error {
			var rating any
			if r.Rating != nil {
				rating = *r.Rating
			}
			return row(r.ID, rating, r.ReviewDate, cellText(r.Language), cellText(r.Title), cellText(r.Body),
				cellText(textOf(r.TitleTranslated)), cellText(textOf(r.BodyTranslated)), r.TranslationStatus,
				cellText(textOf(r.Sentiment)), cellText(r.Variant), cellText(r.Author), r.HelpfulVotes, r.VerifiedPurchase,
				cellText(textOf(r.SourceReviewID)), linkCell(base, r.ID, ""), cellText(r.ReviewURL), cellText(strings.Join(r.ImageURLs, "\n")),
				cellText(r.VideoURL), r.Excluded, r.Pinned)
		})
	})
	if err != nil {
		return nil, err
	}
	err = writeSheet(f, "Insights", insightColumns, bold, func(row func(...any) error) error {
		return src.Insights(ctx, func(x store.ExportInsight) error {
			q := store.QuoteInLanguage(store.Quote{ReviewID: x.ReviewID, Quote: x.Quote, QuoteTranslated: x.QuoteTranslated, Language: x.Language}, target)
			return row(x.ReviewID, x.Type, cellText(x.Dimension), cellText(x.Quote), cellText(q.QuoteTranslated),
				cellText(x.Analysis), x.Sentiment, x.Confidence, cellText(q.Language), linkCell(base, x.ReviewID, x.Quote))
		})
	})
	if err != nil {
		return nil, err
	}
	err = writeSheet(f, "Tags", tagColumns, bold, func(row func(...any) error) error {
		return src.Tags(ctx, func(x store.ExportTag) error {
			q := store.QuoteInLanguage(store.Quote{ReviewID: x.ReviewID, Quote: x.Quote, QuoteTranslated: x.QuoteTranslated, Language: x.Language}, target)
			return row(x.ReviewID, x.Type, cellText(x.Label), cellText(x.Quote), cellText(q.QuoteTranslated),
				cellText(x.Explanation), x.Confidence, cellText(q.Language), linkCell(base, x.ReviewID, x.Quote))
		})
	})
	if err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	return f, nil
}

// writeSheet streams one sheet: a bold, frozen header row, then the rows
// fill produces through row.
func writeSheet(f *excelize.File, sheet string, cols []exportColumn, headerStyle int, fill func(row func(...any) error) error) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("stream sheet %s: %w", sheet, err)
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("sheet %s column width: %w", sheet, err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sheet %s panes: %w", sheet, err)
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c.title
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: headerStyle}); err != nil {
		return fmt.Errorf("sheet %s header: %w", sheet, err)
	}
	n := 1
	err = fill(func(values ...any) error {
		n++
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return fmt.Errorf("sheet %s row %d: %w", sheet, n, err)
		}
		if err := sw.SetRow(cell, values); err != nil {
			return fmt.Errorf("sheet %s row %d: %w", sheet, n, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("flush sheet %s: %w", sheet, err)
	}
	return nil
}

// cellText defuses spreadsheet formula injection: text that Excel, Sheets
// or LibreOffice would evaluate when re-entered or re-imported (starting
// with =, +, -, @, tab or carriage return) gets a leading single quote.
func cellText(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// textOf is the text of an optional string, empty when absent.
func textOf(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
