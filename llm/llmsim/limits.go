package llmsim

import (
	"math"
	"sync"
	"time"
)

// DashScope's 429 codes.
const (
	codeRPM   = "limit_requests"
	codeTPM   = "insufficient_quota" // a TPM throttle on DashScope, not billing
	codeBurst = "limit_burst_rate"
)

// limits enforces the provider-side budgets. Unlike the client's limiter it
// never waits: over budget is an immediate 429, as from a real provider.
type limits struct {
	mu    sync.Mutex
	burst int
	sec   int64
	n     int
	rpm   *bucket
	tpm   *bucket
}

func newLimits(cfg Config, now time.Time) *limits {
	l := &limits{burst: cfg.Burst}
	if cfg.RPM > 0 {
		l.rpm = &bucket{rate: float64(cfg.RPM) / 60, cap: float64(cfg.RPM), level: float64(cfg.RPM), last: now}
	}
	if cfg.TPM > 0 {
		l.tpm = &bucket{rate: float64(cfg.TPM) / 60, cap: float64(cfg.TPM), level: float64(cfg.TPM), last: now}
	}
	return l
}

// admit charges one request of tokens prompt tokens, or returns the 429 code
// and the Retry-After to answer with. A prompt larger than the whole TPM
// budget is charged the budget, so it can pass on a full bucket.
func (l *limits) admit(now time.Time, tokens int) (string, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.burst > 0 {
		if sec := now.Unix(); sec != l.sec {
			l.sec, l.n = sec, 0
		}
		if l.n >= l.burst {
			return codeBurst, time.Second
		}
	}
	if l.rpm != nil {
		if w := l.rpm.wait(now, 1); w > 0 {
			return codeRPM, w
		}
	}
	cost := 0.0
	if l.tpm != nil {
		cost = math.Min(float64(tokens), l.tpm.cap)
		if w := l.tpm.wait(now, cost); w > 0 {
			return codeTPM, w
		}
	}
	if l.burst > 0 {
		l.n++
	}
	if l.rpm != nil {
		l.rpm.level--
	}
	if l.tpm != nil {
		l.tpm.level -= cost
	}
	return "", 0
}

// spend charges the answer's tokens after the fact; the budget may go into
// debt, which later requests wait out.
func (l *limits) spend(now time.Time, tokens int) {
	if l.tpm == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tpm.refill(now)
	l.tpm.level -= float64(tokens)
}

type bucket struct {
	rate, cap, level float64
	last             time.Time
}

func (b *bucket) refill(now time.Time) {
	if now.After(b.last) {
		b.level = math.Min(b.cap, b.level+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

func (b *bucket) wait(now time.Time, n float64) time.Duration {
	b.refill(now)
	if b.level >= n {
		return 0
	}
	return time.Duration((n - b.level) / b.rate * float64(time.Second))
}
