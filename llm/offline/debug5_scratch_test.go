package offline

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/voc-project/voc/llm"
)

func alexa(t testing.TB) []llm.ReviewText {
	f, err := os.Open(dataDir + "/amazon_alexa_reviews.tsv")
	if err != nil {
		t.Skip()
	}
	rd := csv.NewReader(f)
	rd.Comma = '\t'
	rd.LazyQuotes = true
	rows, _ := rd.ReadAll()
	var out []llm.ReviewText
	for i, r := range rows[1:] {
		st, _ := strconv.Atoi(r[0])
		out = append(out, llm.ReviewText{ID: int64(i + 1), Rating: st, Body: r[3]})
	}
	return out
}

func phones(t testing.TB) []llm.ReviewText {
	f, _ := os.Open(dataDir + "/online_shopping_phones_zh.csv")
	rd := csv.NewReader(f)
	rd.LazyQuotes = true
	rows, _ := rd.ReadAll()
	var out []llm.ReviewText
	for i, r := range rows[1:] {
		out = append(out, llm.ReviewText{ID: int64(i + 1), Body: r[2]})
	}
	return out
}

func TestDebugLearn(t *testing.T) {
	which := os.Getenv("DEBUG_LEARN")
	if which == "" {
		t.Skip()
	}
	var rs []llm.ReviewText
	target := "en"
	if which == "zh" {
		rs = phones(t)
		target = "zh"
	} else {
		rs = alexa(t)
	}
	var sample []llm.ReviewText
	for i := 0; i < len(rs) && len(sample) < 60; i += len(rs) / 60 {
		sample = append(sample, rs[i])
	}
	a := New()
	out, _, _ := a.Learn(context.Background(), llm.LearnInput{TargetLanguage: target, Reviews: sample})
	b, _ := json.MarshalIndent(out, "", " ")
	fmt.Println(string(b))
	ins, _, _ := a.Insights(context.Background(), llm.InsightInput{TargetLanguage: target, Dimensions: out.Dimensions, Reviews: sample[:8]})
	b, _ = json.MarshalIndent(ins, "", " ")
	fmt.Println(string(b))
	th, _, _ := a.Themes(context.Background(), llm.ThemeInput{TargetLanguage: target, Labels: out.Labels, Reviews: rs[:300]})
	n := 0
	for _, r := range th.Reviews {
		for _, tg := range r.Tags {
			if n < 25 {
				fmt.Printf("%d %s/%s [%s] %s | %s\n", r.ID, tg.Type, tg.Label, tg.Confidence, tg.Explanation, tg.Quote)
			}
			n++
		}
	}
	fmt.Println("tags:", n)
}
