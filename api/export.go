package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/voc-project/voc/store"
)

const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// exportSource yields a product's rows for the export, each kind in a
// stable order, stopping at fn's first error.
type exportSource interface {
	Reviews(ctx context.Context, fn func(store.ReviewDetail) error) error
	Insights(ctx context.Context, fn func(store.ReviewInsight) error) error
	Tags(ctx context.Context, fn func(store.ReviewTag) error) error
}

// storeExport reads the export from the database, a page at a time.
type storeExport struct {
	db        store.DBTX
	productID int64
}

func (e storeExport) Reviews(ctx context.Context, fn func(store.ReviewDetail) error) error {
	return store.ReviewExportEach(ctx, e.db, e.productID, fn)
}

func (e storeExport) Insights(ctx context.Context, fn func(store.ReviewInsight) error) error {
	return store.InsightExportEach(ctx, e.db, e.productID, fn)
}

func (e storeExport) Tags(ctx context.Context, fn func(store.ReviewTag) error) error {
	return store.TagExportEach(ctx, e.db, e.productID, fn)
}

type exportInput struct {
	ID int64 `path:"id" minimum:"1"`
}

func (s *server) registerExportRoutes(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "export-xlsx",
		Method:      http.MethodGet,
		Path:        "/api/v1/products/{id}/export.xlsx",
		Summary:     "Export a product's reviews, insights and 5W tags as an XLSX workbook",
		Description: "Sheets: Reviews (one row per review, with translation and sentiment), Insights and Tags (one row each, " +
			"keyed by review id). The three sheets are read in one consistent snapshot. Text that a spreadsheet would " +
			"take for a formula (starting with =, +, -, @, tab or carriage return) is prefixed with a single quote.",
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
	tx, err := s.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, s.storeError(ctx, "export", fmt.Errorf("begin export of product %d: %w", p.ID, err))
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	f, err := buildXLSX(ctx, storeExport{db: tx, productID: p.ID})
	if err != nil {
		return nil, s.storeError(ctx, "export", fmt.Errorf("export product %d: %w", p.ID, err))
	}
	_ = tx.Rollback(ctx)
	name := fmt.Sprintf("voc-%s-%s-reviews.xlsx", unsafeFilename.ReplaceAllString(p.Marketplace, ""), unsafeFilename.ReplaceAllString(p.ASIN, ""))
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		defer f.Close()
		hctx.SetHeader("Content-Type", xlsxContentType)
		hctx.SetHeader("Content-Disposition", disposition(true, name))
		hctx.SetStatus(http.StatusOK)
		if err := f.Write(hctx.BodyWriter()); err != nil {
			// The status is sent; the client sees a truncated download.
			s.Log.WarnContext(ctx, "write xlsx export", "product_id", p.ID, "error", err)
		}
	}}, nil
}

var (
	reviewColumns = []exportColumn{
		{"Review ID", 10}, {"Rating", 7}, {"Date", 11}, {"Language", 9}, {"Title", 30}, {"Body", 80},
		{"Title (translated)", 30}, {"Body (translated)", 80}, {"Translation status", 12}, {"Sentiment", 10},
		{"Variant", 20}, {"Author", 18}, {"Helpful votes", 8}, {"Verified purchase", 9}, {"Source review ID", 18},
		{"Review URL", 40}, {"Image URLs", 40}, {"Video URL", 40}, {"Excluded", 9}, {"Pinned", 8},
	}
	insightColumns = []exportColumn{
		{"Review ID", 10}, {"Type", 11}, {"Dimension", 22}, {"Quote", 60}, {"Quote (translated)", 60},
		{"Analysis", 60}, {"Sentiment", 10}, {"Confidence", 10},
	}
	tagColumns = []exportColumn{
		{"Review ID", 10}, {"Type", 8}, {"Label", 22}, {"Quote", 60}, {"Quote (translated)", 60},
		{"Explanation", 60}, {"Confidence", 10},
	}
)

type exportColumn struct {
	title string
	width float64
}

// buildXLSX writes the export workbook with excelize's stream writers. The
// caller writes it out and closes it; on error it is closed already.
func buildXLSX(ctx context.Context, src exportSource) (_ *excelize.File, err error) {
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
				cellText(textOf(r.SourceReviewID)), cellText(r.ReviewURL), cellText(strings.Join(r.ImageURLs, "\n")),
				cellText(r.VideoURL), r.Excluded, r.Pinned)
		})
	})
	if err != nil {
		return nil, err
	}
	err = writeSheet(f, "Insights", insightColumns, bold, func(row func(...any) error) error {
		return src.Insights(ctx, func(x store.ReviewInsight) error {
			return row(x.ReviewID, x.Type, cellText(x.Dimension), cellText(x.Quote), cellText(x.QuoteTranslated),
				cellText(x.Analysis), x.Sentiment, x.Confidence)
		})
	})
	if err != nil {
		return nil, err
	}
	err = writeSheet(f, "Tags", tagColumns, bold, func(row func(...any) error) error {
		return src.Tags(ctx, func(x store.ReviewTag) error {
			return row(x.ReviewID, x.Type, cellText(x.Label), cellText(x.Quote), cellText(x.QuoteTranslated),
				cellText(x.Explanation), x.Confidence)
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
