// Package statetest is the test suite every implementation of the state
// interfaces passes, the in-memory ones and any that keeps the state
// elsewhere: run TestLimiter, TestReplayWindow and TestRecords from the
// implementation's own tests.
package statetest

import (
	"context"
	"crypto/sha256"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/server/state"
)

// Clock is the time the implementation under test must read: it moves only
// when the suite says so.
type Clock = testkit.Clock

// NewClock returns a clock at the current second: a store that keeps its
// state elsewhere (Redis) may compare it with its own time.
func NewClock() *Clock { return testkit.NewClock(time.Now().Truncate(time.Second)) }

// NewLimiter makes the limiter under test, empty, for limit, reading clock.
type NewLimiter func(t *testing.T, limit state.Limit, clock *Clock) state.Limiter

// TestLimiter checks a Limiter against GCRA's behaviour.
func TestLimiter(t *testing.T, newLimiter NewLimiter) {
	ctx := context.Background()
	limit := state.Limit{Interval: time.Second, Burst: 3}
	allow := func(t *testing.T, l state.Limiter, key string) state.Decision {
		t.Helper()
		d, err := l.Allow(ctx, key)
		require.NoError(t, err)
		return d
	}
	peek := func(t *testing.T, l state.Limiter, key string) state.Decision {
		t.Helper()
		d, err := l.Peek(ctx, key)
		require.NoError(t, err)
		return d
	}

	t.Run("a burst, then one event per interval", func(t *testing.T) {
		clock := NewClock()
		l := newLimiter(t, limit, clock)
		for i := range limit.Burst {
			assert.Equal(t, state.Decision{Allowed: true}, allow(t, l, "a"), "event %d of the burst", i+1)
		}
		assert.Equal(t, state.Decision{RetryAfter: time.Second}, allow(t, l, "a"))
		clock.Advance(400 * time.Millisecond)
		assert.Equal(t, state.Decision{RetryAfter: 600 * time.Millisecond}, allow(t, l, "a"), "a refused event counts nothing")
		clock.Advance(600 * time.Millisecond)
		assert.True(t, allow(t, l, "a").Allowed, "after RetryAfter")
		assert.False(t, allow(t, l, "a").Allowed, "one event came back, not more")
		clock.Advance(time.Duration(limit.Burst) * limit.Interval)
		for range limit.Burst {
			assert.True(t, allow(t, l, "a").Allowed, "the whole burst is back after Burst intervals")
		}
	})

	t.Run("keys are independent", func(t *testing.T) {
		l := newLimiter(t, limit, NewClock())
		for range limit.Burst {
			allow(t, l, "a")
		}
		require.False(t, allow(t, l, "a").Allowed)
		assert.True(t, allow(t, l, "b").Allowed)
		assert.True(t, peek(t, l, "2001:db8::/64").Allowed)
	})

	t.Run("peek counts nothing", func(t *testing.T) {
		l := newLimiter(t, limit, NewClock())
		for range 10 {
			assert.Equal(t, state.Decision{Allowed: true}, peek(t, l, "a"))
		}
		for range limit.Burst {
			assert.True(t, allow(t, l, "a").Allowed)
		}
		assert.Equal(t, state.Decision{RetryAfter: time.Second}, peek(t, l, "a"))
	})

	t.Run("charge counts until refused, then saturates", func(t *testing.T) {
		clock := NewClock()
		l := newLimiter(t, limit, clock)
		for range limit.Burst - 1 {
			require.NoError(t, l.Charge(ctx, "a"))
			assert.True(t, peek(t, l, "a").Allowed)
		}
		require.NoError(t, l.Charge(ctx, "a"))
		assert.Equal(t, state.Decision{RetryAfter: time.Second}, peek(t, l, "a"))
		for range 20 {
			require.NoError(t, l.Charge(ctx, "a"))
		}
		assert.Equal(t, state.Decision{RetryAfter: time.Second}, peek(t, l, "a"),
			"failures counted at once (in flight together) refuse for one interval, not longer")
		clock.Advance(time.Second)
		assert.True(t, peek(t, l, "a").Allowed)
	})

	t.Run("concurrent events are each counted once", func(t *testing.T) {
		l := newLimiter(t, limit, NewClock())
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		for range 40 {
			wg.Go(func() {
				d, err := l.Allow(ctx, "a")
				assert.NoError(t, err)
				mu.Lock()
				defer mu.Unlock()
				if d.Allowed {
					allowed++
				}
			})
		}
		wg.Wait()
		assert.Equal(t, limit.Burst, allowed)
	})
}

// NewReplayWindow makes the replay window under test, empty, for forget-after
// times up to span ahead, reading clock.
type NewReplayWindow func(t *testing.T, span time.Duration, clock *Clock) state.ReplayWindow

// TestReplayWindow checks a ReplayWindow: every id is fresh once, seen until
// its forget-after time, and forget-after times outside the window are refused.
func TestReplayWindow(t *testing.T, newWindow NewReplayWindow) {
	ctx := context.Background()
	const span = 60 * time.Second
	id := func(s string) [sha256.Size]byte { return sha256.Sum256([]byte(s)) }

	t.Run("fresh once, then seen until its forget-after time", func(t *testing.T) {
		clock := NewClock()
		w := newWindow(t, span, clock)
		until := clock.Now().Add(span / 2)
		fresh, err := w.Remember(ctx, id("a"), until)
		require.NoError(t, err)
		assert.True(t, fresh)
		for _, step := range []time.Duration{0, span / 4, span / 4} {
			clock.Advance(step)
			fresh, err = w.Remember(ctx, id("a"), until)
			require.NoError(t, err)
			assert.False(t, fresh, "%s before its forget-after time", until.Sub(clock.Now()))
		}
		fresh, err = w.Remember(ctx, id("b"), until)
		require.NoError(t, err)
		assert.True(t, fresh, "another id")
	})

	t.Run("the edges of the window", func(t *testing.T) {
		clock := NewClock()
		w := newWindow(t, span, clock)
		now := clock.Now()
		for _, until := range []time.Time{now, now.Add(span)} {
			fresh, err := w.Remember(ctx, id(until.String()), until)
			require.NoError(t, err, "forget-after %s from now", until.Sub(now))
			assert.True(t, fresh)
		}
		for _, until := range []time.Time{now.Add(-time.Nanosecond), now.Add(span + time.Nanosecond), now.Add(-time.Hour)} {
			_, err := w.Remember(ctx, id("late"), until)
			assert.ErrorIs(t, err, state.ErrOutsideWindow, "forget-after %s from now", until.Sub(now))
		}
	})

	t.Run("many ids, every one fresh once", func(t *testing.T) {
		clock := NewClock()
		w := newWindow(t, span, clock)
		const n = 20_000
		for round, want := range []bool{true, false} {
			for i := range n {
				// Forget-after times spread over the whole window, as Dates do.
				until := clock.Now().Add(time.Duration(i%61) * time.Second)
				fresh, err := w.Remember(ctx, id(strconv.Itoa(i)), until)
				require.NoError(t, err)
				if fresh != want {
					t.Fatalf("round %d, id %d: fresh is %v", round+1, i, fresh)
				}
			}
		}
	})

	t.Run("concurrent copies: one is fresh", func(t *testing.T) {
		clock := NewClock()
		w := newWindow(t, span, clock)
		until := clock.Now().Add(span / 2)
		var wg sync.WaitGroup
		var mu sync.Mutex
		fresh := 0
		for range 40 {
			wg.Go(func() {
				f, err := w.Remember(ctx, id("copy"), until)
				assert.NoError(t, err)
				mu.Lock()
				defer mu.Unlock()
				if f {
					fresh++
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 1, fresh)
	})
}
