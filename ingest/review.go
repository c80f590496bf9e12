package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Review is one validated review, ready to store.
type Review struct {
	// Row is the 1-based data row number in the source, header excluded.
	Row int `json:"row"`
	// SourceReviewID is the review's id in the source, if the file has one.
	SourceReviewID string `json:"review_id,omitempty"`
	Author         string `json:"author,omitempty"`
	// Rating is 1–5.
	Rating int `json:"rating"`
	// RatingDefaulted reports that the source had no rating for this review
	// and Rating is Options.DefaultRating.
	RatingDefaulted bool   `json:"rating_defaulted,omitempty"`
	Title           string `json:"title,omitempty"`
	Body            string `json:"body"`
	// ReviewDate is valid when HasDate; ReviewDateRaw keeps the source text
	// either way (an XLSX date cell is written as an ISO date).
	ReviewDate    time.Time `json:"-"`
	HasDate       bool      `json:"has_date"`
	ReviewDateRaw string    `json:"review_date_raw,omitempty"`
	// VerifiedPurchase, HelpfulVotes, HasVideo and HasImages are false/0 when
	// the source does not say.
	VerifiedPurchase bool     `json:"verified_purchase"`
	HelpfulVotes     int      `json:"helpful_votes"`
	HasVideo         bool     `json:"has_video"`
	HasImages        bool     `json:"has_images"`
	ImageURLs        []string `json:"image_urls,omitempty"`
	VideoURL         string   `json:"video_url,omitempty"`
	ReviewURL        string   `json:"review_url,omitempty"`
	// Variant is the product variant ("Color: Black"), white space collapsed.
	Variant string `json:"variant,omitempty"`
	// Language is the ISO 639-1 code detected from title and body, or "und".
	Language string `json:"language"`

	// source is the text as the source wrote it, before HTML character
	// references were decoded; nil when decoding changed nothing.
	source *sourceText
}

// sourceText is a review's free text before entity decoding. The content
// hash is taken over it, so a file stored before decoding existed still
// dedupes against its re-upload.
type sourceText struct {
	author, title, body, variant string
}

// contentHashVersion prefixes the hashed data so that the normalisation can
// change without old and new hashes ever colliding.
const contentHashVersion = "voc-review-v1"

// ContentHash returns the SHA-256 of the review's normalised author, rating,
// title, body, date and variant: the dedupe key for reviews without a source
// id. Each text is trimmed, NFC-normalised and has white-space runs collapsed
// to one space; the date is the parsed date ("2006-01-02", or RFC 3339 in UTC
// when it has a time of day) when HasDate, else the normalised raw date. See
// the package documentation for why these fields.
func (r *Review) ContentHash() [32]byte {
	src := sourceText{r.Author, r.Title, r.Body, r.Variant}
	if r.source != nil {
		src = *r.source
	}
	bp := hashBufs.Get().(*[]byte)
	b := append((*bp)[:0], contentHashVersion...)
	b = append(b, 0)
	b = appendNorm(b, src.author)
	b = append(b, 0)
	b = strconv.AppendInt(b, int64(r.Rating), 10)
	b = append(b, 0)
	b = appendNorm(b, src.title)
	b = append(b, 0)
	b = appendNorm(b, src.body)
	b = append(b, 0)
	if r.HasDate {
		b = appendDate(b, r.ReviewDate)
	} else {
		b = appendNorm(b, r.ReviewDateRaw)
	}
	b = append(b, 0)
	b = appendNorm(b, src.variant)
	sum := sha256.Sum256(b)
	if cap(b) <= 64<<10 { // do not pin a huge body's buffer
		*bp = b
		hashBufs.Put(bp)
	}
	return sum
}

var hashBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 1024)
	return &b
}}

// DedupeKey returns "id:" and the source review id when there is one, else
// "sha256:" and the hex content hash.
func (r *Review) DedupeKey() string {
	if r.SourceReviewID != "" {
		return "id:" + r.SourceReviewID
	}
	h := r.ContentHash()
	return "sha256:" + hex.EncodeToString(h[:])
}

func appendDate(b []byte, t time.Time) []byte {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.AppendFormat(b, time.DateOnly)
	}
	return t.AppendFormat(b, time.RFC3339Nano)
}

// appendNorm appends s trimmed, NFC-normalised, with white-space runs
// collapsed to one space. NUL bytes (the field separator) are dropped.
func appendNorm(b []byte, s string) []byte {
	start := len(b)
	b, stable := appendCollapsed(b, s)
	if stable {
		return b
	}
	if norm.NFC.IsNormalString(s) {
		return b
	}
	b, _ = appendCollapsed(b[:start], norm.NFC.String(s))
	return b
}

// appendCollapsed appends s trimmed with white-space runs collapsed. stable
// reports that every rune of s is NFC-stable (see nfcStable), and so s is
// already in NFC; otherwise the caller must check.
func appendCollapsed(b []byte, s string) (_ []byte, stable bool) {
	stable = true
	pending := false
	wrote := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case ' ', '\t', '\n', '\r', '\v', '\f':
				pending = wrote
				continue
			case 0:
				continue
			}
			if pending {
				b = append(b, ' ')
				pending = false
			}
			b = append(b, c)
			wrote = true
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if stable && !nfcStable(r) {
			stable = false
		}
		if isSpace(r) || r == '\uFEFF' {
			pending = wrote
			continue
		}
		if pending {
			b = append(b, ' ')
			pending = false
		}
		b = append(b, s[i-size:i]...)
		wrote = true
	}
	return b, stable
}

// isSpace is unicode.IsSpace without the table search for non-Latin-1
// runes (the White_Space property lists only these).
func isSpace(r rune) bool {
	if r <= 0xFF {
		return unicode.IsSpace(r)
	}
	switch {
	case r == 0x1680, r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// nfcStableBMP has a bit per BMP rune that is NFC on its own and cannot
// combine with any rune before it: a string made only of such runes (and
// ASCII) is in NFC, so the costly check can be skipped. It is computed from
// the norm tables themselves, on first use.
var (
	nfcStableBMP  [0x10000 / 64]uint64
	nfcStableOnce sync.Once
)

func nfcStable(r rune) bool {
	if r >= 0x10000 {
		return false
	}
	nfcStableOnce.Do(func() {
		var buf [4]byte
		for c := rune(0x80); c < 0x10000; c++ {
			if c >= 0xD800 && c <= 0xDFFF {
				continue
			}
			n := utf8.EncodeRune(buf[:], c)
			p := norm.NFC.Properties(buf[:n])
			if p.BoundaryBefore() && p.CCC() == 0 && norm.NFC.IsNormal(buf[:n]) {
				nfcStableBMP[c/64] |= 1 << (c % 64)
			}
		}
	})
	return nfcStableBMP[r/64]&(1<<(r%64)) != 0
}
