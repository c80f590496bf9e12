package llm

import (
	"math"
	"sort"
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
//
// The budget is kept on the wire, not only on slots. A request leaves after
// its slot, never before, and the limiters hand it over only if it is at most
// the tolerance T late; a request that wakes later gives its slot up (the
// budget stays spent) and reserves again. The windows the slots are kept to
// are longer than the budget's by a margin of at least T (windowMargin), so
// sends spread over [slot, slot+T] still put no more than the budget into
// any 1 s or 60 s window: if the send of request j and of the request limit
// places before it fell in one window of 1 s, their slots would be less than
// 1 s + T apart. The rest of the margin is for the way to the provider.

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
// tpm tokens/min, for sends up to tol after their slots: both windows are
// kept windowMargin(tol) longer. Either rate may be zero (off).
func newSchedule(rps float64, burst int, tpm int, tol time.Duration) *schedule {
	s := &schedule{}
	m := float64(windowMargin(max(tol, 0)).Microseconds())
	if rps > 0 {
		iv := 1e6 / rps
		s.req = dimension{interval: iv, tol: float64(max(burst, 1)) * iv, limit: requestLimit(rps), window: float64(requestWindow.Microseconds()) + m}
	}
	if tpm > 0 {
		iv := 60e6 / float64(tpm)
		s.tok = dimension{interval: iv, tol: float64(tokenBurst(tpm)) * iv, limit: float64(tpm), window: float64(tokenWindow.Microseconds()) + m}
	}
	return s
}

// windowMargin is how much longer than the budget's the windows are kept
// for sends up to tol after their slots: tol for the late wake, and as much
// again for the way from Wait's return to the provider's edge (the HTTP
// transport, the network, the provider's own scheduling), which no limiter
// sees. Measured at the simulator on a loaded 2-core machine (load 9-13)
// that way took p99 35 ms, at most 85 ms, and with a margin of tol alone
// the busiest sliding second at 30 req/s went one or two over.
func windowMargin(tol time.Duration) time.Duration { return 2 * tol }

// Bounds of DefaultTolerance.
const (
	minTolerance = 10 * time.Millisecond
	maxTolerance = 50 * time.Millisecond
)

// DefaultTolerance is how late after its slot a request may still be sent
// when none is configured: one request interval (1/RPS), at least 10 ms (a
// busy machine wakes a goroutine that late often enough that a smaller
// tolerance would waste slots) and at most 50 ms. The windows grow by twice
// as much (windowMargin), which costs at most 10% of the request budget:
// about two requests per window down to 20 req/s, 2% at 200 req/s.
func DefaultTolerance(rps float64) time.Duration {
	if rps <= 0 {
		return maxTolerance
	}
	// Whole microseconds: the unit slots are kept in.
	return min(max(time.Duration(float64(time.Second)/rps), minTolerance), maxTolerance).Truncate(time.Microsecond)
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
