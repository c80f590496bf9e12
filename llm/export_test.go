package llm

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
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

// NewLocalSchedule returns the rule of NewLocalLimiter for these budgets
// and tolerance.
func NewLocalSchedule(rps float64, burst, tpm int, tolerance time.Duration) *LocalSchedule {
	return &LocalSchedule{s: newSchedule(rps, burst, tpm, tolerance)}
}

// Reserve reserves at now and returns the slot; ok is false (and nothing is
// reserved) when the wait exceeds maxWait.
func (l *LocalSchedule) Reserve(now time.Duration, tokens int, maxWait time.Duration) (time.Duration, bool) {
	slot, _, _, ok := l.s.reserve(float64(now.Microseconds()), float64(tokens), float64(maxWait.Microseconds()))
	return time.Duration(slot) * time.Microsecond, ok
}

// WaitSent is Wait that also returns the slot kept, in this process's
// clock, and the time Wait returned: when the caller sends.
func (l *RedisLimiter) WaitSent(ctx context.Context, tokens int) (slot, sent time.Time, err error) {
	return l.wait(ctx, tokens)
}

// WaitSent is Wait that also returns the slot kept and the time Wait
// returned: when the caller sends.
func (l *LocalLimiter) WaitSent(ctx context.Context, tokens int) (slot, sent time.Time, err error) {
	return l.wait(ctx, tokens)
}

// SetSleep replaces how the limiter sleeps until a slot, so a test can wake
// it late.
func (l *RedisLimiter) SetSleep(sleep func(context.Context, time.Duration) error) { l.sleep = sleep }

// SetSleep replaces how the limiter sleeps until a slot, so a test can wake
// it late.
func (l *LocalLimiter) SetSleep(sleep func(context.Context, time.Duration) error) { l.sleep = sleep }

// SleepCtx is the limiters' own sleep.
var SleepCtx = sleepCtx

// SetClock replaces the clock that times the limiter's Redis back-off, so a
// test advances it instead of sleeping.
func (l *RedisLimiter) SetClock(now func() time.Time) { l.now = now }

// RedisClock returns the slot mapping of a Redis limiter whose clock starts
// at base: observe one reply and map slot (µs of Redis's clock) to ours.
func RedisClock(base time.Time) func(slot, redisNow int64, asked, replied time.Time) time.Time {
	c := &redisClock{base: base}
	return c.local
}

// WindowMargin is how much longer than the budget's the windows are kept
// for a tolerance.
var WindowMargin = windowMargin

// Metric reads one series of the LLM metrics: "late" (limiter) and
// "snoozes" (limiter, code).
func Metric(name string, labels ...string) float64 {
	switch name {
	case "late":
		return testutil.ToFloat64(metricLimiterLate.WithLabelValues(labels...))
	case "snoozes":
		return testutil.ToFloat64(metricLimiterRefused.WithLabelValues(labels...))
	case "calls":
		return testutil.ToFloat64(metricCalls.WithLabelValues(labels...))
	}
	panic("no metric " + name)
}
