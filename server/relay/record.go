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
	attrs := []any{"env", rec.env, "method", rec.method, "target", rec.path, "status", rec.status, "duration", d, "key_id", keyID}
	level := slog.LevelInfo
	if rec.problem != "" {
		attrs = append(attrs, "problem", rec.problem)
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
	l.Log(ctx, level, "relay", attrs...)
}
