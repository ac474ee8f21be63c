//go:build !js

package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"octoplay/server/metrics"
	"octoplay/server/relay"
	"octoplay/server/sandbox"
	"octoplay/server/state"
	"octoplay/server/state/redisstate"
)

// stores are what the server remembers between requests, one per use:
// with -redis-url, in that Redis, shared by every instance that names it
// (all five: a request relayed by one instance is a replay on the others,
// an address has one limit across them, a reservation written through one
// is read through any); otherwise in this process's memory.
type stores struct {
	relayLimit      state.Limiter      // sealed requests per client address
	sandboxLimit    state.Limiter      // requests to /sandbox/ per client address
	sandboxFailures state.Limiter      // failed client authentications per client address
	replays         state.ReplayWindow // sealed requests already relayed
	sandboxWrites   state.Records      // what clients write to the sandbox
	clientsPerRange state.Limiter      // create-client, per address range
	clientsTotal    state.Limiter      // create-client, in all
	clientsNewcomer state.Limiter      // create-client: the ranges new to it, which may take its reserve
	clientsReserve  state.Limiter      // create-client: the reserve beyond the total
	recordsPerRange state.Limiter      // sandbox records created, per address range
	rangeNewcomer   state.Limiter      // the ranges new to the sandbox, which may take its reserve
	// ready is nil while the state answers; memory always does.
	ready func() error
	close func() error
}

// openStores opens the stores cfg asks for, for as long as ctx lasts, with
// limits that read the time from limitClock (nil: time.Now). A Redis that
// does not answer yet is no error: requests that need it are refused, and
// /readyz says 503, until it does.
func openStores(ctx context.Context, cfg Config, logger *slog.Logger, limitClock func() time.Time) (stores, error) {
	relayLimit := state.PerSecond(cfg.RelayRate, cfg.RelayBurst)
	sandboxLimit := state.PerSecond(cfg.SandboxRate, cfg.SandboxBurst)
	span := 2 * relay.DateSkew
	if cfg.RedisURL == "" {
		replays := state.NewMemoryReplayWindow(span, nil)
		return stores{
			relayLimit:      state.NewMemoryLimiter(relayLimit, 0, limitClock),
			sandboxLimit:    state.NewMemoryLimiter(sandboxLimit, 0, limitClock),
			sandboxFailures: state.NewMemoryLimiter(sandbox.FailureLimit, 0, limitClock),
			replays:         replays,
			sandboxWrites:   state.NewMemoryRecords(sandbox.WriteLimits, 0, nil),
			clientsPerRange: state.NewMemoryLimiter(sandbox.ClientsPerRange, 0, nil),
			clientsTotal:    state.NewMemoryLimiter(sandbox.ClientsTotal, 0, nil),
			clientsNewcomer: state.NewMemoryLimiter(sandbox.ClientsNewcomer, 0, nil),
			clientsReserve:  state.NewMemoryLimiter(sandbox.ClientsReserve, 0, nil),
			recordsPerRange: state.NewMemoryLimiter(sandbox.RecordsPerRange, 0, nil),
			rangeNewcomer:   state.NewMemoryLimiter(sandbox.RangeNewcomer, 0, nil),
			ready:           func() error { return nil },
			close:           func() error { replays.Close(); return nil },
		}, nil
	}
	// A request holds a connection and runs one operation at a time: a
	// pool of as many Redis connections never makes one wait its turn.
	conns, err := connCap(cfg)
	if err != nil {
		return stores{}, fmt.Errorf("open stores: %w", err)
	}
	rs, err := redisstate.Open(ctx, cfg.RedisURL, cfg.RedisKeyPrefix, conns, logger)
	if err != nil {
		return stores{}, err
	}
	// The probe stops before the connections close, or it would find the
	// store closed and say it is away.
	ctx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { rs.Watch(ctx); close(watched) }()
	return stores{
		relayLimit:      rs.Limiter("relay", relayLimit, limitClock),
		sandboxLimit:    rs.Limiter("sandbox", sandboxLimit, limitClock),
		sandboxFailures: rs.Limiter("sandbox-failures", sandbox.FailureLimit, limitClock),
		replays:         rs.ReplayWindow(span, nil),
		sandboxWrites:   rs.Records(sandbox.WriteLimits, 0, nil),
		clientsPerRange: rs.Limiter("sandbox-clients-range", sandbox.ClientsPerRange, nil),
		clientsTotal:    rs.Limiter("sandbox-clients", sandbox.ClientsTotal, nil),
		clientsNewcomer: rs.Limiter("sandbox-clients-newcomer", sandbox.ClientsNewcomer, nil),
		clientsReserve:  rs.Limiter("sandbox-clients-reserve", sandbox.ClientsReserve, nil),
		recordsPerRange: rs.Limiter("sandbox-records-range", sandbox.RecordsPerRange, nil),
		rangeNewcomer:   rs.Limiter("sandbox-range-newcomer", sandbox.RangeNewcomer, nil),
		ready:           rs.Ready,
		close: func() error {
			stopWatch()
			<-watched
			return rs.Close()
		},
	}, nil
}

// observed is st with each store timed and counted by m.
func (st stores) observed(m *metrics.Metrics) stores {
	st.relayLimit = m.Limiter(metrics.StoreRelayLimit, st.relayLimit)
	st.sandboxLimit = m.Limiter(metrics.StoreSandboxLimit, st.sandboxLimit)
	st.sandboxFailures = m.Limiter(metrics.StoreSandboxFailures, st.sandboxFailures)
	st.replays = m.ReplayWindow(st.replays)
	return st
}
