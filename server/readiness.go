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
//
// With needsState false, a state store that does not answer leaves /readyz
// at 200 and says so in the body: the instance keeps its traffic and
// answers each request that needs the store with state-unavailable, which
// the browser explains, rather than leave a load balancer with no instance
// at all (see "When Redis fails" in docs/deploy.md).
type readiness struct {
	draining   atomic.Bool
	store      func() error // nil while the state store answers
	needsState bool
}

func newReadiness(store func() error, needsState bool) *readiness {
	return &readiness{store: store, needsState: needsState}
}

// drain turns /readyz to 503 for good: the server is stopping.
func (r *readiness) drain() { r.draining.Store(true) }

// readyzAnswer is /readyz's body; the reason never holds an address or an
// error's text (the log has those).
type readyzAnswer struct {
	Status string `json:"status"` // "ready" or "unavailable"
	Reason string `json:"reason,omitempty"`
	// State is "unavailable" when the state store does not answer but the
	// instance is ready all the same (needsState false).
	State string `json:"state,omitempty"`
}

func (r *readiness) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	answer, status := readyzAnswer{Status: "ready"}, http.StatusOK
	switch {
	case r.draining.Load():
		answer, status = readyzAnswer{Status: "unavailable", Reason: "draining: the server is stopping"}, http.StatusServiceUnavailable
	case r.store() != nil && r.needsState:
		answer, status = readyzAnswer{Status: "unavailable", Reason: "the state store does not answer"}, http.StatusServiceUnavailable
	case r.store() != nil:
		answer.State = "unavailable"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(answer)
}
