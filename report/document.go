package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"

	"github.com/voc-project/voc/store"
)

// ErrNotReady is returned by Load for a report that is still being built,
// or whose build failed: it has nothing to render yet.
var ErrNotReady = errors.New("report is not ready")

// Document is everything a rendered report shows: the product, the stored
// report, its decoded aggregates and its checked narrative.
type Document struct {
	Product   store.Product
	Report    store.Report
	Agg       Aggregates
	Narrative Narrative
}

// Load reads a report with its product and decodes its bodies. It returns
// store.ErrNotFound for an unknown report, ErrNotReady for one still being
// built or that failed, and a wrapped error otherwise.
func Load(ctx context.Context, db store.DBTX, id int64) (Document, error) {
	r, err := store.ReportGet(ctx, db, id)
	if err != nil {
		return Document{}, err
	}
	if r.Status != store.ReportReady {
		return Document{Report: r}, ErrNotReady
	}
	p, err := store.ProductGet(ctx, db, r.ProductID)
	if err != nil {
		return Document{}, fmt.Errorf("product of report %d: %w", id, err)
	}
	return Decode(p, r)
}

// Decode turns a stored report of a product into a Document; it fails only
// on bodies that are not the JSON this package writes.
func Decode(p store.Product, r store.Report) (Document, error) {
	d := Document{Product: p, Report: r}
	if err := json.Unmarshal(r.Aggregates, &d.Agg); err != nil {
		return Document{}, fmt.Errorf("decode aggregates of report %d: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Narrative, &d.Narrative); err != nil {
		return Document{}, fmt.Errorf("decode narrative of report %d: %w", r.ID, err)
	}
	return d, nil
}

// Links says where a rendered report links its citations. The zero value
// links nothing: citations are plain "review #N" text (a share link has no
// review pages to open).
type Links struct {
	// Base is the server's base URL ("https://voc.example.com"); empty
	// gives links relative to the server root.
	Base string
	// Enabled turns citations into links to the web UI's review page,
	// Base + "/reviews/N?quote=…", which highlights the quote.
	Enabled bool
}

// Review returns the URL of review id with quote highlighted, or "" when
// links are off.
func (l Links) Review(id int64, quote string) string {
	if !l.Enabled || id <= 0 {
		return ""
	}
	u := l.Base + "/reviews/" + strconv.FormatInt(id, 10)
	if quote != "" {
		u += "?quote=" + url.QueryEscape(quote)
	}
	return u
}

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// Filename is a download name for the document made of safe characters
// only, with extension ext.
func (d Document) Filename(ext string) string {
	return fmt.Sprintf("voc-report-%s-%s-%d-%s.%s", unsafeFilename.ReplaceAllString(d.Product.Marketplace, ""),
		unsafeFilename.ReplaceAllString(d.Product.ASIN, ""), d.Report.ID, unsafeFilename.ReplaceAllString(d.Report.Kind, ""), ext)
}
