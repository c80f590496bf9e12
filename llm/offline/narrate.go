package offline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/voc-project/voc/llm"
)

// ErrNoEvidence is returned by Narrate when the input has no evidence: every
// narrative claim must cite at least one review id, so no valid narrative
// exists. Callers should skip the narrative (the aggregates stand alone).
var ErrNoEvidence = errors.New("offline narrate: no evidence to cite")

// Narrative limits.
const (
	maxClaims        = 5
	maxActions       = 5
	maxPersonas      = 4
	maxIDsPerClaim   = 8
	maxSummaryIDs    = 6
	maxQuoteInClaim  = 120
	maxPersonaTraits = 2
)

// topicGroup is the evidence for one (kind, topic).
type topicGroup struct {
	kind, topic string
	ids         []int64
	quote       string
	first       int // position of first evidence, for stable ordering
}

func (g *topicGroup) add(e llm.Evidence, pos int) {
	if len(g.ids) == 0 {
		g.first = pos
	}
	for _, id := range g.ids {
		if id == e.ReviewID {
			return
		}
	}
	g.ids = append(g.ids, e.ReviewID)
	if g.quote == "" || len(g.quote) < 10 && len(e.Quote) >= 10 {
		g.quote = e.Quote
	}
}

// groupEvidence groups evidence by kind and topic, biggest groups first.
func groupEvidence(ev []llm.Evidence) map[string][]*topicGroup {
	byKey := map[string]*topicGroup{}
	for i, e := range ev {
		if e.Topic == "" || e.ReviewID == 0 && e.Quote == "" {
			continue
		}
		k := e.Kind + "\x00" + e.Topic
		g := byKey[k]
		if g == nil {
			g = &topicGroup{kind: e.Kind, topic: e.Topic}
			byKey[k] = g
		}
		g.add(e, i)
	}
	out := map[string][]*topicGroup{}
	for _, g := range byKey {
		out[g.kind] = append(out[g.kind], g)
	}
	for _, gs := range out {
		sort.Slice(gs, func(a, b int) bool {
			if len(gs[a].ids) != len(gs[b].ids) {
				return len(gs[a].ids) > len(gs[b].ids)
			}
			return gs[a].first < gs[b].first
		})
	}
	return out
}

// facts are the optional aggregate fields Narrate understands; anything
// else in ReportInput.Facts is ignored.
type facts struct {
	reviews   int
	avgRating float64
	// counts are true mention counts by kind and topic (top_strengths,
	// top_weaknesses, top_suggestions, five_w labels); dims are each
	// dimension's positive and negative mentions (impact).
	counts map[string]int64
	dims   map[string][2]int64
}

func countKey(kind, topic string) string { return kind + "\x00" + topic }

func readFacts(v any) facts {
	var f facts
	if v == nil {
		return f
	}
	b, err := json.Marshal(v)
	if err != nil {
		return f
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return f
	}
	num := func(keys ...string) float64 {
		for _, k := range keys {
			for mk, mv := range m {
				if strings.EqualFold(mk, k) {
					switch x := mv.(type) {
					case float64:
						return x
					case string:
						if p, err := strconv.ParseFloat(x, 64); err == nil {
							return p
						}
					}
				}
			}
		}
		return 0
	}
	f.reviews = int(num("review_count", "total_reviews", "reviews_total", "reviews", "total", "n_reviews"))
	f.avgRating = num("average_rating", "avg_rating", "rating_avg", "mean_rating")
	var typed struct {
		TopStrengths   []topicCount `json:"top_strengths"`
		TopWeaknesses  []topicCount `json:"top_weaknesses"`
		TopSuggestions []topicCount `json:"top_suggestions"`
		FiveW          []struct {
			Type   string       `json:"type"`
			Labels []topicCount `json:"labels"`
		} `json:"five_w"`
		Impact []struct {
			Dimension string `json:"dimension"`
			Positive  int64  `json:"positive"`
			Negative  int64  `json:"negative"`
		} `json:"impact"`
	}
	if json.Unmarshal(b, &typed) != nil {
		return f
	}
	f.counts, f.dims = map[string]int64{}, map[string][2]int64{}
	for kind, ts := range map[string][]topicCount{llm.InsightStrength: typed.TopStrengths, llm.InsightWeakness: typed.TopWeaknesses, llm.InsightSuggestion: typed.TopSuggestions} {
		for _, t := range ts {
			f.counts[countKey(kind, t.Topic)] = t.Count
		}
	}
	for _, w := range typed.FiveW {
		for _, t := range w.Labels {
			f.counts[countKey(w.Type, t.Topic)] = t.Count
		}
	}
	for _, d := range typed.Impact {
		f.dims[d.Dimension] = [2]int64{d.Positive, d.Negative}
	}
	return f
}

type topicCount struct {
	Topic string `json:"topic"`
	Count int64  `json:"count"`
}

// polarising mirrors report.IsPolarising: both sides at least 3, the
// smaller at least a third of the larger.
func polarising(pos, neg int64) bool {
	lo, hi := min(pos, neg), max(pos, neg)
	return lo >= 3 && 3*lo >= hi
}

// Narrate writes the report narrative from in.Evidence (and a review count
// and average rating from in.Facts when present). Every claim cites review
// ids taken from the evidence; personas come only from buyer/user evidence.
// It returns ErrNoEvidence when there is nothing to cite, and fails
// otherwise only when ctx is done.
func (*Analyzer) Narrate(ctx context.Context, in llm.ReportInput) (llm.ReportOutput, llm.Usage, error) {
	if err := ctx.Err(); err != nil {
		return llm.ReportOutput{}, llm.Usage{}, err
	}
	var ev []llm.Evidence
	for _, e := range in.Evidence {
		if e.ReviewID != 0 && strings.TrimSpace(e.Topic) != "" {
			ev = append(ev, e)
		}
	}
	if len(ev) == 0 {
		return llm.ReportOutput{}, llm.Usage{}, ErrNoEvidence
	}
	zh := targetLang(in.TargetLanguage) == "zh"
	groups := groupEvidence(ev)
	f := readFacts(in.Facts)
	out := llm.ReportOutput{Personas: []llm.Persona{}, Strengths: []llm.Claim{}, Weaknesses: []llm.Claim{}, PriorityActions: []llm.Claim{}}

	// A dimension goes under both strengths and weaknesses only when its
	// mentions split both ways; otherwise only under the side it leans to.
	strengths, weaknesses := groups[llm.InsightStrength], groups[llm.InsightWeakness]
	both := map[string]bool{}
	if f.dims != nil {
		inS := map[string]bool{}
		for _, g := range strengths {
			inS[g.topic] = true
		}
		var keepS, keepW []*topicGroup
		dropS := map[string]bool{}
		for _, g := range weaknesses {
			d, known := f.dims[g.topic]
			switch {
			case !inS[g.topic] || !known:
				keepW = append(keepW, g)
			case polarising(d[0], d[1]):
				both[g.topic] = true
				keepW = append(keepW, g)
			case d[1] > d[0]:
				dropS[g.topic] = true
				keepW = append(keepW, g)
			}
		}
		for _, g := range strengths {
			if !dropS[g.topic] {
				keepS = append(keepS, g)
			}
		}
		strengths, weaknesses = keepS, keepW
	}
	strengths, weaknesses = top(strengths, maxClaims), top(weaknesses, maxClaims)
	shownS, shownW := map[string]bool{}, map[string]bool{}
	for _, g := range strengths {
		shownS[g.topic] = true
	}
	for _, g := range weaknesses {
		shownW[g.topic] = true
	}
	for t := range both {
		if !shownS[t] || !shownW[t] {
			delete(both, t)
		}
	}
	suggestions := top(groups[llm.InsightSuggestion], 2)
	label := func(g *topicGroup) string {
		if !both[g.topic] {
			return ""
		}
		d := f.dims[g.topic]
		if zh {
			return fmt.Sprintf("两极分化：%s有%d条正面和%d条负面提及。", g.topic, d[0], d[1])
		}
		return fmt.Sprintf("Polarising: %s has %d positive and %d negative mentions. ", g.topic, d[0], d[1])
	}

	for _, g := range strengths {
		c := f.claim(zh, llm.InsightStrength, g,
			"%s: praised in %s, e.g. %s.", "%s：%s好评，例如%s。")
		c.Text = label(g) + c.Text
		out.Strengths = append(out.Strengths, c)
	}
	for _, g := range weaknesses {
		c := f.claim(zh, llm.InsightWeakness, g,
			"%s: criticised in %s, e.g. %s.", "%s：%s批评，例如%s。")
		c.Text = label(g) + c.Text
		out.Weaknesses = append(out.Weaknesses, c)
	}
	for i, g := range weaknesses {
		if i == 3 {
			break
		}
		out.PriorityActions = append(out.PriorityActions, f.claim(zh, llm.InsightWeakness, g,
			"Fix %s first: complaints in %s, e.g. %s.", "优先改进%s：%s反映问题，例如%s。"))
	}
	for _, g := range suggestions {
		out.PriorityActions = append(out.PriorityActions, f.claim(zh, llm.InsightSuggestion, g,
			"Consider customers' suggestions on %s (%s), e.g. %s.", "考虑用户对%s的建议（%s），例如%s。"))
	}
	if len(out.PriorityActions) == 0 && len(strengths) > 0 {
		out.PriorityActions = append(out.PriorityActions, f.claim(zh, llm.InsightStrength, strengths[0],
			"Feature %s in the listing: praised in %s, e.g. %s.", "在商品页突出%s：%s好评，例如%s。"))
	}
	if len(out.PriorityActions) > maxActions {
		out.PriorityActions = out.PriorityActions[:maxActions]
	}

	out.Personas = personas(zh, groups, f)
	out.ExecutiveSummary = summary(zh, f, strengths, weaknesses, groups, ev)
	return out, llm.Usage{}, nil
}

func top(gs []*topicGroup, n int) []*topicGroup {
	if len(gs) > n {
		return gs[:n]
	}
	return gs
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func quoteForClaim(q string, zh bool) string {
	q = strings.Join(strings.Fields(q), " ")
	if utf8.RuneCountInString(q) > maxQuoteInClaim {
		q = string([]rune(q)[:maxQuoteInClaim]) + "…"
	}
	if zh {
		return "“" + q + "”"
	}
	return "\u201c" + q + "\u201d"
}

// claim writes a claim about one topic with its true mention count from
// the facts (never the number of evidence quotes, which is a sample).
// Without facts it gives no count.
func (f facts) claim(zh bool, kind string, g *topicGroup, en, zhFmt string) llm.Claim {
	n, ok := f.counts[countKey(kind, g.topic)]
	var count, text string
	switch {
	case ok && zh:
		count = fmt.Sprintf("%d条提及", n)
	case ok:
		count = fmt.Sprintf("%d mention%s", n, plural(int(n)))
	case zh:
		count = "部分评论"
	default:
		count = "several reviews"
	}
	if zh {
		text = fmt.Sprintf(zhFmt, g.topic, count, quoteForClaim(g.quote, true))
	} else {
		text = fmt.Sprintf(en, g.topic, count, quoteForClaim(g.quote, false))
	}
	return llm.Claim{Text: text, ReviewIDs: capIDs(g.ids, maxIDsPerClaim)}
}

func capIDs(ids []int64, n int) []int64 {
	if len(ids) > n {
		ids = ids[:n]
	}
	return append([]int64(nil), ids...)
}

// personas builds up to four personas from buyer and user evidence, each
// described by the where/when/why/what evidence of the same reviews.
func personas(zh bool, groups map[string][]*topicGroup, f facts) []llm.Persona {
	var people []*topicGroup
	people = append(people, groups[llm.WUser]...)
	people = append(people, groups[llm.WBuyer]...)
	sort.SliceStable(people, func(a, b int) bool { return len(people[a].ids) > len(people[b].ids) })
	out := []llm.Persona{}
	seen := map[string]bool{}
	for _, p := range people {
		if len(out) == maxPersonas {
			break
		}
		if seen[p.topic] {
			continue
		}
		seen[p.topic] = true
		ids := map[int64]bool{}
		for _, id := range p.ids {
			ids[id] = true
		}
		var traits []string
		for _, w := range []string{llm.WWhere, llm.WWhen, llm.WWhy, llm.WWhat} {
			var names []string
			for _, g := range groups[w] {
				for _, id := range g.ids {
					if ids[id] {
						names = append(names, g.topic)
						break
					}
				}
				if len(names) == maxPersonaTraits {
					break
				}
			}
			if len(names) > 0 {
				traits = append(traits, personaTrait(zh, w, names))
			}
		}
		n, known := f.counts[countKey(p.kind, p.topic)]
		var summary string
		if zh {
			summary = "该人群在评论中被提及"
			if known {
				summary = fmt.Sprintf("%d条标签涉及该人群", n)
			}
			if len(traits) > 0 {
				summary += "；" + strings.Join(traits, "；")
			}
			summary += "。"
		} else {
			summary = "Mentioned in reviews"
			if known {
				summary = fmt.Sprintf("Tagged in %d review%s", n, plural(int(n)))
			}
			if len(traits) > 0 {
				summary += "; " + strings.Join(traits, "; ")
			}
			summary += "."
		}
		out = append(out, llm.Persona{Name: p.topic, Summary: summary, ReviewIDs: capIDs(p.ids, maxIDsPerClaim)})
	}
	return out
}

func personaTrait(zh bool, w string, names []string) string {
	if zh {
		label := map[string]string{llm.WWhere: "地点", llm.WWhen: "时间", llm.WWhy: "购买动机", llm.WWhat: "用途"}[w]
		return label + "：" + strings.Join(names, "、")
	}
	label := map[string]string{llm.WWhere: "where", llm.WWhen: "when", llm.WWhy: "why", llm.WWhat: "uses it for"}[w]
	return label + ": " + strings.Join(names, ", ")
}

// summary is the executive summary: scale, top praise and top complaints.
func summary(zh bool, f facts, strengths, weaknesses []*topicGroup, groups map[string][]*topicGroup, ev []llm.Evidence) llm.Claim {
	topics := func(gs []*topicGroup, n int) []string {
		var ts []string
		for _, g := range top(gs, n) {
			ts = append(ts, g.topic)
		}
		return ts
	}
	var ids []int64
	addIDs := func(gs []*topicGroup) {
		for _, g := range top(gs, 2) {
			for _, id := range g.ids[:min(len(g.ids), 2)] {
				if len(ids) < maxSummaryIDs && !containsID(ids, id) {
					ids = append(ids, id)
				}
			}
		}
	}
	addIDs(strengths)
	addIDs(weaknesses)
	if len(ids) == 0 {
		for _, e := range ev {
			if len(ids) < maxSummaryIDs && !containsID(ids, e.ReviewID) {
				ids = append(ids, e.ReviewID)
			}
		}
	}
	pos, neg := topics(strengths, 2), topics(weaknesses, 2)
	var b strings.Builder
	if zh {
		if f.reviews > 0 {
			fmt.Fprintf(&b, "共分析%d条评论", f.reviews)
			if f.avgRating > 0 {
				fmt.Fprintf(&b, "（平均评分%.1f）", f.avgRating)
			}
			b.WriteString("。")
		}
		if len(pos) > 0 {
			fmt.Fprintf(&b, "用户最常称赞%s", strings.Join(pos, "、"))
		}
		if len(neg) > 0 {
			if len(pos) > 0 {
				b.WriteString("；")
			}
			fmt.Fprintf(&b, "主要不满集中在%s", strings.Join(neg, "、"))
		}
		if len(pos) == 0 && len(neg) == 0 {
			fmt.Fprintf(&b, "评论主要涉及%s", strings.Join(allTopics(groups, 3), "、"))
		}
		b.WriteString("。")
		return llm.Claim{Text: b.String(), ReviewIDs: ids}
	}
	if f.reviews > 0 {
		fmt.Fprintf(&b, "Across %d reviews", f.reviews)
		if f.avgRating > 0 {
			fmt.Fprintf(&b, " (average rating %.1f)", f.avgRating)
		}
		b.WriteString(", ")
	}
	switch {
	case len(pos) > 0 && len(neg) > 0:
		fmt.Fprintf(&b, "customers most often praise %s, while the main complaints concern %s.", joinEN(pos), joinEN(neg))
	case len(pos) > 0:
		fmt.Fprintf(&b, "customers most often praise %s, with no recurring complaint.", joinEN(pos))
	case len(neg) > 0:
		fmt.Fprintf(&b, "the main complaints concern %s, with no recurring praise.", joinEN(neg))
	default:
		fmt.Fprintf(&b, "reviews mainly discuss %s.", joinEN(allTopics(groups, 3)))
	}
	s := b.String()
	r := []rune(s)
	if len(r) > 0 && r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 32
		s = string(r)
	}
	return llm.Claim{Text: s, ReviewIDs: ids}
}

func allTopics(groups map[string][]*topicGroup, n int) []string {
	var all []*topicGroup
	kinds := make([]string, 0, len(groups))
	for k := range groups {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		all = append(all, groups[k]...)
	}
	sort.SliceStable(all, func(a, b int) bool { return len(all[a].ids) > len(all[b].ids) })
	var out []string
	seen := map[string]bool{}
	for _, g := range all {
		if len(out) == n {
			break
		}
		if !seen[g.topic] {
			seen[g.topic] = true
			out = append(out, g.topic)
		}
	}
	return out
}

func joinEN(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
