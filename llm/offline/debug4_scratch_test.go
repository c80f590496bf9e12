package offline

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/voc-project/voc/llm"
)

func TestDebugAgg(t *testing.T) {
	if os.Getenv("DEBUG_AGG") == "" {
		t.Skip()
	}
	type doc struct {
		gold   string
		scores []float64
		lang   string
	}
	var docs []doc
	sc := &scratch{}
	mk := func(text, lang, gold string) doc {
		lx := lexiconFor(detectLanguage("", text))
		d := doc{gold: gold, lang: lang}
		for _, s := range splitSentences(text) {
			d.scores = append(d.scores, scoreSpan(lx, text, s, sc).score)
		}
		return d
	}
	for _, r := range readMARC(t) {
		docs = append(docs, mk(r.text, r.lang, starPolarity(r.stars)))
	}
	f, _ := os.Open(dataDir + "/online_shopping_phones_zh.csv")
	rd := csv.NewReader(f)
	rd.LazyQuotes = true
	rows, _ := rd.ReadAll()
	var phones []doc
	for _, r := range rows[1:] {
		g := llm.Negative
		if r[1] == "1" {
			g = llm.Positive
		}
		phones = append(phones, mk(r[2], "zhp", g))
	}
	for _, cap := range []float64{2, 3, 100} {
		for _, band := range []float64{0, 0.2, 0.35} {
			for _, th := range []float64{0.5, 1.0} {
				for _, last := range []float64{1, 1.5} {
					eval := func(ds []doc) (float64, float64) {
						ok, n, bok, bn := 0, 0, 0, 0
						for _, d := range ds {
							var sum, pos, neg float64
							for i, s := range d.scores {
								w := 1.0
								if i == len(d.scores)-1 && len(d.scores) > 1 {
									w = last
								}
								v := math.Max(-cap, math.Min(cap, s)) * w
								sum += v
								if v > 0 {
									pos += v
								} else {
									neg -= v
								}
							}
							p := llm.Neutral
							if sum >= th {
								p = llm.Positive
							} else if sum <= -th {
								p = llm.Negative
							}
							if pos > 0 && neg > 0 && math.Abs(sum) < band*(pos+neg) {
								p = llm.Neutral
							}
							n++
							if p == d.gold {
								ok++
							}
							if d.gold != llm.Neutral {
								bn++
								if p == d.gold {
									bok++
								}
							}
						}
						return float64(ok) / float64(n), float64(bok) / float64(bn)
					}
					a, b := eval(docs)
					_, c := eval(phones)
					fmt.Printf("cap=%v band=%v th=%v last=%v  marc3=%.3f marcbin=%.3f phones=%.3f\n", cap, band, th, last, a, b, c)
				}
			}
		}
	}
}
