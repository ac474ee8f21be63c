package redisstate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// errNotProbed is the state before the first probe.
var errNotProbed = errors.New("not probed yet")

// When the store counts as away. One failed operation (a pool timeout in a
// burst, an OOM at maxmemory, a dropped connection) fails that operation
// only: its caller refuses that one request, and the next operation tries
// Redis again. Failures in a row, with no success between them, are a
// store that does not answer: from then on every operation is refused at
// once, without waiting on Redis, until a probe succeeds. The probe runs
// once a second, so an idle store is found gone within about
// awayAfterProbes seconds; a busy one sooner, by its operations.
const (
	// awayAfterFailures is how many operations failing in a row mark the
	// store away.
	awayAfterFailures = 5
	// awayAfterProbes is how many probes failing in a row do.
	awayAfterProbes = 2
)

// health is whether the store answers, as the last operations and probes
// found it. It logs once per change, never per request.
type health struct {
	log  *slog.Logger
	mu   sync.Mutex
	down error // why the store is away, wrapping ErrUnavailable; nil while it answers
	// failed and probesFailed count the operations and the probes that
	// failed since the last success of either.
	failed, probesFailed int
}

func newHealth(logger *slog.Logger) *health {
	return &health{log: logger, down: fmt.Errorf("%w: %w", ErrUnavailable, errNotProbed)}
}

func (h *health) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}

// report records what an operation met: nil, the store answered; an
// error, it did not.
func (h *health) report(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		h.failed, h.probesFailed = 0, 0
		return
	}
	h.failed++
	if h.failed >= awayAfterFailures {
		h.markAway(fmt.Errorf("%d operations failed in a row, the last: %w", h.failed, err))
	}
}

// reportProbe records what a probe met. The first probe decides at once:
// a store that does not answer at start is away from the start.
func (h *health) reportProbe(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	first := errors.Is(h.down, errNotProbed)
	if err == nil {
		h.failed, h.probesFailed = 0, 0
		if h.down != nil {
			h.down = nil
			h.log.Info("state store available")
		}
		return
	}
	h.probesFailed++
	if first || h.probesFailed >= awayAfterProbes {
		h.markAway(err)
	}
}

// markAway marks the store away for err, and logs it if it was not
// already; h.mu is held.
func (h *health) markAway(err error) {
	if h.down != nil && !errors.Is(h.down, errNotProbed) {
		return
	}
	h.down = fmt.Errorf("%w: %w", ErrUnavailable, err)
	h.log.Error("state store unavailable: requests that need it are refused until it answers", "err", err)
}

// clientLog is where go-redis's own messages (a failed dial, a bad
// connection dropped) go: the log at debug level, since health says once
// what they would say at every request.
var clientLog atomic.Pointer[slog.Logger]

func routeClientLog(logger *slog.Logger) {
	clientLog.Store(logger)
	routeOnce.Do(func() { redis.SetLogger(debugLog{}) })
}

var routeOnce sync.Once

type debugLog struct{}

func (debugLog) Printf(ctx context.Context, format string, v ...any) {
	if l := clientLog.Load(); l != nil {
		l.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
	}
}
