package llm_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
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
// 5. No sliding 1 s window of slots holds more than 50; the windows the rule
// keeps (1 s plus the margin) hold exactly 50, and the whole run spans
// what the same rule in Go (window.go) gives: the Lua script and the Go
// schedule agree, and the budget is spent, not wasted.
func TestRedisLimiterWindowProperty(t *testing.T) {
	t.Parallel()
	_, prefix := testRedis(t)
	cfg := llm.RedisLimiterConfig{RPS: 50, Burst: 5, Prefix: prefix}
	tol := llm.DefaultTolerance(cfg.RPS)
	var hosts []*llm.RedisLimiter
	for _, c := range hostClients(t, 4) {
		hosts = append(hosts, llm.NewRedisLimiter(c, cfg, nil, nil))
	}
	gs := reserveAll(t, hosts, 8, 40, func(*rand.Rand) int { return 100 })
	require.Len(t, gs, 1280)
	count, _ := maxInWindow(gs, time.Second)
	require.LessOrEqual(t, count, 50)
	count, _ = maxInWindow(gs, time.Second+llm.WindowMargin(tol))
	require.Equal(t, 50, count, "the busiest window of 1 s + margin holds exactly the budget")

	s := llm.NewLocalSchedule(cfg.RPS, cfg.Burst, 0, tol)
	var want time.Duration
	for range 1280 {
		want, _ = s.Reserve(0, 0, time.Hour)
	}
	span := slices.MaxFunc(gs, func(a, b grant) int { return int(a.at - b.at) }).at
	require.GreaterOrEqual(t, span, want)
	require.LessOrEqual(t, span, want+100*time.Millisecond, "the budget is spent, not wasted")
	// 1,280 requests at 50 per 1.04 s, less the first window's: about 26.5 s.
	require.InDelta(t, 26500*time.Millisecond, want, float64(500*time.Millisecond))
}

// lateSleeper returns a sleep that wakes late as a busy machine does, and
// counts the calls: 70% of the wakes up to 0.9 tol late (those requests
// keep their slots and go late), one in a hundred between tol and 8 tol
// late (those give their slots up). The draws come from one seeded source
// per host, so which wakes are late does not depend on the goroutines'
// order: the first 144 draws of seeds 0, 1 and 2 hold two very late wakes
// each, the first 432 of seed 9 six.
func lateSleeper(seed uint64, tol time.Duration, calls *atomic.Int64) func(context.Context, time.Duration) error {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, 7))
	return func(ctx context.Context, d time.Duration) error {
		calls.Add(1)
		mu.Lock()
		switch x := r.Float64(); {
		case x < 0.01:
			d = max(d, 0) + tol + time.Duration(r.Int64N(int64(7*tol)))
		case x < 0.71:
			d = max(d, 0) + time.Duration(r.Int64N(int64(tol*9/10)))
		}
		mu.Unlock()
		return llm.SleepCtx(ctx, d)
	}
}

// waitAll has every waiter wait from several goroutines at once and returns
// the send times (when Wait returned) relative to the first and the
// greatest lateness (send − slot). A refusal is retried, as a job would
// after snoozing.
func waitAll(t *testing.T, hosts []func(context.Context, int) (time.Time, time.Time, error), perHost, each int) (sends []grant, late time.Duration) {
	t.Helper()
	var mu sync.Mutex
	var sent []time.Time
	var wg sync.WaitGroup
	for _, wait := range hosts {
		for range perHost {
			wg.Go(func() {
				for n := 0; n < each; {
					slot, at, err := wait(context.Background(), 0)
					if _, ok := llm.AsRateLimit(err); ok {
						continue
					}
					if err != nil {
						t.Errorf("wait: %v", err)
						return
					}
					n++
					mu.Lock()
					sent = append(sent, at)
					late = max(late, at.Sub(slot))
					if at.Before(slot) {
						t.Errorf("sent %v before its slot", slot.Sub(at))
					}
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	first := slices.MinFunc(sent, func(a, b time.Time) int { return a.Compare(b) })
	for _, at := range sent {
		sends = append(sends, grant{at: at.Sub(first), tokens: 1})
	}
	return sends, late
}

// TestRedisLimiterSendsKeepTheWindow checks the budget where the provider
// sees it: on the times Wait returns, when the caller sends. Three hosts
// (limiters with their own Redis connections) with six callers each wait
// for 432 requests against 100 req/s while their wakes come late
// (lateSleeper). No send is later than the tolerance after its slot, and no
// sliding 1 s window of sends holds more than 100: late sends used to bunch
// with other hosts' on-time ones.
func TestRedisLimiterSendsKeepTheWindow(t *testing.T) {
	t.Parallel()
	_, prefix := testRedis(t)
	cfg := llm.RedisLimiterConfig{RPS: 100, Prefix: prefix, MaxWait: time.Minute}
	var calls atomic.Int64
	var hosts []func(context.Context, int) (time.Time, time.Time, error)
	for i, c := range hostClients(t, 3) {
		l := llm.NewRedisLimiter(c, cfg, nil, nil)
		l.SetSleep(lateSleeper(uint64(i), llm.DefaultTolerance(cfg.RPS), &calls))
		hosts = append(hosts, l.WaitSent)
	}
	sends, late := waitAll(t, hosts, 6, 24)
	require.Len(t, sends, 432)
	require.LessOrEqual(t, late, llm.DefaultTolerance(cfg.RPS))
	count, _ := maxInWindow(sends, time.Second)
	require.LessOrEqual(t, count, 100, "the busiest 1 s of sends")
	require.Greater(t, calls.Load(), int64(432), "some slots were given up")
}

// TestLocalLimiterSendsKeepTheWindow is the same for the in-process
// limiter (one host, and each host's Redis-down fallback).
func TestLocalLimiterSendsKeepTheWindow(t *testing.T) {
	t.Parallel()
	l := llm.NewLocalLimiter(llm.LimiterConfig{RPS: 100, MaxWait: time.Minute})
	var calls atomic.Int64
	l.SetSleep(lateSleeper(9, llm.DefaultTolerance(100), &calls))
	sends, late := waitAll(t, []func(context.Context, int) (time.Time, time.Time, error){l.WaitSent}, 12, 36)
	require.Len(t, sends, 432)
	require.LessOrEqual(t, late, llm.DefaultTolerance(100))
	count, _ := maxInWindow(sends, time.Second)
	require.LessOrEqual(t, count, 100, "the busiest 1 s of sends")
	require.Greater(t, calls.Load(), int64(432), "some slots were given up")
}

// TestLateWakeGivesUpItsSlot: a wait that wakes more than the tolerance
// after its slot does not send; it reserves the next slot (the one it gave
// up stays spent) and sends on that one. After maxLateTries late wakes it
// snoozes instead.
func TestLateWakeGivesUpItsSlot(t *testing.T) {
	t.Parallel()
	rdb, prefix := testRedis(t)
	const rps, tol = 10, 20 * time.Millisecond
	local := llm.NewLocalLimiter(llm.LimiterConfig{RPS: rps, Burst: 1, Tolerance: tol})
	shared := llm.NewRedisLimiter(rdb, llm.RedisLimiterConfig{RPS: rps, Burst: 1, Tolerance: tol, Prefix: prefix}, nil, nil)
	for _, tc := range []struct {
		name     string
		wait     func(context.Context, int) (time.Time, time.Time, error)
		limiter  llm.Limiter
		setSleep func(func(context.Context, time.Duration) error)
		label    string
		code     string
	}{
		{"local", local.WaitSent, local, local.SetSleep, "local", llm.CodeLocalRequests},
		{"redis", shared.WaitSent, shared, shared.SetSleep, "shared", llm.CodeSharedRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var slots []time.Duration
			start := time.Now()
			late := 1
			tc.setSleep(func(ctx context.Context, d time.Duration) error {
				slots = append(slots, time.Since(start)+d)
				if late > 0 {
					late--
					d += 3 * tol
				}
				return llm.SleepCtx(ctx, d)
			})
			// Other tests give slots up too: the counters only grow.
			given := llm.Metric("late", tc.label)
			slot, sent, err := tc.wait(t.Context(), 0)
			require.NoError(t, err)
			require.Len(t, slots, 2, "the late wake reserved again")
			require.LessOrEqual(t, sent.Sub(slot), tol)
			require.GreaterOrEqual(t, slots[1]-slots[0], time.Second/rps-5*time.Millisecond, "the given-up slot stays spent")
			require.GreaterOrEqual(t, llm.Metric("late", tc.label)-given, 1.0, "the given-up slot is counted")

			late = 100
			slots = nil
			given = llm.Metric("late", tc.label)
			snoozes := llm.Metric("snoozes", tc.label, tc.code)
			err = tc.limiter.Wait(t.Context(), 0)
			rl, ok := llm.AsRateLimit(err)
			require.True(t, ok, "got %v", err)
			require.Contains(t, rl.Message, "too late")
			require.Len(t, slots, 3)
			require.GreaterOrEqual(t, llm.Metric("late", tc.label)-given, 3.0, "every given-up slot is counted")
			require.GreaterOrEqual(t, llm.Metric("snoozes", tc.label, tc.code)-snoozes, 1.0, "the snooze is counted")
		})
	}
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
// arrive in irregular clumps, and no window of 1 s plus the margin exceeds
// the budget whatever the burst.
func TestLocalScheduleWindowProperty(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rps   float64
		burst int
	}{{30, 1}, {30, 3}, {30, 30}, {200, 10}, {15.5, 2}} {
		tol := llm.DefaultTolerance(tc.rps)
		s := llm.NewLocalSchedule(tc.rps, tc.burst, 0, tol)
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
		count, _ := maxInWindow(gs, time.Second+llm.WindowMargin(tol))
		require.Equal(t, int(tc.rps), count, "rps %v burst %d", tc.rps, tc.burst)
	}
}

func TestLocalScheduleTokenWindow(t *testing.T) {
	t.Parallel()
	s := llm.NewLocalSchedule(0, 0, 6000, 50*time.Millisecond)
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
