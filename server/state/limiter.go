package state

import (
	"context"
	"sync"
	"time"
)

// Limit is a rate: one event per Interval on average, and up to Burst at
// once after a quiet spell.
type Limit struct {
	Interval time.Duration
	Burst    int
}

// PerSecond is the limit of perSecond events a second with bursts of burst.
func PerSecond(perSecond float64, burst int) Limit {
	return Limit{Interval: time.Duration(float64(time.Second) / perSecond), Burst: burst}
}

// tolerance is how far ahead of now a key's theoretical arrival time may be
// and still let one more event through (GCRA's τ).
func (l Limit) tolerance() time.Duration { return time.Duration(l.Burst-1) * l.Interval }

// Decision is what a limiter says of a key.
type Decision struct {
	Allowed bool
	// RetryAfter is how long until the key is allowed again; zero when
	// Allowed.
	RetryAfter time.Duration
}

// Limiter limits events per key (a client address) with the generic cell
// rate algorithm (GCRA, ITU-T I.371): a key's whole state is one time, its
// theoretical arrival time, so an implementation keeps one number per key
// and forgets it once that time has passed.
type Limiter interface {
	// Allow counts one event for key if the limit allows it now.
	Allow(ctx context.Context, key string) (Decision, error)
	// Peek says whether Allow would let an event through now, and counts
	// nothing: for limits on failures, checked before the attempt.
	Peek(ctx context.Context, key string) (Decision, error)
	// Charge counts one event for key whatever the limit says, up to the
	// point where the key is refused for one Interval: for limits on
	// failures, counted after the attempt failed.
	Charge(ctx context.Context, key string) error
}

// DefaultMaxKeys bounds a MemoryLimiter: about 64 bytes a key, so 6.4 MB.
const DefaultMaxKeys = 100_000

// MemoryLimiter is a Limiter in this process's memory.
//
// Who can make it grow: every client address that sent an event within the
// last Burst×Interval. What bounds it: an entry goes as soon as its key has
// its whole burst back (which is the same as no entry), and there are at
// most maxKeys. When that many addresses are all limited at once, a new
// address is let through untracked rather than refused: refusing would let
// whoever holds that many addresses lock every newcomer out, and letting it
// through gives such a party little it does not already have.
type MemoryLimiter struct {
	limit   Limit
	now     func() time.Time
	maxKeys int

	mu        sync.Mutex
	tat       map[string]time.Time // theoretical arrival time by key
	lastSweep time.Time
}

// NewMemoryLimiter returns a limiter for limit holding at most maxKeys keys
// (DefaultMaxKeys when zero); now nil means time.Now.
func NewMemoryLimiter(limit Limit, maxKeys int, now func() time.Time) *MemoryLimiter {
	if now == nil {
		now = time.Now
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if limit.Burst < 1 {
		limit.Burst = 1
	}
	return &MemoryLimiter{limit: limit, now: now, maxKeys: maxKeys, tat: map[string]time.Time{}}
}

func (m *MemoryLimiter) Allow(_ context.Context, key string) (Decision, error) {
	return m.apply(key, true, false), nil
}

func (m *MemoryLimiter) Peek(_ context.Context, key string) (Decision, error) {
	return m.apply(key, false, false), nil
}

func (m *MemoryLimiter) Charge(_ context.Context, key string) error {
	m.apply(key, true, true)
	return nil
}

// apply decides for key and, if count and the event is allowed (or force),
// moves the key's arrival time one Interval on, never past the point where
// the key waits one Interval.
func (m *MemoryLimiter) apply(key string, count, force bool) Decision {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	tat, tracked := m.tat[key]
	if tat.Before(now) {
		tat = now
	}
	d := Decision{Allowed: tat.Sub(now) <= m.limit.tolerance()}
	if !d.Allowed {
		d.RetryAfter = tat.Sub(now) - m.limit.tolerance()
	}
	if count && (d.Allowed || force) && (tracked || len(m.tat) < m.maxKeys) {
		next := tat.Add(m.limit.Interval)
		if most := now.Add(m.limit.tolerance() + m.limit.Interval); next.After(most) {
			next = most
		}
		m.tat[key] = next
	}
	return d
}

// sweep forgets the keys whose arrival time has passed: once per the
// longest time an entry can live, so that it costs O(1) per event, and when
// full, once per Interval at most, so that a full table is not swept at
// every event.
func (m *MemoryLimiter) sweep(now time.Time) {
	since := now.Sub(m.lastSweep)
	full := len(m.tat) >= m.maxKeys
	if since < m.limit.tolerance()+m.limit.Interval && (!full || since < m.limit.Interval) {
		return
	}
	m.lastSweep = now
	for k, t := range m.tat {
		if !t.After(now) {
			delete(m.tat, k)
		}
	}
}

// Len is how many keys the limiter holds.
func (m *MemoryLimiter) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tat)
}
