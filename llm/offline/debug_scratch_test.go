package offline

import (
	"encoding/xml"
	"fmt"
	"os"
	"testing"
)

func TestDebugSemEval(t *testing.T) {
	if os.Getenv("DEBUG_SEM") == "" {
		t.Skip()
	}
	var doc semevalDoc
	f, _ := os.Open(dataDir + "/semeval2015_absa_laptops_train.xml")
	xml.NewDecoder(f).Decode(&doc)
	want := os.Getenv("DEBUG_SEM")
	for _, r := range doc.Reviews {
		for _, s := range r.Sentences {
			if len(s.Opinions) == 0 {
				continue
			}
			var pols []string
			for _, o := range s.Opinions {
				pols = append(pols, o.Polarity)
			}
			gold, ok := semevalGold(pols)
			if !ok {
				continue
			}
			pred, sc := sentenceSentiment(s.Text, "en")
			if gold+">"+pred == want {
				fmt.Printf("%+.2f %s\n", sc, s.Text)
			}
		}
	}
}
