package admit

import (
	"fmt"
	"net/http"
	"time"

	"octoplay/internal/clientaddr"
	"octoplay/internal/wire"
	"octoplay/server/state"
)

// StateRetryAfter is the Retry-After of a refusal because the shared state
// (a limiter, the replay window) does not answer: the server checks it
// again every second, and recovers alone once it answers.
const StateRetryAfter = 2 * time.Second

// PerClient lets each client address send as many requests as l allows,
// and answers the others 429 with Retry-After. When the limiter cannot
// answer, it refuses (503, state-unavailable): a request is never let
// through unchecked.
func PerClient(l state.Limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := l.Allow(r.Context(), clientaddr.Of(r))
		switch {
		case err != nil:
			refuse(w, r, wire.ProblemStateUnavailable, "the rate limit cannot be checked right now; try again", StateRetryAfter)
		case !d.Allowed:
			refuse(w, r, wire.ProblemRateLimited,
				fmt.Sprintf("too many requests from this client; try again in %d s", retrySeconds(d.RetryAfter)), d.RetryAfter)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
