package jobs_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/jobs"
)

func TestParseQueues(t *testing.T) {
	t.Parallel()
	all, err := jobs.ParseQueues("")
	require.NoError(t, err)
	require.Equal(t, jobs.DefaultConcurrency, all)

	cases := []struct {
		spec string
		want map[string]int
		err  string
	}{
		{spec: "ingestion=4,reports=2", want: map[string]int{"ingestion": 4, "reports": 2}},
		{spec: " insight_extraction=20 , theme_extraction=15,translation=40 ", want: map[string]int{"insight_extraction": 20, "theme_extraction": 15, "translation": 40}},
		{spec: "learning", want: map[string]int{"learning": jobs.DefaultConcurrency["learning"]}},
		{spec: "all,ingestion=0", want: func() map[string]int {
			m := map[string]int{}
			for q, n := range jobs.DefaultConcurrency {
				if q != "ingestion" {
					m[q] = n
				}
			}
			return m
		}()},
		{spec: "ingestoin=4", err: `unknown queue "ingestoin"`},
		{spec: "reports=-1", err: "MaxWorkers must be an integer"},
		{spec: "reports=many", err: "MaxWorkers must be an integer"},
	}
	for _, c := range cases {
		got, err := jobs.ParseQueues(c.spec)
		if c.err != "" {
			require.ErrorContains(t, err, c.err, c.spec)
			continue
		}
		require.NoError(t, err, c.spec)
		require.Equal(t, c.want, got, c.spec)
	}
}
