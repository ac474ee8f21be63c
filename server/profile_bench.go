//go:build !js && octoplaybench

package server

import (
	"net/http"
	"net/http/pprof"
)

// withProfiling adds, in the bench's build alone, Go's profiles under
// /debug/pprof/ on the metrics listener, so that the bench can see where
// the relay's time goes under its load.
func withProfiling(metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", metrics)
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	return mux
}
