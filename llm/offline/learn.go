package offline

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/voc-project/voc/llm"
)

// Learning limits (SPEC §3.2).
const (
	maxProductDims  = 8
	minProductDims  = 4
	maxScenarioDims = 5
	minScenarioDims = 3
	maxEmotionDims  = 4
	minEmotionDims  = 3
	maxLabels       = 8
)

// Learn discovers the product's dimensions and 5W label library from the
// sample: seed concepts are counted in opinionated sentences (plus the
// product title and bullet points), frequent nouns that no seed covers are
// grown into new dimensions, and generic dimensions fill the minimum counts.
// Labels are only those with evidence in the sample. Names are in the target
// language when it is en or zh, English otherwise. It fails only when ctx is
// done.
func (*Analyzer) Learn(ctx context.Context, in llm.LearnInput) (llm.LearnOutput, llm.Usage, error) {
	initConcepts()
	target := targetLang(in.TargetLanguage)
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)

	var score [numTables][]float64
	for t := table(0); t < numTables; t++ {
		score[t] = make([]float64, len(conceptsBy[t]))
	}
	grown := map[string]*grownTerm{}

	// Product context: each seed named in the title or bullets counts half.
	ctxText := strings.Join(append([]string{in.ProductTitle}, in.BulletPoints...), "\n")
	if strings.TrimSpace(ctxText) != "" {
		rv := analyzeReview(&llm.ReviewText{Body: ctxText}, nil, sc)
		seen := map[int]bool{}
		for _, s := range rv.sentences {
			for _, c := range s.cues {
				if c.table == tProduct && !seen[c.idx] {
					seen[c.idx] = true
					score[tProduct][c.idx] += 0.5
				}
			}
		}
	}

	for n := range in.Reviews {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return llm.LearnOutput{}, llm.Usage{}, err
			}
		}
		rv := analyzeReview(&in.Reviews[n], nil, sc)
		// Each review counts at most once per concept, so one long review
		// cannot create a dimension on its own.
		best := map[[2]int]float64{}
		note := func(t table, idx int, w float64) {
			k := [2]int{int(t), idx}
			best[k] = math.Max(best[k], w)
		}
		termsSeen := map[string]bool{}
		for si := range rv.sentences {
			s := &rv.sentences[si]
			opinion := math.Abs(s.score) >= sentenceThreshold
			for _, c := range s.cues {
				switch c.table {
				case tProduct:
					w := 0.4
					if opinion || s.suggest {
						w = 1
					}
					note(tProduct, c.idx, w)
				case tScenario, tEmotion:
					note(c.table, c.idx, 1)
				}
			}
			for _, h := range wEvidence(s, rv.lang) {
				note(h.table, h.idx, 1)
			}
			if opinion {
				for _, t := range candidateTerms(s, rv.lang, target, sc) {
					if termsSeen[t.key] {
						continue
					}
					termsSeen[t.key] = true
					g := grown[t.key]
					if g == nil {
						g = &grownTerm{key: t.key, forms: map[string]int{}}
						grown[t.key] = g
					}
					g.df++
					g.forms[t.display]++
				}
			}
		}
		for k, w := range best {
			score[k[0]][k[1]] += w
		}
	}

	out := llm.LearnOutput{}
	out.Dimensions.Product = pickProduct(score[tProduct], grown, len(in.Reviews), target, strings.ToLower(in.ProductTitle))
	out.Dimensions.Scenario = pickDims(tScenario, score[tScenario], 1, minScenarioDims, maxScenarioDims, target)
	out.Dimensions.Emotion = pickDims(tEmotion, score[tEmotion], 1, minEmotionDims, maxEmotionDims, target)
	out.Labels = llm.Labels{
		Buyer: pickLabels(tBuyer, score[tBuyer], target),
		User:  pickLabels(tUser, score[tUser], target),
		Where: pickLabels(tWhere, score[tWhere], target),
		When:  pickLabels(tWhen, score[tWhen], target),
		Why:   pickLabels(tWhy, score[tWhy], target),
		What:  pickLabels(tWhat, score[tWhat], target),
	}
	return out, llm.Usage{}, nil
}

type ranked struct {
	idx   int
	score float64
}

// rankConcepts returns the concepts with score ≥ min, best first, ties in
// seed order.
func rankConcepts(scores []float64, min float64) []ranked {
	var rs []ranked
	for i, s := range scores {
		if s >= min {
			rs = append(rs, ranked{i, s})
		}
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].score > rs[b].score })
	return rs
}

// defaults returns the table's generic concepts in fallback order.
func defaults(t table) []int {
	var ids []int
	for i, c := range conceptsBy[t] {
		if c.defaultRank > 0 {
			ids = append(ids, i)
		}
	}
	sort.SliceStable(ids, func(a, b int) bool {
		return conceptsBy[t][ids[a]].defaultRank < conceptsBy[t][ids[b]].defaultRank
	})
	return ids
}

func dimOf(c *concept, target string) llm.Dimension {
	return llm.Dimension{Name: c.name(target), Definition: c.definition(target)}
}

// pickDims selects min..max dimensions of a kind: those with evidence
// first, then the generic defaults.
func pickDims(t table, scores []float64, minScore float64, minN, maxN int, target string) []llm.Dimension {
	var out []llm.Dimension
	used := map[int]bool{}
	for _, r := range rankConcepts(scores, minScore) {
		if len(out) == maxN {
			break
		}
		used[r.idx] = true
		out = append(out, dimOf(conceptsBy[t][r.idx], target))
	}
	for _, i := range defaults(t) {
		if len(out) >= minN {
			break
		}
		if !used[i] {
			used[i] = true
			out = append(out, dimOf(conceptsBy[t][i], target))
		}
	}
	return out
}

// pickProduct selects 4–8 product dimensions: seed aspects with evidence
// (two opinionated reviews, or one in a sample under ten), grown terms, and
// always the catch-all "overall" dimension, which takes aspect-less praise
// and complaints.
func pickProduct(scores []float64, grown map[string]*grownTerm, nReviews int, target, productText string) []llm.Dimension {
	minScore := 2.0
	if nReviews < 10 {
		minScore = 1
	}
	overall := -1
	for i, c := range conceptsBy[tProduct] {
		if c.generalProduct {
			overall = i
		}
	}
	type cand struct {
		dim   llm.Dimension
		score float64
		seed  int // seed index, -1 for grown terms
	}
	var cands []cand
	for _, r := range rankConcepts(scores, minScore) {
		if r.idx != overall {
			cands = append(cands, cand{dimOf(conceptsBy[tProduct][r.idx], target), r.score, r.idx})
		}
	}
	minDF := max(3, int(math.Ceil(0.1*float64(nReviews))))
	maxDF := int(0.4 * float64(nReviews))
	for _, g := range sortedGrown(grown) {
		// A term in most reviews, or in the product title, is the product
		// itself ("echo"), not an aspect of it.
		if g.df >= minDF && (nReviews < 10 || g.df <= maxDF) && !strings.Contains(productText, g.key) {
			cands = append(cands, cand{g.dimension(target), float64(g.df), -1})
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })

	var out []llm.Dimension
	names := map[string]bool{}
	used := map[int]bool{}
	for _, c := range cands {
		if len(out) == maxProductDims-1 {
			break
		}
		if names[strings.ToLower(c.dim.Name)] {
			continue
		}
		names[strings.ToLower(c.dim.Name)] = true
		if c.seed >= 0 {
			used[c.seed] = true
		}
		out = append(out, c.dim)
	}
	for _, i := range defaults(tProduct) {
		if len(out) >= minProductDims-1 {
			break
		}
		if i != overall && !used[i] {
			used[i] = true
			out = append(out, dimOf(conceptsBy[tProduct][i], target))
		}
	}
	if overall >= 0 {
		out = append(out, dimOf(conceptsBy[tProduct][overall], target))
	}
	return out
}

// pickLabels keeps up to eight labels of a 5W type that have evidence in
// the sample; none are invented.
func pickLabels(t table, scores []float64, target string) []llm.Label {
	out := []llm.Label{}
	for _, r := range rankConcepts(scores, 1) {
		if len(out) == maxLabels {
			break
		}
		c := conceptsBy[t][r.idx]
		out = append(out, llm.Label{Name: c.name(target), Definition: labelDefinition(c, target)})
	}
	return out
}

func labelDefinition(c *concept, target string) string {
	if d := c.definition(target); d != "" {
		return d
	}
	if target == "zh" {
		return fmt.Sprintf("提到%s的评论。", c.zh)
	}
	return fmt.Sprintf("Reviews that mention %s.", strings.ToLower(c.en))
}

// grownTerm is a frequent noun that no seed concept covers.
type grownTerm struct {
	key   string
	df    int            // reviews mentioning it in an opinionated sentence
	forms map[string]int // surface forms seen, for the display name
}

func sortedGrown(m map[string]*grownTerm) []*grownTerm {
	out := make([]*grownTerm, 0, len(m))
	for _, g := range m {
		out = append(out, g)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].df != out[b].df {
			return out[a].df > out[b].df
		}
		return out[a].key < out[b].key
	})
	return out
}

func (g *grownTerm) dimension(target string) llm.Dimension {
	display := g.key
	best := 0
	forms := make([]string, 0, len(g.forms))
	for f := range g.forms {
		forms = append(forms, f)
	}
	sort.Strings(forms)
	for _, f := range forms {
		if g.forms[f] > best {
			display, best = f, g.forms[f]
		}
	}
	if target == "zh" {
		return llm.Dimension{Name: display, Definition: fmt.Sprintf("关于“%s”的评价。", display)}
	}
	r := []rune(display)
	r[0] = unicode.ToUpper(r[0])
	return llm.Dimension{Name: string(r), Definition: fmt.Sprintf("Comments about the %s.", display)}
}

type termCand struct{ key, display string }

// candidateTerms returns noun-like terms of an opinionated sentence that
// no seed concept or lexicon entry covers. English: the word after a
// determiner ("the remote", "my alexa"). Chinese: the two characters right
// before a sentiment word or its modifier (屏幕很好 → 屏幕). Only terms in
// the language the names will be shown in are grown.
func candidateTerms(s *sentence, lang, target string, sc *scratch) []termCand {
	switch {
	case lang == "en" && target == "en":
		return englishCandidates(s, sc)
	case lang == "zh" && target == "zh":
		return chineseCandidates(s, sc)
	}
	return nil
}

var determiners = map[string]bool{"the": true, "my": true, "this": true, "its": true, "their": true, "your": true, "our": true, "his": true, "her": true}

func englishCandidates(s *sentence, sc *scratch) []termCand {
	lx := lexiconFor("en")
	ci := cueIndexes["en"]
	words := strings.FieldsFunc(strings.ToLower(s.text()), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	var out []termCand
	for i := 1; i < len(words); i++ {
		if !determiners[words[i-1]] {
			continue
		}
		w := words[i]
		if len(w) < 4 || strings.ContainsRune(w, '\'') || englishStop[w] {
			continue
		}
		if _, ok := lx.trie.lookup(w); ok {
			continue
		}
		if _, ok := ci.trie.lookup(w); ok {
			continue
		}
		key := w
		if strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			key = w[:len(w)-1]
			if _, ok := ci.trie.lookup(key); ok {
				continue
			}
		}
		out = append(out, termCand{key: key, display: key})
	}
	return out
}

func chineseCandidates(s *sentence, sc *scratch) []termCand {
	lx := lexiconFor("zh")
	ci := cueIndexes["zh"]
	fold(*s.src, s.sp, false, &sc.ft)
	r := scoreSentence(lx, sc)
	rs := sc.ft.runes
	var out []termCand
	for _, c := range r.contribs {
		p := int(c.start)
		// Step back over modifiers (很, 不, 非常...) directly before it.
		for _, h := range sc.hits {
			if int(h.end) == p {
				switch lx.entries[h.val].kind {
				case kInt, kNeg, kDown, kExcess:
					p = int(h.start)
				}
			}
		}
		if p < 2 {
			continue
		}
		cand := rs[p-2 : p]
		if !unicode.Is(unicode.Han, cand[0]) || !unicode.Is(unicode.Han, cand[1]) {
			continue
		}
		w := string(cand)
		if chineseStop[w] {
			continue
		}
		if _, ok := ci.trie.lookup(w); ok {
			continue
		}
		if _, ok := lx.trie.lookup(w); ok {
			continue
		}
		out = append(out, termCand{key: w, display: w})
	}
	return out
}

var englishStop = toSet("thing|things|product|item|items|purchase|price|time|times|money|amazon|review|reviews|stars|star|" +
	"only|first|same|other|best|most|whole|rest|next|last|fact|reason|problem|issue|issues|problems|company|" +
	"seller|unit|device|devices|order|lot|way|bit|kind|sort|size|quality|one|ones|thing's|world|market|box|" +
	"people|person|family|kids|wife|husband|house|home|room|year|years|month|months|week|weeks|days|day|" +
	"end|start|beginning|idea|point|part|parts|side|top|bottom|front|back|inside|outside|name|number|color|" +
	"money|cost|deal|value|version|model|brand|store|shop|experience|feature|features|function|description|" +
	"picture|pictures|photo|photos|instructions|package|packaging|delivery|shipping")

var chineseStop = toSet("这个|那个|感觉|觉得|就是|还是|也是|都是|真的|实在|确实|而且|但是|可是|不过|已经|一个|我们|" +
	"他们|自己|非常|比较|东西|产品|商品|手机|整体|总体|这款|这部|这台|买的|用的|个人|朋友|质量|价格|价钱|" +
	"本书|这本|书的|内容|宝贝|卖家|快递|物流|客服|包装|感谢|看到|收到|用了|时间|以后|之后|之前|现在|目前|" +
	"还有|只是|可以|知道|特别|一直|还算|算是|一下|一些|一点|有点|有些|其他|其它|所以|因为|如果|虽然")

func toSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Split(s, "|") {
		m[w] = true
	}
	return m
}
