package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
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
	// RPS is the request budget per second shared by all hosts: no 1 s
	// window carries more than floor(RPS) requests from all hosts together.
	RPS float64
	// Burst is how many requests may go at once after an idle period.
	// Zero means DefaultBurst(RPS); 1 means strictly paced.
	Burst int
	// TPM is the token budget per minute shared by all hosts: no 60 s
	// window carries more. A tenth of it may be spent at once.
	TPM int
	// MaxWait is the longest Wait blocks before it answers with a
	// *RateLimitError instead. Zero means 5 seconds.
	MaxWait time.Duration
	// Prefix is prepended to the limiter's keys ("state", "rlog", "tlog").
	// Zero means "voc:llm:".
	Prefix string
	// Timeout bounds each Redis round trip, so a hung Redis degrades to the
	// fallback instead of stalling every worker. Zero means 500ms.
	Timeout time.Duration
	// Backoff is how long the limiter uses the fallback after a Redis error
	// before it tries Redis again. Zero means 5 seconds.
	Backoff time.Duration
	// Tolerance is how late after its slot Wait may still return; a
	// request that wakes later reserves again. The windows are kept this
	// much longer. Zero means DefaultTolerance(RPS).
	Tolerance time.Duration
}

// RedisLimiter is a Limiter whose budget is shared by every host through
// Redis. One Lua script (one round trip) gives each request its send time by
// the rule in window.go — GCRA pacing plus an exact sliding-window cap in
// both dimensions — so requests from all hosts queue fairly behind each
// other's reservations and no window carries more than the budget. Each
// host turns the slot, in Redis's clock, into its own clock (redisClock), so
// a slow reply does not make the send late, and gives up a slot it wakes
// more than the tolerance after. It is safe for concurrent use.
//
// When Redis fails it logs once per outage and delegates to a fallback
// limiter, which the caller sizes to this host's share of the budget, so no
// call fails because Redis is down.
type RedisLimiter struct {
	rdb      *redis.Client
	cfg      RedisLimiterConfig
	keys     []string
	args     [8]float64 // per dimension: interval, tolerance, limit, window
	fallback Limiter
	clock    redisClock
	sleep    func(context.Context, time.Duration) error
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
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst(cfg.RPS)
	}
	if cfg.Tolerance <= 0 {
		cfg.Tolerance = DefaultTolerance(cfg.RPS)
	}
	if log == nil {
		log = slog.Default()
	}
	l := &RedisLimiter{
		rdb:      rdb,
		cfg:      cfg,
		keys:     []string{cfg.Prefix + "state", cfg.Prefix + "rlog", cfg.Prefix + "tlog"},
		fallback: fallback,
		clock:    redisClock{base: time.Now()},
		sleep:    sleepCtx,
		log:      log,
		now:      time.Now,
	}
	s := newSchedule(cfg.RPS, cfg.Burst, cfg.TPM, cfg.Tolerance)
	for i, d := range []dimension{s.req, s.tok} {
		l.args[4*i], l.args[4*i+1], l.args[4*i+2], l.args[4*i+3] = d.interval, d.tol, d.limit, d.window
	}
	return l
}

// reserveScript is window.go's schedule.reserve in Lua: it gives the request
// its slot in both dimensions at once, or reserves nothing when the wait
// exceeds the caller's maximum. Times are microseconds of Redis's clock, so
// hosts with skewed clocks still agree.
//
// KEYS: state hash (tat and cumulative cost per dimension, last slot),
// request log, token log (sorted sets scored by cumulative cost, member
// "slot:cumulative"). ARGV: per dimension interval, tolerance, limit, window
// (interval 0 disables it), then the token cost and the max wait. Returns
// {reserved (0/1), slot (a string: Lua integers are 64-bit only through
// strings), wait, request wait, token wait}, all µs.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local st = redis.call('HMGET', KEYS[1], 'rtat', 'rcum', 'ttat', 'tcum', 'last')
local tats = {tonumber(st[1]) or 0, tonumber(st[3]) or 0}
local cums = {tonumber(st[2]) or 0, tonumber(st[4]) or 0}
local last = tonumber(st[5]) or 0
local maxwait = tonumber(ARGV[10])
local costs = {1, tonumber(ARGV[9])}
local earliest = {now, now}
local horizon = 0
for i = 1, 2 do
  local iv, tol, lim, win = tonumber(ARGV[4*i-3]), tonumber(ARGV[4*i-2]), tonumber(ARGV[4*i-1]), tonumber(ARGV[4*i])
  if i == 2 and costs[2] > lim then costs[2] = lim end
  if iv > 0 and costs[i] > 0 then
    local e = math.max(now, tats[i] + costs[i] * iv - tol)
    local need = cums[i] + costs[i] - lim
    if need > 0 then
      local m = redis.call('ZRANGEBYSCORE', KEYS[i+1], need, '+inf', 'LIMIT', 0, 1)
      if m[1] then
        e = math.max(e, tonumber(string.match(m[1], '^(%d+):')) + win)
      end
    end
    earliest[i] = e
    if win > horizon then horizon = win end
  end
end
local slot = math.max(earliest[1], earliest[2], now, last)
if slot - now > maxwait then
  return {0, string.format('%.0f', slot), math.floor(slot - now), math.floor(earliest[1] - now), math.floor(earliest[2] - now)}
end
local ttl = math.floor((slot - now + horizon) / 1000) + 1000
for i = 1, 2 do
  local iv, lim = tonumber(ARGV[4*i-3]), tonumber(ARGV[4*i-1])
  if iv > 0 and costs[i] > 0 then
    tats[i] = math.max(tats[i], slot) + costs[i] * iv
    cums[i] = cums[i] + costs[i]
    redis.call('ZADD', KEYS[i+1], cums[i], string.format('%.0f:%.0f', slot, cums[i]))
    redis.call('ZREMRANGEBYSCORE', KEYS[i+1], '-inf', '(' .. string.format('%.0f', cums[i] + 1 - lim))
    redis.call('PEXPIRE', KEYS[i+1], ttl)
  end
end
redis.call('HSET', KEYS[1], 'rtat', string.format('%.0f', tats[1]), 'rcum', string.format('%.0f', cums[1]),
  'ttat', string.format('%.0f', tats[2]), 'tcum', string.format('%.0f', cums[2]), 'last', string.format('%.0f', slot))
redis.call('PEXPIRE', KEYS[1], ttl)
return {1, string.format('%.0f', slot), math.floor(slot - now), math.floor(earliest[1] - now), math.floor(earliest[2] - now)}
`)

// reservation is one reply of reserveScript.
type reservation struct {
	ok                     bool
	slot                   time.Time     // in Redis's clock
	local                  time.Time     // the slot in this process's clock, never early
	wait, reqWait, tokWait time.Duration // from Redis's now to the slot
}

// reserve runs the script once.
func (l *RedisLimiter) reserve(ctx context.Context, tokens int, maxWait time.Duration) (reservation, error) {
	cost := math.Max(float64(tokens), 0)
	a := l.args
	asked := time.Now()
	res, err := reserveScript.Run(ctx, l.rdb, l.keys,
		a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], cost, maxWait.Microseconds()).Slice()
	replied := time.Now()
	if err != nil {
		return reservation{}, err
	}
	if len(res) != 5 {
		return reservation{}, errors.New("unexpected script reply")
	}
	ok, _ := res[0].(int64)
	slotStr, _ := res[1].(string)
	slotUS, err := strconv.ParseInt(slotStr, 10, 64)
	if err != nil {
		return reservation{}, fmt.Errorf("unexpected script reply: slot %q", slotStr)
	}
	w, _ := res[2].(int64)
	rw, _ := res[3].(int64)
	tw, _ := res[4].(int64)
	return reservation{ok: ok == 1, slot: time.UnixMicro(slotUS), local: l.clock.local(slotUS, slotUS-w, asked, replied),
		wait: time.Duration(w) * time.Microsecond, reqWait: time.Duration(rw) * time.Microsecond, tokWait: time.Duration(tw) * time.Microsecond}, nil
}

// redisClock maps Redis's clock onto this process's monotonic clock, so a
// host sleeps until the slot itself rather than for the wait Redis computed,
// counted from whenever the reply arrived: a reply delayed by a busy machine
// or a slow network would make the send as late as the reply.
//
// Each reply bounds the offset (Redis's clock minus ours): Redis read its
// clock after the request left and before the reply came back. The lower
// bound — the offset if Redis had read it just as the reply arrived — maps a
// slot to a time no earlier than the true one, so sends are never early. The
// limiter keeps the tightest lower bound seen (a reply that came back at
// once), aged by the most two clocks drift apart, and starts over from the
// new reply when that reply proves the kept bound wrong (Redis's clock was
// set back).
type redisClock struct {
	mu   sync.Mutex
	base time.Time // origin of our clock (monotonic)
	lo   int64     // the kept lower bound of the offset, µs
	at   int64     // our µs when the reply that gave lo arrived
	ok   bool
}

// maxDriftPPM is the drift allowed between two clocks kept by NTP (which
// slews at most 500 ppm).
const maxDriftPPM = 500

// local observes one reply (Redis's now, when it was asked and when it
// replied, in our clock) and returns slot (µs of Redis's clock) in ours.
func (c *redisClock) local(slot, redisNow int64, asked, replied time.Time) time.Time {
	a, r := asked.Sub(c.base).Microseconds(), replied.Sub(c.base).Microseconds()
	lo, hi := redisNow-r, redisNow-a
	c.mu.Lock()
	if aged := c.lo - max(r-c.at, 0)*maxDriftPPM/1_000_000; c.ok && lo < aged && aged <= hi {
		// The kept bound, aged, is tighter and still possible. Above hi
		// the clocks moved, and this reply's bound replaces it.
		lo = aged
	} else {
		c.lo, c.at, c.ok = lo, r, true
	}
	c.mu.Unlock()
	return c.base.Add(time.Duration(slot-lo) * time.Microsecond)
}

// Wait implements Limiter. It returns a *RateLimitError with code
// CodeSharedRequests or CodeSharedTokens when the shared wait would exceed
// MaxWait or ctx's deadline (or after maxLateTries slots given up for
// waking too late), ctx.Err() if ctx ends, and otherwise whatever the
// fallback returns while Redis is unreachable. A reservation abandoned
// because ctx ended or given up is not refunded: the shared budget is spent.
func (l *RedisLimiter) Wait(ctx context.Context, tokens int) error {
	start := time.Now()
	slot, _, err := l.wait(ctx, tokens)
	// A zero slot is the fallback's answer (counted as local by it), a
	// disabled limiter or an ended ctx.
	if !slot.IsZero() {
		observeWait(limiterShared, start, err)
	}
	return err
}

// wait is Wait that also returns the slot it kept, in this process's clock,
// and when it returned; both are zero when the fallback answered.
func (l *RedisLimiter) wait(ctx context.Context, tokens int) (slot, sent time.Time, err error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if l.args[0] == 0 && l.args[4] == 0 {
		return time.Time{}, time.Time{}, nil
	}
	give := time.Now().Add(waitBound(ctx, l.cfg.MaxWait))
	for try := 1; ; try++ {
		if l.useFallback() {
			return time.Time{}, time.Time{}, l.waitFallback(ctx, tokens)
		}
		rctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
		r, err := l.reserve(rctx, tokens, time.Until(give))
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return time.Time{}, time.Time{}, ctx.Err()
			}
			l.markDown(ctx, err)
			return time.Time{}, time.Time{}, l.waitFallback(ctx, tokens)
		}
		l.markUp(ctx)
		if !r.ok {
			code := CodeSharedRequests
			if r.tokWait > r.reqWait {
				code = CodeSharedTokens
			}
			return r.local, time.Time{}, &RateLimitError{Code: code, RetryAfter: max(r.wait, time.Millisecond), Message: "shared llm rate limit"}
		}
		if err := l.sleep(ctx, time.Until(r.local)); err != nil {
			return r.local, time.Time{}, err
		}
		sent = time.Now()
		if sent.Sub(r.local) <= l.cfg.Tolerance {
			return r.local, sent, nil
		}
		metricLimiterLate.WithLabelValues(limiterShared).Inc()
		if try == maxLateTries {
			return r.local, time.Time{}, &RateLimitError{Code: CodeSharedRequests, RetryAfter: lateRetryAfter, Message: "shared llm rate limit: woke too late for its slot"}
		}
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
	if err := sleepCtx(ctx, from.Sub(l.now())); err != nil {
		return err
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
		metricLimiterOutages.Inc()
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
