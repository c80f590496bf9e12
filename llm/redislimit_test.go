package llm_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
)

// testRedis returns a client for the local Redis and a random key prefix
// whose keys are deleted when the test ends. It skips the test when Redis is
// unreachable.
func testRedis(t *testing.T) (*redis.Client, string) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		t.Skipf("redis unreachable at 127.0.0.1:6379: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "voctest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		_ = rdb.Close()
	})
	return rdb, prefix
}

// downRedis returns a client pointed at a closed port.
func downRedis(t *testing.T) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1, DialTimeout: 200 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

type countingLimiter struct{ n atomic.Int64 }

func (c *countingLimiter) Wait(ctx context.Context, tokens int) error {
	c.n.Add(1)
	return ctx.Err()
}

func TestRedisLimiterSharesRequestBudget(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	cfg := llm.RedisLimiterConfig{RPS: 20, Burst: 1, MaxWait: 10 * time.Second, Prefix: prefix}
	// Two limiters on one prefix stand for two hosts.
	hosts := []*llm.RedisLimiter{
		llm.NewRedisLimiter(rdb, cfg, nil, nil),
		llm.NewRedisLimiter(rdb, cfg, nil, nil),
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Go(func() { errs <- hosts[i%2].Wait(t.Context(), 0) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// 40 requests at 20/s with a burst of 1: 39 intervals of 50ms.
	elapsed := time.Since(start)
	require.GreaterOrEqual(t, elapsed, 1500*time.Millisecond)
	require.Less(t, elapsed, 5*time.Second)
}

func TestRedisLimiterRefusesBeyondMaxWait(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	cfg := llm.RedisLimiterConfig{RPS: 5, Burst: 1, MaxWait: 50 * time.Millisecond, Prefix: prefix}
	a := llm.NewRedisLimiter(rdb, cfg, nil, nil)
	b := llm.NewRedisLimiter(rdb, cfg, nil, nil)

	require.NoError(t, a.Wait(t.Context(), 0))
	err := b.Wait(t.Context(), 0)
	rl, ok := llm.AsRateLimit(err)
	require.True(t, ok, "want RateLimitError, got %v", err)
	require.Equal(t, llm.CodeSharedRequests, rl.Code)
	require.Greater(t, rl.RetryAfter, 100*time.Millisecond)
	require.LessOrEqual(t, rl.RetryAfter, 200*time.Millisecond)

	// A refusal reserves nothing: the next reservation gets the slot the
	// refused request would have had (RetryAfter from now), not the one
	// after it (two intervals, 400ms). Checked on the slot, without waiting.
	slot, ok, err := b.ReserveSlot(t.Context(), 0, time.Second)
	require.NoError(t, err)
	require.True(t, ok)
	require.Less(t, time.Until(slot), rl.RetryAfter+100*time.Millisecond, "the refused request reserved a slot")
}

func TestRedisLimiterSharesTokenBudget(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	cfg := llm.RedisLimiterConfig{TPM: 600, MaxWait: 100 * time.Millisecond, Prefix: prefix}
	a := llm.NewRedisLimiter(rdb, cfg, nil, nil)
	b := llm.NewRedisLimiter(rdb, cfg, nil, nil)

	// One host spends the burst (a tenth of the minute's budget) at once...
	require.NoError(t, a.Wait(t.Context(), 60))
	// ...so the other must wait about 10s for 100 tokens at 10 tokens/s.
	err := b.Wait(t.Context(), 100)
	rl, ok := llm.AsRateLimit(err)
	require.True(t, ok, "want RateLimitError, got %v", err)
	require.Equal(t, llm.CodeSharedTokens, rl.Code)
	require.InDelta(t, 10*time.Second, rl.RetryAfter, float64(500*time.Millisecond))
}

func TestRedisLimiterDeadlineShortensMaxWait(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	cfg := llm.RedisLimiterConfig{RPS: 1, Burst: 1, MaxWait: 10 * time.Second, Prefix: prefix}
	l := llm.NewRedisLimiter(rdb, cfg, nil, nil)
	require.NoError(t, l.Wait(t.Context(), 0))
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, ok := llm.AsRateLimit(l.Wait(ctx, 0))
	require.True(t, ok)
}

func TestRedisLimiterFallsBackWhenRedisDown(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	fb := &countingLimiter{}
	cfg := llm.RedisLimiterConfig{RPS: 1, TPM: 10, MaxWait: time.Millisecond, Backoff: 5 * time.Millisecond}
	l := llm.NewRedisLimiter(downRedis(t), cfg, fb, log)
	clock := time.Now()
	l.SetClock(func() time.Time { return clock })

	for range 5 {
		require.NoError(t, l.Wait(t.Context(), 1000))
		// Past the back-off, so every call tries Redis again and fails again.
		clock = clock.Add(10 * time.Millisecond)
	}
	require.EqualValues(t, 5, fb.n.Load())
	require.Equal(t, 1, strings.Count(logs.String(), "level=WARN"), logs.String())
	require.Contains(t, logs.String(), "using local fallback")
}

// TestRedisLimiterFallbackWaitsOutReservations: when Redis goes down, calls
// it reserved up to MaxWait ahead may still be going out on every host, so
// the fallback admits nothing for MaxWait.
func TestRedisLimiterFallbackWaitsOutReservations(t *testing.T) {
	t.Parallel()
	fb := &countingLimiter{}
	cfg := llm.RedisLimiterConfig{RPS: 1, MaxWait: 300 * time.Millisecond, Backoff: time.Second}
	l := llm.NewRedisLimiter(downRedis(t), cfg, fb, nil)
	start := time.Now()
	require.NoError(t, l.Wait(t.Context(), 0))
	require.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
	start = time.Now()
	require.NoError(t, l.Wait(t.Context(), 0))
	require.Less(t, time.Since(start), 200*time.Millisecond, "only the outage's start waits")
	require.EqualValues(t, 2, fb.n.Load())
}

func TestRedisLimiterCanceledContext(t *testing.T) {
	t.Parallel()
	fb := &countingLimiter{}
	l := llm.NewRedisLimiter(downRedis(t), llm.RedisLimiterConfig{RPS: 1}, fb, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.True(t, errors.Is(l.Wait(ctx, 0), context.Canceled))
	require.Zero(t, fb.n.Load())
}

// TestRedisClockMapsSlotsNeverEarly: a slot in Redis's clock becomes a time
// in ours that is never early and, once one reply came back quickly, not
// late by more than that reply's round trip either, however slow later
// replies are. A Redis clock set back is followed.
func TestRedisClockMapsSlotsNeverEarly(t *testing.T) {
	t.Parallel()
	base := time.Now()
	at := func(us int64) time.Time { return base.Add(time.Duration(us) * time.Microsecond) }
	offset := int64(1_700_000_000_000_000) // Redis's µs minus ours
	local := llm.RedisClock(base)
	check := func(slotLocal int64, got time.Time, late time.Duration) {
		t.Helper()
		d := got.Sub(at(slotLocal))
		require.GreaterOrEqual(t, d, time.Duration(0), "early")
		require.LessOrEqual(t, d, late)
	}
	// A 10 ms round trip: the slot may be up to 10 ms late.
	check(60_000, local(offset+60_000, offset+5_000, at(0), at(10_000)), 10*time.Millisecond)
	// A 0.2 ms round trip tightens it...
	check(150_000, local(offset+150_000, offset+100_100, at(100_000), at(100_200)), 200*time.Microsecond)
	// ...and a 100 ms one that follows does not loosen it (a wait counted
	// from the reply would send 90 ms late).
	check(400_000, local(offset+400_000, offset+210_000, at(200_000), at(300_000)), 400*time.Microsecond)
	// Redis's clock goes back a second: the kept bound is impossible now,
	// and the new reply's is used.
	offset -= 1_000_000
	check(600_000, local(offset+600_000, offset+500_000, at(499_900), at(500_100)), 200*time.Microsecond)
}
