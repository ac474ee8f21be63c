//go:build !js

package server

import (
	"net/http"

	"octoplay/internal/wire"
	"octoplay/server/admit"
	"octoplay/server/assets"
	"octoplay/server/relay"
	sb "octoplay/server/sandbox"
)

// addRoutes is the server's whole surface.
func addRoutes(mux *http.ServeMux, page http.Handler, st *assets.Server, p Parts, lim limits) {
	// Liveness (the process serves) and readiness (it should get traffic:
	// its state store answers and it is not stopping).
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", p.Ready)

	// go-app would fetch these through the request's Host header: never let it.
	mux.Handle("GET /robots.txt", handleRobots())
	mux.Handle("GET /sitemap.xml", http.NotFoundHandler())
	mux.Handle("GET /ads.txt", http.NotFoundHandler())
	// go-app strips the version from a path, and would fetch these too.
	for _, name := range []string{"/robots.txt", "/sitemap.xml", "/ads.txt"} {
		mux.Handle("GET /"+st.Version()+name, http.NotFoundHandler())
	}

	// The web assets: under the build's version, cached for good (the page
	// links these); under /web/, revalidated.
	mux.Handle("GET "+st.VersionedPrefix(), st)
	mux.Handle("GET /web/", st)
	// The script documentation pages include to embed the playground, at
	// an address that does not change with the build.
	mux.Handle("GET /embed.js", servePath("/web/embed.js", st))

	// The sealed relay (RFC 9458): GET /relay/keys, GET /relay/environments
	// and POST /relay, with the headers all its answers carry; every other
	// /relay path is the relay's too (go-app's page handler would answer it
	// no-cache). POST /relay reads its body within the upload budget, once
	// the relay's rate limit let it through.
	relayRoutes := p.Relay.Handler(func(next http.Handler) http.Handler {
		return lim.uploads.Limit(relay.MaxSealedRequest, bodyReadTimeout, next)
	})
	mux.Handle(wire.RelayPath, relayRoutes)
	mux.Handle(wire.RelayPath+"/", relayRoutes)
	// The sandbox gets the relay's protections when reached directly: a
	// request rate per client address, and bodies read within the budget.
	mux.Handle(wire.SandboxMount+"/", admit.PerClient(lim.sandbox,
		lim.uploads.Limit(sb.MaxRequestBody, bodyReadTimeout, http.StripPrefix(wire.SandboxMount, p.Sandbox))))

	// The page, go-app's scripts, manifest and service worker, from memory
	// (pageCache), at a rate per client address like every other route.
	// "GET /" would conflict with "/sandbox/", which takes every method.
	mux.Handle("/", admit.PerClient(lim.pages, readOnly(page)))
}
