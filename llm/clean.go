package llm

import (
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/voc-project/voc"
)

// Schema validation proves an answer has the right shape; the Clean functions
// prove it is about the input. A model may answer for an id it was not given,
// quote text the review does not contain, or use a dimension or label outside
// the product's model. Such items are dropped rather than stored: a missing
// insight is retried or reported as coverage, a hallucinated one pollutes the
// report. Each function returns the cleaned output and how many items it
// dropped.

// CleanTranslations drops translations for ids not in the input and
// duplicates of an id already answered.
func CleanTranslations(in TranslateInput, out TranslateOutput) (TranslateOutput, int) {
	ids := reviewIDs(in.Reviews)
	seen := make(map[int64]bool, len(out.Translations))
	kept := make([]Translation, 0, len(out.Translations))
	dropped := 0
	for _, tr := range out.Translations {
		if _, ok := ids[tr.ID]; !ok || seen[tr.ID] {
			dropped++
			continue
		}
		seen[tr.ID] = true
		kept = append(kept, tr)
	}
	return TranslateOutput{Translations: kept}, dropped
}

// CleanInsights drops answers for unknown or repeated ids, and insights whose
// quote LocateQuote cannot find in the review (title, body or translation) or
// whose dimension is
// not one of the input dimensions of the kind the insight type requires. A
// dimension that matches up to case and spacing is rewritten to the model's
// spelling.
func CleanInsights(in InsightInput, out InsightOutput) (InsightOutput, int) {
	ids := reviewIDs(in.Reviews)
	dims := map[string]map[string]string{
		DimProduct:  nameIndex(dimNames(in.Dimensions.Product)),
		DimScenario: nameIndex(dimNames(in.Dimensions.Scenario)),
		DimEmotion:  nameIndex(dimNames(in.Dimensions.Emotion)),
	}
	seen := make(map[int64]bool, len(out.Reviews))
	kept := make([]ReviewInsights, 0, len(out.Reviews))
	dropped := 0
	for _, ri := range out.Reviews {
		rev, ok := ids[ri.ID]
		if !ok || seen[ri.ID] {
			dropped++
			continue
		}
		seen[ri.ID] = true
		ins := make([]Insight, 0, len(ri.Insights))
		for _, it := range ri.Insights {
			name, ok := dims[DimensionKindFor(it.Type)][nameKey(it.Dimension)]
			if _, found := LocateQuote(it.Quote, rev); !ok || !found {
				dropped++
				continue
			}
			it.Dimension = name
			ins = append(ins, it)
		}
		ri.Insights = ins
		kept = append(kept, ri)
	}
	return InsightOutput{Reviews: kept}, dropped
}

// CleanThemes drops answers for unknown or repeated ids, and tags whose quote
// LocateQuote cannot find in the review or whose label is not in the input library
// for the tag's type. A label that matches up to case and spacing is
// rewritten to the library's spelling.
func CleanThemes(in ThemeInput, out ThemeOutput) (ThemeOutput, int) {
	ids := reviewIDs(in.Reviews)
	libs := make(map[string]map[string]string, len(WTypes))
	for _, t := range WTypes {
		libs[t] = nameIndex(labelNames(in.Labels.ByType(t)))
	}
	seen := make(map[int64]bool, len(out.Reviews))
	kept := make([]ReviewTags, 0, len(out.Reviews))
	dropped := 0
	for _, rt := range out.Reviews {
		rev, ok := ids[rt.ID]
		if !ok || seen[rt.ID] {
			dropped++
			continue
		}
		seen[rt.ID] = true
		tags := make([]Tag, 0, len(rt.Tags))
		for _, tg := range rt.Tags {
			name, ok := libs[tg.Type][nameKey(tg.Label)]
			if _, found := LocateQuote(tg.Quote, rev); !ok || !found {
				dropped++
				continue
			}
			tg.Label = name
			tags = append(tags, tg)
		}
		rt.Tags = tags
		kept = append(kept, rt)
	}
	return ThemeOutput{Reviews: kept}, dropped
}

// CleanReport removes cited review ids that are not in the input evidence,
// then drops claims and personas left with no citation. The executive summary
// is kept even if it loses its citations. With no evidence in the input there
// is nothing to check against and out is returned unchanged.
func CleanReport(in ReportInput, out ReportOutput) (ReportOutput, int) {
	if len(in.Evidence) == 0 {
		return out, 0
	}
	ok := make(map[int64]bool, len(in.Evidence))
	for _, e := range in.Evidence {
		ok[e.ReviewID] = true
	}
	dropped := 0
	filterIDs := func(ids []int64) []int64 {
		kept := make([]int64, 0, len(ids))
		for _, id := range ids {
			if ok[id] {
				kept = append(kept, id)
			} else {
				dropped++
			}
		}
		return kept
	}
	claims := func(cs []Claim) []Claim {
		kept := make([]Claim, 0, len(cs))
		for _, c := range cs {
			c.ReviewIDs = filterIDs(c.ReviewIDs)
			if len(c.ReviewIDs) == 0 {
				dropped++
				continue
			}
			kept = append(kept, c)
		}
		return kept
	}
	out.ExecutiveSummary.ReviewIDs = filterIDs(out.ExecutiveSummary.ReviewIDs)
	out.Strengths = claims(out.Strengths)
	out.Weaknesses = claims(out.Weaknesses)
	out.PriorityActions = claims(out.PriorityActions)
	personas := make([]Persona, 0, len(out.Personas))
	for _, p := range out.Personas {
		p.ReviewIDs = filterIDs(p.ReviewIDs)
		if len(p.ReviewIDs) == 0 {
			dropped++
			continue
		}
		personas = append(personas, p)
	}
	out.Personas = personas
	return out, dropped
}

// CleanLearn trims names, drops empty ones and merges duplicates that differ
// only in case or spacing, keeping the first. Counts above the schema maxima
// cannot occur in a validated answer and are not trimmed here.
func CleanLearn(out LearnOutput) (LearnOutput, int) {
	dropped := 0
	dedupDims := func(ds []Dimension) []Dimension {
		seen := make(map[string]bool, len(ds))
		kept := make([]Dimension, 0, len(ds))
		for _, d := range ds {
			d.Name = strings.TrimSpace(d.Name)
			d.Definition = strings.TrimSpace(d.Definition)
			k := nameKey(d.Name)
			if k == "" || seen[k] {
				dropped++
				continue
			}
			seen[k] = true
			kept = append(kept, d)
		}
		return kept
	}
	dedupLabels := func(ls []Label) []Label {
		seen := make(map[string]bool, len(ls))
		kept := make([]Label, 0, len(ls))
		for _, l := range ls {
			l.Name = strings.TrimSpace(l.Name)
			l.Definition = strings.TrimSpace(l.Definition)
			k := nameKey(l.Name)
			if k == "" || seen[k] {
				dropped++
				continue
			}
			seen[k] = true
			kept = append(kept, l)
		}
		return kept
	}
	out.Dimensions.Product = dedupDims(out.Dimensions.Product)
	out.Dimensions.Scenario = dedupDims(out.Dimensions.Scenario)
	out.Dimensions.Emotion = dedupDims(out.Dimensions.Emotion)
	out.Labels.Buyer = dedupLabels(out.Labels.Buyer)
	out.Labels.User = dedupLabels(out.Labels.User)
	out.Labels.Where = dedupLabels(out.Labels.Where)
	out.Labels.When = dedupLabels(out.Labels.When)
	out.Labels.Why = dedupLabels(out.Labels.Why)
	out.Labels.What = dedupLabels(out.Labels.What)
	return out, dropped
}

func reviewIDs(rs []ReviewText) map[int64]ReviewText {
	m := make(map[int64]ReviewText, len(rs))
	for _, r := range rs {
		m[r.ID] = r
	}
	return m
}

func dimNames(ds []Dimension) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Name
	}
	return out
}

func labelNames(ls []Label) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Name
	}
	return out
}

// nameIndex maps the comparison key of each name to its canonical spelling.
func nameIndex(names []string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		if k := nameKey(n); k != "" {
			if _, dup := m[k]; !dup {
				m[k] = n
			}
		}
	}
	return m
}

// nameKey compares dimension and label names ignoring case and spacing.
func nameKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// Quote fields: where a located quote was found.
const (
	FieldTitle           = "title"
	FieldBody            = "body"
	FieldTitleTranslated = "title_translated"
	FieldBodyTranslated  = "body_translated"
)

// QuoteSpan is where a quote sits in a review (see voc.QuoteSpan).
type QuoteSpan = voc.QuoteSpan

// maxQuoteGap bounds, in characters, what an ellipsis in a quote may stand
// for: "t ... e" must not match a whole review.
const maxQuoteGap = 80

// minQuoteFragment is the shortest piece, in characters, of a quote with an
// ellipsis: single letters around one would match almost anything.
const minQuoteFragment = 3

// LocateQuote finds quote in the review's title, body, translated title or
// translated body (in that order), tolerating what models routinely change
// without changing the words: whitespace runs, letter case, typographic
// versus ASCII quotes and dashes, quotation marks or ellipses around the
// quote, and an ellipsis standing for an omitted middle of at most
// maxQuoteGap characters (each fragment must then occur, in order, in the
// same field, and each at least minQuoteFragment characters long). It returns the span of the review's own characters that
// matched, from the first fragment's first character to the last one's last.
// An empty quote is never found.
func LocateQuote(quote string, r ReviewText) (QuoteSpan, bool) {
	frags := quoteFragments(quote)
	if len(frags) == 0 {
		return QuoteSpan{}, false
	}
	if len(frags) > 1 {
		for _, f := range frags {
			if utf8.RuneCountInString(f) < minQuoteFragment {
				return QuoteSpan{}, false
			}
		}
	}
	fields := []struct{ name, text string }{
		{FieldTitle, r.Title}, {FieldBody, r.Body}, {FieldTitleTranslated, r.TitleTranslated}, {FieldBodyTranslated, r.BodyTranslated},
	}
	for _, f := range fields {
		if f.text == "" {
			continue
		}
		if start, end, ok := locate(frags, f.text); ok {
			runes := []rune(f.text)
			return QuoteSpan{Field: f.name, Start: start, End: end, Text: string(runes[start:end])}, true
		}
	}
	return QuoteSpan{}, false
}

// locate finds the fragments in order in text and returns the character
// range they cover.
func locate(frags []string, text string) (start, end int, ok bool) {
	h, idx := foldTextIndex(text)
	// Each fragment is tried at every occurrence of the first one, so that a
	// near-miss early in the text does not hide a match later.
	for from := 0; ; {
		i := strings.Index(h[from:], frags[0])
		if i < 0 {
			return 0, 0, false
		}
		first := from + i
		pos := first + len(frags[0])
		last := pos
		found := true
		for _, f := range frags[1:] {
			j := strings.Index(h[pos:], f)
			if j < 0 || idx[pos+j]-idx[pos-1] > maxQuoteGap {
				found = false
				break
			}
			pos += j + len(f)
			last = pos
		}
		if found {
			return idx[first], idx[last-1] + 1, true
		}
		from = first + 1
	}
}

// QuoteMatches reports whether quote is found, by LocateQuote's rules, in
// one of texts.
func QuoteMatches(quote string, texts ...string) bool {
	for _, t := range texts {
		if _, ok := LocateQuote(quote, ReviewText{Body: t}); ok {
			return true
		}
	}
	return false
}

func quoteFragments(quote string) []string {
	q := strings.ReplaceAll(quote, "…", "...")
	var out []string
	for _, part := range strings.Split(q, "...") {
		f := strings.TrimFunc(foldText(part), isQuoteEdge)
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// isQuoteEdge reports runes a model adds around a quote: spaces, quotation
// marks and trailing sentence punctuation.
func isQuoteEdge(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(`"'.,;:!?-`+"。，；：！？「」『』《》", r)
}

// foldText lowercases s, maps typographic quotes and dashes to ASCII and
// collapses whitespace runs to one space.
func foldText(s string) string {
	f, _ := foldTextIndex(s)
	return f
}

// foldTextIndex is foldText that also returns, for each byte of the folded
// text, the index of the character of s it came from.
func foldTextIndex(s string) (string, []int) {
	var b strings.Builder
	b.Grow(len(s))
	idx := make([]int, 0, len(s))
	space := false
	spaceAt := 0
	ri := 0
	for _, r := range s {
		switch r {
		case '‘', '’', '‚', '‛', '′', '＇':
			r = '\''
		case '“', '”', '„', '‟', '″', '＂':
			r = '"'
		case '‐', '‑', '‒', '–', '—', '―', '−':
			r = '-'
		}
		if unicode.IsSpace(r) {
			if !space {
				spaceAt = ri
			}
			space = true
			ri++
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
			idx = append(idx, spaceAt)
		}
		space = false
		n := b.Len()
		b.WriteRune(unicode.ToLower(r))
		for i := n; i < b.Len(); i++ {
			idx = append(idx, ri)
		}
		ri++
	}
	return b.String(), idx
}

// EstimateTokens returns a rough token count for s, for rate limiting and
// for providers that report no usage: about four ASCII characters per token,
// and one token per other character (CJK text tokenises near one token per
// character in Qwen's and OpenAI's vocabularies).
func EstimateTokens(s string) int {
	ascii, other := 0, 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			ascii++
			i++
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		other++
		i += n
	}
	return (ascii+3)/4 + other
}

// EncodeOutput encodes a task output (or input) the way an answer should
// look: nil slices become [] (the schemas require arrays, never null) and
// text is not HTML-escaped. It returns an error only if v cannot be encoded
// as JSON.
func EncodeOutput(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	cp := reflect.New(rv.Type()).Elem()
	cp.Set(rv)
	fillNilSlices(cp)
	return marshalCompact(cp.Interface())
}

// fillNilSlices replaces nil slices with empty ones throughout v, which must
// be addressable. Slices shared with the caller's value are copied before
// their elements are touched, so the caller's value is never modified.
func fillNilSlices(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			cp := reflect.New(v.Type().Elem())
			cp.Elem().Set(v.Elem())
			fillNilSlices(cp.Elem())
			v.Set(cp)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				fillNilSlices(f)
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			if v.Type().Elem().Kind() != reflect.Uint8 {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(cp, v)
		for i := 0; i < cp.Len(); i++ {
			fillNilSlices(cp.Index(i))
		}
		v.Set(cp)
	}
}

// CleanAlign keeps what an alignment may hold: ids of input dimensions,
// each in its first group only, in a group of its own kind, and groups that
// still have a member. It returns the cleaned answer and how many members
// and groups it dropped. Input dimensions the answer leaves out are the
// caller's to show unaligned.
func CleanAlign(in AlignInput, out AlignOutput) (AlignOutput, int) {
	kind := map[int64]string{}
	for _, p := range in.Products {
		for _, d := range p.Dimensions {
			kind[d.ID] = d.Kind
		}
	}
	used := map[int64]bool{}
	dropped := 0
	groups := make([]AlignGroup, 0, len(out.Groups))
	for _, g := range out.Groups {
		g.Name = strings.TrimSpace(g.Name)
		ids := make([]int64, 0, len(g.DimensionIDs))
		for _, id := range g.DimensionIDs {
			k, ok := kind[id]
			if !ok || used[id] || k != g.Kind {
				dropped++
				continue
			}
			used[id] = true
			ids = append(ids, id)
		}
		if len(ids) == 0 || g.Name == "" {
			dropped++
			for _, id := range ids {
				used[id] = false
			}
			continue
		}
		g.DimensionIDs = ids
		groups = append(groups, g)
	}
	return AlignOutput{Groups: groups}, dropped
}
