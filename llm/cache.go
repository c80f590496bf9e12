package llm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// CacheOption adjusts NewCachedAnalyzer.
type CacheOption func(*cachedAnalyzer)

// WithCachePrefix sets the key prefix of cached answers. The default is
// "voc:llm:cache:".
func WithCachePrefix(p string) CacheOption {
	return func(c *cachedAnalyzer) { c.prefix = p }
}

// WithCacheLogger sets the logger for Redis outages. The default is
// slog.Default().
func WithCacheLogger(log *slog.Logger) CacheOption {
	return func(c *cachedAnalyzer) { c.log = log }
}

// WithCacheTimeout bounds each Redis round trip of the cache. The default is
// 500ms.
func WithCacheTimeout(d time.Duration) CacheOption {
	return func(c *cachedAnalyzer) { c.timeout = d }
}

// NewCachedAnalyzer returns an Analyzer that answers from Redis when the same
// provider, model, task, schema version, prompt version and input were seen
// within ttl (0: no expiry), so re-running the same data costs zero calls. A hit returns
// Usage{CacheHit: true} and records a Call with CacheHit set through rec
// (nil: not recorded). A miss calls inner and stores its answer only when
// inner succeeded and, for batch tasks, answered every review of the input.
//
// Batch tasks are cached per whole input: the same reviews in a different
// batch are a miss. A Redis error counts as a miss, is logged once per
// outage, and never fails the call. Errors returned are inner's.
func NewCachedAnalyzer(inner Analyzer, rdb *redis.Client, ttl time.Duration, rec Recorder, opts ...CacheOption) Analyzer {
	c := &cachedAnalyzer{
		inner:   inner,
		rdb:     rdb,
		ttl:     ttl,
		rec:     rec,
		prefix:  "voc:llm:cache:",
		log:     slog.Default(),
		timeout: 500 * time.Millisecond,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

type cachedAnalyzer struct {
	inner   Analyzer
	rdb     *redis.Client
	ttl     time.Duration
	rec     Recorder
	prefix  string
	log     *slog.Logger
	timeout time.Duration

	mu        sync.Mutex
	down      bool
	downUntil time.Time // skip Redis until then
}

// cacheBackoff is how long the cache skips Redis after an error, so a hung
// Redis costs one timeout per back-off rather than two per call.
const cacheBackoff = 5 * time.Second

func (c *cachedAnalyzer) skip() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.down && time.Now().Before(c.downUntil)
}

func (c *cachedAnalyzer) Name() string     { return c.inner.Name() }
func (c *cachedAnalyzer) Model() string    { return c.inner.Model() }
func (c *cachedAnalyzer) Translates() bool { return c.inner.Translates() }

func (c *cachedAnalyzer) Learn(ctx context.Context, in LearnInput) (LearnOutput, Usage, error) {
	return cached(ctx, c, TaskLearning, in, c.inner.Learn, nil)
}

func (c *cachedAnalyzer) Translate(ctx context.Context, in TranslateInput) (TranslateOutput, Usage, error) {
	return cached(ctx, c, TaskTranslation, in, c.inner.Translate, func(out TranslateOutput) bool {
		ids := make([]int64, len(out.Translations))
		for i, t := range out.Translations {
			ids[i] = t.ID
		}
		return answersAll(in.Reviews, ids)
	})
}

func (c *cachedAnalyzer) Insights(ctx context.Context, in InsightInput) (InsightOutput, Usage, error) {
	return cached(ctx, c, TaskInsights, in, c.inner.Insights, func(out InsightOutput) bool {
		ids := make([]int64, len(out.Reviews))
		for i, r := range out.Reviews {
			ids[i] = r.ID
		}
		return answersAll(in.Reviews, ids)
	})
}

func (c *cachedAnalyzer) Themes(ctx context.Context, in ThemeInput) (ThemeOutput, Usage, error) {
	return cached(ctx, c, TaskThemes, in, c.inner.Themes, func(out ThemeOutput) bool {
		ids := make([]int64, len(out.Reviews))
		for i, r := range out.Reviews {
			ids[i] = r.ID
		}
		return answersAll(in.Reviews, ids)
	})
}

func (c *cachedAnalyzer) Narrate(ctx context.Context, in ReportInput) (ReportOutput, Usage, error) {
	return cached(ctx, c, TaskReport, in, c.inner.Narrate, nil)
}

// Align implements Aligner when the wrapped provider does; otherwise it
// returns ErrNoAligner (AlignerOf reports false for it).
func (c *cachedAnalyzer) Align(ctx context.Context, in AlignInput) (AlignOutput, Usage, error) {
	al, ok := c.inner.(Aligner)
	if !ok {
		return AlignOutput{}, Usage{}, ErrNoAligner
	}
	return cached(ctx, c, TaskAlignment, in, al.Align, nil)
}

func (c *cachedAnalyzer) aligns() bool {
	_, ok := AlignerOf(c.inner)
	return ok
}

// answersAll reports whether ids covers every review. A partial answer is not
// cached: the caller retries the missing ids, and a cached partial answer
// would make a retry of the same batch fail the same way forever.
func answersAll(reviews []ReviewText, ids []int64) bool {
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		seen[id] = true
	}
	for _, r := range reviews {
		if !seen[r.ID] {
			return false
		}
	}
	return true
}

// cacheKey hashes everything that determines an answer. encoding/json is
// canonical enough here: struct fields keep declaration order and map keys
// are sorted.
func (c *cachedAnalyzer) cacheKey(task Task, in any) (string, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, part := range []string{c.inner.Name(), c.inner.Model(), string(task), SchemaVersion(task), PromptVersion(task)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	h.Write(b)
	return c.prefix + hex.EncodeToString(h.Sum(nil)), nil
}

func cached[I, O any](ctx context.Context, c *cachedAnalyzer, task Task, in I,
	call func(context.Context, I) (O, Usage, error), complete func(O) bool,
) (O, Usage, error) {
	key, err := c.cacheKey(task, in)
	if err != nil {
		// Unhashable input (e.g. a Facts value encoding/json rejects): skip
		// the cache; inner reports the problem if it has one.
		return call(ctx, in)
	}
	if out, ok := c.get(ctx, key); ok {
		var o O
		if err := json.Unmarshal(out, &o); err == nil {
			hit := Call{Stage: task.Stage(), Provider: c.inner.Name(), Model: c.inner.Model(), Status: CallOK, CacheHit: true}
			observeCall(hit)
			if c.rec != nil {
				c.rec.RecordCall(ctx, hit)
			}
			return o, Usage{CacheHit: true}, nil
		}
	}
	out, usage, err := call(ctx, in)
	if err != nil || (complete != nil && !complete(out)) {
		return out, usage, err
	}
	if b, err := json.Marshal(out); err == nil {
		c.set(ctx, key, b)
	}
	return out, usage, nil
}

func (c *cachedAnalyzer) get(ctx context.Context, key string) ([]byte, bool) {
	if c.skip() {
		return nil, false
	}
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	b, err := c.rdb.Get(rctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		c.markUp(ctx)
		return nil, false
	}
	if err != nil {
		if ctx.Err() == nil {
			c.markDown(ctx, err)
		}
		return nil, false
	}
	c.markUp(ctx)
	return b, true
}

func (c *cachedAnalyzer) set(ctx context.Context, key string, b []byte) {
	if c.skip() {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if err := c.rdb.Set(rctx, key, b, c.ttl).Err(); err != nil {
		if ctx.Err() == nil {
			c.markDown(ctx, err)
		}
		return
	}
	c.markUp(ctx)
}

func (c *cachedAnalyzer) markDown(ctx context.Context, err error) {
	c.mu.Lock()
	first := !c.down
	c.down = true
	c.downUntil = time.Now().Add(cacheBackoff)
	c.mu.Unlock()
	if first {
		c.log.WarnContext(ctx, "redis llm cache unavailable, calling the provider", slog.String("error", err.Error()))
	}
}

func (c *cachedAnalyzer) markUp(ctx context.Context) {
	c.mu.Lock()
	was := c.down
	c.down = false
	c.mu.Unlock()
	if was {
		c.log.InfoContext(ctx, "redis llm cache recovered")
	}
}
