package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
)

// maxTokenBody bounds a token request body; the three parameters fit in far
// less.
const maxTokenBody = 16 << 10

// MaxRequestBody is the largest request body the sandbox reads.
const MaxRequestBody = maxTokenBody

const (
	formMediaType = "application/x-www-form-urlencoded"
	jsonMediaType = "application/json"
)

// tokenParamNames are the parameters the token endpoint reads. Only these
// names are ever quoted back in an error description.
var tokenParamNames = []string{"grant_type", "client_id", "client_secret"}

// readTokenParams reads the token request's parameters from its body, as a
// form (the quickstart's curl) or a JSON object (the quickstart's table).
// Parameters with an empty value count as absent (RFC 6749 §3.1).
func (s *Sandbox) readTokenParams(w http.ResponseWriter, r *http.Request) (map[string]string, *failure) {
	// RFC 6749 §2.3.1: credentials must not be in the request URI, which
	// ends up in logs and histories.
	query, _ := url.ParseQuery(r.URL.RawQuery)
	for _, name := range tokenParamNames {
		if query.Has(name) {
			return nil, invalidRequest(fmt.Sprintf("send %s in the request body, not in the URL (RFC 6749 section 2.3.1)", name))
		}
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil || (mediaType != formMediaType && mediaType != jsonMediaType):
		return nil, invalidRequest("Content-Type must be " + formMediaType + " or " + jsonMediaType)
	case mediaType == jsonMediaType && s.rejectJSON:
		return nil, tokenFailure(http.StatusUnsupportedMediaType, "invalid_request",
			"this token endpoint accepts only "+formMediaType+" bodies (RFC 6749 section 4.4.2); send the parameters form-encoded")
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, body, maxTokenBody))
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			return nil, invalidRequest(fmt.Sprintf("request body is larger than %d bytes", maxTokenBody))
		}
		return nil, invalidRequest("could not read the request body")
	}
	if mediaType == formMediaType {
		return formParams(raw)
	}
	return jsonParams(raw)
}

func formParams(body []byte) (map[string]string, *failure) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, invalidRequest("malformed " + formMediaType + " body")
	}
	params := map[string]string{}
	for name, vs := range values {
		if len(vs) > 1 {
			return nil, repeatedParam(name)
		}
		if vs[0] != "" {
			params[name] = vs[0]
		}
	}
	return params, nil
}

// jsonParams reads a JSON object of string values. It walks the tokens
// itself because encoding/json would silently keep the last of two equal
// keys, and a repeated parameter must be refused (RFC 6749 §3.2).
func jsonParams(body []byte) (map[string]string, *failure) {
	malformed := invalidRequest("malformed JSON body: want one object of string values")
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, malformed
	}
	params := map[string]string{}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		name, isString := tok.(string)
		if err != nil || !isString {
			return nil, malformed
		}
		if seen[name] {
			return nil, repeatedParam(name)
		}
		seen[name] = true
		var value any
		if err := dec.Decode(&value); err != nil {
			return nil, malformed
		}
		switch v := value.(type) {
		case string:
			if v != "" {
				params[name] = v
			}
		case nil: // null counts as absent, like an empty value
		default:
			// Unknown parameters are ignored (RFC 6749 §3.2), whatever they hold.
			if slices.Contains(tokenParamNames, name) {
				return nil, invalidRequest(name + " must be a JSON string")
			}
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, malformed
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, malformed
	}
	return params, nil
}

// repeatedParam refuses a parameter sent twice (RFC 6749 §3.2), naming it
// only if it is one of ours, so that no other input is echoed.
func repeatedParam(name string) *failure {
	if !slices.Contains(tokenParamNames, name) {
		name = "a parameter"
	}
	return invalidRequest(name + " is repeated; send each parameter once (RFC 6749 section 3.2)")
}
