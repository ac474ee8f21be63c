package relay

import (
	"encoding/json"
	"net/http"

	"octoplay/internal/bhttp"
)

// Problem is an RFC 9457 problem detail. Before a request is opened it is
// the plain answer; after, it is the body of the sealed answer, so only the
// sender reads what went wrong.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// problemKey is RFC 9458 §6.4's problem type for a key configuration the
// gateway does not (or no longer) hold: the client should fetch the keys again.
const problemKey = "https://iana.org/assignments/http-problem-types#ohttp-key"

// The gateway's own problem types. Detail never carries a header value, a
// body, a secret or a token.
const (
	problemBadEncapsulation = "urn:octoplay:problem:bad-encapsulation"
	problemBadRequest       = "urn:octoplay:problem:bad-inner-request"
	problemStale            = "urn:octoplay:problem:stale-date"
	problemReplay           = "urn:octoplay:problem:replayed"
	problemNotAllowed       = "urn:octoplay:problem:target-not-allowed"
	problemProfile          = "urn:octoplay:problem:profile"
	problemUnreachable      = "urn:octoplay:problem:upstream-unreachable"
	problemTimeout          = "urn:octoplay:problem:upstream-timeout"
	problemTooLarge         = "urn:octoplay:problem:upstream-too-large"
	problemBusy             = "urn:octoplay:problem:busy"
	problemMediaType        = "urn:octoplay:problem:media-type"
	problemCrossOrigin      = "urn:octoplay:problem:cross-origin"
)

func newProblem(typ string, status int, detail string) Problem {
	return Problem{Type: typ, Title: http.StatusText(status), Status: status, Detail: detail}
}

// encode is the problem as JSON; it cannot fail for these fields.
func (p Problem) encode() []byte {
	b, _ := json.Marshal(p)
	return b
}

// writeProblem answers a request that was never opened.
func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(p.encode())
}

// sealedProblem is a problem as the binary HTTP answer that goes back sealed.
func sealedProblem(p Problem, extra ...bhttp.Field) []byte {
	res := &bhttp.Response{Status: p.Status, Body: p.encode()}
	res.Header.Set("content-type", "application/problem+json")
	res.Header.Set("octoplay-problem", p.Type)
	for _, f := range extra {
		res.Header.Add(f.Name, f.Value)
	}
	b, _ := res.MarshalBinary()
	return b
}
