// Package admit decides, before any work is done, whether a client gets
// the server's resources at all: a request rate per client address
// (PerClient), bytes of request bodies in flight (Uploads) and connections
// (Listener). Each refuses at once, cheaply, with a reason and a time to
// come back, so that one party can never take what the others need: limits
// are per client address (from the connection, never from a header), and
// shared totals are bounded.
//
// Refusals are RFC 9457 problems with Retry-After (RFC 9110 §10.2.3), or,
// for a connection over its cap, a minimal HTTP/1.1 503 before closing it.
package admit

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"octoplay/internal/wire"
)

// refuse answers r with a problem and, when retry is positive, Retry-After
// in whole seconds rounded up, so that a client that waits that long is let
// through. A request with a body gets Connection: close: the server would
// otherwise read (and wait for) what is left of the body before answering.
func refuse(w http.ResponseWriter, r *http.Request, pt wire.ProblemType, detail string, retry time.Duration) {
	h := w.Header()
	if r.ContentLength != 0 {
		h.Set("Connection", "close")
	}
	if retry > 0 {
		h.Set("Retry-After", strconv.FormatInt(retrySeconds(retry), 10))
	}
	h.Set("Content-Type", wire.ProblemMediaTypeJSON)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(pt.Status)
	json.NewEncoder(w).Encode(wire.Problem{Type: pt.URI, Title: http.StatusText(pt.Status), Status: pt.Status, Detail: detail})
}

func retrySeconds(d time.Duration) int64 { return int64((d + time.Second - 1) / time.Second) }
