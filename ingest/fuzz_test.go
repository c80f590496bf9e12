package ingest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/voc-project/voc/ingest"
	"github.com/voc-project/voc/internal/fixture"
)

// checkParse runs Parse and checks what must hold for any input: no panic,
// only *FileError as a file failure, consistent counts, and emitted reviews
// that are valid to store.
func checkParse(t *testing.T, body []byte, opt ingest.Options) {
	t.Helper()
	valid, rejectedRows, lastRow := 0, map[int]bool{}, 0
	sum, err := ingest.Parse(body, opt, func(r *ingest.Review) error {
		valid++
		if strings.TrimSpace(r.Body) == "" || r.Rating < 1 || r.Rating > 5 {
			t.Fatalf("invalid review emitted: %+v", r)
		}
		if r.Row <= lastRow {
			t.Fatalf("rows out of order: %d after %d", r.Row, lastRow)
		}
		lastRow = r.Row
		for _, s := range []string{r.Body, r.Title, r.Author, r.Variant, r.SourceReviewID, r.ReviewDateRaw, r.ReviewURL, r.VideoURL} {
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
				t.Fatalf("value not storable as Postgres text: %q", s)
			}
		}
		if r.Language == "" {
			t.Fatal("no language")
		}
		_ = r.ContentHash()
		_ = r.DedupeKey()
		return nil
	}, func(rj ingest.Rejection) {
		if rj.Reason == "" || rj.Row < 1 {
			t.Fatalf("bad rejection %+v", rj)
		}
		rejectedRows[rj.Row] = true
	})
	if err != nil {
		var fe *ingest.FileError
		if !errors.As(err, &fe) || fe.Reason == "" {
			t.Fatalf("want *FileError, got %T %v", err, err)
		}
		return
	}
	if sum.RowsTotal != sum.RowsValid+sum.RowsRejected || sum.RowsValid != valid || sum.RowsRejected != len(rejectedRows) {
		t.Fatalf("inconsistent summary %+v (emitted %d, rejected rows %d)", sum, valid, len(rejectedRows))
	}
	if _, err := ingest.Preview(body, opt, 3); err != nil {
		var fe *ingest.FileError
		if !errors.As(err, &fe) {
			t.Fatalf("preview: want *FileError, got %T %v", err, err)
		}
	}
}

// addSharedSeeds adds the start of a shared data file as a seed when the
// file is there; seeds are optional, so a missing file is not a skip. The
// committed fixture is always a seed.
func addSharedSeeds(f *testing.F, name string, n int) {
	if dir, ok := fixture.SharedDir(f); ok {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			f.Add(b[:min(len(b), n)])
		}
	}
	b := fixture.Read(f, fixture.Multilingual)
	f.Add(b[:min(len(b), n)])
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("rating,body\n5,good\n"))
	f.Add([]byte("\xEF\xBB\xBFstars;text;date\n4;\"quoted; \"\"semi\"\"\";1. März 2024\n"))
	f.Add([]byte("rating\tverified_reviews\tdate\n5\tLove it\t31-Jul-18\n5\t\t31-Jul-18\n"))
	f.Add([]byte("id,rating,body,images\n1,★★★★☆,\"multi\nline\",https://a/b.jpg|https://c/d.jpg\n1,3,x\n"))
	f.Add([]byte("rating,body\n5,\"unterminated\n4,next\n"))
	f.Add([]byte("\xFF\xFEr\x00a\x00t\x00i\x00n\x00g\x00,\x00b\x00o\x00d\x00y\x00\n\x005\x00,\x00x\x00"))
	addSharedSeeds(f, "amazon_alexa_reviews.tsv", 2048)
	addSharedSeeds(f, "marc_multilingual_sample.csv", 2048)
	addSharedSeeds(f, "online_shopping_phones_zh.csv", 2048)
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParse(t, body, ingest.Options{Format: ingest.FormatCSV})
		checkParse(t, body, ingest.Options{Format: ingest.FormatTSV, DefaultRating: 3})
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`[{"rating":5,"body":"good"}]`))
	f.Add([]byte(`{"reviews":[{"rating":"4 out of 5 stars","body":"ok","image_urls":["https://a/b.jpg"],"helpful_votes":"1,234"}]}`))
	f.Add([]byte(`[{"rating":5,"body":["x"]},"s",null,1,{"rating":1e400,"body":"\u0000"}]`))
	f.Add([]byte(`{"asin":"B000000001","reviews":[{"review_id":"R1","rating":5,"body":"x","review_date":"2024年1月1日"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParse(t, body, ingest.Options{Format: ingest.FormatJSON})
		checkParse(t, body, ingest.Options{Format: ingest.FormatExtension})
	})
}

func FuzzParseJSONL(f *testing.F) {
	f.Add([]byte("{\"rating\":5,\"body\":\"good\"}\n{\"rating\":4,\"body\":\"ok\"}\n"))
	f.Add([]byte("{\"rating\":5,\"body\":\"a\"}\n\n{bad\n[1]\n{\"stars\":\"★★\",\"text\":\"b\"}\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParse(t, body, ingest.Options{Format: ingest.FormatJSONL})
	})
}

func FuzzParseXLSX(f *testing.F) {
	f.Add(makeXLSX(f, [][]string{{"rating", "body", "date"}, {"5", "good", "2024-01-01"}, {"x", "", ""}}))
	f.Add(makeXLSX(f, [][]string{{"星级", "内容"}, {"4", "很好"}}))
	f.Add(makeXLSX(f, nil))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParse(t, body, ingest.Options{Format: ingest.FormatXLSX})
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"January 1, 2024", "31-Jul-18", "2024年1月1日", "1. März 2024", "03/04/2024",
		"2024-01-15T10:30:00Z", "1705314600", "Commenté en France le 1er février 2024", "１２/１３/２０２４"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ingest.ParseDate(s)
		if !ok {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) = %v, false", s, d)
			}
			return
		}
		if d.Year() < 1970 || d.Year() > 2100 || d.Location().String() != "UTC" {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
	})
}

func FuzzDecodeExtensionProduct(f *testing.F) {
	f.Add([]byte(`{"asin":"B07XJ8C8F5","marketplace":"de","average_rating":"4.5","bullet_points":["a"],"categories":[{"name":"x","url":"https://a"}],"is_stream":"true"}`))
	f.Add([]byte(`{"asin":"B07","price":[1],"categories":[1,{"url":5}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ingest.DecodeExtensionProduct(body)
		if err != nil {
			var ve *ingest.ValidationError
			if !errors.As(err, &ve) || len(ve.Errors) == 0 {
				t.Fatalf("want *ValidationError, got %T %v", err, err)
			}
			return
		}
		if n := utf8.RuneCountInString(p.ASIN); n < 5 || n > 20 || p.Marketplace == "" {
			t.Fatalf("invalid product accepted: %+v", p)
		}
		if p.AverageRating != nil && (*p.AverageRating < 0 || *p.AverageRating > 5) {
			t.Fatalf("average rating %v accepted", *p.AverageRating)
		}
	})
}
