package llm_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/voc-project/voc/llm"
)

// grant is one reserved send time and its token cost.
type grant struct {
	at     time.Duration
	tokens int
}

// maxInWindow returns the largest count and the largest token sum of grants
// in any half-open window [g.at, g.at+w) starting at a grant (the maximum
// over all sliding windows is reached at one that starts on a grant).
func maxInWindow(gs []grant, w time.Duration) (count, tokens int) {
	slices.SortFunc(gs, func(a, b grant) int { return int(a.at - b.at) })
	j, sum := 0, 0
	for i := range gs {
		for j < len(gs) && gs[j].at < gs[i].at+w {
			sum += gs[j].tokens
			j++
		}
		count, tokens = max(count, j-i), max(tokens, sum)
		sum -= gs[i].tokens
	}
	return count, tokens
}

// reserveAll has every limiter reserve from several goroutines at once,
// each goroutine drawing token costs from its own seeded source, and
// returns every grant relative to the first.
func reserveAll(t *testing.T, hosts []*llm.RedisLimiter, perHost, each int, cost func(r *rand.Rand) int) []grant {
	t.Helper()
	var mu sync.Mutex
	var slots []time.Time
	var toks []int
	var wg sync.WaitGroup
	for h, l := range hosts {
		for g := range perHost {
			wg.Go(func() {
				r := rand.New(rand.NewPCG(uint64(h), uint64(g)))
				for range each {
					n := cost(r)
					slot, ok, err := l.ReserveSlot(context.Background(), n, time.Hour)
					if err != nil || !ok {
						t.Errorf("reserve: ok=%v err=%v", ok, err)
						return
					}
					mu.Lock()
					slots, toks = append(slots, slot), append(toks, n)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	first := slices.MinFunc(slots, func(a, b time.Time) int { return a.Compare(b) })
	gs := make([]grant, len(slots))
	for i := range slots {
		gs[i] = grant{at: slots[i].Sub(first), tokens: toks[i]}
	}
	return gs
}

// hostClients gives each simulated host its own Redis connection pool, as
// separate processes would have.
func hostClients(t *testing.T, n int) []*redis.Client {
	out := make([]*redis.Client, n)
	for i := range out {
		out[i] = redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
		t.Cleanup(func() { _ = out[i].Close() })
	}
	return out
}

// TestRedisLimiterWindowProperty: four hosts with eight callers each
// reserve 1,280 requests at once against a 50 req/s budget with a burst of
// 5. No sliding 1 s window of send times holds more than 50, and the budget
// is spent: some window holds exactly 50 and the whole run takes no longer
// than the budget needs.
func TestRedisLimiterWindowProperty(t *testing.T) {
	t.Parallel()
	_, prefix := testRedis(t)
	cfg := llm.RedisLimiterConfig{RPS: 50, Burst: 5, Prefix: prefix}
	var hosts []*llm.RedisLimiter
	for _, c := range hostClients(t, 4) {
		hosts = append(hosts, llm.NewRedisLimiter(c, cfg, nil, nil))
	}
	gs := reserveAll(t, hosts, 8, 40, func(*rand.Rand) int { return 100 })
	require.Len(t, gs, 1280)
	count, _ := maxInWindow(gs, time.Second)
	require.Equal(t, 50, count, "the busiest 1 s window holds exactly the budget")
	span := slices.MaxFunc(gs, func(a, b grant) int { return int(a.at - b.at) }).at
	// 1,280 requests at 50/s: the burst of 5 at once, then 1,275 at 20 ms.
	require.LessOrEqual(t, span, 25500*time.Millisecond+100*time.Millisecond, "the budget is spent, not wasted")
	require.GreaterOrEqual(t, span, 25500*time.Millisecond)
}

// TestRedisLimiterTokenWindowProperty: three hosts reserve requests of
// random size against 6,000 tokens/min; no sliding 60 s window of send times
// carries more than 6,000 tokens, and the busiest comes close to it.
func TestRedisLimiterTokenWindowProperty(t *testing.T) {
	t.Parallel()
	_, prefix := testRedis(t)
	cfg := llm.RedisLimiterConfig{TPM: 6000, Prefix: prefix}
	var hosts []*llm.RedisLimiter
	for _, c := range hostClients(t, 3) {
		hosts = append(hosts, llm.NewRedisLimiter(c, cfg, nil, nil))
	}
	gs := reserveAll(t, hosts, 4, 25, func(r *rand.Rand) int { return 1 + r.IntN(400) })
	total := 0
	for _, g := range gs {
		total += g.tokens
	}
	require.Greater(t, total, 3*6000, "enough tokens for several minutes")
	_, tokens := maxInWindow(gs, time.Minute)
	require.LessOrEqual(t, tokens, 6000)
	require.Greater(t, tokens, 6000-400, "the busiest minute is full up to one request")
}

// TestLocalScheduleWindowProperty checks the same rule in Go (the local
// limiter and the Redis-down fallback) on a clock the test drives: callers
// arrive in irregular clumps, and no 1 s window exceeds the budget whatever
// the burst.
func TestLocalScheduleWindowProperty(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rps   float64
		burst int
	}{{30, 1}, {30, 3}, {30, 30}, {200, 10}, {15.5, 2}} {
		s := llm.NewLocalSchedule(tc.rps, tc.burst, 0)
		r := rand.New(rand.NewPCG(1, uint64(tc.rps)))
		var gs []grant
		now := time.Duration(0)
		for range 3000 {
			// Clumps of arrivals, then idle spells up to 2 s.
			if r.IntN(50) == 0 {
				now += time.Duration(r.IntN(2000)) * time.Millisecond
			}
			slot, ok := s.Reserve(now, 0, time.Hour)
			require.True(t, ok)
			gs = append(gs, grant{at: slot, tokens: 1})
		}
		count, _ := maxInWindow(gs, time.Second)
		require.Equal(t, int(tc.rps), count, "rps %v burst %d", tc.rps, tc.burst)
	}
}

func TestLocalScheduleTokenWindow(t *testing.T) {
	t.Parallel()
	s := llm.NewLocalSchedule(0, 0, 6000)
	r := rand.New(rand.NewPCG(2, 3))
	var gs []grant
	for range 400 {
		n := 1 + r.IntN(400)
		slot, ok := s.Reserve(0, n, 24*time.Hour)
		require.True(t, ok)
		gs = append(gs, grant{at: slot, tokens: n})
	}
	_, tokens := maxInWindow(gs, time.Minute)
	require.LessOrEqual(t, tokens, 6000)
	require.Greater(t, tokens, 6000-400)
}

// TestSendGateSpreadsLateSends: requests released all at once (as goroutines
// woken late would be) leave the gate with no 1 s window above the limit.
func TestSendGateSpreadsLateSends(t *testing.T) {
	t.Parallel()
	pass := llm.SendGate(10)
	var mu sync.Mutex
	var gs []grant
	start := time.Now()
	var wg sync.WaitGroup
	for range 25 {
		wg.Go(func() {
			require.NoError(t, pass(context.Background()))
			mu.Lock()
			gs = append(gs, grant{at: time.Since(start), tokens: 1})
			mu.Unlock()
		})
	}
	wg.Wait()
	// The times are taken after pass returns, so a goroutine descheduled
	// between the two (CI runs this beside other packages' tests) records
	// late and can seem to share a window with later sends; 100 ms of such
	// slack is allowed. A gate that let an 11th send into a window would
	// still show 11 here: its sends would be microseconds apart.
	count, _ := maxInWindow(gs, time.Second-100*time.Millisecond)
	require.Equal(t, 10, count)
	require.GreaterOrEqual(t, time.Since(start), 2*time.Second, "25 sends at 10 per window need three windows")
}
