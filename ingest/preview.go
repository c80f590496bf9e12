package ingest

import (
	"errors"
)

// PreviewRow is one data row as Parse would see it.
type PreviewRow struct {
	// Row is the 1-based data row number.
	Row int `json:"row"`
	// Review is the mapped review, nil when the row is rejected.
	Review *Review `json:"review,omitempty"`
	// Rejections says why the row would be rejected.
	Rejections []Rejection `json:"rejections,omitempty"`
}

// PreviewResult is what the upload screen shows before import.
type PreviewResult struct {
	Format Format `json:"format"`
	// Headers are the file's columns (JSON: keys of the first objects).
	Headers []string `json:"headers"`
	// Mapping is the mapping Parse would use: opt.Mapping, or AutoMap's.
	Mapping Mapping `json:"mapping"`
	// Unmapped lists headers no field is mapped to.
	Unmapped []string `json:"unmapped"`
	// Missing lists required fields the mapping lacks (body; rating unless a
	// default rating is set). When it is not empty Rows is empty: fix the
	// mapping first.
	Missing []Field `json:"missing"`
	// Rows are the first n data rows.
	Rows []PreviewRow `json:"rows"`
}

// DefaultPreviewRows is the number of rows Preview shows when n <= 0.
const DefaultPreviewRows = 20

// MaxPreviewRows caps n.
const MaxPreviewRows = 1000

// Preview parses the first n data rows of body (DefaultPreviewRows when n
// <= 0, at most MaxPreviewRows) and returns the headers, the mapping it would
// use, each row mapped or rejected, and what the mapping is missing. A
// mapping that lacks required fields is reported in Missing, not as an error,
// so the user can fix it. It returns a *FileError for whole-file problems,
// including a mapping that names a column the file does not have.
func Preview(body []byte, opt Options, n int) (PreviewResult, error) {
	if n <= 0 {
		n = DefaultPreviewRows
	}
	n = min(n, MaxPreviewRows)
	var rows []PreviewRow
	emit := func(r *Review) error {
		rows = append(rows, PreviewRow{Row: r.Row, Review: r})
		return nil
	}
	reject := func(rj Rejection) {
		if k := len(rows) - 1; k >= 0 && rows[k].Row == rj.Row && rows[k].Review == nil {
			rows[k].Rejections = append(rows[k].Rejections, rj)
			return
		}
		rows = append(rows, PreviewRow{Row: rj.Row, Rejections: []Rejection{rj}})
	}
	p, err := newParser(opt, emit, reject)
	if err != nil {
		return PreviewResult{}, err
	}
	p.preview = true
	p.stopAfter = n
	err = p.run(body)
	sum := p.summary()
	res := PreviewResult{
		Format:  sum.Format,
		Headers: sum.Headers,
		Mapping: sum.Mapping,
		Missing: p.missing,
		Rows:    rows,
	}
	if res.Mapping == nil {
		res.Mapping = Mapping{}
	}
	used := map[string]bool{}
	for _, h := range res.Mapping {
		used[h] = true
	}
	for _, h := range res.Headers {
		if h != "" && !used[h] {
			res.Unmapped = append(res.Unmapped, h)
		}
	}
	var fe *FileError
	if err != nil && len(p.missing) > 0 && errors.As(err, &fe) {
		// "No data rows" after a stop for missing fields is not the problem.
		err = nil
	}
	return res, err
}
