// Package comparison compares 2–10 products whose models were learned
// separately. It aligns their dimensions by meaning (the LLM's answer, one
// call per comparison; offline: the seed concept a name refers to in any
// language, else its normalised name; an analyst can correct the
// alignment), builds the matrix of aligned
// dimensions × products and the 5W differences, and renders the comparison
// report. It holds no SQL: the api package reads the numbers from store.
package comparison

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/offline"
	"github.com/voc-project/voc/store"
)

// Limits on the number of products in a comparison.
const (
	MinProducts = 2
	MaxProducts = 10
)

// Product is one compared product with its numbers.
type Product struct {
	ID          int64  `json:"id"`
	Marketplace string `json:"marketplace"`
	ASIN        string `json:"asin"`
	Title       string `json:"title"`
	// TargetLanguage is the language the product is analysed in.
	TargetLanguage string `json:"-"`
	store.ProductOverview
	Dimensions []store.DimensionCell `json:"-"`
	Labels     []store.LabelShare    `json:"-"`
}

// Cell is one aligned dimension in one product. Volume counts the
// insights on the product's dimensions of the group; Net is (positive −
// negative) / volume; Impact is (positive − negative) / the product's
// reviews: how much the dimension moves the product's overall sentiment,
// comparable across products of different sizes.
type Cell struct {
	ProductID    int64         `json:"product_id"`
	DimensionIDs []int64       `json:"dimension_ids"`
	Volume       int64         `json:"volume"`
	Positive     int64         `json:"positive"`
	Negative     int64         `json:"negative"`
	Neutral      int64         `json:"neutral"`
	Net          float64       `json:"net"`
	Impact       float64       `json:"impact"`
	Evidence     []store.Quote `json:"evidence"`
}

// Row is an aligned dimension across the products; Cells has one entry per
// product, in the comparison's order, nil where the product has no such
// dimension.
type Row struct {
	Key     string              `json:"key"`
	Name    string              `json:"name"`
	Kind    string              `json:"kind"`
	Members []store.AlignMember `json:"members"`
	Cells   []*Cell             `json:"cells"`
}

// FiveWDiff is a 5W label (aligned across products the same way) with its
// share of its type's tags in each product; Spread is the largest minus the
// smallest share.
type FiveWDiff struct {
	Type     string        `json:"type"`
	Label    string        `json:"label"`
	Shares   []float64     `json:"shares" doc:"one per product, in the comparison's order; 0 where the product has no such tag"`
	Spread   float64       `json:"spread"`
	Evidence []store.Quote `json:"evidence"`
}

// View is a comparison as the API and the report show it.
type View struct {
	ID              int64              `json:"id"`
	Name            string             `json:"name"`
	AlignmentSource string             `json:"alignment_source" enum:"llm,offline,edited"`
	AlignmentNote   string             `json:"alignment_note,omitempty"`
	Products        []Product          `json:"products"`
	Alignment       []store.AlignGroup `json:"alignment" doc:"the groups the matrix rests on; correct them with PATCH .../alignment"`
	Matrix          []Row              `json:"matrix"`
	FiveW           []FiveWDiff        `json:"five_w_differences"`
}

// key is what aligns a dimension or label offline.
func key(kind, name, def string) string { return offline.AlignKey(kind, name, def) }

// AlignInput is the LLM's alignment request for the products: every
// dimension with its kind, name and definition; group names come back in
// lang.
func AlignInput(products []Product, lang string) llm.AlignInput {
	in := llm.AlignInput{TargetLanguage: lang, Products: make([]llm.AlignProduct, len(products))}
	for i, p := range products {
		ap := llm.AlignProduct{ID: p.ID, Title: p.Title, Dimensions: make([]llm.AlignDimension, len(p.Dimensions))}
		for j, d := range p.Dimensions {
			ap.Dimensions[j] = llm.AlignDimension{ID: d.DimensionID, Kind: d.Kind, Name: d.Name, Definition: d.Definition}
		}
		in.Products[i] = ap
	}
	return in
}

// FromLLM turns an alignment answer into the comparison's groups, keyed
// key. Members that are not a compared product's dimension of the group's
// kind, or that an earlier group holds, are dropped, and so are groups left
// empty: the answer was validated against its schema and cleaned, and this
// is the last guard before it is stored.
func FromLLM(out llm.AlignOutput, products []Product, key string) []store.AlignGroup {
	dims := map[int64]store.DimensionCell{}
	owner := map[int64]int64{}
	for _, p := range products {
		for _, d := range p.Dimensions {
			dims[d.DimensionID], owner[d.DimensionID] = d, p.ID
		}
	}
	used := map[int64]bool{}
	groups := []store.AlignGroup{}
	for _, g := range out.Groups {
		sg := store.AlignGroup{Key: key, Name: strings.TrimSpace(g.Name), Kind: g.Kind}
		for _, id := range g.DimensionIDs {
			d, ok := dims[id]
			if !ok || used[id] || d.Kind != g.Kind {
				continue
			}
			used[id] = true
			sg.Members = append(sg.Members, store.AlignMember{ProductID: owner[id], DimensionID: id, Name: d.Name})
		}
		if len(sg.Members) > 0 {
			if sg.Name == "" {
				sg.Name = sg.Members[0].Name
			}
			groups = append(groups, sg)
		}
	}
	return groups
}

// AlignOffline groups the products' dimensions by the concept their name
// refers to (any language), else by normalised name (offline.Align).
// Groups keep the products' order; each is named after its first member
// and keyed by what aligned it.
func AlignOffline(products []Product) []store.AlignGroup {
	groups := FromLLM(offline.Align(AlignInput(products, "")), products, "")
	defs := map[int64]string{}
	for _, p := range products {
		for _, d := range p.Dimensions {
			defs[d.DimensionID] = d.Definition
		}
	}
	for i, g := range groups {
		m := g.Members[0]
		groups[i].Key = key(g.Kind, m.Name, defs[m.DimensionID])
	}
	return groups
}

// ValidationError lists what is wrong with an alignment correction.
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string { return strings.Join(e.Problems, "; ") }

// Validate checks an alignment against the products: every member names a
// dimension of a compared product, of the group's kind, and no dimension is
// in two groups. It fills in member names and returns a *ValidationError.
func Validate(groups []store.AlignGroup, products []Product) ([]store.AlignGroup, error) {
	dims := map[int64]store.DimensionCell{}
	owner := map[int64]int64{}
	for _, p := range products {
		for _, d := range p.Dimensions {
			dims[d.DimensionID], owner[d.DimensionID] = d, p.ID
		}
	}
	var problems []string
	used := map[int64]int{}
	out := make([]store.AlignGroup, len(groups))
	for gi, g := range groups {
		g.Name = strings.TrimSpace(g.Name)
		if g.Name == "" {
			problems = append(problems, fmt.Sprintf("groups[%d]: name is empty", gi))
		}
		if len(g.Members) == 0 {
			problems = append(problems, fmt.Sprintf("groups[%d]: has no members", gi))
		}
		g.Key = "edited"
		for mi, m := range g.Members {
			d, ok := dims[m.DimensionID]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("groups[%d].members[%d]: dimension %d is not a dimension of a compared product", gi, mi, m.DimensionID))
				continue
			case owner[m.DimensionID] != m.ProductID:
				problems = append(problems, fmt.Sprintf("groups[%d].members[%d]: dimension %d belongs to product %d, not %d", gi, mi, m.DimensionID, owner[m.DimensionID], m.ProductID))
			case d.Kind != g.Kind:
				problems = append(problems, fmt.Sprintf("groups[%d].members[%d]: dimension %d is a %s dimension, the group is %s", gi, mi, m.DimensionID, d.Kind, g.Kind))
			}
			if prev, dup := used[m.DimensionID]; dup {
				problems = append(problems, fmt.Sprintf("groups[%d].members[%d]: dimension %d is already in groups[%d]", gi, mi, m.DimensionID, prev))
			}
			used[m.DimensionID] = gi
			g.Members[mi].Name = d.Name
		}
		out[gi] = g
	}
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return out, nil
}

var kindOrder = map[string]int{"product": 0, "scenario": 1, "emotion": 2}

// Build makes the view: the alignment's groups (dimensions that no group
// names, or that no longer exist, are added alone or dropped), the matrix
// and the 5W differences.
func Build(c store.Comparison, products []Product) View {
	v := View{ID: c.ID, Name: c.Name, AlignmentSource: c.AlignmentSource, AlignmentNote: c.AlignmentNote, Products: products}
	cells := map[int64]store.DimensionCell{}
	col := map[int64]int{}
	reviews := make([]int64, len(products))
	for i, p := range products {
		col[p.ID], reviews[i] = i, p.Reviews
		for _, d := range p.Dimensions {
			cells[d.DimensionID] = d
		}
	}
	seen := map[int64]bool{}
	var groups []store.AlignGroup
	for _, g := range c.Alignment {
		var ms []store.AlignMember
		for _, m := range g.Members {
			if d, ok := cells[m.DimensionID]; ok && !seen[m.DimensionID] {
				if _, ok := col[m.ProductID]; ok {
					seen[m.DimensionID] = true
					m.Name = d.Name
					ms = append(ms, m)
				}
			}
		}
		if len(ms) > 0 {
			g.Members = ms
			groups = append(groups, g)
		}
	}
	for _, p := range products {
		for _, d := range p.Dimensions {
			if !seen[d.DimensionID] {
				groups = append(groups, store.AlignGroup{Key: "unaligned", Name: d.Name, Kind: d.Kind,
					Members: []store.AlignMember{{ProductID: p.ID, DimensionID: d.DimensionID, Name: d.Name}}})
			}
		}
	}
	v.Alignment = groups
	for _, g := range groups {
		row := Row{Key: g.Key, Name: g.Name, Kind: g.Kind, Members: g.Members, Cells: make([]*Cell, len(products))}
		for _, m := range g.Members {
			i := col[m.ProductID]
			if row.Cells[i] == nil {
				row.Cells[i] = &Cell{ProductID: m.ProductID, DimensionIDs: []int64{}, Evidence: []store.Quote{}}
			}
			cell, d := row.Cells[i], cells[m.DimensionID]
			cell.DimensionIDs = append(cell.DimensionIDs, d.DimensionID)
			cell.Positive += d.Positive
			cell.Negative += d.Negative
			cell.Neutral += d.Neutral
			cell.Evidence = append(cell.Evidence, d.Evidence...)
		}
		for i, cell := range row.Cells {
			if cell == nil {
				continue
			}
			cell.Volume = cell.Positive + cell.Negative + cell.Neutral
			if cell.Volume > 0 {
				cell.Net = float64(cell.Positive-cell.Negative) / float64(cell.Volume)
			}
			if reviews[i] > 0 {
				cell.Impact = float64(cell.Positive-cell.Negative) / float64(reviews[i])
			}
			if len(cell.Evidence) > 2 {
				cell.Evidence = cell.Evidence[:2]
			}
		}
		v.Matrix = append(v.Matrix, row)
	}
	covered := func(r Row) (n int, vol int64) {
		for _, c := range r.Cells {
			if c != nil {
				n++
				vol += c.Volume
			}
		}
		return n, vol
	}
	slices.SortStableFunc(v.Matrix, func(a, b Row) int {
		if d := cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]); d != 0 {
			return d
		}
		na, va := covered(a)
		nb, vb := covered(b)
		if d := cmp.Compare(nb, na); d != 0 {
			return d
		}
		return cmp.Compare(vb, va)
	})
	v.FiveW = fiveW(products)
	if v.Matrix == nil {
		v.Matrix = []Row{}
	}
	return v
}

// maxFiveW bounds the 5W differences listed.
const maxFiveW = 30

// fiveW aligns the products' 5W labels like dimensions and lists those
// whose share differs most between products.
func fiveW(products []Product) []FiveWDiff {
	var out []FiveWDiff
	at := map[string]int{}
	for pi, p := range products {
		for _, l := range p.Labels {
			k := l.Type + "|" + key(l.Type, l.Name, "")
			i, ok := at[k]
			if !ok {
				i = len(out)
				at[k] = i
				out = append(out, FiveWDiff{Type: l.Type, Label: l.Name, Shares: make([]float64, len(products)), Evidence: []store.Quote{}})
			}
			out[i].Shares[pi] += l.Share
			if l.Count > 0 && len(l.Evidence) > 0 {
				out[i].Evidence = append(out[i].Evidence, l.Evidence[0])
			}
		}
	}
	kept := out[:0]
	for _, d := range out {
		d.Spread = slices.Max(d.Shares) - slices.Min(d.Shares)
		if d.Spread > 0 {
			kept = append(kept, d)
		}
	}
	slices.SortStableFunc(kept, func(a, b FiveWDiff) int { return cmp.Compare(b.Spread, a.Spread) })
	if len(kept) > maxFiveW {
		kept = kept[:maxFiveW]
	}
	return append([]FiveWDiff{}, kept...)
}
