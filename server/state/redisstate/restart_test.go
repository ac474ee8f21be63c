package redisstate_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/server/state"
	"octoplay/server/state/redisstate"
	"octoplay/server/state/statetest"
)

// Redis restarts without persistence: the window comes back empty, so
// a request seen before is refused as forgotten rather than called fresh,
// and so is every request dated before the epoch plus the skew (and the
// clocks' margin); one dated after is judged again.
func TestNoReplayAcrossARestart(t *testing.T) {
	const span = time.Minute // 2 × the relay's Date skew
	r := testkit.StartRedis(t)
	s := open(t, r, nil)
	ctx := context.Background()
	clock := statetest.NewClock()
	w := s.ReplayWindow(span, clock.Now)
	id := sha256.Sum256([]byte("sealed before the restart"))
	dated := clock.Now().Add(span / 2) // remembered until its Date + skew

	fresh, err := w.Remember(ctx, id, dated)
	require.NoError(t, err)
	require.True(t, fresh)
	fresh, err = w.Remember(ctx, id, dated)
	require.NoError(t, err)
	require.False(t, fresh, "a replay before the restart")

	r.Kill()
	r.Start()
	clock.Advance(time.Second)
	epoch := clock.Now() // this Remember finds the store empty
	_, err = w.Remember(ctx, id, dated)
	require.ErrorIs(t, err, state.ErrForgotten, "the same request after the restart")
	var forgotten *state.ForgottenError
	require.True(t, errors.As(err, &forgotten))
	from := epoch.Add(span + redisstate.ClockMargin)
	assert.Equal(t, from, forgotten.From)
	assert.NoError(t, s.Ready())

	// Until a Date of epoch + skew + margin can be accepted, every request
	// is refused; from then on, fresh ones pass and copies are caught.
	clock.Advance(span/2 + redisstate.ClockMargin - time.Millisecond)
	_, err = w.Remember(ctx, sha256.Sum256([]byte("dated just before")), clock.Now().Add(span/2))
	assert.ErrorIs(t, err, state.ErrForgotten)
	clock.Advance(time.Millisecond)
	after := sha256.Sum256([]byte("dated after"))
	fresh, err = w.Remember(ctx, after, clock.Now().Add(span/2))
	require.NoError(t, err)
	assert.True(t, fresh)
	fresh, err = w.Remember(ctx, after, clock.Now().Add(span/2))
	require.NoError(t, err)
	assert.False(t, fresh)
}

// The probe sets the epoch, by the window's clock, within a second of
// Redis coming back, not at the first request after: an idle store's
// refusals are over before anyone asks.
func TestTheProbeSetsTheEpoch(t *testing.T) {
	r := testkit.StartRedis(t)
	s := open(t, r, nil)
	clock := statetest.NewClock()
	w := s.ReplayWindow(time.Minute, clock.Now)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r.Kill()
	r.Start()
	probed := clock.Now()
	go s.Watch(ctx)
	var epoch string
	testkit.WaitFor(t, 10*time.Second, func() bool {
		got, err := r.Command("GET", "test:"+t.Name()+":epoch")
		epoch = got
		return err == nil && got != ""
	}, "an epoch was written after the restart")
	assert.Equal(t, probed.UnixMilli(), parseMillis(t, epoch))
	cancel()
	clock.Advance(time.Minute/2 + redisstate.ClockMargin)
	fresh, err := w.Remember(context.Background(), sha256.Sum256([]byte("x")), clock.Now().Add(time.Minute/2))
	require.NoError(t, err)
	assert.True(t, fresh, "judged from the probe's epoch, not refused from the first request's")
}

func parseMillis(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}
