package offline

import (
	"strings"
	"unicode"

	"github.com/voc-project/voc/llm"
)

// ConceptKey returns the key of the seed concept that a dimension's or a
// 5W label's name (or, failing that, its definition) refers to, in any
// language the analyser knows, or "" when none does. kind is a dimension
// kind (product, scenario, emotion) or a 5W type (buyer, user, where, when,
// why, what). Comparisons use it to align dimensions of products whose
// models were learned separately: "Akkulaufzeit", "battery life" and "续航"
// share a key.
func ConceptKey(kind, name, definition string) string {
	t, ok := dimTable[kind]
	if !ok {
		if t, ok = wTable[kind]; !ok {
			return ""
		}
	}
	ids := matcherFor(t).match(name, definition)
	if len(ids) == 0 {
		return ""
	}
	return conceptsBy[t][ids[0]].key
}

var stopWords = map[string]bool{"the": true, "and": true, "of": true, "quality": true, "a": true, "&": true, "und": true, "der": true, "die": true, "das": true}

// normalise folds a name for matching: lower case, letters and digits
// only, without stop words, singular.
func normalise(name string) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if stopWords[w] {
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = strings.TrimSuffix(w, "s")
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// AlignKey returns what aligns a dimension or a 5W label offline:
// "concept:<key>" when its name (or definition) refers to a seed concept in
// any language, else "name:<normalised name>".
func AlignKey(kind, name, definition string) string {
	if c := ConceptKey(kind, name, definition); c != "" {
		return "concept:" + c
	}
	return "name:" + normalise(name)
}

// Align is the offline alignment of a comparison's dimensions: dimensions
// of one kind with the same AlignKey form a group, in the products' order,
// named after its first member. Every input dimension is in one group. It
// is the fallback when no language model aligns, and what the simulator
// answers.
func Align(in llm.AlignInput) llm.AlignOutput {
	out := llm.AlignOutput{Groups: []llm.AlignGroup{}}
	at := map[string]int{}
	seen := map[int64]bool{}
	for _, p := range in.Products {
		for _, d := range p.Dimensions {
			if seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			k := d.Kind + "|" + AlignKey(d.Kind, d.Name, d.Definition)
			i, ok := at[k]
			if !ok {
				i = len(out.Groups)
				at[k] = i
				out.Groups = append(out.Groups, llm.AlignGroup{Name: d.Name, Kind: d.Kind})
			}
			out.Groups[i].DimensionIDs = append(out.Groups[i].DimensionIDs, d.ID)
		}
	}
	return out
}
