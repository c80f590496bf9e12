package jobs

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/ingest"
)

// TestParsePanicContained: the parse runs on its own goroutine, where a
// panic would end the process (API and every worker with it, again on each
// retry). parseContained turns it into a *ingest.FileError that fails the
// upload.
func TestParsePanicContained(t *testing.T) {
	t.Parallel()
	boom := func(*ingest.Review) error { panic("index out of range [7] with length 3") }
	_, err := parseContained([]byte("rating,body\n5,fine\n"), ingest.Options{Format: ingest.FormatCSV}, boom, nil)
	var fe *ingest.FileError
	require.ErrorAs(t, err, &fe)
	require.Contains(t, fe.Reason, "cannot be processed")
	require.Contains(t, fe.Reason, "index out of range")

	// Without a panic it is ingest.Parse.
	sum, err := parseContained([]byte("rating,body\n5,fine\n"), ingest.Options{Format: ingest.FormatCSV}, nil, nil)
	require.NoError(t, err)
	require.Equal(t, 1, sum.RowsValid)
}
