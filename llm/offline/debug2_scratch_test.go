package offline

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDebugOne(t *testing.T) {
	s := os.Getenv("DEBUG_TEXT")
	if s == "" {
		t.Skip()
	}
	lang := os.Getenv("DEBUG_LANG")
	if lang == "" {
		lang = "en"
	}
	for _, line := range strings.Split(s, "\n") {
		lx := lexiconFor(lang)
		sc := &scratch{}
		fold(line, span{0, len(line)}, lx.accents, &sc.ft)
		hits := lx.trie.scan(sc.ft.runes, nil)
		for _, h := range hits {
			e := lx.entries[h.val]
			fmt.Printf("  [%s] kind=%d score=%.1f w=%d-%d\n", string(sc.ft.runes[h.start:h.end]), e.kind, e.score, h.word, h.wordEnd)
		}
		p, v := sentenceSentiment(line, lang)
		fmt.Printf("%s %.2f %s\n", p, v, line)
	}
}
