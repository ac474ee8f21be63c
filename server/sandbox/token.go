package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"octoplay/internal/clientaddr"
)

// tokenResponse is a successful token answer: RFC 6749 §5.1's fields plus
// the quickstart's "type", which OctoTable sends instead of token_type.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	// ExpiresIn is the token's lifetime in whole seconds.
	ExpiresIn int64  `json:"expires_in"`
	Type      string `json:"type"`
	TokenType string `json:"token_type"`
}

// handleToken is the token endpoint of the client credentials grant
// (RFC 6749 §4.4.2 and §4.4.3).
func (s *Sandbox) handleToken(w http.ResponseWriter, r *http.Request) {
	resp, f := s.grantToken(w, r)
	if f != nil {
		f.write(w)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Sandbox) grantToken(w http.ResponseWriter, r *http.Request) (tokenResponse, *failure) {
	params, f := s.readTokenParams(w, r)
	if f != nil {
		return tokenResponse{}, f
	}
	// The grant type is checked before the client is authenticated, so that
	// a malformed request never counts as a failed authentication.
	switch params["grant_type"] {
	case "":
		return tokenResponse{}, invalidRequest("missing grant_type; send grant_type=client_credentials")
	case "client_credentials":
	default:
		return tokenResponse{}, tokenFailure(http.StatusBadRequest, "unsupported_grant_type",
			"this endpoint supports only grant_type=client_credentials (RFC 6749 section 4.4)")
	}
	cred, f := clientCredentialsFrom(r, params)
	if f != nil {
		return tokenResponse{}, f
	}
	wait, f, err := s.failures.check(r.Context(), clientaddr.Of(r), func() *failure { return s.authenticate(cred) })
	switch {
	case err != nil:
		return tokenResponse{}, temporarilyUnavailable()
	case wait > 0:
		return tokenResponse{}, slowDown(wait)
	case f != nil:
		return tokenResponse{}, f
	}
	s.issued()
	now := s.now()
	return tokenResponse{
		AccessToken: s.tokens.issue(tokenRecord{clientID: cred.id, propertyID: int64(s.propertyOf(cred.id)), issuedAt: now, expiresAt: now.Add(s.ttl)}),
		ExpiresIn:   int64(s.ttl / time.Second),
		Type:        "Bearer",
		TokenType:   "Bearer",
	}, nil
}

// authenticate checks a client's secret. The descriptions tell an unknown
// client_id from a wrong secret: a client id is not a secret (RFC 6749
// §2.2), and a playground should say which of the two to fix.
func (s *Sandbox) authenticate(cred clientCredentials) *failure {
	want, known := s.clients[cred.id]
	if property, live := s.createdClient(cred.id); property != 0 {
		if !live {
			return invalidClient(cred, "this client_id expired (a created client lasts a day); create another")
		}
		want, known = sha256.Sum256([]byte(s.clientSecret(cred.id))), true
	}
	if !known {
		return invalidClient(cred, "unknown client_id")
	}
	// Comparing hashes keeps the comparison constant-time even when the
	// lengths differ, which subtle.ConstantTimeCompare alone would reveal.
	got := sha256.Sum256([]byte(cred.secret))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return invalidClient(cred, "client_secret does not match this client_id")
	}
	return nil
}

// invalidClient answers a failed client authentication with 401 and a Basic
// challenge whichever method the client used: RFC 6749 §5.2 requires that
// when the client tried Basic and allows it otherwise, and answering alike
// tells a client that Basic is accepted and keeps the status independent of
// the method.
func invalidClient(cred clientCredentials, description string) *failure {
	if cred.basic {
		description += " (with HTTP Basic, form-encode id and secret before base64, RFC 6749 section 2.3.1)"
	}
	return tokenFailure(http.StatusUnauthorized, "invalid_client", description).
		withHeader("WWW-Authenticate", `Basic realm="octotable"`)
}

// slowDown refuses an address that failed to authenticate too often. RFC
// 6749 has no error code for this; "slow_down" is the one OAuth defines for
// a client that must wait (RFC 8628 §3.5), with 429 and Retry-After as RFC
// 6585 §4 says.
func slowDown(wait time.Duration) *failure {
	seconds := int64((wait + time.Second - 1) / time.Second)
	return tokenFailure(http.StatusTooManyRequests, "slow_down",
		fmt.Sprintf("too many failed authentications from this address; retry in %d seconds", seconds)).
		withHeader("Retry-After", strconv.FormatInt(seconds, 10))
}

// temporarilyUnavailable answers when the failure count cannot be read: the
// sandbox refuses rather than authenticate unchecked.
func temporarilyUnavailable() *failure {
	return tokenFailure(http.StatusServiceUnavailable, "temporarily_unavailable",
		"the sandbox cannot check for failed attempts right now; retry in a few seconds").
		withHeader("Retry-After", "5")
}
