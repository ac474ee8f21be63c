package quickstart

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"octoplay/internal/wire"
)

// Fix is a one-click remedy the UI can offer beside an explanation.
type Fix string

const (
	FixNone         Fix = ""
	FixUseForm      Fix = "use-form"      // switch the body encoding to form
	FixOtherAuth    Fix = "other-auth"    // try the other client authentication style
	FixNewToken     Fix = "new-token"     // go back to Step 1 for a new token
	FixReloadKeys   Fix = "reload-keys"   // fetch the relay's keys again
	FixCheckRequest Fix = "check-request" // nothing to click: the request needs a change
)

// Explanation is what went wrong, in words a partner at their desk can act on.
type Explanation struct {
	Title string
	Text  string
	Fix   Fix
}

// oauthError is RFC 6749 §5.2's error answer.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	URI         string `json:"error_uri"`
}

// octotableError is OctoTable's error envelope.
type octotableError struct {
	Success *bool `json:"success"`
	Error   struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		ClassName string `json:"class_name"`
	} `json:"error"`
}

// problem is the RFC 9457 problem an answer carries, if its Content-Type
// says it is one.
func (a Answer) problem() (wire.Problem, bool) {
	var p wire.Problem
	if !isProblem(a.Header.Get("content-type")) || json.Unmarshal(a.Body, &p) != nil {
		return wire.Problem{}, false
	}
	return p, true
}

// ProblemType is the type of the RFC 9457 problem the answer carries, ""
// when it is not one.
func (a Answer) ProblemType() string {
	p, _ := a.problem()
	return p.Type
}

// ExplainRelay explains an answer the relay wrote itself, sealed or not;
// nil when the answer came from the upstream.
func ExplainRelay(a Answer) *Explanation {
	p, ok := a.problem()
	if !ok {
		return nil
	}
	switch p.Type {
	case wire.ProblemKey.URI:
		// The browser fetches the keys again and resends once by itself;
		// this is what is left when that did not help.
		return &Explanation{"The relay's keys changed", "The relay no longer holds the key this page sealed with, even after the page fetched its keys again. If this server runs as several instances, they must share one key (-relay-key). Try again in a moment.", FixReloadKeys}
	case wire.ProblemTargetNotAllowed.URI:
		return &Explanation{"The relay refused this target", "The relay only forwards to the environment's token URL and API bases." + sentence(p.Detail) + " Use a path under the environment's API, such as /api/v2/.", FixCheckRequest}
	case wire.ProblemUpstreamUnreachable.URI:
		return &Explanation{"OctoTable could not be reached", "The relay could not connect to the environment, or the connection broke. Check the environment is up and try again in a moment.", FixNone}
	case wire.ProblemUpstreamTimeout.URI:
		return &Explanation{"OctoTable took too long", "The relay gave up waiting for the answer." + sentence(p.Detail) + " Try again; if it keeps happening, the environment is slow or down.", FixNone}
	case wire.ProblemUpstreamTooLarge.URI:
		return &Explanation{"The answer was too large", fmt.Sprintf("The relay only brings back answers up to %d MiB. Ask for less, for example with a smaller limit.", wire.MaxAnswerBytes>>20), FixCheckRequest}
	case wire.ProblemRateLimited.URI:
		return &Explanation{"Too many requests to the relay", "The relay asked to wait " + retryAfter(a) + " before the next request. The button comes back when the wait is over.", FixNone}
	case wire.ProblemStateUnavailable.URI:
		return &Explanation{"The playground is briefly unavailable", "The relay cannot check its limits right now, so it sent nothing on. Nothing was lost: wait " + retryAfter(a) + " and try again.", FixNone}
	case wire.ProblemStaleDate.URI:
		return &Explanation{"Your clock is off", fmt.Sprintf("The relay refuses requests whose date is more than %d seconds from its own, so that a captured request cannot be replayed, and the playground could not correct for it. Check this device's clock.", int(wire.DateSkew/time.Second)), FixNone}
	case wire.ProblemProfile.URI:
		return &Explanation{"The saved credentials could not be used", "The relay could not add the credentials saved on the playground's server." + sentence(strings.TrimPrefix(p.Detail, "profile: ")), FixCheckRequest}
	}
	if !strings.HasPrefix(p.Type, wire.ProblemTypePrefix) {
		return nil // an upstream's own problem
	}
	return &Explanation{"The relay could not pass the request on", strings.TrimSpace(sentence(p.Title) + sentence(p.Detail)), FixNone}
}

// ExplainToken explains a failed Step 1 answer; nil for a success.
func ExplainToken(a Answer, r TokenRequest) *Explanation {
	if a.Status >= 200 && a.Status < 300 {
		return nil
	}
	if e := ExplainRelay(a); e != nil {
		return e
	}
	var oe oauthError
	json.Unmarshal(a.Body, &oe)
	switch {
	// Before the §5.2 codes: a server that refuses JSON may still say
	// invalid_request (the sandbox does), and the fix is the encoding.
	case a.Status == 415 && r.Encoding == EncodingJSON:
		return &Explanation{"415: this server does not take JSON here", "Some OctoTable deployments only accept the token request form-encoded, as in the quickstart's curl example. Switch the body encoding to form.", FixUseForm}
	case oe.Error == "invalid_client":
		return explainInvalidClient(a, oe, r)
	case oe.Error == "invalid_request":
		return &Explanation{"invalid_request: the request is missing something",
			"The token endpoint says: " + describe(oe) + ". Send grant_type=client_credentials with one client id and one secret, authenticated one way only.", FixCheckRequest}
	case oe.Error == "unsupported_grant_type":
		return &Explanation{"unsupported_grant_type", "The server does not take this grant type. The quickstart's is grant_type=client_credentials.", FixCheckRequest}
	case oe.Error == "unauthorized_client":
		return &Explanation{"unauthorized_client: this client may not use the client credentials grant", "Ask OctoTable to enable the client credentials grant for this client id.", FixNone}
	case oe.Error == "invalid_scope":
		return &Explanation{"invalid_scope", "The server refused the requested scope: " + describe(oe) + ".", FixCheckRequest}
	case oe.Error == "invalid_grant":
		return &Explanation{"invalid_grant", "The server refused the grant: " + describe(oe) + ".", FixCheckRequest}
	}
	return explainStatus(a)
}

// explainInvalidClient reads RFC 6749 §5.2's invalid_client with its
// description and status: a wrong secret is fixed by the secret, an unknown
// client id by the id, and only a server that speaks of the authentication
// method, or says nothing at all, is worth the other authentication style.
func explainInvalidClient(a Answer, oe oauthError, r TokenRequest) *Explanation {
	said := strings.ToLower(oe.Description)
	spaced := ""
	if r.Profile == "" && (SpaceAround(r.ClientSecret) || SpaceAround(r.ClientID)) {
		spaced = " What you typed starts or ends with a space: remove it."
	}
	switch {
	case r.Profile != "":
		return &Explanation{"invalid_client: the saved credentials were not accepted",
			fmt.Sprintf("The playground's server holds the credentials saved as %q: they may be out of date or belong to another environment.", r.Profile) +
				sentence("the token endpoint says: "+describe(oe)), FixNone}
	case strings.Contains(said, "secret") && containsAny(said, "match", "wrong", "incorrect", "invalid", "bad"):
		return &Explanation{"invalid_client: the secret does not match this client id",
			"OctoTable knows the client id, but not with this secret. Check the secret: copy it again from where OctoTable gave it to you." + spaced, FixCheckRequest}
	case containsAny(said, "unknown client", "client not found", "no such client", "unknown client_id"):
		return &Explanation{"invalid_client: this environment does not know the client id",
			"Check the client id, and that it belongs to this environment: sandbox credentials do not work on OctoTable, nor the other way round." + spaced, FixCheckRequest}
	}
	other := "HTTP Basic"
	if r.Auth == AuthBasic {
		other = "in the body"
	}
	check := "Check the client id and the secret for typos or spaces, and that they belong to this environment."
	if oe.Description != "" {
		check = "The token endpoint says: " + describe(oe) + ". " + check
	}
	return &Explanation{fmt.Sprintf("invalid_client: the client id or secret was not accepted (%d)", a.Status),
		check + spaced + " If they are right, the server may expect the other client authentication style: try " + other + ".", FixOtherAuth}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// SpaceAround says whether s starts or ends with white space, as a pasted
// client id or secret often does.
func SpaceAround(s string) bool { return s != strings.TrimSpace(s) }

// ExplainAPI explains a failed Step 2 answer to r; nil for a success. A
// redirect is a failure: the relay does not follow it.
func ExplainAPI(a Answer, r APIRequest) *Explanation {
	if a.Status >= 200 && a.Status < 300 {
		return nil
	}
	if a.ProblemType() == wire.ProblemTargetNotAllowed.URI {
		return &Explanation{"This path is not part of the environment's API", "The relay forwards Step 2 to the environment's API alone, not to another path of its server: use a path " + apiScope(r.Env) + ".", FixCheckRequest}
	}
	if e := ExplainRelay(a); e != nil {
		return e
	}
	switch {
	case a.Status == 401 && bearerError(a) == "invalid_token":
		return &Explanation{"401 invalid_token: the token was not accepted", "The token has expired or is not one this environment issued. Get a new token in Step 1, then send again.", FixNewToken}
	case a.Status == 401:
		return &Explanation{"401: no usable credentials", "The API wants Authorization: Bearer followed by the access token from Step 1. Get a token, then send again.", FixNewToken}
	case explainWrite(a) != nil:
		return explainWrite(a)
	case a.Status == 400 && octotableCode(a) != "":
		return &Explanation{"400: the API refused the request", "OctoTable says " + octotableMessage(a) + ". Check the path, the query and the Property header.", FixCheckRequest}
	case a.Status == 403:
		return &Explanation{"403: not allowed", "The token is valid but may not do this. For the property resources, check the Property header names a property this client may see.", FixCheckRequest}
	case a.Status == 404:
		return &Explanation{"404: no such resource", "Check the path against OctoTable's docs, for example /api/v2/ or /octotable-pms/api/v2/rooms.", FixCheckRequest}
	}
	return explainStatus(a)
}

// explainStatus covers what either step can meet.
func explainStatus(a Answer) *Explanation {
	switch {
	case a.Status == 429:
		return &Explanation{"429: too many requests", "The server is slowing you down: it asked to wait " + retryAfter(a) + " before trying again. The button comes back when the wait is over.", FixNone}
	case a.Status >= 500:
		return &Explanation{fmt.Sprintf("%d: the server failed", a.Status), "This is on the server's side, not your request's. Try again in a moment; if it keeps happening, tell OctoTable's support the time and the status.", FixNone}
	case a.Status >= 300 && a.Status < 400:
		return &Explanation{fmt.Sprintf("%d: a redirect, not followed", a.Status), "The relay never follows redirects: a 307 would re-send your credentials to " + orUnknown(a.Header.Get("location")) + ". Use the final URL instead.", FixCheckRequest}
	default:
		return &Explanation{fmt.Sprintf("%d: the request failed", a.Status), "Read the answer's body for what the server says.", FixNone}
	}
}

// describe is what the §5.2 answer says, to end a sentence with.
func describe(oe oauthError) string {
	if d := strings.TrimRight(strings.TrimSpace(oe.Description), "."); d != "" {
		return d
	}
	return oe.Error
}

// sentence makes a problem's detail, written lower-case and without a
// full stop, a sentence to append: "" when there is none.
func sentence(detail string) string {
	detail = strings.TrimRight(strings.TrimSpace(detail), ".")
	if detail == "" {
		return ""
	}
	r, size := utf8.DecodeRuneInString(detail)
	return " " + string(unicode.ToUpper(r)) + detail[size:] + "."
}

// isProblem says whether a Content-Type is RFC 9457's problem+json, whose
// type and subtype compare without regard to case.
func isProblem(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), wire.ProblemMediaTypeJSON)
}

// bearerParam finds RFC 6750 §3's error attribute, quoted or not.
var bearerParam = regexp.MustCompile(`(?i)(?:^|[\s,])error\s*=\s*(?:"([^"]*)"|([^\s,"]+))`)

// bearerError is the error code of the answer's Bearer challenge, or "".
func bearerError(a Answer) string {
	for _, c := range a.Header.Values("www-authenticate") {
		if m := bearerParam.FindStringSubmatch(c); m != nil {
			return m[1] + m[2]
		}
	}
	return ""
}

func retryAfter(a Answer) string {
	if s, err := strconv.Atoi(strings.TrimSpace(a.Header.Get("retry-after"))); err == nil && s >= 0 {
		if s == 1 {
			return "1 second"
		}
		return fmt.Sprintf("%d seconds", s)
	}
	return "a moment"
}

// RetryAfter is how long a 429 or 503 answer asks to wait before the next
// request (RFC 9110 §10.2.3), in seconds or until a date, from now; false
// when it names no wait.
func (a Answer) RetryAfter(now time.Time) (time.Duration, bool) {
	if a.Status != 429 && a.Status != 503 {
		return 0, false
	}
	v := strings.TrimSpace(a.Header.Get("retry-after"))
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

func octotableCode(a Answer) string {
	var e octotableError
	if json.Unmarshal(a.Body, &e) != nil || e.Success == nil || *e.Success {
		return ""
	}
	return e.Error.Code
}

// OctoTableSays is what OctoTable's error envelope in a says, its message
// and code ("the day is closed (VALIDATION_ERROR)"); "" when a carries none.
func OctoTableSays(a Answer) string {
	if octotableCode(a) == "" {
		return ""
	}
	return octotableMessage(a)
}

func octotableMessage(a Answer) string {
	var e octotableError
	json.Unmarshal(a.Body, &e)
	return fmt.Sprintf("%s (%s)", strings.TrimSuffix(e.Error.Message, "."), e.Error.Code)
}

func orUnknown(s string) string {
	if s == "" {
		return "another address"
	}
	return s
}
