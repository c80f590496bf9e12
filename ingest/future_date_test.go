package ingest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

// TestFutureDatesNotStored: dates in the future were accepted without a
// word. Now such a review keeps its raw date text but no date, and a
// warning says why; the row itself is kept.
func TestFutureDatesNotStored(t *testing.T) {
	t.Parallel()
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	in := fmt.Sprintf("rating,body,date\n5,good,2024-03-01\n4,typo year,2099-01-15\n3,posted today abroad,%s\n", tomorrow)
	var got []*ingest.Review
	var rej []ingest.Rejection
	sum, err := ingest.Parse([]byte(in), ingest.Options{Format: ingest.FormatCSV},
		func(r *ingest.Review) error { got = append(got, r); return nil },
		func(r ingest.Rejection) { rej = append(rej, r) })
	require.NoError(t, err)
	require.Equal(t, 3, sum.RowsValid)
	require.Equal(t, 0, sum.RowsRejected)
	require.Len(t, got, 3)
	require.True(t, got[0].HasDate)
	require.False(t, got[1].HasDate, "a date years ahead is not stored as a date")
	require.Equal(t, "2099-01-15", got[1].ReviewDateRaw)
	require.True(t, got[2].HasDate, "tomorrow is within a day's time-zone slack")
	require.Len(t, rej, 1)
	require.True(t, rej[0].Warning)
	require.Equal(t, 2, rej[0].Row)
	require.Equal(t, "date", rej[0].Column)
	require.Contains(t, rej[0].Reason, "in the future")
}
