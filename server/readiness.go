//go:build !js

package server

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
)

// readiness answers GET /readyz: whether a load balancer should send this
// instance traffic. The route exists once the relay's keys are loaded, so
// what is left to ask is whether the state store answers and whether the
// server is stopping. /healthz, the liveness probe, asks neither: a
// missing Redis is no reason to restart an instance.
type readiness struct {
	draining atomic.Bool
	store    func() error // nil while the state store answers
}

func newReadiness(store func() error) *readiness { return &readiness{store: store} }

// drain turns /readyz to 503 for good: the server is stopping.
func (r *readiness) drain() { r.draining.Store(true) }

// readyzAnswer is /readyz's body; the reason never holds an address or an
// error's text (the log has those).
type readyzAnswer struct {
	Status string `json:"status"` // "ready" or "unavailable"
	Reason string `json:"reason,omitempty"`
}

func (r *readiness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	answer, status := readyzAnswer{Status: "ready"}, http.StatusOK
	switch {
	case r.draining.Load():
		answer, status = readyzAnswer{"unavailable", "draining: the server is stopping"}, http.StatusServiceUnavailable
	case r.store() != nil:
		answer, status = readyzAnswer{"unavailable", "the state store does not answer"}, http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(answer)
}
