package llm

import (
	"context"
	"math"
	"sync"
	"time"
)

// Limiter paces LLM requests. Wait blocks until a request estimated at tokens
// tokens may be sent. Rather than block longer than its configured maximum,
// it returns a *RateLimitError at once with the wait as RetryAfter, so a job
// snoozes and frees its worker slot instead of holding it. It returns
// ctx.Err() if ctx ends while waiting.
//
// The in-process LocalLimiter implements it; a Redis-backed limiter shared by
// all hosts can implement the same method.
type Limiter interface {
	Wait(ctx context.Context, tokens int) error
}

// LimiterConfig configures a LocalLimiter. A zero or negative rate disables
// that dimension.
type LimiterConfig struct {
	// RPS is the sustained request rate per second (VOC_LLM_RPS).
	RPS float64
	// Burst is how many requests may go at once after an idle period.
	// Zero means max(1, RPS).
	Burst int
	// TPM is the token budget per minute (VOC_LLM_TPM). Up to one minute's
	// budget may be spent at once.
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

// LocalLimiter is an in-process Limiter with a token bucket for requests and
// one for tokens. It is safe for concurrent use.
type LocalLimiter struct {
	mu      sync.Mutex
	req     *bucket
	tok     *bucket
	maxWait time.Duration
	now     func() time.Time
}

// NewLocalLimiter returns a limiter for cfg. With both rates disabled, Wait
// never blocks.
func NewLocalLimiter(cfg LimiterConfig) *LocalLimiter {
	l := &LocalLimiter{maxWait: cfg.MaxWait, now: time.Now}
	if l.maxWait <= 0 {
		l.maxWait = 5 * time.Second
	}
	now := l.now()
	if cfg.RPS > 0 {
		burst := float64(cfg.Burst)
		if burst <= 0 {
			burst = math.Max(1, cfg.RPS)
		}
		l.req = newBucket(cfg.RPS, burst, now)
	}
	if cfg.TPM > 0 {
		l.tok = newBucket(float64(cfg.TPM)/60, float64(cfg.TPM), now)
	}
	return l
}

// Wait implements Limiter. A request larger than the whole token budget is
// charged the budget, so it waits for a full bucket rather than forever.
func (l *LocalLimiter) Wait(ctx context.Context, tokens int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	now := l.now()
	var reqWait, tokWait time.Duration
	var tokCost float64
	if l.req != nil {
		reqWait = l.req.wait(now, 1)
	}
	if l.tok != nil {
		tokCost = math.Min(math.Max(float64(tokens), 0), l.tok.burst)
		tokWait = l.tok.wait(now, tokCost)
	}
	wait := max(reqWait, tokWait)
	// Waiting past the caller's deadline would only turn a snooze into a
	// failed attempt.
	dl, hasDL := ctx.Deadline()
	if wait > l.maxWait || (hasDL && wait > 0 && now.Add(wait).After(dl)) {
		l.mu.Unlock()
		code := CodeLocalRequests
		if tokWait > reqWait {
			code = CodeLocalTokens
		}
		return &RateLimitError{Code: code, RetryAfter: wait, Message: "local llm rate limit"}
	}
	// Reserve now, wait outside the lock: later callers queue behind this
	// reservation because the buckets are already in debt.
	if l.req != nil {
		l.req.take(now, 1)
	}
	if l.tok != nil {
		l.tok.take(now, tokCost)
	}
	l.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		// Give the reservation back so an abandoned wait does not slow
		// everyone else down.
		l.mu.Lock()
		if l.req != nil {
			l.req.refund(1)
		}
		if l.tok != nil {
			l.tok.refund(tokCost)
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

// bucket is a token bucket that may go into debt: a reservation takes its
// tokens at once, and the time to refill the debt is the reserver's wait.
type bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate, burst float64, now time.Time) *bucket {
	return &bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

func (b *bucket) advance(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

// wait returns how long until n tokens are available, without taking them.
func (b *bucket) wait(now time.Time, n float64) time.Duration {
	b.advance(now)
	if b.tokens >= n {
		return 0
	}
	return time.Duration((n - b.tokens) / b.rate * float64(time.Second))
}

func (b *bucket) take(now time.Time, n float64) {
	b.advance(now)
	b.tokens -= n
}

func (b *bucket) refund(n float64) {
	b.tokens = math.Min(b.burst, b.tokens+n)
}
