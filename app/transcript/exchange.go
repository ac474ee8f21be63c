package transcript

import (
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

// Secrets are what the playground holds that must never be in a
// transcript. ClientID is no secret, and stays; it is here because HTTP
// Basic encodes it with the secret.
type Secrets struct {
	ClientID     string
	ClientSecret string
	Token        string
}

// Capture is one request of the visit as the playground built it (secrets
// and all) and what came of it, for Record.
type Capture struct {
	// Title names the request for a person, such as "Step 1: request an
	// access token"; it may be empty.
	Title   string
	Started time.Time
	// Request is the request as it was sealed to the relay.
	Request *bhttp.Request
	// Answer is what came back, its Duration the round trip; nil when the
	// relay could not bring one back, and Failure then says why.
	Answer  *quickstart.Answer
	Failure string
}

// Exchange is one request of the visit as it went upstream and its answer,
// with every secret already removed: Record is the only way to make one, so
// no code can put an unredacted exchange in a transcript.
type Exchange struct {
	title    string
	started  time.Time
	duration time.Duration
	request  message
	response *response
	failure  string
	comment  string
}

// message is a request as a transcript shows it; its URL and fields are
// redacted.
type message struct {
	method string
	url    string
	header []field
	body   []byte
	// bodyChanged says that removing credentials changed the body, so its
	// size is no longer the one that was sent.
	bodyChanged bool
}

type response struct {
	status      int
	header      []field
	body        []byte
	bodyChanged bool
}

type field struct{ name, value string }

// Record makes an Exchange of c with every credential removed: the
// secrets given, and whatever the exchange itself shows to be one (an
// Authorization value, Basic's credentials, a client_secret, access_token,
// refresh_token or id_token field of a JSON body at any depth, of a form or
// of the URL's query, URL userinfo), in every form a secret takes (raw,
// URL-encoded, JSON-escaped, base64). Fields the relay drops are left out,
// as they never went upstream.
func Record(c Capture, s Secrets) Exchange {
	x := Exchange{title: c.Title, started: c.Started, failure: c.Failure}
	var found []secret
	learn := func(sec secret) {
		if len(sec.value) >= minLearned {
			found = append(found, sec)
		}
	}
	var reqHeader bhttp.Fields
	var reqURL string
	if c.Request != nil {
		reqHeader = upstreamFields(c.Request.Header)
		reqURL = c.Request.Scheme + "://" + c.Request.Authority + c.Request.Path
		if p := c.Request.Header.Get(wire.HeaderProfile); p != "" {
			x.comment = "The relay added the client credentials of the server's profile " + p + "."
		}
		learnMessage(reqHeader, c.Request.Body, learn)
		learnText(reqURL, learn)
	}
	if c.Answer != nil {
		learnMessage(c.Answer.Header, c.Answer.Body, learn)
	}
	r := newRedactor(append([]secret{{s.ClientSecret, whatSecret}, {s.Token, whatToken}}, found...))
	if c.Request != nil {
		kind := kindOf(reqHeader.Get("content-type"), c.Request.Body)
		x.request = message{method: c.Request.Method, url: r.url(reqURL), header: r.fields(reqHeader, true)}
		x.request.body, x.request.bodyChanged = r.redactBody(kind, c.Request.Body)
	}
	if c.Answer != nil {
		kind := kindOf(c.Answer.Header.Get("content-type"), c.Answer.Body)
		x.duration = c.Answer.Duration
		x.response = &response{status: c.Answer.Status, header: r.fields(c.Answer.Header, false)}
		x.response.body, x.response.bodyChanged = r.redactBody(kind, c.Answer.Body)
	}
	x.failure = r.freeText(x.failure)
	x.title = r.freeText(x.title)
	return x
}

// upstreamFields are the fields of a sealed request that the relay passes
// upstream.
func upstreamFields(h bhttp.Fields) bhttp.Fields {
	listed := map[string]bool{}
	for _, v := range h.Values("connection") {
		for _, name := range strings.Split(v, ",") {
			listed[strings.ToLower(strings.TrimSpace(name))] = true
		}
	}
	var out bhttp.Fields
	for _, f := range h {
		if _, dropped := wire.RelayDrops(f.Name); !dropped && !listed[strings.ToLower(f.Name)] {
			out = append(out, f)
		}
	}
	return out
}

func learnMessage(h bhttp.Fields, body []byte, learn func(secret)) {
	for _, f := range h {
		if isAuthorization(f.Name) {
			learnAuthorization(f.Value, learn)
		}
		learnText(f.Value, learn)
	}
	learnBody(kindOf(h.Get("content-type"), body), body, learn)
}

func isAuthorization(name string) bool {
	return strings.EqualFold(name, "authorization") || strings.EqualFold(name, "proxy-authorization")
}

// fields redacts a header: credentials of Authorization, cookies, and
// anything a secret shows in, with names as HTTP/1.1 writes them.
func (r *redactor) fields(h bhttp.Fields, request bool) []field {
	out := make([]field, 0, len(h))
	for _, f := range h {
		name := textproto.CanonicalMIMEHeaderKey(f.Name)
		var value string
		switch lower := strings.ToLower(f.Name); {
		case isAuthorization(lower):
			value = authorization(f.Value)
		case lower == "cookie" || lower == "set-cookie":
			value = Marker(whatCookie)
		case request:
			value = requestHeaderValue(r, f.Value)
		default:
			value = r.freeText(f.Value)
		}
		out = append(out, field{r.text(name), value})
	}
	return out
}

// url redacts a URL: its userinfo, its query's credential parameters, and
// any secret in any part.
func (r *redactor) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.freeText(raw)
	}
	if u.User != nil {
		u.User = url.User(Marker(whatCredentials))
	}
	u.RawQuery = r.form(u.RawQuery)
	if p := r.text(u.Path); p != u.Path {
		u.Path, u.RawPath = p, ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
