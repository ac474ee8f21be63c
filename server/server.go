//go:build !js

package server

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"octoplay/server/admit"
	"octoplay/server/assets"
	"octoplay/server/page"
	"octoplay/server/relay"
	"octoplay/server/state"
)

// Parts are what the server's handler serves besides the web assets.
type Parts struct {
	Sandbox http.Handler
	Relay   *relay.Relay
	// Ready answers GET /readyz; nil answers ready whenever the server runs.
	Ready http.Handler
	// SandboxLimit counts requests to /sandbox/ per client address; nil
	// means cfg's rate, in memory.
	SandboxLimit state.Limiter
	// PageLimit counts requests for the page and go-app's files per client
	// address; nil means the default rate, in memory.
	PageLimit state.Limiter
	// Uploads admits request bodies; nil means cfg's budget.
	Uploads *admit.Uploads
}

// NewServer builds the server's handler: the playground page and its
// assets, the sealed relay, the sandbox under /sandbox/, /healthz and
// /readyz, all behind the security headers and the request log.
func NewServer(logger *slog.Logger, cfg Config, webFS fs.FS, p Parts) (http.Handler, error) {
	if _, err := fs.Stat(webFS, "app.wasm"); err != nil {
		return nil, fmt.Errorf("new server: %w (build it with make wasm)", err)
	}
	st, err := assets.NewServer(webFS, logger)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	pages, err := page.New(st, cfg.PublicURL, cfg.FrameAncestors)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	lim := newLimits(cfg)
	if p.SandboxLimit != nil {
		lim.sandbox = p.SandboxLimit
	}
	if p.PageLimit != nil {
		lim.pages = p.PageLimit
	}
	if p.Uploads != nil {
		lim.uploads = p.Uploads
	}
	if p.Ready == nil {
		p.Ready = newReadiness(func() error { return nil }, true)
	}
	mux := http.NewServeMux()
	addRoutes(mux, pages, st, p, lim)
	return logRequests(logger)(securityHeaders(contentSecurityPolicy(cfg.FrameAncestors), mux)), nil
}
