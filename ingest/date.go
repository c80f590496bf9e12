package ingest

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ParseDate reads a review date as exports and review pages write it:
//
//   - ISO dates and timestamps: "2024-01-15", "2024-01-15T10:30:00Z",
//     "2024-01-15 10:30:00", "2024/01/15", "2024.01.15", "20240115", Unix
//     seconds or milliseconds;
//   - month names in English, German, French, Spanish, Italian, Portuguese,
//     Dutch (and Polish, Swedish, Turkish, Russian): "January 1, 2024",
//     "Jan 1, 2024", "1 January 2024", "1. Januar 2024", "1er février 2024",
//     "1 de enero de 2024", "31-Jul-18";
//   - Amazon's localised review lines: "Reviewed in the United States on
//     January 1, 2024", "Rezension aus Deutschland vom 1. März 2024",
//     "Commenté en France le 1er février 2024", "2024年1月1日に日本でレビュー済み";
//   - Chinese, Japanese and Korean dates: "2024年1月1日", "2024년 1월 1일";
//   - numeric day/month forms where the order is certain: "15/01/2024"
//     (15 cannot be a month), "01/15/2024", "15.01.2024" (dotted dates are
//     day-first).
//
// Date-only values are midnight UTC; timestamps keep their instant, in UTC.
// It returns false when raw is empty, unparseable, out of the range 1970–2100
// or ambiguous: "03/04/2024" could be March or April, and a wrong date is
// worse than none (the caller keeps the raw string).
func ParseDate(raw string) (time.Time, bool) {
	s := strings.TrimSpace(raw)
	if s == "" || len(s) > MaxDateChars {
		return time.Time{}, false
	}
	if t, ok, done := parseISODate(s); done {
		return t, ok
	}
	if t, ok, done := parseDigitsOnly(s); done {
		return t, ok
	}
	return parseDateTokens(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05 MST",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02T15:04Z07:00",
}

// parseISODate handles "YYYY-MM-DD" (or with '/' or '.') and timestamps that
// start with it. done is false when s does not start that way.
func parseISODate(s string) (t time.Time, ok, done bool) {
	if len(s) < 10 || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) ||
		!isDigit(s[5]) || !isDigit(s[6]) || !isDigit(s[8]) || !isDigit(s[9]) {
		return t, false, false
	}
	sep := s[4]
	if sep != '-' && sep != '/' && sep != '.' || s[7] != sep {
		return t, false, false
	}
	if len(s) > 10 && isDigit(s[10]) {
		return t, false, false
	}
	y, m, d := atoi(s[:4]), atoi(s[5:7]), atoi(s[8:10])
	date, ok := makeDate(y, m, d)
	if !ok || len(s) == 10 {
		return date, ok, true
	}
	if sep == '-' && (s[10] == 'T' || s[10] == ' ') {
		for _, layout := range isoLayouts {
			if ts, err := time.Parse(layout, s); err == nil {
				if ts.Year() < minYear || ts.Year() > maxYear {
					return time.Time{}, false, true
				}
				return ts.UTC(), true, true
			}
		}
	}
	// A time we do not know how to read: the calendar date is still right.
	return date, true, true
}

const (
	minYear = 1970
	maxYear = 2100
)

func makeDate(y, m, d int) (time.Time, bool) {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31 April rolls over into May
		return time.Time{}, false
	}
	return t, true
}

// parseDigitsOnly handles Unix seconds (10 digits), milliseconds (13) and
// YYYYMMDD (8).
func parseDigitsOnly(s string) (t time.Time, ok, done bool) {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return t, false, false
		}
	}
	switch len(s) {
	case 8:
		t, ok = makeDate(atoi(s[:4]), atoi(s[4:6]), atoi(s[6:]))
		return t, ok, true
	case 10, 13:
		n := int64(0)
		for i := 0; i < len(s); i++ {
			n = n*10 + int64(s[i]-'0')
		}
		if len(s) == 13 {
			t = time.UnixMilli(n).UTC()
		} else {
			t = time.Unix(n, 0).UTC()
		}
		if t.Year() < 2000 || t.Year() > maxYear {
			return time.Time{}, false, true
		}
		return t, true, true
	}
	return t, false, true
}

type dateToken struct {
	num   int  // the value of a number
	ndig  int  // digits in a number; 0 for a word
	month int  // 1–12 for a month name
	cjk   rune // 年 月 日 (or Korean 년 월 일)
	sep   rune // what separated it from the previous token: 0 nothing, ' ' space, else the punctuation
}

const maxDateTokens = 24

func parseDateTokens(s string) (time.Time, bool) {
	var toks [maxDateTokens]dateToken
	n := 0
	var word [24]byte
	wlen := 0
	wordTooLong := false
	var sep rune
	numVal, numDig := 0, 0

	push := func(t dateToken) {
		if n < maxDateTokens {
			t.sep = sep
			toks[n] = t
			n++
		}
		sep = 0
	}
	endNum := func() {
		if numDig > 0 {
			push(dateToken{num: numVal, ndig: numDig})
			numVal, numDig = 0, 0
		}
	}
	endWord := func() {
		if wlen == 0 && !wordTooLong {
			return
		}
		w := word[:min(wlen, len(word))]
		long := wordTooLong
		wlen, wordTooLong = 0, false
		if long {
			push(dateToken{})
			return
		}
		// "1st", "1er", "1º", "2nd": a suffix right after a number.
		if n > 0 && toks[n-1].ndig > 0 && sep == 0 && ordinalSuffixes[string(w)] {
			return
		}
		if dateFillers[string(w)] {
			return
		}
		if m, ok := monthNames[string(w)]; ok {
			push(dateToken{month: m})
			return
		}
		push(dateToken{})
	}
	for _, r := range s {
		if d, ok := digitValue(r); ok {
			endWord()
			if numDig < 9 {
				numVal = numVal*10 + d
			}
			numDig++
			continue
		}
		endNum()
		switch {
		case r == '年' || r == '月' || r == '日' || r == '년' || r == '월' || r == '일':
			endWord()
			push(dateToken{cjk: r})
		case unicode.IsLetter(r):
			if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana) {
				endWord()
				push(dateToken{})
				continue
			}
			lr := unicode.ToLower(r)
			if wlen+utf8.RuneLen(lr) > len(word) {
				wordTooLong = true
				continue
			}
			wlen += utf8.EncodeRune(word[wlen:], lr)
		default:
			endWord()
			switch {
			case unicode.IsSpace(r):
				if sep == 0 {
					sep = ' '
				}
			case sep == 0 || sep == ' ':
				sep = r
			}
		}
	}
	endNum()
	endWord()
	return matchDate(toks[:n])
}

func matchDate(toks []dateToken) (time.Time, bool) {
	isNum := func(i, minDig, maxDig int) bool {
		return i < len(toks) && toks[i].ndig >= minDig && toks[i].ndig <= maxDig
	}
	isMonth := func(i int) bool { return i < len(toks) && toks[i].month > 0 }
	isCJK := func(i int, a, b rune) bool { return i < len(toks) && (toks[i].cjk == a || toks[i].cjk == b) }
	year2 := func(v int) int {
		if v < 70 {
			return 2000 + v
		}
		return 1900 + v
	}
	for i := range toks {
		switch {
		// 2024年1月15日, 2024년 1월 15일
		case isNum(i, 4, 4) && isCJK(i+1, '年', '년'):
			if isNum(i+2, 1, 2) && isCJK(i+3, '月', '월') && isNum(i+4, 1, 2) {
				return makeDate(toks[i].num, toks[i+2].num, toks[i+4].num)
			}
			return time.Time{}, false
		// 15 January 2024, 1. März 2024, 1er février 2024, 31-Jul-18
		case isNum(i, 1, 2) && isMonth(i+1) && (isNum(i+2, 4, 4) || isNum(i+2, 2, 2)):
			y := toks[i+2].num
			if toks[i+2].ndig == 2 {
				y = year2(y)
			}
			return makeDate(y, toks[i+1].month, toks[i].num)
		// January 15, 2024
		case isMonth(i) && isNum(i+1, 1, 2) && isNum(i+2, 4, 4):
			return makeDate(toks[i+2].num, toks[i].month, toks[i+1].num)
		// 2024 Jan 15
		case isNum(i, 4, 4) && isMonth(i+1) && isNum(i+2, 1, 2):
			return makeDate(toks[i].num, toks[i+1].month, toks[i+2].num)
		case isNum(i, 1, 4) && isNum(i+1, 1, 2) && (isNum(i+2, 1, 2) || isNum(i+2, 4, 4)):
			sep := toks[i+1].sep
			if sep != toks[i+2].sep || sep != '/' && sep != '-' && sep != '.' {
				continue
			}
			a, b, c := toks[i], toks[i+1], toks[i+2]
			switch {
			case a.ndig == 4: // 2024/1/15
				if c.ndig > 2 {
					return time.Time{}, false
				}
				return makeDate(a.num, b.num, c.num)
			case a.ndig > 2:
				return time.Time{}, false
			}
			y := c.num
			if c.ndig == 2 {
				y = year2(y)
			} else if c.ndig != 4 {
				return time.Time{}, false
			}
			switch {
			case sep == '.': // European: day first
				return makeDate(y, b.num, a.num)
			case a.num > 12:
				return makeDate(y, b.num, a.num)
			case b.num > 12:
				return makeDate(y, a.num, b.num)
			case a.num == b.num:
				return makeDate(y, a.num, b.num)
			}
			// 03/04/2024: March or April? Never guess.
			return time.Time{}, false
		}
	}
	return time.Time{}, false
}

// Words skipped between date parts: "1 de enero de 2024", "the 1st of May".
var dateFillers = map[string]bool{"de": true, "del": true, "of": true, "the": true, "d": true}

var ordinalSuffixes = map[string]bool{
	"st": true, "nd": true, "rd": true, "th": true, "er": true, "re": true, "e": true, "eme": true,
	"ème": true, "o": true, "a": true, "º": true, "ª": true,
}

var monthNames = buildMonthNames()

func buildMonthNames() map[string]int {
	lists := [12]string{
		"january jan januar jänner janvier janv enero ene gennaio gen janeiro januari stycznia styczeń styczen ocak января январь",
		"february feb februar février fevrier févr fevr febrero febbraio fevereiro fev februari lutego luty şubat subat февраля февраль",
		"march mar märz maerz mär mars marzo março marco maart mrt marca marzec mart марта март",
		"april apr avril avr abril abr aprile aprila kwietnia kwiecień kwiecien nisan апреля апрель",
		"may mai mayo maggio mag maio mei maja maj mayıs mayis мая май",
		"june jun juni juin junio giugno giu junho czerwca czerwiec haziran июня июнь",
		"july jul juli juillet juil julio luglio lug julho lipca lipiec temmuz июля июль",
		"august aug août aout agosto ago augustus sierpnia sierpień sierpien augusti ağustos agustos августа август",
		"september sep sept septembre septiembre setiembre settembre set setembro września wrzesień wrzesien eylül eylul сентября сентябрь",
		"october oct oktober okt octobre octubre ottobre ott outubro out października październik pazdziernik ekim октября октябрь",
		"november nov novembre noviembre novembro listopada listopad kasım kasim ноября ноябрь",
		"december dec dezember dez décembre decembre déc diciembre dic dicembre dezembro grudnia grudzień grudzien aralık aralik декабря декабрь",
	}
	m := map[string]int{}
	for i, l := range lists {
		for _, w := range strings.Fields(l) {
			m[w] = i + 1
		}
	}
	return m
}
