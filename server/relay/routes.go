package relay

import (
	"net/http"

	"octoplay/internal/wire"
)

// Handler serves the relay's routes: its key configurations, its
// environments and the gateway itself. Mount it at wire.RelayPath and
// under it. admitBody, if not nil, admits each sealed request's body after
// the relay's cross-site check and rate limit, before a byte of it is read.
func (r *Relay) Handler(admitBody func(http.Handler) http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+wire.RelayKeysPath, r.handleKeys())
	mux.Handle("GET "+wire.RelayEnvironmentsPath, r.handleEnvironments())
	mux.Handle("POST "+wire.RelayPath, r.handleRelay(admitBody))
	mux.Handle("/", handleUnknown())
	return answerHeaders(mux)
}

// handleUnknown answers every relay request no route took, in the relay's
// own terms rather than ServeMux's text: 405 with Allow for a route's path
// with another method, 404 for the rest.
func handleUnknown() http.Handler {
	allow := map[string]string{wire.RelayPath: "POST", wire.RelayKeysPath: "GET, HEAD", wire.RelayEnvironmentsPath: "GET, HEAD"}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if methods, ok := allow[req.URL.Path]; ok {
			w.Header().Set("Allow", methods)
			writeProblem(w, newProblem(wire.ProblemMethodNotAllowed, req.URL.Path+" takes "+methods))
			return
		}
		writeProblem(w, newProblem(wire.ProblemNotFound, "no such relay resource: the relay has GET "+wire.RelayKeysPath+", GET "+wire.RelayEnvironmentsPath+" and POST "+wire.RelayPath))
	})
}

// answerHeaders sets what every answer of the relay carries, its mux's 404
// and 405 included: no cache may keep one (RFC 9111 §5.2.2.5). A sealed
// answer holds a token for its sender alone, key configurations must be
// fetched afresh after a rotation, and a refusal is about one request.
func answerHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
