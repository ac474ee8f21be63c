package redisstate

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"octoplay/server/state"
)

// gcra is the generic cell rate algorithm as state.MemoryLimiter runs it,
// on one key, atomically (a script runs alone in Redis). Times are
// microseconds since 1970, exact in Lua's doubles until the year 2255.
//
//	KEYS[1]  the key's theoretical arrival time (TAT)
//	ARGV     now, interval, tolerance (burst-1 intervals), mode
//	mode     "allow" counts an allowed event, "peek" counts nothing,
//	         "charge" counts whatever the decision, up to one interval of waiting
//	returns  0 when allowed, else how long to wait (µs)
//
// A counted event moves the TAT one interval on, never further than one
// interval past the tolerance, and the key lives until its TAT: a key
// whose whole burst is back is no key at all.
var gcra = redis.NewScript(`
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local mode = ARGV[4]
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - now - tolerance
local allowed = wait <= 0
if mode == 'charge' or (mode == 'allow' and allowed) then
  local nextTAT = math.min(tat + interval, now + tolerance + interval)
  redis.call('SET', KEYS[1], string.format('%d', nextTAT), 'PX', math.ceil((nextTAT - now) / 1000))
end
if allowed then return 0 end
return wait
`)

// limiter is a state.Limiter in Redis.
type limiter struct {
	store    *Store
	keys     string // the prefix of its keys
	interval int64  // µs
	tol      int64  // µs
	now      func() time.Time
}

// Limiter is a state.Limiter for limit, whose keys are named after name
// (one name per limit: "relay", "sandbox"); now nil means time.Now.
func (s *Store) Limiter(name string, limit state.Limit, now func() time.Time) state.Limiter {
	if now == nil {
		now = time.Now
	}
	burst := max(limit.Burst, 1)
	return &limiter{
		store: s, keys: s.prefix + "limit:" + name + ":", now: now,
		interval: limit.Interval.Microseconds(), tol: int64(burst-1) * limit.Interval.Microseconds(),
	}
}

func (l *limiter) Allow(ctx context.Context, key string) (state.Decision, error) {
	return l.run(ctx, key, "allow")
}

func (l *limiter) Peek(ctx context.Context, key string) (state.Decision, error) {
	return l.run(ctx, key, "peek")
}

func (l *limiter) Charge(ctx context.Context, key string) error {
	_, err := l.run(ctx, key, "charge")
	return err
}

func (l *limiter) run(ctx context.Context, key, mode string) (state.Decision, error) {
	var wait int64
	err := l.store.do(ctx, func(ctx context.Context) error {
		var err error
		wait, err = gcra.Run(ctx, l.store.client, []string{l.keys + key},
			l.now().UnixMicro(), l.interval, l.tol, mode).Int64()
		return err
	})
	if err != nil {
		return state.Decision{}, fmt.Errorf("redisstate: limiter %s: %w", mode, err)
	}
	if wait <= 0 {
		return state.Decision{Allowed: true}, nil
	}
	return state.Decision{RetryAfter: time.Duration(wait) * time.Microsecond}, nil
}
