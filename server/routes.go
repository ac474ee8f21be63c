//go:build !js

package server

import (
	"net/http"

	"octoplay/internal/wire"
	"octoplay/server/assets"
	"octoplay/server/relay"
)

// addRoutes is the server's whole surface.
func addRoutes(mux *http.ServeMux, page http.Handler, st *assets.Server, sandbox http.Handler, rl *relay.Relay) {
	mux.Handle("GET /healthz", handleHealthz())

	// go-app would fetch these through the request's Host header: never let it.
	mux.Handle("GET /robots.txt", handleRobots())
	mux.Handle("GET /sitemap.xml", http.NotFoundHandler())
	mux.Handle("GET /ads.txt", http.NotFoundHandler())

	// The web assets: under the build's version, cached for good (the page
	// links these); under /web/, revalidated.
	mux.Handle("GET "+st.VersionedPrefix(), st)
	mux.Handle("GET /web/", st)
	// The script documentation pages include to embed the playground, at
	// an address that does not change with the build.
	mux.Handle("GET /embed.js", servePath("/web/embed.js", st))

	// The sealed relay (RFC 9458): GET /relay/keys, GET /relay/environments
	// and POST /relay, with the headers all its answers carry.
	relayRoutes := rl.Handler()
	mux.Handle(wire.RelayPath, relayRoutes)
	mux.Handle(wire.RelayPath+"/", relayRoutes)
	mux.Handle(wire.SandboxMount+"/", http.StripPrefix(wire.SandboxMount, sandbox))

	// The page, go-app's scripts, manifest and service worker. "GET /" would
	// conflict with "/sandbox/", which takes every method.
	mux.Handle("/", readOnly(page))
}
