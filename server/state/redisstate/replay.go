package redisstate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"octoplay/server/state"
)

// ClockMargin is how much longer than its own clock says an instance keeps
// a replay entry: instances whose clocks are within ClockMargin of each
// other all find it while any of them would accept a copy of the request.
const ClockMargin = 10 * time.Second

// idBytes is how much of a replay id names its key (see the package
// comment).
const idBytes = 16

// remember is the replay window's one round trip: the store's epoch, then
// the request's key, set only if absent.
//
//	KEYS    the request's key, the epoch
//	ARGV    now (ms since 1970), the key's time to live (ms), the request's
//	        forget-after time (ms), the guard (ms)
//	returns {"fresh" | "seen" | "forgotten", the epoch (ms)}
//
// The epoch is when the store started to hold this window: set when it is
// missing, which is once at the first use and again whenever Redis comes
// back empty (a restart without persistence, a flush). Nothing in an empty
// store says which requests it held before, so a request whose copy could
// have been remembered then (forget-after before the epoch plus the guard)
// is refused, forgotten, rather than called fresh. In one script with the
// SET NX, no request reaches an emptied store before the epoch is there.
var remember = redis.NewScript(`
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch)
end
if tonumber(ARGV[3]) < tonumber(epoch) + tonumber(ARGV[4]) then return {'forgotten', epoch} end
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then return {'fresh', epoch} end
return {'seen', epoch}
`)

// replayWindow is a state.ReplayWindow in Redis: one key per request, set
// only if absent, which expires when no instance would accept a copy.
type replayWindow struct {
	store *Store
	span  time.Duration
	now   func() time.Time
}

// ReplayWindow is a state.ReplayWindow for forget-after times up to span
// ahead of now; now nil means time.Now. It is exact: a fresh id is never
// called seen. After Redis comes back empty it refuses, with a
// *state.ForgottenError, every request whose copy could have been
// remembered before: those whose forget-after time is before the epoch
// (the moment it found the store empty) plus span plus ClockMargin. A
// request is remembered until its Date + span/2, so that is every request
// dated before the epoch + span/2 + ClockMargin; the probe sets the epoch
// within a second of Redis coming back.
func (s *Store) ReplayWindow(span time.Duration, now func() time.Time) state.ReplayWindow {
	if now == nil {
		now = time.Now
	}
	s.epochNow.Store(&now)
	return &replayWindow{store: s, span: span, now: now}
}

// guard is how long after the epoch a forget-after time must be for the
// window to judge it: any request seen before the epoch was remembered
// until at most span after the instance's clock then, which may be
// ClockMargin ahead of the clock that set the epoch.
func (w *replayWindow) guard() time.Duration { return w.span + ClockMargin }

func (w *replayWindow) Remember(ctx context.Context, id [sha256.Size]byte, forgetAfter time.Time) (bool, error) {
	now := w.now()
	left := forgetAfter.Sub(now)
	if left < 0 || left > w.span {
		return false, state.ErrOutsideWindow
	}
	// Rounded up to the millisecond PX counts in: never forgotten early.
	ttl := (left + ClockMargin + time.Millisecond - 1).Truncate(time.Millisecond)
	var answer []any
	err := w.store.do(ctx, func(ctx context.Context) error {
		var err error
		answer, err = remember.Run(ctx, w.store.client,
			[]string{w.store.prefix + "replay:" + hex.EncodeToString(id[:idBytes]), w.store.prefix + epochKey},
			now.UnixMilli(), ttl.Milliseconds(), forgetAfter.UnixMilli(), w.guard().Milliseconds()).Slice()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("redisstate: remember: %w", err)
	}
	verdict, epoch, err := parseRemembered(answer)
	if err != nil {
		return false, fmt.Errorf("redisstate: remember: %w", err)
	}
	switch verdict {
	case "fresh":
		return true, nil
	case "seen":
		return false, nil
	default:
		return false, fmt.Errorf("redisstate: remember: %w", &state.ForgottenError{From: epoch.Add(w.guard())})
	}
}

// parseRemembered reads remember's answer.
func parseRemembered(answer []any) (verdict string, epoch time.Time, err error) {
	if len(answer) == 2 {
		verdict, _ = answer[0].(string)
		e, _ := answer[1].(string)
		ms, perr := strconv.ParseInt(e, 10, 64)
		if perr == nil && (verdict == "fresh" || verdict == "seen" || verdict == "forgotten") {
			return verdict, time.UnixMilli(ms), nil
		}
	}
	return "", time.Time{}, fmt.Errorf("unexpected answer %v from the script", answer)
}
