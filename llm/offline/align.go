package offline

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
