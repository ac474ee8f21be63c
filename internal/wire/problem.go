package wire

import (
	"strings"
	"time"
)

// ProblemType is one of the problem types (RFC 9457 §3.1.1) the relay
// answers with, and the HTTP status that goes with it (a number: this
// package does without net/http). The browser explains each by its URI.
type ProblemType struct {
	URI    string
	Status int
}

// DateSkew is how far a sealed request's Date may be from the gateway's
// clock (RFC 9458 §6.5): the relay refuses one further off, and the page
// says so with this figure.
const DateSkew = 30 * time.Second

// ProblemMediaTypeJSON is RFC 9457's media type, the Content-Type of every
// problem the relay and the server answer with.
const ProblemMediaTypeJSON = "application/problem+json"

// MaxAnswerBytes caps an upstream answer the relay brings back: OctoTable's
// answers are small JSON, and the sealed answer must fit the browser's
// memory. Step 2 explains an answer over it with this figure.
const MaxAnswerBytes = 1 << 20

// ProblemTypePrefix starts the URI of every problem type of the relay's
// own; a browser explains one it does not know in general terms.
const ProblemTypePrefix = "urn:octoplay:problem:"

// The relay's problem types. Before a request is opened the problem is the
// plain answer; after, the body of the sealed one.
var (
	// ProblemKey is RFC 9458 §6.4's type for a key configuration the
	// gateway does not (or no longer) hold: fetch the keys again.
	ProblemKey = ProblemType{"https://iana.org/assignments/http-problem-types#ohttp-key", 400}

	// The sealed request cannot be opened (413 when it is over the size limit).
	ProblemBadEncapsulation = ProblemType{ProblemTypePrefix + "bad-encapsulation", 400}
	ProblemMediaType        = ProblemType{ProblemTypePrefix + "media-type", 415}   // POST RelayPath takes message/ohttp-req alone
	ProblemCrossOrigin      = ProblemType{ProblemTypePrefix + "cross-origin", 403} // a cross-site POST (Sec-Fetch-Site, Origin)
	ProblemRateLimited      = ProblemType{ProblemTypePrefix + "rate-limited", 429} // with Retry-After
	ProblemBusy             = ProblemType{ProblemTypePrefix + "busy", 503}         // the relay cannot take the request now
	ProblemNotFound         = ProblemType{ProblemTypePrefix + "not-found", 404}    // no such relay resource
	ProblemMethodNotAllowed = ProblemType{ProblemTypePrefix + "method-not-allowed", 405}
	// The shared state (rate limits, replay window) does not answer: the
	// request is refused, never let through unchecked; with Retry-After.
	// Outer when the rate limit cannot be read, sealed when the replay
	// window cannot.
	ProblemStateUnavailable = ProblemType{ProblemTypePrefix + "state-unavailable", 503}

	// The opened request is not one the relay may send: not binary HTTP,
	// a Date outside the window (RFC 9458 §6.5; the answer carries the
	// relay's Date), a replay, a target outside every environment, or a
	// profile that cannot be added.
	ProblemBadInnerRequest  = ProblemType{ProblemTypePrefix + "bad-inner-request", 400}
	ProblemStaleDate        = ProblemType{ProblemTypePrefix + "stale-date", 400}
	ProblemReplayed         = ProblemType{ProblemTypePrefix + "replayed", 400}
	ProblemTargetNotAllowed = ProblemType{ProblemTypePrefix + "target-not-allowed", 403}
	ProblemProfile          = ProblemType{ProblemTypePrefix + "profile", 400}

	// The upstream could not be reached or did not answer in time, or its
	// answer is over the size limit or cannot be brought back.
	ProblemUpstreamUnreachable = ProblemType{ProblemTypePrefix + "upstream-unreachable", 502}
	ProblemUpstreamTimeout     = ProblemType{ProblemTypePrefix + "upstream-timeout", 504}
	ProblemUpstreamTooLarge    = ProblemType{ProblemTypePrefix + "upstream-too-large", 502}
)

// ProblemTypes are every problem type above: a fixed set, so a count by
// type (the server's metrics) has a bounded number of series.
func ProblemTypes() []ProblemType {
	return []ProblemType{
		ProblemKey, ProblemBadEncapsulation, ProblemMediaType, ProblemCrossOrigin, ProblemRateLimited,
		ProblemBusy, ProblemStateUnavailable, ProblemNotFound, ProblemMethodNotAllowed,
		ProblemBadInnerRequest, ProblemStaleDate, ProblemReplayed, ProblemTargetNotAllowed, ProblemProfile,
		ProblemUpstreamUnreachable, ProblemUpstreamTimeout, ProblemUpstreamTooLarge,
	}
}

// Name is the type's URI without its prefix ("stale-date"), or the
// fragment of RFC 9458's ("ohttp-key").
func (p ProblemType) Name() string {
	if i := strings.LastIndexAny(p.URI, ":#"); i >= 0 {
		return p.URI[i+1:]
	}
	return p.URI
}

// Problem is an RFC 9457 problem detail as the relay writes it, plain
// before a request is opened, sealed after. Detail never carries a header
// value, a body, a secret or a token.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}
