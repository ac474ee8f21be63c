package relay

import (
	"net/http"

	"octoplay/internal/wire"
)

// Handler serves the relay's routes: its key configurations, its
// environments and the gateway itself. Mount it at wire.RelayPath and
// under it.
func (r *Relay) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+wire.RelayKeysPath, r.handleKeys())
	mux.Handle("GET "+wire.RelayEnvironmentsPath, r.handleEnvironments())
	mux.Handle("POST "+wire.RelayPath, r.handleRelay())
	return answerHeaders(mux)
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
