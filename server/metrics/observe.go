package metrics

import (
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"time"

	"octoplay/internal/wire"
	"octoplay/server/admit"
	"octoplay/server/relay"
	"octoplay/server/state"
)

// Observe counts one POST /relay (it is the relay's Observer).
func (m *Metrics) Observe(o relay.Outcome) {
	env := m.environment(o.Environment)
	m.relayed.WithLabelValues(env, outcome(o.Problem)).Inc()
	if o.Failure != "" {
		m.failures.WithLabelValues(oneOf(o.Failure, relay.Failures())).Inc()
	}
	if o.Environment == "" {
		return // refused before the relay's work began
	}
	m.relayDuration.WithLabelValues(env).Observe(o.Total.Seconds())
	if o.UpstreamStatus != 0 {
		m.upstream.WithLabelValues(env, statusClass(o.UpstreamStatus)).Inc()
		m.upstreamDuration.WithLabelValues(env).Observe(o.Upstream.Seconds())
	}
}

// TokenIssued counts a token the sandbox issued.
func (m *Metrics) TokenIssued() { m.tokens.Inc() }

// environment is name if the server relays to it, "none" for no
// environment, else other.
func (m *Metrics) environment(name string) string {
	switch {
	case name == "":
		return "none"
	case m.envs.Load() != nil && (*m.envs.Load())[name]:
		return name
	default:
		return other
	}
}

// outcome is "relayed", or the name of the relay's problem type.
func outcome(problemURI string) string {
	if problemURI == "" {
		return "relayed"
	}
	for _, p := range wire.ProblemTypes() {
		if p.URI == problemURI {
			return p.Name()
		}
	}
	return other
}

func statusClass(status int) string {
	if status < 100 || status > 599 {
		return other
	}
	return string(rune('0'+status/100)) + "xx"
}

func oneOf(v string, set []string) string {
	if slices.Contains(set, v) {
		return v
	}
	return other
}

// The state stores, as the store label names them.
const (
	StoreRelayLimit      = "relay-limit"
	StoreSandboxLimit    = "sandbox-limit"
	StoreSandboxFailures = "sandbox-failures"
	StoreReplay          = "replay"
)

// limits are the rate-limited label of each limiter's store.
var limits = map[string]string{StoreRelayLimit: "relay", StoreSandboxLimit: "sandbox", StoreSandboxFailures: "sandbox-failures"}

// Limiter is l, timed and counted as store (one of the Store constants):
// each operation's time and failure, and each refusal. A limit on failures
// refuses at Peek, others at Allow.
func (m *Metrics) Limiter(store string, l state.Limiter) state.Limiter {
	return &limiter{Limiter: l, m: m, store: oneOf(store, []string{StoreRelayLimit, StoreSandboxLimit, StoreSandboxFailures})}
}

type limiter struct {
	state.Limiter
	m     *Metrics
	store string
}

func (l *limiter) Allow(ctx context.Context, key string) (state.Decision, error) {
	start := time.Now()
	d, err := l.Limiter.Allow(ctx, key)
	l.decided(start, d, err)
	return d, err
}

func (l *limiter) Peek(ctx context.Context, key string) (state.Decision, error) {
	start := time.Now()
	d, err := l.Limiter.Peek(ctx, key)
	l.decided(start, d, err)
	return d, err
}

func (l *limiter) Charge(ctx context.Context, key string) error {
	start := time.Now()
	err := l.Limiter.Charge(ctx, key)
	l.decided(start, state.Decision{Allowed: true}, err)
	return err
}

// decided counts an operation that began at start and said d or err.
func (l *limiter) decided(start time.Time, d state.Decision, err error) {
	l.m.timeState(l.store, start)
	l.m.stateFailed(l.store, err)
	if err == nil && !d.Allowed {
		l.m.rateLimited.WithLabelValues(limits[l.store]).Inc()
	}
}

// ReplayWindow is w, timed and counted: each operation's time and failure,
// and each replay refused.
func (m *Metrics) ReplayWindow(w state.ReplayWindow) state.ReplayWindow {
	return &replayWindow{ReplayWindow: w, m: m}
}

type replayWindow struct {
	state.ReplayWindow
	m *Metrics
}

func (w *replayWindow) Remember(ctx context.Context, id [sha256.Size]byte, forgetAfter time.Time) (bool, error) {
	defer w.m.timeState(StoreReplay, time.Now())
	fresh, err := w.ReplayWindow.Remember(ctx, id, forgetAfter)
	if !errors.Is(err, state.ErrOutsideWindow) { // a stale Date, not the store's failure
		w.m.stateFailed(StoreReplay, err)
	}
	if err == nil && !fresh {
		w.m.replays.Inc()
	}
	return fresh, err
}

func (m *Metrics) timeState(store string, start time.Time) {
	m.stateDuration.WithLabelValues(store).Observe(time.Since(start).Seconds())
}

func (m *Metrics) stateFailed(store string, err error) {
	if err != nil {
		m.stateErrors.WithLabelValues(store).Inc()
	}
}

// WatchState reports whether the state store answers, from ready (nil
// while it does), at each scrape.
func (m *Metrics) WatchState(ready func() error) {
	m.gauge("octoplay_state_up", "1 while the state store answers, 0 while the requests that need it are refused.", func() float64 {
		if ready() != nil {
			return 0
		}
		return 1
	})
}

// WatchUploads reports the request bodies being read, at each scrape.
func (m *Metrics) WatchUploads(u *admit.Uploads) {
	m.gauge("octoplay_uploads_in_flight", "Request bodies being read now (POST /relay, the sandbox).", func() float64 {
		_, n := u.InFlight()
		return float64(n)
	})
	m.gauge("octoplay_upload_bytes_in_flight", "Bytes of the upload budget reserved by the request bodies being read now.", func() float64 {
		b, _ := u.InFlight()
		return float64(b)
	})
}

// WatchConnections reports the open connections, at each scrape.
func (m *Metrics) WatchConnections(ln *admit.Listener) {
	m.gauge("octoplay_connections_open", "Connections open to the playground's listener.", func() float64 {
		n, _ := ln.Open()
		return float64(n)
	})
}
