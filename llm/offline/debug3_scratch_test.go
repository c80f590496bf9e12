package offline

import (
	"fmt"
	"os"
	"testing"
)

func TestDebugMARC(t *testing.T) {
	lang := os.Getenv("DEBUG_MARC")
	if lang == "" {
		t.Skip()
	}
	want := os.Getenv("DEBUG_WANT")
	n := 0
	for _, r := range readMARC(t) {
		if r.lang != lang {
			continue
		}
		pred, sc := Sentiment(r.text, "")
		gold := starPolarity(r.stars)
		if gold+">"+pred == want {
			n++
			if n > 40 {
				break
			}
			fmt.Printf("%d %+.2f %s\n", r.stars, sc, r.text)
		}
	}
}
