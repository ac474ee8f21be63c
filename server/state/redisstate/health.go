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

// health is whether the store answers, as the last operation or probe
// found it. It logs once per change, never per request.
type health struct {
	log  *slog.Logger
	mu   sync.Mutex
	down error // why the store is away, wrapping ErrUnavailable; nil while it answers
}

func newHealth(logger *slog.Logger) *health {
	return &health{log: logger, down: fmt.Errorf("%w: %w", ErrUnavailable, errNotProbed)}
}

func (h *health) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.down
}

// report records what an operation or a probe met: nil, the store
// answered; an error, it did not.
func (h *health) report(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	wasDown, first := h.down != nil, errors.Is(h.down, errNotProbed)
	switch {
	case err != nil && !wasDown || err != nil && first:
		h.down = fmt.Errorf("%w: %w", ErrUnavailable, err)
		h.log.Error("state store unavailable: requests that need it are refused until it answers", "err", err)
	case err == nil && wasDown:
		h.down = nil
		h.log.Info("state store available")
	}
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
