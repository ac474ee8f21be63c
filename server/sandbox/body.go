package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
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

// readJSONObject reads the body of a write: its Content-Type must be one of
// mediaTypes (415 otherwise, with accept naming them in the header the
// method has for it, RFC 9110 §15.5.16), and it must be one JSON object.
func readJSONObject(r *http.Request, accept string, mediaTypes ...string) ([]jsonMember, *failure) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	charset, hasCharset := params["charset"]
	if err != nil || !slices.Contains(mediaTypes, mediaType) || hasCharset && !strings.EqualFold(charset, "utf-8") {
		return nil, apiFailure(http.StatusUnsupportedMediaType, codeMediaType,
			"send the body as "+strings.Join(mediaTypes, " or ")+" (UTF-8)").
			withHeader(accept, strings.Join(mediaTypes, ", "))
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	raw, err := io.ReadAll(io.LimitReader(body, MaxRequestBody+1))
	switch {
	case err != nil:
		return nil, apiFailure(http.StatusBadRequest, codeBadRequest, "could not read the request body")
	case len(raw) > MaxRequestBody:
		return nil, apiFailure(http.StatusRequestEntityTooLarge, codeTooLarge,
			fmt.Sprintf("the body is larger than %d bytes", MaxRequestBody))
	case len(bytes.TrimSpace(raw)) == 0:
		return nil, apiFailure(http.StatusBadRequest, codeBadRequest, "the body is empty; send a JSON object")
	}
	return jsonObject(raw)
}

// jsonObject splits a JSON object into its members, walking the tokens
// itself: encoding/json would keep the last of two equal names silently.
// The text is checked whole first, so that a syntax error is reported as
// the playground reports it before sending (package jsonpos).
func jsonObject(raw []byte) ([]jsonMember, *failure) {
	var whole json.RawMessage
	if err := json.Unmarshal(raw, &whole); err != nil {
		return nil, apiFailure(http.StatusBadRequest, codeBadRequest, "the body is not valid JSON: "+jsonpos.Describe(raw, err))
	}
	dec := json.NewDecoder(bytes.NewReader(whole))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return nil, apiFailure(http.StatusBadRequest, codeBadRequest, "the body must be one JSON object, {...}")
	}
	var members []jsonMember
	for dec.More() {
		// Valid JSON: every token and value decodes.
		tok, _ := dec.Token()
		var value json.RawMessage
		_ = dec.Decode(&value)
		members = append(members, jsonMember{name: tok.(string), value: value})
	}
	return members, nil
}
