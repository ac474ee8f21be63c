package relay

import "net/http"

// The answers to a /relay path or method that does not exist.
const (
	problemNotFound         = "urn:octoplay:problem:not-found"
	problemMethodNotAllowed = "urn:octoplay:problem:method-not-allowed"
)

// HandleUnknown answers every /relay request no route took: 405 for POST's
// path with another method, 404 for the rest, no-store like every relay
// answer.
func (r *Relay) HandleUnknown() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/relay" {
			w.Header().Set("Allow", "POST")
			writeProblem(w, newProblem(problemMethodNotAllowed, http.StatusMethodNotAllowed, "the relay takes POST /relay with a sealed request"))
			return
		}
		writeProblem(w, newProblem(problemNotFound, http.StatusNotFound, "no such relay resource: the relay has GET /relay/keys, GET /relay/environments and POST /relay"))
	})
}
