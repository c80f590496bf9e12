package offline

// trie is a rune trie over folded lexicon keys. Edges live in one map keyed
// by (node, rune), which keeps the structure compact and lookups cheap. It is
// built once and only read afterwards, so it is safe for concurrent use.
type trie struct {
	edges map[uint64]int32
	val   []int32 // payload index per node, -1 when the node ends no key
}

func newTrie() *trie {
	return &trie{edges: make(map[uint64]int32), val: []int32{-1}}
}

func edgeKey(node int32, r rune) uint64 { return uint64(node)<<32 | uint64(uint32(r)) }

// insert adds key with payload v. An existing payload is kept unless
// overwrite is set, so explicit entries beat generated inflections.
func (t *trie) insert(key string, v int32, overwrite bool) {
	node := int32(0)
	prevSpace := false
	for _, r := range key {
		if r == ' ' {
			if prevSpace {
				continue
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
		k := edgeKey(node, r)
		next, ok := t.edges[k]
		if !ok {
			next = int32(len(t.val))
			t.val = append(t.val, -1)
			t.edges[k] = next
		}
		node = next
	}
	if node == 0 {
		return
	}
	if t.val[node] < 0 || overwrite {
		t.val[node] = v
	}
}

// lookup returns the payload of an exact key.
func (t *trie) lookup(key string) (int32, bool) {
	node := int32(0)
	for _, r := range key {
		next, ok := t.edges[edgeKey(node, r)]
		if !ok {
			return -1, false
		}
		node = next
	}
	if v := t.val[node]; v >= 0 {
		return v, true
	}
	return -1, false
}

// hit is one longest match in a folded text.
type hit struct {
	start, end int32 // rune positions [start, end)
	word       int32 // index of the word the match starts in
	wordEnd    int32 // index of the word the match ends in
	val        int32 // payload index
}

// scan finds non-overlapping longest matches left to right. Keys that begin
// or end with a word rune only match on word boundaries, so "bad" does not
// match inside "badge"; CJK keys match anywhere. A space in a key matches a
// run of spaces in the text.
func (t *trie) scan(rs []rune, out []hit) []hit {
	n := len(rs)
	word := int32(-1)
	for i := 0; i < n; {
		r := rs[i]
		wordStart := isWordRune(r) && (i == 0 || !isWordRune(rs[i-1]) && !(rs[i-1] == '\'' && i >= 2 && isWordRune(rs[i-2])))
		if wordStart {
			word++
		}
		if isWordRune(r) && i > 0 && isWordRune(rs[i-1]) {
			i++ // inside a word: no key may start here
			continue
		}
		node := int32(0)
		best, bestVal := -1, int32(-1)
		for j := i; j < n; j++ {
			next, ok := t.edges[edgeKey(node, rs[j])]
			if !ok {
				break
			}
			node = next
			if rs[j] == ' ' {
				for j+1 < n && rs[j+1] == ' ' {
					j++
				}
			}
			if v := t.val[node]; v >= 0 {
				if !isWordRune(rs[j]) || j+1 == n || !isWordRune(rs[j+1]) {
					best, bestVal = j+1, v
				}
			}
		}
		if best < 0 {
			i++
			continue
		}
		h := hit{start: int32(i), end: int32(best), word: max(word, 0), val: bestVal}
		for k := i + 1; k < best; k++ {
			if isWordRune(rs[k]) && !isWordRune(rs[k-1]) && !(rs[k-1] == '\'' && k >= 2 && isWordRune(rs[k-2])) {
				word++
			}
		}
		h.wordEnd = max(word, 0)
		out = append(out, h)
		i = best
	}
	return out
}
