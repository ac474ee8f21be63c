package sandbox

import (
	"net/http"
	"strings"
	"time"

	"octoplay/internal/wire"
)

// apiHandler answers an authorized API request with a success reply, or
// with a failure.
type apiHandler func(r *http.Request, tok tokenRecord) (reply, *failure)

// reply is a successful API answer: its status, extra headers, and the
// data that goes under "data" (nothing at all with 204 No Content).
type reply struct {
	status int
	header http.Header
	data   any
}

// ok is a 200 answer with data.
func ok(data any) (reply, *failure) { return reply{status: http.StatusOK, data: data}, nil }

// apiSuccess is every successful API answer with a body: the data under
// "data", and "success": true to mirror the envelope's "success": false.
type apiSuccess struct {
	Success bool `json:"success"`
	Data    any  `json:"data"`
}

// protected wraps an API endpoint: it needs a valid Bearer token and, if
// needProperty, the Property header of the sandbox's property.
func (s *Sandbox) protected(needProperty bool, h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, f := s.bearerToken(r)
		if f == nil && needProperty {
			f = checkProperty(r)
		}
		var rep reply
		if f == nil {
			rep, f = h(r, tok)
		}
		if f != nil {
			f.write(w)
			return
		}
		for key, values := range rep.header {
			w.Header()[key] = values
		}
		if rep.status == http.StatusNoContent {
			writeNoContent(w)
			return
		}
		writeJSON(w, rep.status, apiSuccess{Success: true, Data: rep.data})
	})
}

// bearerToken authenticates an API request by its Bearer token in the
// Authorization header (RFC 6750 §2.1), the one method the quickstart uses.
func (s *Sandbox) bearerToken(r *http.Request) (tokenRecord, *failure) {
	// RFC 6750 §2.3 allows a token in the URL only where nothing else works,
	// since URLs are logged: refuse it rather than ignore it.
	if r.URL.Query().Has("access_token") {
		return tokenRecord{}, bearerFailure(http.StatusBadRequest, "invalid_request",
			"send the access token in the Authorization header, not in the URL")
	}
	authorization := r.Header.Values("Authorization")
	if len(authorization) == 0 {
		return tokenRecord{}, noBearer("missing access token; send Authorization: Bearer <token>")
	}
	if len(authorization) > 1 {
		return tokenRecord{}, bearerFailure(http.StatusBadRequest, "invalid_request",
			"more than one Authorization header")
	}
	scheme, token, _ := strings.Cut(authorization[0], " ")
	if scheme == "" {
		return tokenRecord{}, bearerFailure(http.StatusBadRequest, "invalid_request",
			"malformed Authorization header")
	}
	if !strings.EqualFold(scheme, "Bearer") {
		// RFC 6750 §3.1: a request that used another method gets the bare
		// challenge, like one with no credentials.
		return tokenRecord{}, noBearer("unsupported authorization scheme; send Authorization: Bearer <token>")
	}
	token = strings.TrimLeft(token, " ")
	if !isB64Token(token) {
		return tokenRecord{}, bearerFailure(http.StatusBadRequest, "invalid_request",
			"malformed Bearer token")
	}
	rec, ok := s.tokens.verify(token)
	switch {
	case !ok:
		return tokenRecord{}, bearerFailure(http.StatusUnauthorized, "invalid_token",
			"The access token is not valid")
	case !s.now().Before(rec.expiresAt):
		return tokenRecord{}, bearerFailure(http.StatusUnauthorized, "invalid_token",
			"The access token expired")
	}
	return rec, nil
}

// noBearer is RFC 6750 §3.1's answer to a request without Bearer
// credentials: 401 and a challenge with no error code.
func noBearer(message string) *failure {
	return apiFailure(http.StatusUnauthorized, codeUnauthorized, message).
		withHeader("WWW-Authenticate", `Bearer realm="octotable"`)
}

// bearerFailure answers a request whose Bearer credentials are wrong, with
// the RFC 6750 §3 error code in the challenge and OctoTable's envelope in
// the body. description must hold no quote or backslash (RFC 6750 §3).
func bearerFailure(status int, code, description string) *failure {
	envelopeCode := codeBadRequest
	if code == "invalid_token" {
		envelopeCode = codeInvalidToken
	}
	return apiFailure(status, envelopeCode, description).withHeader("WWW-Authenticate",
		`Bearer realm="octotable", error="`+code+`", error_description="`+description+`"`)
}

// isB64Token reports whether token has RFC 6750 §2.1's b64token syntax:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(token string) bool {
	body := strings.TrimRight(token, "=")
	if body == "" {
		return false
	}
	for _, c := range []byte(body) {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("-._~+/", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// checkProperty requires the Property header to name the sandbox's property.
// Another id is 403, not 404: the client is known and the property may
// exist, it is just not one this client may see.
func checkProperty(r *http.Request) *failure {
	values := r.Header.Values("Property")
	switch {
	case len(values) == 0 || strings.TrimSpace(values[0]) == "":
		return apiFailure(http.StatusBadRequest, codeBadRequest,
			"missing Property header; send Property: "+wire.SandboxProperty+", the sandbox's property")
	case len(values) > 1:
		return apiFailure(http.StatusBadRequest, codeBadRequest, "more than one Property header")
	case strings.TrimSpace(values[0]) != wire.SandboxProperty:
		return apiFailure(http.StatusForbidden, codeForbidden,
			"this client has no access to that property; the sandbox has only property "+wire.SandboxProperty)
	}
	return nil
}

// apiInfo is the answer of GET /api/v2/, the quickstart's Step 2: it names
// the API and says whose token was used and how long it has left, so that a
// learner sees the token at work.
type apiInfo struct {
	API      string `json:"api"`
	Version  string `json:"version"`
	ClientID string `json:"client_id"`
	// TokenExpiresAt is RFC 3339, in UTC, to the second.
	TokenExpiresAt string `json:"token_expires_at"`
	// ExpiresIn is the token's remaining lifetime in whole seconds, rounded
	// down, like the token answer's expires_in.
	ExpiresIn int64 `json:"expires_in"`
}

func (s *Sandbox) apiRoot(_ *http.Request, tok tokenRecord) (reply, *failure) {
	return ok(apiInfo{
		API:            "OctoTable API",
		Version:        "v2",
		ClientID:       tok.clientID,
		TokenExpiresAt: tok.expiresAt.UTC().Format(time.RFC3339),
		ExpiresIn:      int64(tok.expiresAt.Sub(s.now()) / time.Second),
	})
}
