// Package clientauth holds what the browser and the relay both need to
// authenticate an OAuth 2.0 client with HTTP Basic (RFC 6749 §2.3.1).
package clientauth

import (
	"encoding/base64"
	"net/url"
)

// Basic is the Authorization value RFC 6749 §2.3.1 asks for: the client id
// and secret form-encoded first, then joined with ":" and base64-encoded.
// Go's SetBasicAuth skips the form-encoding, so a secret with "+", "%" or
// ":" would not survive it.
func Basic(id, secret string) string {
	pair := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(pair))
}
