package llm_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/llmsim"
	"github.com/voc-project/voc/llm/offline"
)

func alignInput() llm.AlignInput {
	return llm.AlignInput{TargetLanguage: "en", Products: []llm.AlignProduct{
		{ID: 1, Title: "Speaker", Dimensions: []llm.AlignDimension{{ID: 11, Kind: "product", Name: "Klangqualität"}, {ID: 12, Kind: "scenario", Name: "Küche"}}},
		{ID: 2, Title: "Phone", Dimensions: []llm.AlignDimension{{ID: 21, Kind: "product", Name: "sound quality"}, {ID: 22, Kind: "product", Name: "camera"}}},
	}}
}

// TestCleanAlign: unknown ids, an id in two groups, a member of another
// kind and empty groups are dropped and counted.
func TestCleanAlign(t *testing.T) {
	t.Parallel()
	out, dropped := llm.CleanAlign(alignInput(), llm.AlignOutput{Groups: []llm.AlignGroup{
		{Name: "Sound", Kind: "product", DimensionIDs: []int64{11, 21, 99}}, // 99: unknown
		{Name: "Camera", Kind: "product", DimensionIDs: []int64{22, 21}},    // 21: already grouped
		{Name: "Kitchen", Kind: "product", DimensionIDs: []int64{12}},       // 12 is a scenario: the group empties
		{Name: "  ", Kind: "scenario", DimensionIDs: []int64{12}},           // no name
	}})
	require.Equal(t, []llm.AlignGroup{
		{Name: "Sound", Kind: "product", DimensionIDs: []int64{11, 21}},
		{Name: "Camera", Kind: "product", DimensionIDs: []int64{22}},
	}, out.Groups)
	require.Equal(t, 5, dropped)
}

// TestAlignSchema: the schema refuses a group without members and a kind
// that is not a dimension kind.
func TestAlignSchema(t *testing.T) {
	t.Parallel()
	require.NoError(t, llm.Validate(llm.TaskAlignment, []byte(`{"groups":[{"name":"Sound","kind":"product","dimension_ids":[1,2]}]}`)))
	require.ErrorContains(t, llm.Validate(llm.TaskAlignment, []byte(`{"groups":[{"name":"Sound","kind":"product","dimension_ids":[]}]}`)), "minItems")
	require.ErrorContains(t, llm.Validate(llm.TaskAlignment, []byte(`{"groups":[{"name":"Sound","kind":"buyer","dimension_ids":[1]}]}`)), "kind")
}

// TestAlignThroughCache: the provider aligns through the simulator once;
// the same input again is answered by the cache, with no call. The offline
// analyser cannot align, and neither can the cache around it.
func TestAlignThroughCache(t *testing.T) {
	t.Parallel()
	sim, url := startSim(t, llmsim.Config{}, nil)
	p, _ := newProvider(t, url, nil)
	rdb, prefix := testRedis(t)
	rec := &callLog{}
	a := llm.NewCachedAnalyzer(p, rdb, time.Hour, rec, llm.WithCachePrefix(prefix))
	al, ok := llm.AlignerOf(a)
	require.True(t, ok)
	ctx := context.Background()
	first, u, err := al.Align(ctx, alignInput())
	require.NoError(t, err)
	require.False(t, u.CacheHit)
	require.Contains(t, first.Groups, llm.AlignGroup{Name: "Klangqualität", Kind: "product", DimensionIDs: []int64{11, 21}})
	again, u, err := al.Align(ctx, alignInput())
	require.NoError(t, err)
	require.True(t, u.CacheHit)
	require.Equal(t, first, again)
	require.EqualValues(t, 1, sim.Stats().Tasks[string(llm.TaskAlignment)])

	_, ok = llm.AlignerOf(offline.New())
	require.False(t, ok)
	cachedOffline := llm.NewCachedAnalyzer(offline.New(), rdb, time.Hour, nil, llm.WithCachePrefix(prefix))
	_, ok = llm.AlignerOf(cachedOffline)
	require.False(t, ok)
	_, _, err = cachedOffline.(llm.Aligner).Align(ctx, alignInput())
	require.True(t, errors.Is(err, llm.ErrNoAligner))
}
