//go:build !js

package server

import (
	"io/fs"
	"net/http"

	"octoplay/server/relay"
)

// addRoutes is the server's whole surface.
func addRoutes(mux *http.ServeMux, page http.Handler, assets fs.FS, sandbox http.Handler, rl *relay.Relay) {
	mux.Handle("GET /healthz", handleHealthz())

	// go-app would fetch these through the request's Host header: never let it.
	mux.Handle("GET /robots.txt", handleRobots())
	mux.Handle("GET /sitemap.xml", http.NotFoundHandler())
	mux.Handle("GET /ads.txt", http.NotFoundHandler())

	mux.Handle("GET /web/", handleStatic(assets))

	// The sealed relay (RFC 9458): keys, environments, and the gateway.
	mux.Handle("GET /relay/keys", rl.HandleKeys())
	mux.Handle("GET /relay/environments", rl.HandleEnvironments())
	mux.Handle("POST /relay", rl.HandleRelay())
	mux.Handle("/sandbox/", http.StripPrefix("/sandbox", sandbox))

	// The page, go-app's scripts, manifest and service worker. "GET /" would
	// conflict with "/sandbox/", which takes every method.
	mux.Handle("/", readOnly(page))
}
