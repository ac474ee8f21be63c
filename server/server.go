//go:build !js

package server

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"octoplay/server/assets"
	"octoplay/server/relay"
)

// NewServer builds the server's handler: the playground page and its
// assets, the sealed relay, the sandbox under /sandbox/, and /healthz, all
// behind the security headers and the request log.
func NewServer(logger *slog.Logger, cfg Config, webFS fs.FS, sandbox http.Handler, rl *relay.Relay) (http.Handler, error) {
	if _, err := fs.Stat(webFS, "app.wasm"); err != nil {
		return nil, fmt.Errorf("new server: %w (build it with make wasm)", err)
	}
	st, err := assets.NewServer(webFS, logger)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	page, err := newPageHandler(st, cfg.FrameAncestors)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	mux := http.NewServeMux()
	addRoutes(mux, firstPaint(cfg.PublicURL, page), st, sandbox, rl, newLimits(cfg))
	return logRequests(logger)(securityHeaders(contentSecurityPolicy(cfg.FrameAncestors), mux)), nil
}
