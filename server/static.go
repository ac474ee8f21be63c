//go:build !js

package server

import (
	"net/http"

	"octoplay/internal/wire"
)

// robotsTXT keeps crawlers off the relay and the sandbox; the page itself
// may be indexed.
const robotsTXT = "User-agent: *\nDisallow: " + wire.RelayPath + "\nDisallow: " + wire.SandboxMount + "/\n"

// handleRobots answers /robots.txt itself: go-app's own handler would fetch
// it from "http://" + the request's Host header and cache the first answer
// forever, so a forged Host could poison it.
func handleRobots() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(robotsTXT))
	})
}

// handleHealthz tells a load balancer or a test that the server is up.
func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
}

// servePath answers with h as if path had been asked.
func servePath(path string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = path, ""
		h.ServeHTTP(w, r2)
	})
}
