package sandbox

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"octoplay/server/state"
)

// FailureLimit is the default limit on failed client authentications from
// one client address: 5 at once, then one every 12 seconds (5 a minute).
var FailureLimit = state.Limit{Interval: time.Minute / 5, Burst: 5}

// failureGate slows down guessing a client secret (RFC 6749 §10.10 asks for
// protection against guessing credentials) while never refusing anyone for
// someone else's guesses: failures count against the address they came
// from, never against a client id (anyone can send a public id), and a
// correct secret from an address that is not itself limited always works.
//
// The check, the authentication and the count for one address happen under
// one of a fixed set of locks, so guesses sent at once cannot slip in
// between; valid requests count nothing, however many are in flight.
type failureGate struct {
	limiter state.Limiter
	seed    maphash.Seed
	stripes [64]sync.Mutex
}

func newFailureGate(l state.Limiter) *failureGate {
	return &failureGate{limiter: l, seed: maphash.MakeSeed()}
}

// check authenticates with authenticate unless source has failed too often,
// and counts a failure against source. It returns how long source must wait
// (zero if it may try), what authenticate returned, and the limiter's error,
// on which the caller refuses (fails closed).
func (g *failureGate) check(ctx context.Context, source string, authenticate func() *failure) (time.Duration, *failure, error) {
	mu := &g.stripes[maphash.String(g.seed, source)%uint64(len(g.stripes))]
	mu.Lock()
	defer mu.Unlock()
	d, err := g.limiter.Peek(ctx, source)
	if err != nil {
		return 0, nil, err
	}
	if !d.Allowed {
		return d.RetryAfter, nil, nil
	}
	f := authenticate()
	if f != nil {
		if err := g.limiter.Charge(ctx, source); err != nil {
			return 0, nil, err
		}
	}
	return 0, f, nil
}
