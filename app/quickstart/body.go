package quickstart

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"octoplay/internal/jsonpos"
	"octoplay/internal/wire"
)

// Step 2's body and extra headers, checked before anything is sent, each
// failure said in words a person can act on.

// ContentType is how Step 2's body is encoded, sent as its Content-Type.
type ContentType string

const (
	ContentJSON ContentType = "application/json" // the default
	ContentForm ContentType = "application/x-www-form-urlencoded"
)

// ContentTypes are the body encodings Step 2 offers, the default first.
func ContentTypes() []ContentType { return []ContentType{ContentJSON, ContentForm} }

// orDefault is the content type a request uses: JSON unless form is chosen.
func (c ContentType) orDefault() ContentType {
	if c == "" {
		return ContentJSON
	}
	return c
}

// TakesBody says whether Step 2 sends a body with method: POST, PUT and
// PATCH do (RFC 9110 §9.3); GET, HEAD and DELETE have no defined meaning for
// one, and the playground sends none.
func TakesBody(method string) bool {
	return method == "POST" || method == "PUT" || method == "PATCH"
}

// CheckBody says what is wrong with a body of content type ct, or nil. The
// size limit is wire.MaxAPIBody, below what the relay opens.
func CheckBody(ct ContentType, body string) error {
	if len(body) > wire.MaxAPIBody {
		return fmt.Errorf("the body is %d bytes; the playground sends at most %d KiB (%d bytes), half of what the relay opens, to leave room for the headers",
			len(body), wire.MaxAPIBody/1024, wire.MaxAPIBody)
	}
	switch ct.orDefault() {
	case ContentJSON:
		var v json.RawMessage
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			return fmt.Errorf("the body is not valid JSON: %s", jsonpos.Describe([]byte(body), err))
		}
	case ContentForm:
		return checkForm(strings.TrimSpace(body))
	default:
		return fmt.Errorf("choose the body's content type: %s or %s", ContentJSON, ContentForm)
	}
	return nil
}

// checkForm wants what a form encoder writes (WHATWG URL's
// application/x-www-form-urlencoded): name=value pairs joined by &, with
// spaces as + and other characters percent-encoded.
func checkForm(body string) error {
	for i, c := range body {
		if c <= ' ' || c >= 0x7f {
			return fmt.Errorf("the form body has %s at character %d: write a space as + and other characters as %%XX, their UTF-8 bytes percent-encoded",
				describeRune(c), len([]rune(body[:i]))+1)
		}
	}
	if _, err := url.ParseQuery(body); err != nil {
		return fmt.Errorf("the form body is not valid: %s", strings.TrimPrefix(err.Error(), "invalid "))
	}
	return nil
}

func describeRune(c rune) string {
	switch {
	case c == ' ':
		return "a space"
	case c < ' ' || c == 0x7f:
		return "a control character"
	}
	return fmt.Sprintf("%q", c)
}

// PrettyJSON indents a JSON body two spaces a level, keeping the order of
// its members; a body that is not valid JSON gets CheckBody's error.
func PrettyJSON(body string) (string, error) {
	if err := CheckBody(ContentJSON, body); err != nil {
		return "", err
	}
	var out bytes.Buffer
	_ = json.Indent(&out, []byte(strings.TrimSpace(body)), "", "  ") // valid JSON always indents
	return out.String(), nil
}

// Header is an extra header field of Step 2.
type Header struct {
	Name  string
	Value string
}

// blank says whether a row of the headers table was left empty: it is not
// sent.
func (h Header) blank() bool {
	return strings.TrimSpace(h.Name) == "" && strings.TrimSpace(h.Value) == ""
}

// HeaderError says which extra header cannot be sent, and why.
type HeaderError struct {
	Index  int    // in APIRequest.Headers, from 0
	Name   string // as typed, trimmed
	Reason string
}

func (e *HeaderError) Error() string {
	if e.Name == "" {
		return fmt.Sprintf("header %d: %s", e.Index+1, e.Reason)
	}
	return fmt.Sprintf("header %s: %s", e.Name, e.Reason)
}

// playgroundFields are the fields Step 2 sets itself, and why an extra
// header may not: the relay would pass them, but what the playground shows
// would no longer be one request.
var playgroundFields = map[string]string{
	"authorization": "Authorization carries the token of Step 1; the playground sets it",
	"content-type":  "the playground sets Content-Type from the body's content type",
	"property":      "use the Property field; the playground sends it once",
}

// CheckHeader says why h cannot be sent as an extra header, or "": its name
// must be an RFC 9110 token that neither the relay drops nor the playground
// sets, and its value an RFC 9110 field value, in visible ASCII.
func CheckHeader(h Header) string {
	name := strings.TrimSpace(h.Name)
	lower := strings.ToLower(name)
	if why, ok := playgroundFields[lower]; ok {
		return why
	}
	if why, dropped := wire.RelayDrops(lower); dropped {
		return why
	}
	switch {
	case name == "":
		return "enter the header's name"
	case len(name) > wire.MaxFieldNameLen:
		return fmt.Sprintf("a name is at most %d characters", wire.MaxFieldNameLen)
	case strings.ContainsFunc(name, func(c rune) bool { return !isTchar(c) }):
		return "a name is letters, digits and !#$%&'*+-.^_`|~ only, without spaces or colons (RFC 9110 section 5.1)"
	case len(h.Value) > wire.MaxFieldValueLen:
		return fmt.Sprintf("a value is at most %d characters", wire.MaxFieldValueLen)
	case strings.ContainsAny(h.Value, "\r\n\x00"):
		return "a value is one line: no line breaks or NUL (RFC 9110 section 5.5)"
	case h.Value != strings.Trim(h.Value, " \t"):
		return "a value has no spaces or tabs at its start or end (RFC 9110 section 5.5)"
	case strings.ContainsFunc(h.Value, func(c rune) bool { return c != '\t' && (c < ' ' || c >= 0x7f) }):
		return "a value is visible ASCII, spaces and tabs: no control characters, and percent-encode other text (RFC 9110 section 5.5)"
	}
	return ""
}

// isTchar reports whether c may be in a token (RFC 9110 §5.6.2).
func isTchar(c rune) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", c)
}

// CheckHeaders checks every extra header, and that none is given twice
// and there are not too many; it returns the first *HeaderError. Blank
// rows are left out.
func CheckHeaders(headers []Header) error {
	for i, why := range HeaderProblems(headers) {
		if why != "" {
			return &HeaderError{Index: i, Name: strings.TrimSpace(headers[i].Name), Reason: why}
		}
	}
	return nil
}

// HeaderProblems says, for each row of extra headers, why it cannot be
// sent ("" when it can, or is blank): CheckHeader's reason, a name given
// twice (the second time), or one row too many.
func HeaderProblems(headers []Header) []string {
	problems := make([]string, len(headers))
	var seen []string
	for i, h := range headers {
		if h.blank() {
			continue
		}
		name := strings.ToLower(strings.TrimSpace(h.Name))
		switch why := CheckHeader(h); {
		case why != "":
			problems[i] = why
		case slices.Contains(seen, name):
			problems[i] = "it is given twice; send it once, its values separated by commas (RFC 9110 section 5.3)"
		case len(seen) == wire.MaxExtraFields:
			problems[i] = fmt.Sprintf("the playground sends at most %d extra headers", wire.MaxExtraFields)
		default:
			seen = append(seen, name)
		}
	}
	return problems
}

// sentHeaders are the extra headers that can go: trimmed, blank rows and
// those HeaderProblems refuses left out, so that the preview and the
// snippets never show one as sent (Check refuses the request while there
// is one).
func sentHeaders(headers []Header) []Header {
	var out []Header
	problems := HeaderProblems(headers)
	for i, h := range headers {
		if !h.blank() && problems[i] == "" {
			out = append(out, Header{Name: strings.TrimSpace(h.Name), Value: h.Value})
		}
	}
	return out
}

// RefusedHeader is an extra header that cannot go, and why.
type RefusedHeader struct {
	Header
	Reason string
}

// RefusedHeaders are the extra headers HeaderProblems refuses, in their
// rows' order, for the preview to show apart.
func (r APIRequest) RefusedHeaders() []RefusedHeader {
	var out []RefusedHeader
	for i, why := range HeaderProblems(r.Headers) {
		if why != "" {
			out = append(out, RefusedHeader{Header{strings.TrimSpace(r.Headers[i].Name), r.Headers[i].Value}, why})
		}
	}
	return out
}
