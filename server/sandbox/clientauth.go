package sandbox

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// clientCredentials are what a client authenticates with.
type clientCredentials struct {
	id     string
	secret string
	basic  bool // sent with HTTP Basic rather than in the body
}

// clientCredentialsFrom finds the client's credentials in the Authorization
// header or in the body parameters (RFC 6749 §2.3.1), refusing both at once
// (RFC 6749 §2.3: one method per request).
func clientCredentialsFrom(r *http.Request, params map[string]string) (clientCredentials, *failure) {
	authorization := r.Header.Values("Authorization")
	switch {
	case len(authorization) > 1:
		return clientCredentials{}, invalidRequest("more than one Authorization header")
	case len(authorization) == 1:
		return basicCredentials(authorization[0], params)
	}
	if params["client_id"] == "" {
		return clientCredentials{}, invalidRequest("missing client_id")
	}
	if params["client_secret"] == "" {
		return clientCredentials{}, invalidRequest("missing client_secret")
	}
	return clientCredentials{id: params["client_id"], secret: params["client_secret"]}, nil
}

// basicCredentials decodes HTTP Basic credentials as RFC 6749 §2.3.1 wants
// them: base64 of the form-encoded id, a colon and the form-encoded secret.
// Form encoding is what lets an id hold a colon, and it also means a raw "+"
// in a secret reads as a space: a client that skips the encoding (as Go's
// SetBasicAuth does) fails with such secrets, exactly as with OctoTable.
func basicCredentials(header string, params map[string]string) (clientCredentials, *failure) {
	scheme, encoded, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Basic") {
		// RFC 6749 §5.2: an unsupported authentication method is invalid_client.
		return clientCredentials{}, invalidClient(clientCredentials{},
			"unsupported client authentication scheme; use HTTP Basic or client_secret in the body")
	}
	if params["client_secret"] != "" {
		return clientCredentials{}, invalidRequest(
			"client authenticated twice, with HTTP Basic and client_secret in the body; use one method (RFC 6749 section 2.3)")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return clientCredentials{}, invalidRequest("malformed HTTP Basic credentials: not base64")
	}
	rawID, rawSecret, ok := strings.Cut(string(raw), ":")
	if !ok {
		return clientCredentials{}, invalidRequest("malformed HTTP Basic credentials: no colon between id and secret")
	}
	id, errID := url.QueryUnescape(rawID)
	secret, errSecret := url.QueryUnescape(rawSecret)
	if errID != nil || errSecret != nil {
		return clientCredentials{}, invalidRequest(
			"malformed HTTP Basic credentials: id and secret must be form-encoded before base64 (RFC 6749 section 2.3.1)")
	}
	if id == "" {
		return clientCredentials{}, invalidRequest("malformed HTTP Basic credentials: empty client id")
	}
	if bodyID := params["client_id"]; bodyID != "" && bodyID != id {
		return clientCredentials{}, invalidRequest("client_id in the body differs from the HTTP Basic client id")
	}
	return clientCredentials{id: id, secret: secret, basic: true}, nil
}
