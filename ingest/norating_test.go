package ingest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A file without a rating column fails unless the mapping says so
// explicitly (rating → ""); then its reviews have no rating, never a
// made-up one, with or without a preview.
func TestExplicitNoRating(t *testing.T) {
	t.Parallel()
	const file = "text,label\ngreat sound,1\nbroke after a week,0\n"
	before, err := Preview([]byte(file), Options{Format: FormatCSV, Mapping: Mapping{FieldBody: "text"}}, 5)
	require.NoError(t, err)
	require.Contains(t, before.Missing, FieldRating)
	res, err := Preview([]byte(file), Options{Format: FormatCSV, Mapping: Mapping{FieldBody: "text", FieldRating: ""}}, 5)
	require.NoError(t, err)
	require.Empty(t, res.Missing)
	require.Len(t, res.Rows, 2)
	for _, r := range res.Rows {
		require.NotNil(t, r.Review)
		require.Zero(t, r.Review.Rating)
	}
	var got []Review
	_, err = Parse([]byte(file), Options{Format: FormatCSV, Mapping: Mapping{FieldBody: "text", FieldRating: ""}},
		func(r *Review) error { got = append(got, *r); return nil }, func(Rejection) {})
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Zero(t, got[0].Rating)
	_, err = Parse([]byte(file), Options{Format: FormatCSV, Mapping: Mapping{FieldBody: "text"}},
		func(*Review) error { return nil }, func(Rejection) {})
	require.ErrorContains(t, err, "rating")
}
