package report

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/voc-project/voc"

	"github.com/voc-project/voc/store"
)

// Narrative is a report's prose after Check: the LLM's (or offline
// analyser's) narrative with every figure verified against the aggregates,
// plus what the check changed.
type Narrative struct {
	voc.Narrative
	// Polarising names the dimensions that appear under both strengths and
	// weaknesses; each such claim is labelled with both counts.
	Polarising []string    `json:"polarising"`
	Check      CheckResult `json:"check"`
}

// CheckResult records what Check did to a narrative.
type CheckResult struct {
	Checked  bool      `json:"checked"`
	Claims   int       `json:"claims"`
	Repaired []Finding `json:"repaired"`
	Dropped  []Finding `json:"dropped"`
}

// Finding is one claim the check repaired or dropped, and why.
type Finding struct {
	Section string `json:"section"`
	Text    string `json:"text"`
	Fixed   string `json:"fixed,omitempty"`
	Reason  string `json:"reason"`
}

// IsPolarising reports whether a dimension's mentions split both ways:
// at least 3 each, and the smaller side at least a third of the larger.
func IsPolarising(pos, neg int64) bool {
	lo, hi := min(pos, neg), max(pos, neg)
	return lo >= 3 && 3*lo >= hi
}

// referent is something a claim can name, with the figures that are true
// of it.
type referent struct {
	name   string
	counts []float64 // any count that is true of it
	shares []float64 // fractions 0–1
	nets   []float64
	rating []float64
	// primary is the count a claim in a section means, for repair.
	primary map[string]int64
	// bySection are the counts a claim about it in a section may state:
	// praise counts under strengths, complaint counts under weaknesses.
	bySection map[string][]float64
}

// facts indexes the aggregates for checking.
type facts struct {
	refs   []*referent // longest name first
	global referent
}

func addShare(r *referent, num, den int64) {
	if den > 0 {
		r.shares = append(r.shares, float64(num)/float64(den))
	}
}

func newFacts(g Aggregates) facts {
	f := facts{global: referent{primary: map[string]int64{}}}
	gl := &f.global
	gl.counts = append(gl.counts, float64(g.Reviews), float64(g.Insights), float64(g.Tags),
		float64(g.Coverage.ReviewsTotal), float64(g.Coverage.InsightsDone), float64(g.Coverage.ThemesDone),
		float64(g.RatingVsSentiment.Agree), float64(g.RatingVsSentiment.Compared))
	gl.shares = append(gl.shares, g.Coverage.Fraction, g.RatingVsSentiment.Rate)
	gl.primary[SecSummary] = g.Reviews
	var rated int64
	for _, c := range g.RatingDist {
		if c.Key != "none" {
			rated += c.Count
		}
	}
	for _, c := range g.RatingDist {
		gl.counts = append(gl.counts, float64(c.Count))
		addShare(gl, c.Count, g.Reviews)
		addShare(gl, c.Count, rated)
	}
	for _, s := range g.SentimentShare {
		gl.counts = append(gl.counts, float64(s.Count))
		gl.shares = append(gl.shares, s.Share)
	}
	if g.AverageRating != nil {
		gl.rating = append(gl.rating, *g.AverageRating)
	}
	byName := map[string]*referent{}
	get := func(name string) *referent {
		k := strings.ToLower(strings.TrimSpace(name))
		if k == "" {
			return nil
		}
		r := byName[k]
		if r == nil {
			r = &referent{name: k, primary: map[string]int64{}, bySection: map[string][]float64{}}
			byName[k] = r
		}
		return r
	}
	for _, im := range g.Impact {
		r := get(im.Dimension)
		r.counts = append(r.counts, float64(im.Mentions), float64(im.Positive), float64(im.Negative),
			float64(im.Mentions-im.Positive-im.Negative), float64(im.NegativeReviews))
		addShare(r, im.Positive, im.Mentions)
		addShare(r, im.Negative, im.Mentions)
		addShare(r, im.NegativeReviews, g.Reviews)
		addShare(r, im.Mentions, g.Insights)
		r.nets = append(r.nets, im.Net, im.RatingLift)
		for _, v := range []*float64{im.RatingWithNegative, im.RatingWithout} {
			if v != nil {
				r.rating = append(r.rating, *v)
			}
		}
		r.primary[SecStrengths] = im.Positive
		r.primary[SecWeaknesses] = im.Negative
		r.primary[SecActions] = im.Negative
		r.bySection[SecStrengths] = append(r.bySection[SecStrengths], float64(im.Positive))
		// Weakness claims count mentions ("criticised in N mentions"); the
		// number of reviews with a complaint is no count a lie may hide behind.
		r.bySection[SecWeaknesses] = append(r.bySection[SecWeaknesses], float64(im.Negative))
		r.bySection[SecActions] = append(r.bySection[SecActions], float64(im.Negative), float64(im.NegativeReviews))
	}
	for _, d := range g.Dimensions {
		r := get(d.Name)
		r.counts = append(r.counts, float64(d.Positive), float64(d.Negative), float64(d.Neutral), float64(d.Positive+d.Negative+d.Neutral))
		r.nets = append(r.nets, d.Net)
	}
	topics := func(sec string, ts []store.TopicStat) {
		for _, t := range ts {
			r := get(t.Topic)
			r.counts = append(r.counts, float64(t.Count))
			if sec == "" {
				r.bySection[SecActions] = append(r.bySection[SecActions], float64(t.Count))
			} else {
				r.bySection[sec] = append(r.bySection[sec], float64(t.Count))
			}
			if sec == SecWeaknesses {
				r.bySection[SecActions] = append(r.bySection[SecActions], float64(t.Count))
			}
			addShare(r, t.Count, g.Insights)
			addShare(r, t.Count, g.Reviews)
			if sec != "" {
				r.primary[sec] = t.Count
			}
		}
	}
	topics(SecStrengths, g.TopStrengths)
	topics(SecWeaknesses, g.TopWeaknesses)
	topics("", g.TopSuggestions)
	for _, w := range g.FiveW {
		for _, l := range w.Labels {
			r := get(l.Topic)
			r.counts = append(r.counts, float64(l.Count))
			r.shares = append(r.shares, l.Share)
			addShare(r, l.Count, g.Reviews)
			r.primary[SecPersonas] = l.Count
			r.bySection[SecPersonas] = append(r.bySection[SecPersonas], float64(l.Count))
		}
	}
	for _, e := range g.Emerging {
		r := get(e.Dimension)
		r.counts = append(r.counts, float64(e.LatestNegative), float64(e.LatestReviews), float64(e.PreviousNegative), float64(e.PreviousReviews))
		r.shares = append(r.shares, e.LatestShare, e.PreviousShare)
	}
	for _, r := range byName {
		f.refs = append(f.refs, r)
	}
	sort.Slice(f.refs, func(i, j int) bool {
		if len(f.refs[i].name) != len(f.refs[j].name) {
			return len(f.refs[i].name) > len(f.refs[j].name)
		}
		return f.refs[i].name < f.refs[j].name
	})
	return f
}

// named returns the referents a text names outside its quotes, longest
// names first, without a shorter name found only inside a longer one.
func (f facts) named(text string) []*referent {
	// A name inside a quote is the reviewer's word, not the claim's subject.
	text = quoted.ReplaceAllStringFunc(text, func(s string) string { return strings.Repeat(" ", len(s)) })
	low := []rune(strings.ToLower(text))
	taken := make([]bool, len(low))
	var out []*referent
	for _, r := range f.refs {
		name := []rune(r.name)
		for i := 0; i+len(name) <= len(low); i++ {
			if string(low[i:i+len(name)]) != r.name || taken[i] {
				continue
			}
			// Whole words only for Latin names ("fit" is not in "benefit").
			if i > 0 && isWordRune(low[i-1]) && isWordRune(name[0]) || i+len(name) < len(low) && isWordRune(low[i+len(name)]) && isWordRune(name[len(name)-1]) {
				continue
			}
			for k := i; k < i+len(name); k++ {
				taken[k] = true
			}
			out = append(out, r)
			break
		}
	}
	return out
}

func isWordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// quoted matches text in quotation marks: verbatim review text, whose
// numbers are the reviewer's, not claims.
var quoted = regexp.MustCompile(`“[^”]*”|"[^"]*"|「[^」]*」|『[^』]*』|‘[^’]*’`)

// number matches a figure: an optional sign, digits with optional
// thousands separators and decimals, then an optional unit.
var number = regexp.MustCompile(`[+\-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+\-−]?\d+(?:\.\d+)?`)

var countNouns = []string{"review", "mention", "customer", "buyer", "user", "complaint", "people", "person", "time",
	"comment", "shopper", "tag", "insight", "rating", "条", "次", "位", "人", "个", "篇"}

type figure struct {
	start, end int
	value      float64
	unit       string // percent, rating, count, plain
	decimals   bool
	sep        bool   // had thousands separators
	noun       string // the count noun that follows, if any
}

func figures(text string) []figure {
	masked := quoted.ReplaceAllStringFunc(text, func(s string) string { return strings.Repeat(" ", len(s)) })
	var out []figure
	for _, m := range number.FindAllStringIndex(masked, -1) {
		raw := masked[m[0]:m[1]]
		// Part of a word or an id ("#123", "B0X1", "v2").
		if m[0] > 0 {
			prev := masked[m[0]-1]
			if prev == '#' || prev == '.' || prev >= 'A' && prev <= 'Z' || prev >= 'a' && prev <= 'z' || prev == '_' {
				continue
			}
		}
		clean := strings.NewReplacer(",", "", "−", "-").Replace(raw)
		v, err := strconv.ParseFloat(clean, 64)
		if err != nil {
			continue
		}
		fg := figure{start: m[0], end: m[1], value: v, decimals: strings.Contains(clean, "."), sep: strings.Contains(raw, ",")}
		rest := strings.ToLower(strings.TrimLeft(masked[m[1]:], " \u00a0-"))
		before := strings.ToLower(masked[max(0, m[0]-24):m[0]])
		switch {
		case strings.HasPrefix(rest, "%") || strings.HasPrefix(rest, "percent") || strings.HasPrefix(rest, "％"):
			fg.unit = "percent"
		case strings.HasPrefix(rest, "★") || strings.HasPrefix(rest, "star") || strings.HasPrefix(rest, "星") || strings.HasPrefix(rest, "分"),
			fg.decimals && v <= 5 && (strings.Contains(before, "rating") || strings.Contains(before, "评分") || strings.Contains(before, "average")):
			fg.unit = "rating"
		default:
			for _, n := range countNouns {
				if strings.HasPrefix(rest, n) {
					fg.unit, fg.noun = "count", n
					break
				}
			}
			if fg.unit == "" {
				fg.unit = "plain"
			}
		}
		out = append(out, fg)
	}
	return out
}

func near(v float64, xs []float64, tol float64) bool {
	for _, x := range xs {
		if math.Abs(v-x) <= tol {
			return true
		}
	}
	return false
}

// trueOfAny reports whether a figure is true of the referents in one of
// the sections.
func (fg figure) trueOfAny(secs []string, one *referent, refs []*referent) bool {
	for _, sec := range secs {
		if fg.trueOf(sec, one, refs) {
			return true
		}
	}
	return false
}

// trueOf reports whether a figure is true of one of the referents. A count
// in a claim about one thing in a section must be a count that section
// speaks of (praise under strengths, complaints under weaknesses).
func (fg figure) trueOf(sec string, one *referent, refs []*referent) bool {
	if fg.unit == "count" && one != nil {
		if xs, ok := one.bySection[sec]; ok {
			return !fg.decimals && near(fg.value, xs, 0)
		}
	}
	var counts, shares, nets, ratings []float64
	for _, r := range refs {
		counts = append(counts, r.counts...)
		shares = append(shares, r.shares...)
		nets = append(nets, r.nets...)
		ratings = append(ratings, r.rating...)
	}
	v := math.Abs(fg.value)
	switch fg.unit {
	case "percent":
		pcts := make([]float64, 0, len(shares)+len(nets))
		for _, s := range shares {
			pcts = append(pcts, 100*s)
		}
		for _, n := range nets {
			pcts = append(pcts, 100*math.Abs(n))
		}
		return near(v, pcts, 0.55)
	case "rating":
		if !fg.decimals && v >= 1 && v <= 5 {
			return true // a star level: "1-star reviews"
		}
		return near(v, ratings, 0.051)
	case "count":
		return !fg.decimals && near(v, counts, 0)
	}
	// A figure without a unit.
	switch {
	case fg.decimals && v <= 1:
		return near(fg.value, nets, 0.0051) || near(v, shares, 0.0051) || near(v, ratings, 0.051)
	case fg.decimals:
		return near(v, ratings, 0.051)
	case v <= 10 || v >= 1900 && v <= 2100 && !fg.sep:
		return true // ordinals, "top 3", years
	}
	return near(v, counts, 0)
}

func formatCount(n int64, sep bool) string {
	s := strconv.FormatInt(n, 10)
	if !sep || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// maskNames blanks the names of refs in text, so a number in a name
// ("USB 3.0 port") is not taken for a figure. Byte offsets are kept.
func maskNames(text string, refs []*referent) string {
	low := strings.ToLower(text)
	if len(low) != len(text) {
		return text
	}
	b := []byte(text)
	for _, r := range refs {
		for i := 0; ; {
			j := strings.Index(low[i:], r.name)
			if j < 0 {
				break
			}
			for k := i + j; k < i+j+len(r.name); k++ {
				b[k] = ' '
			}
			i += j + len(r.name)
		}
	}
	return string(b)
}

// checkText verifies every figure of a claim in section sec. It returns
// the text (repaired when a wrong count could be put right without doubt)
// and "" with a reason when the claim must go.
func (f facts) checkText(sec, text string) (fixed, reason string) {
	refs := f.named(text)
	all := append([]*referent{&f.global}, refs...)
	fixed = text
	shift := 0
	figs := figures(maskNames(text, refs))
	// A count can be put right only when it is the claim's one count:
	// with several, which is which is a guess.
	counts := 0
	for _, fg := range figs {
		if fg.unit == "count" || fg.unit == "plain" && !fg.decimals {
			counts++
		}
	}
	var one *referent
	sections := []string{sec}
	if len(refs) == 1 {
		one = refs[0]
		// A claim that calls its one dimension polarising in its own words
		// may state the praise and the complaint counts, whatever its
		// section; but only that dimension's.
		if low := strings.ToLower(text); strings.Contains(low, "polaris") || strings.Contains(text, "两极") {
			sections = []string{SecStrengths, SecWeaknesses}
		}
	}
	for _, fg := range figs {
		if fg.trueOfAny(sections, one, all) {
			continue
		}
		// Repair: a count in a claim about one thing, whose section says
		// which count it means.
		var want int64
		ok := false
		if counts == 1 && (fg.unit == "count" || fg.unit == "plain" && !fg.decimals) {
			switch {
			case sec == SecSummary && (len(refs) == 0 || fg.noun == "review"):
				// The summary's "across N reviews" is the review total.
				want, ok = f.global.primary[sec]
			case len(refs) == 1:
				want, ok = refs[0].primary[sec]
			}
		}
		if !ok {
			return "", fmt.Sprintf("%q is not a figure of %s", text[fg.start:fg.end], describe(refs))
		}
		repl := formatCount(want, fg.sep)
		fixed = fixed[:fg.start+shift] + repl + fixed[fg.end+shift:]
		shift += len(repl) - (fg.end - fg.start)
	}
	return fixed, ""
}

func describe(refs []*referent) string {
	if len(refs) == 0 {
		return "the report"
	}
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = strconv.Quote(r.name)
	}
	return strings.Join(names, ", ")
}

// Check verifies a narrative against the aggregates before it is stored:
//
//   - every figure in a claim (counts, shares, nets, ratings, ranks) must
//     be true of the aggregate the claim names (a dimension, a label) or of
//     the report as a whole; a wrong count in a claim about one thing is
//     replaced by the true one, any other wrong figure drops the claim;
//   - cited review ids must be in the evidence, and a strength may not cite
//     a complaint nor a weakness praise; a claim left without citations is
//     dropped;
//   - a dimension under both strengths and weaknesses stays in both only
//     when it is polarising (IsPolarising), and then both claims are
//     labelled with both counts; otherwise only the side its mentions lean
//     to keeps it.
//
// Nothing is stored wrong: what cannot be repaired is dropped, and every
// change is listed in the returned Narrative's Check.
func Check(n voc.Narrative, g Aggregates, ev []voc.Evidence) Narrative {
	f := newFacts(g)
	out := Narrative{Polarising: []string{}, Check: CheckResult{Checked: true, Repaired: []Finding{}, Dropped: []Finding{}}}
	kinds := map[int64]map[string]bool{}
	for _, e := range ev {
		if kinds[e.ReviewID] == nil {
			kinds[e.ReviewID] = map[string]bool{}
		}
		kinds[e.ReviewID][e.Kind] = true
	}
	cite := func(sec string, ids []int64) []int64 {
		var keep []int64
		for _, id := range ids {
			k := kinds[id]
			switch {
			case k == nil:
			case sec == SecStrengths && k[voc.InsightWeakness] && !k[voc.InsightStrength]:
			case sec == SecWeaknesses && k[voc.InsightStrength] && !k[voc.InsightWeakness]:
			default:
				if !containsID(keep, id) {
					keep = append(keep, id)
				}
			}
		}
		return keep
	}
	labels := map[string]string{} // the label a kept claim came with
	claim := func(sec string, c voc.Claim, needIDs bool) (voc.Claim, bool) {
		out.Check.Claims++
		orig := c.Text
		c.ReviewIDs = cite(sec, c.ReviewIDs)
		if needIDs && len(c.ReviewIDs) == 0 {
			out.Check.Dropped = append(out.Check.Dropped, Finding{Section: sec, Text: orig, Reason: "cites no review from the evidence that supports it"})
			return c, false
		}
		// The polarising label is the checker's to write, from the data:
		// whatever label the narrative brings is taken off here and
		// polarise puts the true one back where it belongs.
		body, label := splitPolarLabel(c.Text)
		fixed, reason := f.checkText(sec, body)
		if reason != "" {
			out.Check.Dropped = append(out.Check.Dropped, Finding{Section: sec, Text: orig, Reason: reason})
			return c, false
		}
		if fixed != body {
			out.Check.Repaired = append(out.Check.Repaired, Finding{Section: sec, Text: orig, Fixed: fixed, Reason: "a count did not match the data"})
		}
		c.Text = fixed
		if label != "" {
			labels[sec+"\x00"+fixed] = label
		}
		return c, true
	}
	claims := func(sec string, cs []voc.Claim) []voc.Claim {
		kept := []voc.Claim{}
		for _, c := range cs {
			if strings.TrimSpace(c.Text) == "" {
				continue
			}
			if c, ok := claim(sec, c, true); ok {
				kept = append(kept, c)
			}
		}
		return kept
	}
	if strings.TrimSpace(n.ExecutiveSummary.Text) != "" {
		if c, ok := claim(SecSummary, n.ExecutiveSummary, false); ok {
			out.ExecutiveSummary = c
		}
	}
	out.Strengths = claims(SecStrengths, n.Strengths)
	out.Weaknesses = claims(SecWeaknesses, n.Weaknesses)
	out.PriorityActions = claims(SecActions, n.PriorityActions)
	out.Personas = []voc.Persona{}
	for _, p := range n.Personas {
		c, ok := claim(SecPersonas, voc.Claim{Text: p.Name + ": " + p.Summary, ReviewIDs: p.ReviewIDs}, true)
		if !ok {
			continue
		}
		p.ReviewIDs = c.ReviewIDs
		p.Summary = strings.TrimPrefix(c.Text, p.Name+": ")
		out.Personas = append(out.Personas, p)
	}
	out.polarise(g, labels)
	// A label left over sat on a claim whose dimension is not under both
	// strengths and weaknesses (or is not polarising): it is gone.
	for sec, cs := range map[string][]voc.Claim{SecSummary: {out.ExecutiveSummary}, SecStrengths: out.Strengths, SecWeaknesses: out.Weaknesses, SecActions: out.PriorityActions} {
		for _, c := range cs {
			if was, ok := labels[sec+"\x00"+c.Text]; ok {
				out.Check.Repaired = append(out.Check.Repaired, Finding{Section: sec, Text: was + c.Text, Fixed: c.Text, Reason: "a polarising label on a dimension that is not both a strength and a weakness here"})
			}
		}
	}
	return out
}

var (
	polarLabelEN = regexp.MustCompile(`^\s*Polarising: .+? has [\d,]+ positive and [\d,]+ negative mentions\.\s*`)
	polarLabelZH = regexp.MustCompile(`^\s*两极分化：.+?有[\d,]+条正面和[\d,]+条负面提及。\s*`)
)

// splitPolarLabel takes a leading polarising label ("Polarising: X has P
// positive and N negative mentions." or its Chinese form) off a claim.
func splitPolarLabel(text string) (body, label string) {
	for _, re := range []*regexp.Regexp{polarLabelEN, polarLabelZH} {
		if loc := re.FindStringIndex(text); loc != nil {
			return text[loc[1]:], text[:loc[1]]
		}
	}
	return text, ""
}

// polarLabel is the label of a polarising dimension, in the claim's
// language.
func polarLabel(im Impact, claim string) string {
	for _, r := range claim {
		if unicode.Is(unicode.Han, r) {
			return fmt.Sprintf("两极分化：%s有%d条正面和%d条负面提及。", im.Dimension, im.Positive, im.Negative)
		}
	}
	return fmt.Sprintf("Polarising: %s has %d positive and %d negative mentions. ", im.Dimension, im.Positive, im.Negative)
}

// polarise keeps a dimension under both strengths and weaknesses only when
// its mentions split both ways, labelling both claims with both counts.
//
// labels holds the labels claims came with (by section and checked text):
// a label that differs from the data's is listed as repaired, and one on a
// dimension that is not polarising goes.
func (n *Narrative) polarise(g Aggregates, labels map[string]string) {
	f := newFacts(Aggregates{Impact: g.Impact})
	first := func(c voc.Claim) *referent {
		if rs := f.named(c.Text); len(rs) > 0 {
			return rs[0]
		}
		return nil
	}
	byName := map[string]Impact{}
	for _, im := range g.Impact {
		byName[strings.ToLower(strings.TrimSpace(im.Dimension))] = im
	}
	strong := map[string]int{}
	for i, c := range n.Strengths {
		if r := first(c); r != nil {
			if _, dup := strong[r.name]; !dup {
				strong[r.name] = i
			}
		}
	}
	dropS, labelledS := map[int]bool{}, map[int]bool{}
	keepW := []voc.Claim{}
	for _, c := range n.Weaknesses {
		r := first(c)
		si, both := 0, false
		if r != nil {
			si, both = strong[r.name]
		}
		if !both {
			keepW = append(keepW, c)
			continue
		}
		im := byName[r.name]
		if IsPolarising(im.Positive, im.Negative) {
			label := func(sec string, c *voc.Claim) {
				l := polarLabel(im, c.Text)
				key := sec + "\x00" + c.Text
				if was, ok := labels[key]; ok && strings.TrimSpace(was) != strings.TrimSpace(l) {
					n.Check.Repaired = append(n.Check.Repaired, Finding{Section: sec, Text: was + c.Text, Fixed: l + c.Text, Reason: "the polarising label's counts did not match the data"})
				}
				delete(labels, key)
				c.Text = l + c.Text
			}
			if !labelledS[si] {
				labelledS[si] = true
				label(SecStrengths, &n.Strengths[si])
			}
			label(SecWeaknesses, &c)
			keepW = append(keepW, c)
			if !containsString(n.Polarising, im.Dimension) {
				n.Polarising = append(n.Polarising, im.Dimension)
			}
			continue
		}
		reason := fmt.Sprintf("%s is under both strengths and weaknesses but is not polarising (%d positive, %d negative mentions)",
			im.Dimension, im.Positive, im.Negative)
		if im.Positive >= im.Negative {
			n.Check.Dropped = append(n.Check.Dropped, Finding{Section: SecWeaknesses, Text: c.Text, Reason: reason})
			continue
		}
		keepW = append(keepW, c)
		if !dropS[si] {
			dropS[si] = true
			n.Check.Dropped = append(n.Check.Dropped, Finding{Section: SecStrengths, Text: n.Strengths[si].Text, Reason: reason})
		}
	}
	n.Weaknesses = keepW
	keepS := []voc.Claim{}
	for i, c := range n.Strengths {
		if !dropS[i] {
			keepS = append(keepS, c)
		}
	}
	n.Strengths = keepS
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
