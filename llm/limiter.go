package llm

import (
	"context"
	"sync"
	"time"
)

// Limiter paces LLM requests. Wait blocks until a request estimated at tokens
// tokens may be sent. Rather than block longer than its configured maximum,
// it returns a *RateLimitError at once with the wait as RetryAfter, so a job
// snoozes and frees its worker slot instead of holding it. It returns
// ctx.Err() if ctx ends while waiting.
//
// The in-process LocalLimiter and the Redis-backed RedisLimiter, shared by
// all hosts, implement it with the same rule (window.go): no 1 s window of
// the times Wait returns carries more than the request budget, no 60 s
// window more than the token budget. Wait returns at most the tolerance
// after the request's slot; the caller should send at once.
type Limiter interface {
	Wait(ctx context.Context, tokens int) error
}

// LimiterConfig configures a LocalLimiter. A zero or negative rate disables
// that dimension.
type LimiterConfig struct {
	// RPS is the request budget per second (VOC_LLM_RPS): no 1 s window
	// carries more than floor(RPS) requests.
	RPS float64
	// Burst is how many requests may go at once after an idle period
	// (VOC_LLM_BURST). Zero means DefaultBurst(RPS); 1 means strictly
	// paced. The window rule holds whatever the burst.
	Burst int
	// TPM is the token budget per minute (VOC_LLM_TPM): no 60 s window
	// carries more. A tenth of it may be spent at once.
	TPM int
	// MaxWait is the longest Wait blocks before it answers with a
	// *RateLimitError instead. Zero means 5 seconds.
	MaxWait time.Duration
	// Tolerance is how late after its slot Wait may still return; a
	// request that wakes later reserves again. The windows are kept this
	// much longer. Zero means DefaultTolerance(RPS).
	Tolerance time.Duration
}

// maxLateTries is how many slots one Wait may give up for waking too late
// before it answers with a *RateLimitError: on a machine so busy that every
// wake is late, the job snoozes instead of spending slot after slot.
const maxLateTries = 3

// lateRetryAfter is the snooze after maxLateTries late wakes.
const lateRetryAfter = time.Second

// Rate-limit codes of errors raised by the local limiter, distinct from the
// provider's so logs tell them apart.
const (
	CodeLocalRequests = "local_limit_requests"
	CodeLocalTokens   = "local_limit_tokens"
)

// LocalLimiter is an in-process Limiter. It is safe for concurrent use.
type LocalLimiter struct {
	mu      sync.Mutex
	s       *schedule
	off     bool
	maxWait time.Duration
	tol     time.Duration
	epoch   time.Time
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
}

// NewLocalLimiter returns a limiter for cfg. With both rates disabled, Wait
// never blocks.
func NewLocalLimiter(cfg LimiterConfig) *LocalLimiter {
	l := &LocalLimiter{maxWait: cfg.MaxWait, tol: cfg.Tolerance, now: time.Now, sleep: sleepCtx}
	if l.maxWait <= 0 {
		l.maxWait = 5 * time.Second
	}
	if l.tol <= 0 {
		l.tol = DefaultTolerance(cfg.RPS)
	}
	l.epoch = l.now()
	burst := cfg.Burst
	if burst <= 0 {
		burst = DefaultBurst(cfg.RPS)
	}
	l.s = newSchedule(cfg.RPS, burst, cfg.TPM, l.tol)
	l.off = cfg.RPS <= 0 && cfg.TPM <= 0
	return l
}

// Wait implements Limiter. A request larger than the whole token budget is
// charged the budget, so it waits for a full window rather than forever. A
// reservation abandoned because ctx ended, or given up because Wait woke
// more than the tolerance after it, is not given back: the budget stays
// spent, which errs on the side of the provider's limit.
func (l *LocalLimiter) Wait(ctx context.Context, tokens int) error {
	start := time.Now()
	_, _, err := l.wait(ctx, tokens)
	if !l.off {
		observeWait(limiterLocal, start, err)
	}
	return err
}

// wait is Wait that also returns the slot it kept and when it returned.
func (l *LocalLimiter) wait(ctx context.Context, tokens int) (slot, sent time.Time, err error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if l.off {
		return time.Time{}, time.Time{}, nil
	}
	give := l.now().Add(waitBound(ctx, l.maxWait))
	for try := 1; ; try++ {
		l.mu.Lock()
		now := float64(l.now().Sub(l.epoch).Microseconds())
		us, reqWait, tokWait, ok := l.s.reserve(now, float64(max(tokens, 0)), float64(give.Sub(l.epoch).Microseconds())-now)
		l.mu.Unlock()
		slot = l.epoch.Add(time.Duration(us) * time.Microsecond)
		if !ok {
			code := CodeLocalRequests
			if tokWait > reqWait {
				code = CodeLocalTokens
			}
			return slot, time.Time{}, &RateLimitError{Code: code, RetryAfter: time.Duration(us-now) * time.Microsecond, Message: "local llm rate limit"}
		}
		// The wait is counted from the clock the slot is in, read now,
		// not from before the reservation.
		if err := l.sleep(ctx, slot.Sub(l.now())); err != nil {
			return slot, time.Time{}, err
		}
		sent = l.now()
		if sent.Sub(slot) <= l.tol {
			return slot, sent, nil
		}
		metricLimiterLate.WithLabelValues(limiterLocal).Inc()
		if try == maxLateTries {
			return slot, time.Time{}, &RateLimitError{Code: CodeLocalRequests, RetryAfter: lateRetryAfter, Message: "local llm rate limit: woke too late for its slot"}
		}
	}
}

// waitBound is the longest a Wait under ctx may block: maxWait, or less
// when ctx's deadline comes first (waiting past it would only turn a snooze
// into a failed attempt).
func waitBound(ctx context.Context, maxWait time.Duration) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return min(maxWait, time.Until(dl))
	}
	return maxWait
}

// sleepCtx waits d, or returns ctx.Err() if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
