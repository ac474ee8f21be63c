package quickstart

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"octoplay/internal/bhttp"
	"octoplay/internal/clientauth"
	"octoplay/internal/wire"
)

// AuthStyle is how the client authenticates to the token endpoint
// (RFC 6749 §2.3.1). The playground never guesses: retrying with the other
// style would send the secret twice.
type AuthStyle string

const (
	AuthInBody AuthStyle = wire.ClientAuthBody  // client_id and client_secret as parameters
	AuthBasic  AuthStyle = wire.ClientAuthBasic // HTTP Basic, id and secret form-encoded first
)

// Encoding is how the token request's parameters travel.
type Encoding string

const (
	EncodingForm Encoding = "form" // application/x-www-form-urlencoded, the quickstart's curl
	EncodingJSON Encoding = "json" // application/json, the quickstart's table
)

// Masked stands in for a secret or a token wherever the playground shows a
// request: never its length, never a piece of it.
const Masked = "••••••••"

// TokenRequest is Step 1: the client credentials grant (RFC 6749 §4.4.2).
type TokenRequest struct {
	Env Environment
	// Profile, when set, asks the relay to add a server-held profile's
	// credentials; ClientID and ClientSecret are then not sent.
	Profile      string
	ClientID     string
	ClientSecret string
	Auth         AuthStyle
	Encoding     Encoding
}

// Check says what is missing before the request can go.
func (r TokenRequest) Check() error {
	switch {
	case r.Env.Origin() == "":
		return errors.New("choose an environment")
	case r.Auth != AuthInBody && r.Auth != AuthBasic:
		return fmt.Errorf("choose how the client authenticates: in the body or with HTTP Basic")
	case r.Encoding != EncodingForm && r.Encoding != EncodingJSON:
		return fmt.Errorf("choose the body encoding: form or JSON")
	case r.Profile != "" && !r.Env.HasProfile(r.Profile):
		return fmt.Errorf("the environment %s has no profile %q", r.Env.Title, r.Profile)
	case r.Profile != "":
		return nil
	case strings.TrimSpace(r.ClientID) == "":
		return errors.New("enter your client id")
	case r.ClientSecret == "":
		return errors.New("enter your client secret")
	}
	return nil
}

// params are the body's parameters in the quickstart's order; the secret
// is replaced by mask when mask is not empty.
func (r TokenRequest) params(mask string) [][2]string {
	p := [][2]string{{"grant_type", "client_credentials"}}
	if r.Profile != "" || r.Auth == AuthBasic {
		return p
	}
	secret := r.ClientSecret
	if mask != "" && secret != "" {
		secret = mask // an empty secret shows empty: there is nothing to hide
	}
	return append(p, [2]string{"client_id", strings.TrimSpace(r.ClientID)}, [2]string{"client_secret", secret})
}

func (r TokenRequest) body(mask string) []byte {
	params := r.params(mask)
	if r.Encoding == EncodingJSON {
		var b strings.Builder
		b.WriteString("{")
		for i, kv := range params {
			if i > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(kv[0])
			v, _ := json.Marshal(kv[1])
			b.Write(k)
			b.WriteString(": ")
			b.Write(v)
		}
		b.WriteString("}")
		return []byte(b.String())
	}
	parts := make([]string, 0, len(params))
	for _, kv := range params {
		v := url.QueryEscape(kv[1])
		if mask != "" && kv[1] == mask {
			v = mask // show the mask, not its percent-encoding
		}
		parts = append(parts, url.QueryEscape(kv[0])+"="+v)
	}
	return []byte(strings.Join(parts, "&"))
}

func (r TokenRequest) header(mask string) bhttp.Fields {
	var h bhttp.Fields
	if r.Encoding == EncodingJSON {
		h.Add("content-type", "application/json")
	} else {
		h.Add("content-type", "application/x-www-form-urlencoded")
	}
	h.Add("accept", "application/json")
	switch {
	case r.Profile != "":
		h.Add(wire.HeaderProfile, r.Profile)
		if r.Auth == AuthBasic {
			h.Add(wire.HeaderClientAuth, string(AuthBasic))
		}
	case r.Auth == AuthBasic && mask != "" && r.ClientSecret == "":
		h.Add("authorization", "Basic (the client id and secret, once both are filled in)")
	case r.Auth == AuthBasic && mask != "":
		h.Add("authorization", "Basic "+mask)
	case r.Auth == AuthBasic:
		h.Add("authorization", clientauth.Basic(strings.TrimSpace(r.ClientID), r.ClientSecret))
	}
	return h
}

// Build is the request as it goes upstream, dated now.
func (r TokenRequest) Build(now time.Time) (*bhttp.Request, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	req, err := newRequest("POST", r.Env.TokenURL, now)
	if err != nil {
		return nil, err
	}
	req.Header = append(r.header(""), req.Header...)
	req.Body = r.body("")
	return req, nil
}

// Preview is the request as HTTP/1.1 text, the secret masked; with a
// profile, it says the server adds the credentials.
func (r TokenRequest) Preview() string {
	u, ok := absoluteURL(r.Env.TokenURL)
	if !ok {
		return "" // no environment yet: no request to show
	}
	preview := httpText("POST", u, r.header(Masked), r.body(Masked))
	if r.Profile != "" {
		where := "to the body"
		if r.Auth == AuthBasic {
			where = "as an Authorization: Basic header"
		}
		preview += fmt.Sprintf("\n\n# The relay adds the %q profile's client_id and client_secret %s,\n# and drops the Octoplay-* headers.", r.Profile, where)
	}
	return preview
}

// newRequest starts a sealed request for rawURL with the Date the relay
// checks.
func newRequest(method, rawURL string, now time.Time) (*bhttp.Request, error) {
	u, ok := absoluteURL(rawURL)
	if !ok {
		return nil, fmt.Errorf("the URL %q is not absolute", rawURL)
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	req := &bhttp.Request{Method: method, Scheme: u.Scheme, Authority: u.Host, Path: path}
	// RFC 9110's IMF-fixdate, which the relay checks (RFC 9458 §6.5).
	req.Header.Add("date", now.UTC().Format(http.TimeFormat))
	return req, nil
}

// httpText renders a request the way DevTools' "view source" does.
func httpText(method string, u *url.URL, h bhttp.Fields, body []byte) string {
	var b strings.Builder
	target := u.EscapedPath()
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\nHost: %s\n", method, target, u.Host)
	for _, f := range h {
		fmt.Fprintf(&b, "%s: %s\n", textproto.CanonicalMIMEHeaderKey(f.Name), f.Value)
	}
	if len(body) > 0 {
		b.WriteString("\n")
		b.Write(body)
	}
	return strings.TrimRight(b.String(), "\n")
}
