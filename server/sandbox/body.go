package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"octoplay/internal/jsonpos"
)

// A write's body is read as OctoTable's API reads one: JSON only, within
// MaxRequestBody, one object whose members are each named once.

// jsonMember is one member of a JSON object body, in the order it came.
type jsonMember struct {
	name  string
	value json.RawMessage
}

// readJSON reads a write's body (Content-Type application/json, within
// MaxRequestBody) and returns it checked to be valid JSON.
func readJSON(r *http.Request) (json.RawMessage, *failure) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	charset, hasCharset := params["charset"]
	if err != nil || mediaType != jsonMediaType || hasCharset && !strings.EqualFold(charset, "utf-8") {
		f := apiFailure(http.StatusUnsupportedMediaType, codeMediaType,
			"send the body as "+jsonMediaType+" (UTF-8), with Content-Type: "+jsonMediaType)
		if r.Method == http.MethodPost {
			f.withHeader("Accept-Post", jsonMediaType) // W3C LDP; PUT has no such header
		}
		return nil, f
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	raw, err := io.ReadAll(io.LimitReader(body, MaxRequestBody+1))
	switch {
	case err != nil:
		return nil, badRequest("could not read the request body")
	case len(raw) > MaxRequestBody:
		return nil, apiFailure(http.StatusRequestEntityTooLarge, codeTooLarge,
			fmt.Sprintf("the body is larger than %d bytes", MaxRequestBody))
	case len(bytes.TrimSpace(raw)) == 0:
		return nil, badRequest("the body is empty; send a JSON object")
	}
	var whole json.RawMessage
	if err := json.Unmarshal(raw, &whole); err != nil {
		return nil, badRequest("the body is not valid JSON: " + jsonpos.Describe(raw, err))
	}
	return whole, nil
}

// readObject reads a write's body as one JSON object, checked against the
// fields it may have: every problem is reported at once. oneOf takes an
// array of one object too.
func readObject(r *http.Request, fields []field, oneOf bool) (json.RawMessage, *failure) {
	raw, f := readJSON(r)
	if f != nil {
		return nil, f
	}
	if oneOf {
		raw = listOfOne(raw)
	}
	members, err := objectMembers(raw)
	if err != nil {
		return nil, badRequest("the body must be one JSON object, {...}")
	}
	if problems := checkMembers(members, fields); len(problems) > 0 {
		return nil, invalid(problems)
	}
	return raw, nil
}

// errNotObject says a JSON value is not an object.
var errNotObject = errors.New("not a JSON object")

// objectMembers splits valid JSON that is an object into its members, in
// order, walking the tokens itself: encoding/json would keep the last of
// two equal names silently.
func objectMembers(raw json.RawMessage) ([]jsonMember, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return nil, errNotObject
	}
	var members []jsonMember
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("objectMembers: %w", err)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("objectMembers: %w", err)
		}
		members = append(members, jsonMember{name: tok.(string), value: value})
	}
	return members, nil
}
