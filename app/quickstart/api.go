package quickstart

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

// APIRequest is Step 2: a call with the token as a Bearer credential
// (RFC 6750 §2.1).
type APIRequest struct {
	Env    Environment
	Method string
	// Path is as OctoTable's docs write it ("/api/v2/"); the environment
	// supplies the origin.
	Path string
	// Params are the values of the path's parameters in braces
	// (PathParams), by name, put in as it goes; one named with no value
	// stops it. A parameter it does not name stays in the path as typed.
	Params   map[string]string
	Property string // the Property header, for the resources that need it
	Token    string
	// Body goes with POST, PUT and PATCH (TakesBody) when it is not blank,
	// as ContentType says ("" means ContentJSON); other methods send none.
	Body        string
	ContentType ContentType
	// Headers are extra fields, sent after the playground's own (an Accept
	// among them replaces the playground's); CheckHeaders says which may
	// go. Rows left blank are not sent.
	Headers []Header
}

// IDPlaceholder stands in a preset's path for the id of a record the
// person creates first (a reservation): replace it to send the request.
const IDPlaceholder = "{id}"

// SendsBody says whether the request carries its Body.
func (r APIRequest) SendsBody() bool {
	return TakesBody(r.Method) && strings.TrimSpace(r.Body) != ""
}

// SentBody is the body as it goes ("" for none): a form trimmed, as a
// textarea may leave a line break after it; JSON as typed.
func (r APIRequest) SentBody() string {
	if !r.SendsBody() {
		return ""
	}
	if r.ContentType.orDefault() == ContentForm {
		return strings.TrimSpace(r.Body)
	}
	return r.Body
}

func (r APIRequest) body() []byte {
	if b := r.SentBody(); b != "" {
		return []byte(b)
	}
	return nil
}

// URL is the request's absolute URL.
func (r APIRequest) URL() (*url.URL, error) {
	path, missing := fillPath(strings.TrimSpace(r.Path), r.Params)
	origin := r.Env.Origin()
	switch {
	case origin == "":
		return nil, errors.New("choose an environment")
	case path == "":
		return nil, errors.New("enter the path, such as /api/v2/")
	case missing != nil:
		return nil, missing
	}
	if u, ok := pastedURL(path); ok {
		// PathOf made one of this environment a path where it was typed.
		return nil, r.Env.elsewhere(u)
	}
	if bad := badEscape(path); bad != "" {
		return nil, fmt.Errorf("the path has %q, a malformed escape: %% starts two hex digits, as in %%20 (write %%25 for a %% itself)", bad)
	}
	switch {
	case !strings.HasPrefix(path, "/"):
		return nil, fmt.Errorf("the path must start with /, as in /api/v2/")
	case strings.ContainsAny(path, " \t\r\n#"):
		return nil, fmt.Errorf("the path must not contain spaces or #")
	}
	u, err := url.Parse(origin + path)
	if err != nil {
		return nil, fmt.Errorf("the path is not a valid URL path: %w", err)
	}
	// url.Parse escapes the path but keeps the query as typed; a request
	// target is ASCII only (RFC 9112 §3.2), so encode the rest as UTF-8.
	u.RawQuery = escapeNonASCII(u.RawQuery)
	return u, nil
}

func escapeNonASCII(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Check says what is missing before the request can go.
func (r APIRequest) Check() error {
	if r.Token == "" {
		return errors.New("get a token in Step 1 first")
	}
	if methods := wire.APIMethods(); !slices.Contains(methods, r.Method) {
		return fmt.Errorf("choose a method: %s", strings.Join(methods, ", "))
	}
	if err := r.CheckPath(); err != nil {
		return err
	}
	if strings.Contains(r.Path, IDPlaceholder) {
		return fmt.Errorf("replace %s in the path with a reservation's id: create one first, with the POST example", IDPlaceholder)
	}
	if strings.ContainsFunc(strings.TrimSpace(r.Property), unicode.IsControl) {
		return errors.New("the Property header must be on one line, without control characters")
	}
	if r.SendsBody() {
		if err := CheckBody(r.ContentType, r.Body); err != nil {
			return err
		}
	}
	return CheckHeaders(r.Headers)
}

// CheckPath says what stops the path from going: not a path of the
// environment's API, or not one at all.
func (r APIRequest) CheckPath() error {
	u, err := r.URL()
	if err != nil {
		return err
	}
	if !r.Env.underAPI(u) {
		return fmt.Errorf("this path is not part of the environment's API: use a path %s", apiScope(r.Env))
	}
	return nil
}

// Fields are the request's header fields but Authorization, in the order
// they go, names as typed: Accept (unless an extra header gives its own),
// Property, Content-Type with a body, then the extra headers. The snippets
// write the same.
func (r APIRequest) Fields() []Header {
	var out []Header
	if r.DefaultAccept() {
		out = append(out, Header{"Accept", "application/json"})
	}
	if p := strings.TrimSpace(r.Property); p != "" {
		out = append(out, Header{"Property", p})
	}
	if r.SendsBody() {
		out = append(out, Header{"Content-Type", string(r.ContentType.orDefault())})
	}
	return append(out, sentHeaders(r.Headers)...)
}

// DefaultAccept says whether the playground's Accept: application/json
// goes (first in Fields): an extra header may give another.
func (r APIRequest) DefaultAccept() bool {
	return !slices.ContainsFunc(sentHeaders(r.Headers), func(h Header) bool { return strings.EqualFold(h.Name, "accept") })
}

// header is Fields with the token's Authorization after the playground's
// Accept, as the quickstart orders them.
func (r APIRequest) header(token string) bhttp.Fields {
	fields := r.Fields()
	var h bhttp.Fields
	if r.DefaultAccept() {
		h.Add("accept", fields[0].Value)
		fields = fields[1:]
	}
	h.Add("authorization", "Bearer "+token)
	for _, f := range fields {
		h.Add(strings.ToLower(f.Name), f.Value)
	}
	return h
}

// Build is the request as it goes upstream, dated now.
func (r APIRequest) Build(now time.Time) (*bhttp.Request, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	u, _ := r.URL()
	req, err := newRequest(r.Method, u.String(), now)
	if err != nil {
		return nil, err
	}
	req.Header = append(r.header(r.Token), req.Header...)
	req.Body = r.body()
	return req, nil
}

// Preview is the request as HTTP/1.1 text with the token masked: its
// headers, the extra ones that can go included (RefusedHeaders are the
// others), and its body.
func (r APIRequest) Preview() string {
	u, err := r.URL()
	if err != nil {
		return ""
	}
	return httpText(r.Method, u, r.header(Masked), r.body())
}

// underAPI says whether u is under one of the environment's API bases, as
// the relay checks (scheme, host and port exactly, then the path); an
// environment that lists none leaves the relay to say.
func (e Environment) underAPI(u *url.URL) bool {
	if len(e.APIBases) == 0 {
		return true
	}
	for _, raw := range e.APIBases {
		if b, ok := absoluteURL(raw); ok && b.Scheme == u.Scheme && b.Host == u.Host && strings.HasPrefix(u.EscapedPath(), b.EscapedPath()) {
			return true
		}
	}
	return false
}

// APIPaths are the environment's API bases as OctoTable's docs write a
// path: after the origin when they are under it, whole otherwise.
func (e Environment) APIPaths() []string {
	origin := e.Origin()
	paths := make([]string, 0, len(e.APIBases))
	for _, b := range e.APIBases {
		if p, ok := strings.CutPrefix(b, origin); ok && origin != "" && strings.HasPrefix(p, "/") {
			b = p
		}
		paths = append(paths, b)
	}
	return paths
}

// apiScope says where Step 2 may go: "under /api/v2/ or /octotable-pms/api/v2/".
func apiScope(e Environment) string {
	if paths := e.APIPaths(); len(paths) > 0 {
		return "under " + strings.Join(paths, " or ")
	}
	return "as OctoTable's docs write it, such as " + wire.APIBase
}
