// Package snippets writes the code a person takes home from the playground:
// the quickstart's Step 1 (the OAuth 2.0 client credentials grant, RFC 6749
// §4.4) and Step 2 (a call with the token as a Bearer credential, RFC 6750
// §2.1) in curl, HTTPie, Go, Python and Node, with every choice the
// playground makes: environment, body encoding, client authentication,
// method, path, the Property header, and Step 2's body and extra headers.
//
// A snippet never holds a credential: it reads the client id, the secret and
// the token from $OCTOTABLE_CLIENT_ID, $OCTOTABLE_CLIENT_SECRET and
// $OCTOTABLE_TOKEN. Options has no field that could carry one, so no caller
// can slip a secret in. The package is plain Go without net/http, since it
// is linked into the wasm.
package snippets

import (
	"encoding/json"
	"fmt"
	"strings"

	"octoplay/app/quickstart"
)

// Step is the quickstart step a snippet performs.
type Step int

const (
	Step1 Step = 1 // request an access token
	Step2 Step = 2 // call the API with it
)

// String is how the page names the step: "step1", "step2".
func (s Step) String() string { return fmt.Sprintf("step%d", int(s)) }

// Language is a snippet's language, as the page names it.
type Language string

const (
	Curl   Language = "curl"
	HTTPie Language = "httpie"
	Go     Language = "go"
	Python Language = "python"
	Node   Language = "node"
)

// Languages are the snippets' languages in the order the page shows them:
// the quickstart's own curl first.
func Languages() []Language { return []Language{Curl, HTTPie, Go, Python, Node} }

// Title is the language's name for a person.
func (l Language) Title() string {
	switch l {
	case HTTPie:
		return "HTTPie"
	case Go:
		return "Go"
	case Python:
		return "Python"
	case Node:
		return "Node.js"
	}
	return string(l)
}

// The variables the snippets read the credentials and the token from.
const (
	EnvClientID     = "OCTOTABLE_CLIENT_ID"
	EnvClientSecret = "OCTOTABLE_CLIENT_SECRET"
	EnvToken        = "OCTOTABLE_TOKEN"
)

// Variables are what a step's snippets read from the environment.
func Variables(step Step) []string {
	if step == Step2 {
		return []string{EnvToken}
	}
	return []string{EnvClientID, EnvClientSecret}
}

// ExportLine is a shell line that sets a step's variables. read -rs takes
// the secret or the token without echoing it and keeps it out of the
// shell's history, where an export of the value itself would stay.
func ExportLine(step Step) string {
	if step == Step2 {
		return "read -rs " + EnvToken + " && export " + EnvToken
	}
	return "export " + EnvClientID + "=your_client_id; read -rs " + EnvClientSecret + " && export " + EnvClientSecret
}

// Options are the playground's choices, without a credential.
type Options struct {
	// Env places both requests: its TokenURL for Step 1, its Origin in
	// front of Path for Step 2.
	Env      quickstart.Environment
	Auth     quickstart.AuthStyle
	Encoding quickstart.Encoding
	Method   string
	// Path is as OctoTable's docs write it ("/api/v2/").
	Path string
	// Property is the Property header's value; empty sends none.
	Property string
	// Body goes with POST, PUT and PATCH, as ContentType says (JSON when
	// empty); Headers are Step 2's extra headers.
	Body        string
	ContentType quickstart.ContentType
	Headers     []quickstart.Header
}

// Removed stands for a secret or a token pasted into Step 2's body or
// headers, in ASCII, which a header value must be.
const Removed = "[removed]"

// NewOptions takes the choices of the playground's two requests and leaves
// their client id, secret, profile and token behind. A secret or a token
// pasted into Step 2's body or headers is replaced by Removed there.
func NewOptions(token quickstart.TokenRequest, api quickstart.APIRequest) Options {
	var secrets []string
	for _, s := range []string{token.ClientSecret, api.Token} {
		if s != "" {
			secrets = append(secrets, s, Removed)
		}
	}
	mask := strings.NewReplacer(secrets...)
	var headers []quickstart.Header
	for _, h := range api.Headers {
		headers = append(headers, quickstart.Header{Name: mask.Replace(h.Name), Value: mask.Replace(h.Value)})
	}
	return Options{
		Env: token.Env, Auth: token.Auth, Encoding: token.Encoding,
		Method: api.Method, Path: mask.Replace(api.SentPath()), Property: strings.TrimSpace(api.Property),
		Body: mask.Replace(api.Body), ContentType: api.ContentType, Headers: headers,
	}
}

// tokenCall is Step 1 as every language writes it.
type tokenCall struct {
	URL   string
	Basic bool // client authentication with HTTP Basic, else in the body
	JSON  bool // a JSON body, else a form
}

// apiCall is Step 2 as every language writes it.
type apiCall struct {
	Method string
	URL    string
	// Accept is the playground's Accept: application/json, which every
	// snippet sends, as the preview shows it (curl's own default is */*).
	Accept bool
	// Fields follow Authorization: Property, Content-Type with a body,
	// the extra headers.
	Fields []quickstart.Header
	Body   string // empty for none
}

// writers are each language's two snippets.
var writers = map[Language]struct {
	step1 func(tokenCall) string
	step2 func(apiCall) string
}{
	Curl:   {curlToken, curlAPI},
	HTTPie: {httpieToken, httpieAPI},
	Go:     {goToken, goAPI},
	Python: {pythonToken, pythonAPI},
	Node:   {nodeToken, nodeAPI},
}

// Generate writes a step's snippet in lang.
func Generate(step Step, lang Language, opts Options) (string, error) {
	w, ok := writers[lang]
	if !ok {
		return "", fmt.Errorf("snippets: no language %q", lang)
	}
	switch step {
	case Step1:
		call, err := opts.tokenCall()
		if err != nil {
			return "", err
		}
		return w.step1(call), nil
	case Step2:
		call, err := opts.apiCall()
		if err != nil {
			return "", err
		}
		return w.step2(call), nil
	}
	return "", fmt.Errorf("snippets: no step %d", int(step))
}

// The requests are checked by quickstart's own rules, with the variables'
// names standing in for the credentials the snippets read at run time.
func (o Options) tokenCall() (tokenCall, error) {
	r := quickstart.TokenRequest{Env: o.Env, ClientID: "$" + EnvClientID, ClientSecret: "$" + EnvClientSecret, Auth: o.Auth, Encoding: o.Encoding}
	if err := r.Check(); err != nil {
		return tokenCall{}, fmt.Errorf("snippets: %w", err)
	}
	return tokenCall{URL: o.Env.TokenURL, Basic: o.Auth == quickstart.AuthBasic, JSON: o.Encoding == quickstart.EncodingJSON}, nil
}

func (o Options) apiCall() (apiCall, error) {
	r := quickstart.APIRequest{Env: o.Env, Method: o.Method, Path: o.Path, Property: o.Property, Token: "$" + EnvToken,
		Body: o.Body, ContentType: o.ContentType, Headers: o.Headers}
	if err := r.Check(); err != nil {
		return apiCall{}, fmt.Errorf("snippets: %w", err)
	}
	u, _ := r.URL()
	call := apiCall{Method: o.Method, URL: u.String(), Fields: r.Fields(), Body: r.SentBody()}
	if r.DefaultAccept() {
		call.Accept, call.Fields = true, call.Fields[1:]
	}
	return call, nil
}

// literal writes s as a string literal that Go, Python and JavaScript all
// read alike: JSON's (RFC 8259 §7), without the HTML escaping that would
// turn a query's & into \u0026.
func literal(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
