package redisstate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"octoplay/server/state"
)

// ClockMargin is how much longer than its own clock says an instance keeps
// a replay entry: instances whose clocks are within ClockMargin of each
// other all find it while any of them would accept a copy of the request.
const ClockMargin = 10 * time.Second

// idBytes is how much of a replay id names its key (see the package
// comment).
const idBytes = 16

// replayWindow is a state.ReplayWindow in Redis: one key per request, set
// only if absent, which expires when no instance would accept a copy.
type replayWindow struct {
	store *Store
	span  time.Duration
	now   func() time.Time
}

// ReplayWindow is a state.ReplayWindow for forget-after times up to span
// ahead of now; now nil means time.Now. It is exact: a fresh id is never
// called seen.
func (s *Store) ReplayWindow(span time.Duration, now func() time.Time) state.ReplayWindow {
	if now == nil {
		now = time.Now
	}
	return &replayWindow{store: s, span: span, now: now}
}

func (w *replayWindow) Remember(ctx context.Context, id [sha256.Size]byte, forgetAfter time.Time) (bool, error) {
	now := w.now()
	left := forgetAfter.Sub(now)
	if left < 0 || left > w.span {
		return false, state.ErrOutsideWindow
	}
	// Rounded up to the millisecond PX counts in: never forgotten early.
	ttl := (left + ClockMargin + time.Millisecond - 1).Truncate(time.Millisecond)
	var fresh bool
	err := w.store.do(ctx, func(ctx context.Context) error {
		var err error
		fresh, err = w.store.client.SetNX(ctx, w.store.prefix+"replay:"+hex.EncodeToString(id[:idBytes]), "1", ttl).Result()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("redisstate: remember: %w", err)
	}
	return fresh, nil
}
