// Package relay is Octoplay's Oblivious HTTP gateway (RFC 9458 §2): it opens
// requests that the browser sealed to its key, checks each against the
// allow-listed OctoTable environments, forwards it, and seals the answer
// back. Only the gateway ever sees the client secret or the token in clear;
// the browser's own traffic carries sealed blobs alone.
package relay

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"octoplay/internal/wire"
)

// Credentials are client credentials the server holds for a profile, so a
// demo can get a token without anyone typing a secret.
type Credentials struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// Environment is one OctoTable deployment the gateway may reach: its token
// endpoint and the API bases under which Step 2 may call.
type Environment struct {
	Name     string
	Title    string
	TokenURL *url.URL
	APIBases []*url.URL
	// Profiles are server-held credentials by profile name; never sent.
	Profiles map[string]Credentials
	// Transport reaches the environment; nil means the gateway's guarded
	// outbound client. The sandbox's is in-process.
	Transport http.RoundTripper
	// Operations, when set, lists the API it documents, with examples
	// dated from now, for the environments document (wire.Environment);
	// nil lists none.
	Operations func(now time.Time) []wire.Operation

	// token and apiBases are TokenURL and APIBases as allowTarget compares
	// them, worked out once.
	token    envURL
	apiBases []envURL
}

// envURL is an environment's URL as allowTarget compares a request's
// target with it: its canonical origin ("" when it has none, which
// nothing matches) and its escaped path.
type envURL struct {
	origin, path string
}

func newEnvURL(u *url.URL) envURL {
	origin, err := canonicalOrigin(u.Scheme, u.Host)
	if err != nil {
		origin = ""
	}
	return envURL{origin: origin, path: u.EscapedPath()}
}

var envName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// NewEnvironment checks and parses an environment's URLs. Every URL must be
// absolute http(s) with no userinfo, query or fragment; API bases end in "/".
func NewEnvironment(name, title, tokenURL string, apiBases []string, profiles map[string]Credentials) (*Environment, error) {
	if !envName.MatchString(name) {
		return nil, fmt.Errorf("relay: environment name %q: want lower-case letters, digits and dashes", name)
	}
	tok, err := parseBaseURL(tokenURL)
	if err != nil {
		return nil, fmt.Errorf("relay: environment %s: token_url: %w", name, err)
	}
	env := &Environment{Name: name, Title: title, TokenURL: tok, Profiles: profiles, token: newEnvURL(tok)}
	if env.Title == "" {
		env.Title = name
	}
	if len(apiBases) == 0 {
		return nil, fmt.Errorf("relay: environment %s: no api_bases", name)
	}
	for _, b := range apiBases {
		u, err := parseBaseURL(b)
		if err != nil {
			return nil, fmt.Errorf("relay: environment %s: api base: %w", name, err)
		}
		if !strings.HasSuffix(u.Path, "/") {
			return nil, fmt.Errorf("relay: environment %s: api base %q must end in /", name, b)
		}
		env.APIBases = append(env.APIBases, u)
		env.apiBases = append(env.apiBases, newEnvURL(u))
	}
	for p, c := range profiles {
		if !envName.MatchString(p) {
			return nil, fmt.Errorf("relay: environment %s: profile name %q: want lower-case letters, digits and dashes", name, p)
		}
		if c.ClientID == "" || c.ClientSecret == "" {
			return nil, fmt.Errorf("relay: environment %s: profile %s needs a client id and a secret", name, p)
		}
	}
	return env, nil
}

func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%q: scheme must be http or https", s)
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return nil, fmt.Errorf("%q: want scheme://host/path, nothing else", s)
	case !strings.HasPrefix(u.Path, "/"):
		return nil, fmt.Errorf("%q: path must start with /", s)
	}
	if err := checkPath(u.EscapedPath()); err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	return u, nil
}

// Info is the environment as the browser may see it: where things are and
// which profiles exist, and what its API offers as of now, never a secret.
func (e *Environment) Info(now time.Time) wire.Environment {
	info := wire.Environment{Name: e.Name, Title: e.Title, TokenURL: e.TokenURL.String(), APIBases: []string{}, Profiles: []string{}}
	for _, b := range e.APIBases {
		info.APIBases = append(info.APIBases, b.String())
	}
	for p := range e.Profiles {
		info.Profiles = append(info.Profiles, p)
	}
	slices.Sort(info.Profiles)
	if e.Operations != nil {
		info.Operations = e.Operations(now)
	}
	return info
}

// errNotAllowed is wrapped by every refusal of allowTarget.
var errNotAllowed = errors.New("target not allowed")
