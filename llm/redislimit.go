package llm

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Rate-limit codes of errors raised by the shared (Redis) limiter.
const (
	CodeSharedRequests = "shared_limit_requests"
	CodeSharedTokens   = "shared_limit_tokens"
)

// RedisLimiterConfig configures a RedisLimiter. The rates are the budget of
// the whole deployment, not of one host. A zero or negative rate disables
// that dimension.
type RedisLimiterConfig struct {
	// RPS is the sustained request rate per second shared by all hosts.
	RPS float64
	// Burst is how many requests may go at once after an idle period.
	// Zero means max(1, RPS).
	Burst int
	// TPM is the token budget per minute shared by all hosts. Up to one
	// minute's budget may be spent at once.
	TPM int
	// MaxWait is the longest Wait blocks before it answers with a
	// *RateLimitError instead. Zero means 5 seconds.
	MaxWait time.Duration
	// Prefix is prepended to the keys "rps" and "tpm". Zero means
	// "voc:llm:".
	Prefix string
	// Timeout bounds each Redis round trip, so a hung Redis degrades to the
	// fallback instead of stalling every worker. Zero means 500ms.
	Timeout time.Duration
	// Backoff is how long the limiter uses the fallback after a Redis error
	// before it tries Redis again. Zero means 5 seconds.
	Backoff time.Duration
}

// RedisLimiter is a Limiter whose budget is shared by every host through
// Redis. It reserves capacity atomically in both dimensions with GCRA (one
// Lua script, one round trip), so requests from all hosts queue fairly behind
// each other's reservations. It is safe for concurrent use.
//
// When Redis fails it logs once per outage and delegates to a fallback
// limiter, which the caller sizes to this host's share of the budget, so no
// call fails because Redis is down.
type RedisLimiter struct {
	rdb      *redis.Client
	cfg      RedisLimiterConfig
	keys     []string
	reqIntUS float64 // microseconds between requests
	reqTolUS float64 // burst tolerance in microseconds
	tokIntUS float64 // microseconds per token
	tokTolUS float64
	fallback Limiter
	log      *slog.Logger

	mu        sync.Mutex
	down      bool      // an outage has been logged and not yet recovered
	downUntil time.Time // use the fallback until then
	// fallbackFrom is when the fallback may first admit a call in this
	// outage: Redis may have granted reservations (on every host) up to
	// MaxWait ahead before it went down, and those calls still go out.
	// Admitting more before they have would let the hosts together exceed
	// the budget for up to MaxWait.
	fallbackFrom time.Time
	now          func() time.Time
}

var _ Limiter = (*RedisLimiter)(nil)

// NewRedisLimiter returns a shared limiter for cfg using rdb. fallback is
// used while Redis is unreachable; nil means no limiting during an outage.
// log may be nil (slog.Default). It never fails: Redis is first contacted by
// Wait.
func NewRedisLimiter(rdb *redis.Client, cfg RedisLimiterConfig, fallback Limiter, log *slog.Logger) *RedisLimiter {
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 5 * time.Second
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "voc:llm:"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 500 * time.Millisecond
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 5 * time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	l := &RedisLimiter{
		rdb:      rdb,
		cfg:      cfg,
		keys:     []string{cfg.Prefix + "rps", cfg.Prefix + "tpm"},
		fallback: fallback,
		log:      log,
		now:      time.Now,
	}
	if cfg.RPS > 0 {
		burst := float64(cfg.Burst)
		if burst <= 0 {
			burst = math.Max(1, cfg.RPS)
		}
		l.reqIntUS = 1e6 / cfg.RPS
		l.reqTolUS = burst * l.reqIntUS
	}
	if cfg.TPM > 0 {
		l.tokIntUS = 60e6 / float64(cfg.TPM)
		l.tokTolUS = float64(cfg.TPM) * l.tokIntUS
	}
	return l
}

// gcraScript reserves cost units in up to two GCRA buckets at once, or in
// neither when the longer wait exceeds the caller's maximum. The theoretical
// arrival time (TAT) of each bucket is stored in microseconds of Redis's
// clock, so hosts with skewed clocks still agree.
//
// KEYS: rps key, tpm key. ARGV: request interval, request tolerance, token
// interval, token tolerance (all µs; interval 0 disables), token cost, max
// wait µs. Returns {reserved (0/1), request wait µs, token wait µs}.
var gcraScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local maxwait = tonumber(ARGV[6])
local costs = {1, tonumber(ARGV[5])}
local waits = {0, 0}
local tats = {}
for i = 1, 2 do
  local interval = tonumber(ARGV[2 * i - 1])
  if interval > 0 then
    local tol = tonumber(ARGV[2 * i])
    local tat = tonumber(redis.call('GET', KEYS[i]) or now)
    if tat < now then tat = now end
    local newtat = tat + costs[i] * interval
    local w = newtat - tol - now
    if w < 0 then w = 0 end
    waits[i] = w
    tats[i] = newtat
  end
end
if math.max(waits[1], waits[2]) > maxwait then
  return {0, math.floor(waits[1]), math.floor(waits[2])}
end
for i = 1, 2 do
  if tats[i] then
    redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX', math.floor((tats[i] - now) / 1000) + 1000)
  end
end
return {1, math.floor(waits[1]), math.floor(waits[2])}
`)

// Wait implements Limiter. It returns a *RateLimitError with code
// CodeSharedRequests or CodeSharedTokens when the shared wait would exceed
// MaxWait or ctx's deadline, ctx.Err() if ctx ends, and otherwise whatever
// the fallback returns while Redis is unreachable. A reservation abandoned
// because ctx ended is not refunded: the shared budget is spent.
func (l *RedisLimiter) Wait(ctx context.Context, tokens int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.reqIntUS == 0 && l.tokIntUS == 0 {
		return nil
	}
	if l.useFallback() {
		return l.waitFallback(ctx, tokens)
	}
	maxWait := l.cfg.MaxWait
	if dl, ok := ctx.Deadline(); ok {
		maxWait = min(maxWait, time.Until(dl))
	}
	cost := math.Max(float64(tokens), 0)
	if l.tokIntUS > 0 {
		cost = math.Min(cost, float64(l.cfg.TPM))
	}
	rctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	res, err := gcraScript.Run(rctx, l.rdb, l.keys,
		l.reqIntUS, l.reqTolUS, l.tokIntUS, l.tokTolUS, cost, maxWait.Microseconds()).Int64Slice()
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l.markDown(ctx, err)
		return l.waitFallback(ctx, tokens)
	}
	if len(res) != 3 {
		l.markDown(ctx, errors.New("unexpected script reply"))
		return l.waitFallback(ctx, tokens)
	}
	l.markUp(ctx)
	reqWait := time.Duration(res[1]) * time.Microsecond
	tokWait := time.Duration(res[2]) * time.Microsecond
	wait := max(reqWait, tokWait)
	if res[0] == 0 {
		code := CodeSharedRequests
		if tokWait > reqWait {
			code = CodeSharedTokens
		}
		return &RateLimitError{Code: code, RetryAfter: wait, Message: "shared llm rate limit"}
	}
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *RedisLimiter) useFallback() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.down && l.now().Before(l.downUntil)
}

func (l *RedisLimiter) waitFallback(ctx context.Context, tokens int) error {
	if l.fallback == nil {
		return nil
	}
	l.mu.Lock()
	from := l.fallbackFrom
	l.mu.Unlock()
	if d := from.Sub(l.now()); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return l.fallback.Wait(ctx, tokens)
}

// markDown starts or extends an outage; only its start is logged.
func (l *RedisLimiter) markDown(ctx context.Context, err error) {
	l.mu.Lock()
	first := !l.down
	l.down = true
	l.downUntil = l.now().Add(l.cfg.Backoff)
	if first {
		l.fallbackFrom = l.now().Add(l.cfg.MaxWait)
	}
	l.mu.Unlock()
	if first {
		// The error text names the address at most, never the password.
		l.log.WarnContext(ctx, "redis rate limiter unavailable, using local fallback",
			slog.String("error", err.Error()), slog.Duration("retry_in", l.cfg.Backoff))
	}
}

func (l *RedisLimiter) markUp(ctx context.Context) {
	l.mu.Lock()
	was := l.down
	l.down = false
	l.mu.Unlock()
	if was {
		l.log.InfoContext(ctx, "redis rate limiter recovered")
	}
}
