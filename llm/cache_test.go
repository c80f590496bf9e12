package llm_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
	"github.com/voc-project/voc/llm/offline"
)

// countingAnalyzer counts the calls that reach the offline analyser. model
// overrides its model name; dropLast makes Translate omit the last review.
type countingAnalyzer struct {
	llm.Analyzer
	model    string
	dropLast bool
	calls    atomic.Int64
}

func newCounting() *countingAnalyzer { return &countingAnalyzer{Analyzer: offline.New()} }

func (c *countingAnalyzer) Model() string {
	if c.model != "" {
		return c.model
	}
	return c.Analyzer.Model()
}

func (c *countingAnalyzer) Translate(ctx context.Context, in llm.TranslateInput) (llm.TranslateOutput, llm.Usage, error) {
	c.calls.Add(1)
	out, u, err := c.Analyzer.Translate(ctx, in)
	if c.dropLast && len(out.Translations) > 0 {
		out.Translations = out.Translations[:len(out.Translations)-1]
	}
	u.Calls = 1
	return out, u, err
}

func (c *countingAnalyzer) Insights(ctx context.Context, in llm.InsightInput) (llm.InsightOutput, llm.Usage, error) {
	c.calls.Add(1)
	out, u, err := c.Analyzer.Insights(ctx, in)
	u.Calls = 1
	return out, u, err
}

type callLog struct {
	mu    sync.Mutex
	calls []llm.Call
}

func (l *callLog) RecordCall(_ context.Context, c llm.Call) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, c)
}

func translateInput(body string) llm.TranslateInput {
	return llm.TranslateInput{TargetLanguage: "en", Reviews: []llm.ReviewText{
		{ID: 1, Title: "Great", Body: body},
		{ID: 2, Title: "Meh", Body: "The battery dies fast."},
	}}
}

func TestCachedAnalyzerHitMiss(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	inner := newCounting()
	rec := &callLog{}
	a := llm.NewCachedAnalyzer(inner, rdb, time.Hour, rec, llm.WithCachePrefix(prefix))
	require.Equal(t, offline.ProviderName, a.Name())
	require.Equal(t, offline.ModelName, a.Model())
	require.False(t, a.Translates())

	in := translateInput("Love the sound.")
	first, u1, err := a.Translate(t.Context(), in)
	require.NoError(t, err)
	require.False(t, u1.CacheHit)
	require.Equal(t, 1, u1.Calls)
	require.EqualValues(t, 1, inner.calls.Load())

	second, u2, err := a.Translate(t.Context(), in)
	require.NoError(t, err)
	require.Equal(t, llm.Usage{CacheHit: true}, u2)
	require.Equal(t, first, second)
	require.EqualValues(t, 1, inner.calls.Load(), "a hit must not reach the provider")
	require.Equal(t, []llm.Call{{
		Stage: llm.StageTranslation, Provider: offline.ProviderName, Model: offline.ModelName,
		Status: llm.CallOK, CacheHit: true,
	}}, rec.calls)

	// The key carries a TTL.
	keys, err := rdb.Keys(t.Context(), prefix+"*").Result()
	require.NoError(t, err)
	require.Len(t, keys, 1)
	ttl, err := rdb.TTL(t.Context(), keys[0]).Result()
	require.NoError(t, err)
	require.Greater(t, ttl, 59*time.Minute)

	// Different input: miss.
	_, u3, err := a.Translate(t.Context(), translateInput("Love the bass."))
	require.NoError(t, err)
	require.False(t, u3.CacheHit)
	require.EqualValues(t, 2, inner.calls.Load())

	// Same input, different task: miss.
	ins := llm.InsightInput{TargetLanguage: "en", Reviews: in.Reviews}
	_, u4, err := a.Insights(t.Context(), ins)
	require.NoError(t, err)
	require.False(t, u4.CacheHit)
	_, u5, err := a.Insights(t.Context(), ins)
	require.NoError(t, err)
	require.True(t, u5.CacheHit)
	require.EqualValues(t, 3, inner.calls.Load())

	// Same provider name, different model, same Redis: miss.
	other := newCounting()
	other.model = "voc-offline-2"
	b := llm.NewCachedAnalyzer(other, rdb, time.Hour, nil, llm.WithCachePrefix(prefix))
	_, u6, err := b.Translate(t.Context(), in)
	require.NoError(t, err)
	require.False(t, u6.CacheHit)
	require.EqualValues(t, 1, other.calls.Load())
}

func TestCachedAnalyzerSkipsPartialAnswers(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	inner := newCounting()
	inner.dropLast = true
	a := llm.NewCachedAnalyzer(inner, rdb, time.Hour, nil, llm.WithCachePrefix(prefix))
	in := translateInput("Love the sound.")
	for range 2 {
		out, u, err := a.Translate(t.Context(), in)
		require.NoError(t, err)
		require.False(t, u.CacheHit)
		require.Len(t, out.Translations, 1)
	}
	require.EqualValues(t, 2, inner.calls.Load())
}

func TestCachedAnalyzerRedisDown(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	inner := newCounting()
	a := llm.NewCachedAnalyzer(inner, downRedis(t), time.Hour, nil, llm.WithCacheLogger(log))
	in := translateInput("Love the sound.")
	for range 3 {
		out, u, err := a.Translate(t.Context(), in)
		require.NoError(t, err)
		require.False(t, u.CacheHit)
		require.Len(t, out.Translations, 2)
	}
	require.EqualValues(t, 3, inner.calls.Load())
	require.Equal(t, 1, strings.Count(logs.String(), "level=WARN"), logs.String())
}
