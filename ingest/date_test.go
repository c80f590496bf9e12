package ingest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want time.Time // zero: must not parse
	}{
		// English
		{"en long", "January 1, 2024", day(2024, 1, 1)},
		{"en short", "Jan 1, 2024", day(2024, 1, 1)},
		{"en abbrev dot", "Sept. 3, 2023", day(2023, 9, 3)},
		{"en day first", "1 January 2024", day(2024, 1, 1)},
		{"en ordinal", "the 2nd of March, 2024", day(2024, 3, 2)},
		{"en weekday", "Monday, 15 January 2024", day(2024, 1, 15)},
		{"en upper", "JAN 15 2024", day(2024, 1, 15)},
		{"amazon us", "Reviewed in the United States on January 1, 2024", day(2024, 1, 1)},
		{"amazon uk flag", "Reviewed in the United Kingdom 🇬🇧 on 1 January 2024", day(2024, 1, 1)},
		{"amazon in", "Reviewed in India on 5 May 2023", day(2023, 5, 5)},
		{"alexa", "31-Jul-18", day(2018, 7, 31)},
		{"alexa may", "16-May-18", day(2018, 5, 16)},
		{"mon-day-year", "Jul-31-2018", day(2018, 7, 31)},
		// German
		{"de", "1. Januar 2024", day(2024, 1, 1)},
		{"de maerz", "15. März 2023", day(2023, 3, 15)},
		{"amazon de", "Rezension aus Deutschland vom 1. März 2024", day(2024, 3, 1)},
		{"de dotted", "15.01.2024", day(2024, 1, 15)},
		{"de dotted small", "01.02.2024", day(2024, 2, 1)},
		{"at jaenner", "3. Jänner 2022", day(2022, 1, 3)},
		// French
		{"fr", "1 janvier 2024", day(2024, 1, 1)},
		{"fr 1er", "1er février 2024", day(2024, 2, 1)},
		{"amazon fr", "Commenté en France le 1er février 2024", day(2024, 2, 1)},
		{"fr aout", "12 août 2021", day(2021, 8, 12)},
		{"fr decembre", "24 décembre 2020", day(2020, 12, 24)},
		// Spanish
		{"es", "1 de enero de 2024", day(2024, 1, 1)},
		{"amazon es", "Revisado en España el 1 de enero de 2024", day(2024, 1, 1)},
		{"amazon mx", "Calificado en México el 7 de septiembre de 2023", day(2023, 9, 7)},
		{"es dic", "31 dic 2022", day(2022, 12, 31)},
		// Italian
		{"it", "3 settembre 2023", day(2023, 9, 3)},
		{"amazon it", "Recensito in Italia il 1 gennaio 2024", day(2024, 1, 1)},
		{"it giugno", "15 giugno 2022", day(2022, 6, 15)},
		// Portuguese
		{"pt", "1 de janeiro de 2024", day(2024, 1, 1)},
		{"amazon br", "Avaliado no Brasil em 10 de março de 2023", day(2023, 3, 10)},
		{"pt outubro", "5 de outubro de 2021", day(2021, 10, 5)},
		// Dutch
		{"nl", "1 januari 2024", day(2024, 1, 1)},
		{"amazon nl", "Beoordeeld in Nederland op 12 mei 2023", day(2023, 5, 12)},
		{"nl maart", "3 maart 2022", day(2022, 3, 3)},
		// Others with month names
		{"pl", "5 stycznia 2024", day(2024, 1, 5)},
		{"sv", "5 augusti 2023", day(2023, 8, 5)},
		{"tr", "5 Ağustos 2023", day(2023, 8, 5)},
		{"ru", "5 января 2024", day(2024, 1, 5)},
		// Japanese / Chinese / Korean
		{"ja", "2024年1月1日", day(2024, 1, 1)},
		{"amazon jp", "2024年1月1日に日本でレビュー済み", day(2024, 1, 1)},
		{"zh spaced", "2023 年 12 月 25 日", day(2023, 12, 25)},
		{"zh prefix", "于2022年3月8日发布", day(2022, 3, 8)},
		{"fullwidth digits", "２０２４年１月５日", day(2024, 1, 5)},
		{"ko", "2024년 1월 15일", day(2024, 1, 15)},
		// ISO and machine forms
		{"iso", "2024-01-01", day(2024, 1, 1)},
		{"iso slash", "2024/01/15", day(2024, 1, 15)},
		{"iso dot", "2024.01.15", day(2024, 1, 15)},
		{"iso short parts", "2024/1/5", day(2024, 1, 5)},
		{"rfc3339", "2024-01-15T10:30:00Z", time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)},
		{"rfc3339 offset", "2024-01-15T10:30:00+08:00", time.Date(2024, 1, 15, 2, 30, 0, 0, time.UTC)},
		{"sql timestamp", "2024-01-15 10:30:00", time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)},
		{"millis", "2024-01-15T10:30:00.123Z", time.Date(2024, 1, 15, 10, 30, 0, 123e6, time.UTC)},
		{"iso odd time", "2024-01-15 10h30", day(2024, 1, 15)},
		{"unix seconds", "1705314600", time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)},
		{"unix millis", "1705314600000", time.Date(2024, 1, 15, 10, 30, 0, 0, time.UTC)},
		{"yyyymmdd", "20240115", day(2024, 1, 15)},
		{"slash with time", "2024/01/15 10:30", day(2024, 1, 15)},
		{"padded", "  2024-01-15  ", day(2024, 1, 15)},
		// Numeric day/month where the order is certain
		{"dmy", "15/01/2024", day(2024, 1, 15)},
		{"mdy", "01/15/2024", day(2024, 1, 15)},
		{"mdy dash", "1-15-2024", day(2024, 1, 15)},
		{"same day month", "03/03/2024", day(2024, 3, 3)},
		{"two digit year", "12/25/23", day(2023, 12, 25)},
		// Must not parse
		{"ambiguous slash", "03/04/2024", time.Time{}},
		{"ambiguous dash", "01-02-2024", time.Time{}},
		{"ambiguous amazon", "Reviewed in the United States on 03/04/2024", time.Time{}},
		{"empty", "", time.Time{}},
		{"spaces", "   ", time.Time{}},
		{"garbage", "yesterday", time.Time{}},
		{"relative", "3 days ago", time.Time{}},
		{"month only", "January 2024", time.Time{}},
		{"cjk month only", "2024年1月", time.Time{}},
		{"feb 30", "30 February 2024", time.Time{}},
		{"bad iso", "2024-13-01", time.Time{}},
		{"apr 31", "2024-04-31", time.Time{}},
		{"too old", "1 January 1901", time.Time{}},
		{"excel serial", "45306", time.Time{}},
		{"number", "5", time.Time{}},
		{"mixed separators", "15/01.2024", time.Time{}},
		{"long digits", "123456789012345", time.Time{}},
		{"version", "1.2.3", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := ingest.ParseDate(tc.raw)
			if tc.want.IsZero() {
				require.Falsef(t, ok, "ParseDate(%q) = %v, want no date", tc.raw, got)
				return
			}
			require.Truef(t, ok, "ParseDate(%q) failed", tc.raw)
			require.Truef(t, tc.want.Equal(got), "ParseDate(%q) = %v, want %v", tc.raw, got, tc.want)
			require.Equal(t, time.UTC, got.Location())
		})
	}
}
