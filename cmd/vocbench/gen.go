package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// gen writes a CSV of n reviews built from the shared MARC and Alexa files,
// each with a unique review id (the same rows the Go benchmarks use).
func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int("n", 10200, "reviews")
	out := fs.String("o", "reviews.csv", "output file")
	data := fs.String("data", dataDir(), "folder of the shared data (VOC_TEST_DATA)")
	salt := fs.String("salt", "bench", "review id prefix (unique ids per run)")
	_ = fs.Parse(args)
	texts, err := sharedTexts(*data)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"review_id", "rating", "text"})
	for i := range *n {
		t := texts[i%len(texts)]
		_ = w.Write([]string{fmt.Sprintf("%s-%d", *salt, i), t[0], t[1]})
	}
	w.Flush()
	return os.WriteFile(*out, b.Bytes(), 0o644)
}

func dataDir() string {
	if d := os.Getenv("VOC_TEST_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "shared", "data")
}

// sharedTexts reads (rating, text) pairs from the MARC and Alexa files.
func sharedTexts(dir string) ([][2]string, error) {
	var out [][2]string
	raw, err := os.ReadFile(filepath.Join(dir, "marc_multilingual_sample.csv"))
	if err != nil {
		return nil, fmt.Errorf("shared data: %w", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("marc file: %w", err)
	}
	for _, r := range recs[1:] {
		out = append(out, [2]string{r[2], r[3]})
	}
	raw, err = os.ReadFile(filepath.Join(dir, "amazon_alexa_reviews.tsv"))
	if err != nil {
		return nil, fmt.Errorf("shared data: %w", err)
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))))
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = '\t', true, -1
	recs, err = cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("alexa file: %w", err)
	}
	for _, r := range recs[1:] {
		if strings.TrimSpace(r[3]) != "" {
			out = append(out, [2]string{r[0], r[3]})
		}
	}
	return out, nil
}
