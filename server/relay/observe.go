package relay

import (
	"context"
	"time"

	"octoplay/internal/wire"
	"octoplay/server/state"
)

// Observer hears how each POST /relay ended, for a server's metrics. It is
// called on the request's goroutine once the answer is written, so it must
// not block.
type Observer interface {
	Observe(Outcome)
}

// Outcome is how one POST /relay ended. Every field comes from the relay's
// own fixed sets or from its configuration, never from what a client sent.
type Outcome struct {
	// Environment is the name of the target's environment; "" when the
	// request was refused before its target was known.
	Environment string
	// Problem is the URI of the relay's problem type when it refused the
	// request; "" when the upstream's answer was relayed.
	Problem string
	// Failure is the part of opening or sealing that failed, one of the
	// Failure constants; "" when none did.
	Failure string
	// UpstreamStatus is the upstream's status; 0 when it gave none.
	UpstreamStatus int
	// Upstream is how long the upstream took to answer, Total how long the
	// relay took from the sealed request read to its answer written; zero
	// for what never got that far.
	Upstream, Total time.Duration
}

// Why a sealed request could not be opened, or its answer sealed.
const (
	FailureUnknownKey = "unknown-key" // a key id or suite the gateway does not hold (RFC 9458 §6.4)
	FailureDecrypt    = "decrypt"     // the HPKE open failed
	FailureMalformed  = "malformed"   // not an encapsulated request at all
	FailureSeal       = "seal"        // sealing the answer failed
)

// Failures are the Failure constants: a fixed set.
func Failures() []string {
	return []string{FailureUnknownKey, FailureDecrypt, FailureMalformed, FailureSeal}
}

type ignoreOutcomes struct{}

func (ignoreOutcomes) Observe(Outcome) {}

// observedLimiter tells the observer of the requests the rate limit
// refuses, which admit.PerClient answers before the relay sees them: with
// it, every POST /relay is observed once.
type observedLimiter struct {
	state.Limiter
	observer Observer
}

func (l observedLimiter) Allow(ctx context.Context, key string) (state.Decision, error) {
	d, err := l.Limiter.Allow(ctx, key)
	switch {
	case err != nil:
		l.observer.Observe(Outcome{Problem: wire.ProblemStateUnavailable.URI})
	case !d.Allowed:
		l.observer.Observe(Outcome{Problem: wire.ProblemRateLimited.URI})
	}
	return d, err
}
