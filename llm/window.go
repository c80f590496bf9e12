package llm

import (
	"context"
	"math"
	"sort"
	"sync"
	"time"
)

// This file is the scheduling rule both limiters share: the in-process
// LocalLimiter runs it in Go, the RedisLimiter runs the same rule in Lua
// (redislimit.go). Keep the two in step.
//
// Each request gets a send time (its slot). A slot is the earliest time that
// satisfies, in each dimension (requests, tokens):
//
//   - GCRA pacing: a bucket of tolerance tol refilled at the rate. It spreads
//     requests evenly and lets up to the burst go at once after an idle spell.
//   - The sliding window: the request's cost plus the cost of every request
//     slotted in the window before it (1 s for requests, 60 s for tokens) is
//     at most the window's limit. Slots never go backwards, so the requests in
//     any window are a contiguous run of the log, and "the cumulative cost at
//     the new request minus the cumulative cost just before the window" is the
//     window's cost. The log is indexed by cumulative cost, so the entry that
//     must leave the window is found by binary search.
//
// GCRA alone lets burst + rate requests into one second (a full bucket, then
// a second of refill); the window rule is what makes "no 1 s window above
// RPS, no 60 s window above TPM" hold exactly, for slots. Slots are in the
// limiter's clock (Redis's for the shared limiter, so hosts' clocks do not
// matter).

// dimension is one budget (requests or tokens).
type dimension struct {
	interval float64 // µs per unit of cost; 0 disables the dimension
	tol      float64 // µs of tolerance: the burst
	limit    float64 // the most cost in one window
	window   float64 // µs

	tat float64 // theoretical arrival time, µs
	cum float64 // cumulative cost ever reserved
	log []slotEntry
}

type slotEntry struct {
	cum  float64 // cumulative cost including this entry
	slot float64 // µs
}

// earliest returns the earliest slot for cost c at or after now by this
// dimension's rules.
func (d *dimension) earliest(now, c float64) float64 {
	t := now
	if d.interval == 0 || c <= 0 {
		return t
	}
	t = math.Max(t, d.tat+c*d.interval-d.tol)
	if need := d.cum + c - d.limit; need > 0 {
		i := sort.Search(len(d.log), func(i int) bool { return d.log[i].cum >= need })
		if i < len(d.log) {
			t = math.Max(t, d.log[i].slot+d.window)
		}
	}
	return t
}

// take records cost c at slot.
func (d *dimension) take(slot, c float64) {
	if d.interval == 0 || c <= 0 {
		return
	}
	d.tat = math.Max(d.tat, slot) + c*d.interval
	d.cum += c
	d.log = append(d.log, slotEntry{cum: d.cum, slot: slot})
	// Entries below cum+1-limit can never be the one a later request must
	// wait for (every later cost is at least 1).
	drop := sort.Search(len(d.log), func(i int) bool { return d.log[i].cum >= d.cum+1-d.limit })
	if drop > 0 {
		d.log = append(d.log[:0], d.log[drop:]...)
	}
}

// schedule is the two dimensions plus the last slot handed out.
type schedule struct {
	req, tok dimension
	last     float64
}

// Window lengths of the two budgets.
const (
	requestWindow = time.Second
	tokenWindow   = time.Minute
)

// newSchedule builds the rule for rps requests/s with the given burst and
// tpm tokens/min. Either rate may be zero (off).
func newSchedule(rps float64, burst int, tpm int) *schedule {
	s := &schedule{}
	if rps > 0 {
		iv := 1e6 / rps
		s.req = dimension{interval: iv, tol: float64(max(burst, 1)) * iv, limit: requestLimit(rps), window: float64(requestWindow.Microseconds())}
	}
	if tpm > 0 {
		iv := 60e6 / float64(tpm)
		s.tok = dimension{interval: iv, tol: float64(tokenBurst(tpm)) * iv, limit: float64(tpm), window: float64(tokenWindow.Microseconds())}
	}
	return s
}

// requestLimit is the most requests in one 1 s window: the budget, rounded
// down (a fractional budget cannot send a fraction of a request), and at
// least one so a budget under 1/s still sends.
func requestLimit(rps float64) float64 { return math.Max(1, math.Floor(rps)) }

// tokenBurst is how many tokens may go at once after an idle spell: a tenth
// of the minute's budget.
func tokenBurst(tpm int) int { return max(tpm/10, 1) }

// DefaultBurst is the burst used when none is configured: 5% of the request
// budget, at least 1 (which means strictly paced).
func DefaultBurst(rps float64) int { return max(1, int(rps/20)) }

// reserve returns the slot for one request of tokens tokens at now (µs)
// and records it, or only returns it (ok false) when the wait exceeds
// maxWait. reqWait and tokWait say which dimension held it back.
func (s *schedule) reserve(now float64, tokens float64, maxWait float64) (slot, reqWait, tokWait float64, ok bool) {
	if s.tok.interval > 0 {
		tokens = math.Min(tokens, s.tok.limit)
	}
	r := s.req.earliest(now, 1)
	t := s.tok.earliest(now, tokens)
	slot = math.Max(math.Max(r, t), math.Max(now, s.last))
	if slot-now > maxWait {
		return slot, r - now, t - now, false
	}
	s.req.take(slot, 1)
	s.tok.take(slot, tokens)
	s.last = slot
	return slot, r - now, t - now, true
}

// sendGate holds this process's requests to the window rule on the clock
// they actually leave by. Slots obey the rule exactly, but a goroutine
// woken late (a busy machine, a GC pause) sends late, and late sends bunch
// up behind on-time ones: a window on the wire could then see more than the
// limit. The gate remembers the last limit send times and holds a request
// until the oldest is a full window old. It only ever delays.
type sendGate struct {
	mu    sync.Mutex
	limit int
	ring  []time.Time
	next  int
}

func newSendGate(rps float64) *sendGate {
	if rps <= 0 {
		return nil
	}
	return &sendGate{limit: int(requestLimit(rps))}
}

// pass waits until one more send keeps every window of this process's sends
// within the limit, or returns ctx.Err().
func (g *sendGate) pass(ctx context.Context) error {
	if g == nil {
		return nil
	}
	for {
		g.mu.Lock()
		now := time.Now()
		if len(g.ring) < g.limit {
			g.ring = append(g.ring, now)
			g.mu.Unlock()
			return nil
		}
		free := g.ring[g.next].Add(requestWindow)
		if !now.Before(free) {
			g.ring[g.next] = now
			g.next = (g.next + 1) % g.limit
			g.mu.Unlock()
			return nil
		}
		g.mu.Unlock()
		if err := sleepCtx(ctx, free.Sub(now)); err != nil {
			return err
		}
	}
}
