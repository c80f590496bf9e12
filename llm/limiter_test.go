package llm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
)

func TestLocalLimiterPacesRequests(t *testing.T) {
	t.Parallel()
	l := llm.NewLocalLimiter(llm.LimiterConfig{RPS: 20, Burst: 1, MaxWait: time.Second})
	start := time.Now()
	for range 5 {
		require.NoError(t, l.Wait(context.Background(), 1))
	}
	// One at once, then four more at 50 ms each.
	el := time.Since(start)
	require.GreaterOrEqual(t, el, 190*time.Millisecond)
	require.Less(t, el, 2*time.Second)
}

func TestLocalLimiterConcurrentCallersShareTheRate(t *testing.T) {
	t.Parallel()
	l := llm.NewLocalLimiter(llm.LimiterConfig{RPS: 50, Burst: 5, MaxWait: 2 * time.Second})
	start := time.Now()
	var wg sync.WaitGroup
	for range 25 {
		wg.Go(func() { require.NoError(t, l.Wait(context.Background(), 1)) })
	}
	wg.Wait()
	// Five at once, twenty more at 20 ms each.
	el := time.Since(start)
	require.GreaterOrEqual(t, el, 380*time.Millisecond)
	require.Less(t, el, 3*time.Second)
}

func TestLocalLimiterRefusesLongWaits(t *testing.T) {
	t.Parallel()
	l := llm.NewLocalLimiter(llm.LimiterConfig{RPS: 1, Burst: 1, MaxWait: 100 * time.Millisecond})
	require.NoError(t, l.Wait(context.Background(), 1))
	start := time.Now()
	err := l.Wait(context.Background(), 1)
	rl, ok := llm.AsRateLimit(err)
	require.True(t, ok, "got %v", err)
	require.Equal(t, llm.CodeLocalRequests, rl.Code)
	require.InDelta(t, time.Second, rl.RetryAfter, float64(100*time.Millisecond))
	require.Less(t, time.Since(start), 50*time.Millisecond, "answers at once")
}

func TestLocalLimiterTokens(t *testing.T) {
	t.Parallel()
	// 600 tokens/min = 10/s, of which a tenth (60) may go at once.
	l := llm.NewLocalLimiter(llm.LimiterConfig{TPM: 600, MaxWait: 50 * time.Millisecond})
	require.NoError(t, l.Wait(context.Background(), 60))
	err := l.Wait(context.Background(), 100)
	rl, ok := llm.AsRateLimit(err)
	require.True(t, ok, "got %v", err)
	require.Equal(t, llm.CodeLocalTokens, rl.Code)
	require.InDelta(t, 10*time.Second, rl.RetryAfter, float64(500*time.Millisecond))
	// A request above the whole budget is charged the budget, so it waits
	// for the budget's worth of refill instead of forever.
	big := llm.NewLocalLimiter(llm.LimiterConfig{TPM: 600, MaxWait: 50 * time.Millisecond})
	rl, ok = llm.AsRateLimit(big.Wait(context.Background(), 10_000))
	require.True(t, ok)
	require.InDelta(t, 54*time.Second, rl.RetryAfter, float64(500*time.Millisecond))
}

func TestLocalLimiterHonoursContext(t *testing.T) {
	t.Parallel()
	l := llm.NewLocalLimiter(llm.LimiterConfig{RPS: 2, Burst: 1, MaxWait: 5 * time.Second})
	require.NoError(t, l.Wait(context.Background(), 1))

	// A wait that would outlast the deadline snoozes at once.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, ok := llm.AsRateLimit(l.Wait(ctx, 1))
	require.True(t, ok)

	// A cancelled wait returns the context's error.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	require.ErrorIs(t, l.Wait(ctx2, 1), context.Canceled)
}

func TestLocalLimiterUnlimited(t *testing.T) {
	t.Parallel()
	l := llm.NewLocalLimiter(llm.LimiterConfig{})
	for range 1000 {
		require.NoError(t, l.Wait(context.Background(), 1_000_000))
	}
}
