package llm

import (
	"context"
	"time"
)

// ReserveSlot reserves one request of tokens tokens and returns its send
// time in Redis's clock, without waiting for it. Tests check the window
// property on these slots instead of on wall-clock arrivals, so no sleep
// enters the proof.
func (l *RedisLimiter) ReserveSlot(ctx context.Context, tokens int, maxWait time.Duration) (time.Time, bool, error) {
	r, err := l.reserve(ctx, tokens, maxWait)
	return r.slot, r.ok, err
}

// LocalSchedule is the local limiter's rule on a clock the test drives.
type LocalSchedule struct{ s *schedule }

// NewLocalSchedule returns the rule of NewLocalLimiter for these budgets.
func NewLocalSchedule(rps float64, burst, tpm int) *LocalSchedule {
	return &LocalSchedule{s: newSchedule(rps, burst, tpm)}
}

// Reserve reserves at now and returns the slot; ok is false (and nothing is
// reserved) when the wait exceeds maxWait.
func (l *LocalSchedule) Reserve(now time.Duration, tokens int, maxWait time.Duration) (time.Duration, bool) {
	slot, _, _, ok := l.s.reserve(float64(now.Microseconds()), float64(tokens), float64(maxWait.Microseconds()))
	return time.Duration(slot) * time.Microsecond, ok
}

// SendGate returns the pass function of a send gate for rps.
func SendGate(rps float64) func(context.Context) error { return newSendGate(rps).pass }

// SetClock replaces the clock that times the limiter's Redis back-off, so a
// test advances it instead of sleeping.
func (l *RedisLimiter) SetClock(now func() time.Time) { l.now = now }
