package relay

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// relayRecord is what the log line of a relayed request says.
type relayRecord struct {
	env, method, path string
	status            int
	problem           string        // the problem type's URI when the relay refused
	upstream          time.Duration // how long the upstream took
}

func (rec relayRecord) log(ctx context.Context, l *slog.Logger, keyID uint8, d time.Duration) {
	level := slog.LevelInfo
	if rec.problem != "" {
		// The gateway's own 5xx (upstream unreachable, timeout) is what an
		// operator acts on; an upstream's 5xx passes through as info. A 503
		// refuses for now (busy, or the shared state is away, which its
		// store logs once): a warning.
		switch {
		case rec.status == http.StatusServiceUnavailable:
			level = slog.LevelWarn
		case rec.status >= 500:
			level = slog.LevelError
		}
	}
	if !l.Enabled(ctx, level) {
		return
	}
	// Attributes, not arguments: nothing is boxed into an interface.
	attrs := [...]slog.Attr{slog.String("env", rec.env), slog.String("method", rec.method), slog.String("target", rec.path),
		slog.Int("status", rec.status), slog.Duration("duration", d), slog.Int("key_id", int(keyID)), slog.String("problem", rec.problem)}
	n := len(attrs)
	if rec.problem == "" {
		n--
	}
	l.LogAttrs(ctx, level, "relay", attrs[:n]...)
}
