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
// all hosts, implement it with the same rule (window.go): no 1 s window
// carries more than the request budget, no 60 s window more than the token
// budget.
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
}

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
	gate    *sendGate
	off     bool
	maxWait time.Duration
	epoch   time.Time
	now     func() time.Time
}

// NewLocalLimiter returns a limiter for cfg. With both rates disabled, Wait
// never blocks.
func NewLocalLimiter(cfg LimiterConfig) *LocalLimiter {
	l := &LocalLimiter{maxWait: cfg.MaxWait, now: time.Now}
	if l.maxWait <= 0 {
		l.maxWait = 5 * time.Second
	}
	l.epoch = l.now()
	burst := cfg.Burst
	if burst <= 0 {
		burst = DefaultBurst(cfg.RPS)
	}
	l.s = newSchedule(cfg.RPS, burst, cfg.TPM)
	l.gate = newSendGate(cfg.RPS)
	l.off = cfg.RPS <= 0 && cfg.TPM <= 0
	return l
}

// Wait implements Limiter. A request larger than the whole token budget is
// charged the budget, so it waits for a full window rather than forever. A
// reservation abandoned because ctx ended is not given back: the budget
// stays spent, which errs on the side of the provider's limit.
func (l *LocalLimiter) Wait(ctx context.Context, tokens int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.off {
		return nil
	}
	maxWait := l.maxWait
	if dl, ok := ctx.Deadline(); ok {
		// Waiting past the caller's deadline would only turn a snooze into
		// a failed attempt.
		maxWait = min(maxWait, time.Until(dl))
	}
	l.mu.Lock()
	now := float64(l.now().Sub(l.epoch).Microseconds())
	slot, reqWait, tokWait, ok := l.s.reserve(now, float64(max(tokens, 0)), float64(maxWait.Microseconds()))
	l.mu.Unlock()
	wait := time.Duration(slot-now) * time.Microsecond
	if !ok {
		code := CodeLocalRequests
		if tokWait > reqWait {
			code = CodeLocalTokens
		}
		return &RateLimitError{Code: code, RetryAfter: wait, Message: "local llm rate limit"}
	}
	if err := sleepCtx(ctx, wait); err != nil {
		return err
	}
	return l.gate.pass(ctx)
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
