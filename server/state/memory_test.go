package state_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/server/state"
	"octoplay/server/state/statetest"
)

func TestMemoryLimiter(t *testing.T) {
	statetest.TestLimiter(t, func(t *testing.T, limit state.Limit, clock *statetest.Clock) state.Limiter {
		return state.NewMemoryLimiter(limit, 0, clock.Now)
	})
}

func TestMemoryReplayWindow(t *testing.T) {
	statetest.TestReplayWindow(t, func(t *testing.T, span time.Duration, clock *statetest.Clock) state.ReplayWindow {
		w := state.NewMemoryReplayWindow(span, clock.Now)
		t.Cleanup(w.Close)
		return w
	})
}

// TestMemoryLimiterIsBounded: keys go once their burst is back, and beyond
// maxKeys live ones a newcomer is let through untracked, never refused, and
// never at the cost of a tracked key.
func TestMemoryLimiterIsBounded(t *testing.T) {
	ctx := context.Background()
	clock := statetest.NewClock()
	l := state.NewMemoryLimiter(state.Limit{Interval: time.Second, Burst: 2}, 100, clock.Now)
	for i := range 100 {
		d, _ := l.Allow(ctx, addr(i))
		require.True(t, d.Allowed)
	}
	l.Allow(ctx, addr(0)) // addr(0) has used its burst
	for i := 100; i < 1000; i++ {
		d, _ := l.Allow(ctx, addr(i))
		require.True(t, d.Allowed, "a newcomer beyond the bound is let through")
	}
	assert.Equal(t, 100, l.Len())
	d, _ := l.Allow(ctx, addr(0))
	assert.False(t, d.Allowed, "a tracked key kept its state")

	clock.Advance(2 * time.Second) // every burst is back
	d, _ = l.Allow(ctx, "newcomer")
	assert.True(t, d.Allowed)
	assert.Equal(t, 1, l.Len(), "keys whose burst is back are forgotten")
}

func addr(i int) string { return fmt.Sprintf("198.51.%d.%d", i/256, i%256) }

func TestMemoryRecords(t *testing.T) {
	statetest.TestRecords(t, func(t *testing.T, limits state.RecordLimits, maxRecords int, clock *statetest.Clock) state.Records {
		return state.NewMemoryRecords(limits, maxRecords, clock.Now)
	})
}

// TestMemoryRecordsIsBounded: when the store holds its most, a new record is
// refused, never made room for by dropping another owner's; expired records
// make room again, and an idle owner's are forgotten within a minute.
func TestMemoryRecordsIsBounded(t *testing.T) {
	ctx := context.Background()
	clock := statetest.NewClock()
	s := state.NewMemoryRecords(state.RecordLimits{TTL: time.Hour, PerOwner: 10, MaxData: 16}, 30, clock.Now)
	for i := range 30 {
		_, err := s.Create(ctx, addr(i/10), fmt.Sprint(i), []byte("x"), nil)
		require.NoError(t, err)
	}
	_, err := s.Create(ctx, "newcomer", "n", []byte("x"), nil)
	assert.ErrorIs(t, err, state.ErrStoreFull)
	for i := range 3 {
		recs, err := s.List(ctx, addr(i))
		require.NoError(t, err)
		assert.Len(t, recs, 10, "nobody's records were dropped")
	}
	require.NoError(t, s.Delete(ctx, addr(0), "0"))
	_, err = s.Create(ctx, "newcomer", "n", []byte("x"), nil)
	require.NoError(t, err, "a delete makes room")

	clock.Advance(time.Hour)
	_, err = s.Create(ctx, "another", "a", []byte("x"), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, s.Len(), "expired records are forgotten, whoever owned them")
}

// TestMostFor: an owner with fewer than ReserveOwnerRecords live records may
// fill the whole store, unless it creates from a busy range; others, all
// but its last tenth.
func TestMostFor(t *testing.T) {
	busy := state.FromBusyRange(context.Background())
	tests := []struct {
		ctx             context.Context
		max, live, want int
	}{
		{context.Background(), 50_000, 0, 50_000},
		{context.Background(), 50_000, state.ReserveOwnerRecords - 1, 50_000},
		{context.Background(), 50_000, state.ReserveOwnerRecords, 45_000},
		{context.Background(), 50_000, 200, 45_000},
		{busy, 50_000, 0, 45_000},
		{busy, 50_000, 200, 45_000},
		{context.Background(), 40, 10, 36},
		{context.Background(), 5, 10, 5}, // a store too small for a reserve has none
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, state.MostFor(tt.ctx, tt.max, tt.live), "%d records, an owner with %d", tt.max, tt.live)
	}
}
