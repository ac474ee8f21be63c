package ui

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
)

// apiStep is Step 2's state: the choices of the API call and its exchange;
// the token it sends is the playground's.
type apiStep struct {
	choices apiChoices
	exchange
	// createdID is the id of what the last 201 made (a reservation): the
	// examples that read, change and remove it put it in their path.
	createdID string
	// createdIDs are what the 201s made, by the path parameter that names
	// them (quickstart.Environment.CreatedParam): the operations put them
	// in their parameters' fields.
	createdIDs map[string]string
	// inbox is the sandbox's webhook inbox, checked from Step 2 with its
	// token, and deliveries what it held then.
	inbox      exchange
	deliveries []quickstart.Delivery
	// autoRenew renews an expired token and sends again, once, when the
	// person asked for it.
	autoRenew bool
	// renewed says the call under way already renewed the token: it is
	// sent again once, not for as long as the server says 401.
	renewed bool
}

// apiChoices are what the person chose for Step 2. The body and the extra
// headers may hold anything: they never go in a link (pageLink).
type apiChoices struct {
	Method string
	Path   string // as OctoTable's docs write it: /api/v2/
	// Params are the values of the path's parameters in braces
	// ({reservation_id}), by name, as their fields hold them.
	Params      map[string]string
	Property    string // the Property header; empty sends none
	Body        string // sent with POST, PUT and PATCH
	ContentType quickstart.ContentType
	Headers     []quickstart.Header // extra headers, rows as the table shows them
}

// clone is c with header rows of its own, to change without changing c's.
func (c apiChoices) clone() apiChoices {
	c.Headers = slices.Clone(c.Headers)
	c.Params = maps.Clone(c.Params)
	return c
}

// with is c after the control id took value.
func (c apiChoices) with(id, value string) apiChoices {
	c = c.clone()
	fields := map[string]*string{IDStep2Method: &c.Method, IDStep2Path: &c.Path, IDStep2Property: &c.Property, IDStep2Body: &c.Body}
	if f, ok := fields[id]; ok {
		*f = value
	}
	if id == IDStep2ContentType {
		c.ContentType = quickstart.ContentType(value)
	}
	if name, ok := strings.CutPrefix(id, IDStep2Param); ok {
		if c.Params == nil {
			c.Params = map[string]string{}
		}
		c.Params[name] = value
	}
	for prefix, part := range map[string]func(h *quickstart.Header) *string{
		IDStep2HeaderName:  func(h *quickstart.Header) *string { return &h.Name },
		IDStep2HeaderValue: func(h *quickstart.Header) *string { return &h.Value },
	} {
		if n, err := strconv.Atoi(strings.TrimPrefix(id, prefix)); strings.HasPrefix(id, prefix) && err == nil && n >= 0 && n < len(c.Headers) {
			*part(&c.Headers[n]) = value
		}
	}
	return c
}

// same says whether c and o choose the same request, the values of the
// path's parameters aside: an operation stays chosen while its ids change.
func (c apiChoices) same(o apiChoices) bool {
	return c.Method == o.Method && c.Path == o.Path && c.Property == o.Property && c.Body == o.Body &&
		c.ContentType == o.ContentType && slices.Equal(c.Headers, o.Headers)
}

// request is Step 2's call to env with token.
func (s *apiStep) request(env quickstart.Environment, token string) quickstart.APIRequest {
	c := s.choices
	return quickstart.APIRequest{
		Env: env, Method: c.Method, Path: c.Path, Params: c.pathParams(), Property: c.Property, Token: token,
		Body: c.Body, ContentType: c.ContentType, Headers: c.Headers,
	}
}

// pathParams are the values of every parameter of the path, "" for one
// whose field is empty: the request refuses to go without them.
func (c apiChoices) pathParams() map[string]string {
	names := quickstart.PathParams(c.Path)
	if len(names) == 0 {
		return nil
	}
	params := make(map[string]string, len(names))
	for _, name := range names {
		params[name] = c.Params[name]
	}
	return params
}

// step2Exchange is what Step 2's view shows of its request: the preview,
// or what stops the path once there is an environment to go to, and the
// extra headers that cannot go, apart.
func (p *playground) step2Exchange() StepExchange {
	r := p.step2.request(p.env, p.sess.token.token.AccessToken)
	preview := r.Preview()
	if preview == "" && p.env.Origin() != "" {
		if err := r.CheckPath(); err != nil {
			preview = "Nothing can go yet: " + err.Error() + "."
		}
	}
	x := p.stepExchange(&p.step2.exchange, preview, p.unavailableWithoutToken(), p.sendAPI,
		func(ctx app.Context) { p.applyFix(ctx, &p.step2.exchange, p.sendAPI) })
	x.Refused = r.RefusedHeaders()
	if p.canGetTokenFirst() {
		// A link that lands here with saved credentials, or credentials
		// typed: one button does both steps, rather than 9 Tabs up to
		// Request token and 17 back down.
		x.Next = "Get a token and send"
		if s := p.step1.choices.Source; s != "" {
			x.Next = "Get a token with the " + s + " credentials and send"
		}
		x.OnNext = func(ctx app.Context) {
			if !p.sendTokenRequest(p.sendAPI) && p.step1.err != "" {
				p.step2.clear()
				p.step2.err = "No token could be requested: " + p.step1.err + " in Step 1."
			}
		}
	}
	return x
}

// canGetTokenFirst says whether Step 2, with no token, can get one itself
// from what Step 1 holds: saved credentials chosen, or an id and a secret.
func (p *playground) canGetTokenFirst() bool {
	c := p.step1.choices
	return p.sess.token.token.AccessToken == "" && p.unavailable() == "" && !p.step1.busy && !p.step2.busy &&
		(c.Source != "" || strings.TrimSpace(c.ClientID) != "" && p.sess.secret != "")
}

func (p *playground) onAPIChoices(ctx app.Context, edit func(apiChoices) apiChoices) {
	p.step2.choices = edit(p.step2.choices)
	p.syncURL()
}

func (p *playground) onAutoRenew(ctx app.Context, on bool) {
	p.step2.autoRenew = on
}

// sendAPI sends Step 2 as the person asked: with the switch on, a token
// that has expired is renewed first.
func (p *playground) sendAPI(ctx app.Context) {
	p.step2.renewed = false
	if p.step2.autoRenew && p.sess.token.token.AccessToken != "" && p.sess.token.token.Expired(time.Now()) {
		p.step2.renewed = true
		p.renewToken(ctx, p.resendAPI)
		return
	}
	p.resendAPI(ctx)
}

// resendAPI sends Step 2 through the relay.
func (p *playground) resendAPI(ctx app.Context) {
	r := p.step2.request(p.env, p.sess.token.token.AccessToken)
	p.send(&p.step2.exchange, apiOutgoing(r, "Step 2: call the API", IDSend), func(a *quickstart.Answer) { p.apiAnswered(a, r) })
}

// apiOutgoing is r as send takes it: title is what the transcript calls
// it, control the button that sends it.
func apiOutgoing(r quickstart.APIRequest, title, control string) outgoing {
	url := ""
	if u, err := r.URL(); err == nil {
		url = u.String()
	}
	return outgoing{
		build:   func(now time.Time) (*bhttp.Request, error) { return r.Build(now) },
		title:   title,
		method:  r.Method,
		url:     url,
		preview: r.Preview(),
		explain: func(a quickstart.Answer) *quickstart.Explanation { return quickstart.ExplainAPI(a, r) },
		control: control,
	}
}

// answered takes what a, the answer to r in env, made: a 201 gives the id
// the examples use, and the parameter of the operations that name what r
// made. It says whether the server refused the token as expired (a 401
// invalid_token), whatever its expires_in said.
func (s *apiStep) answered(a *quickstart.Answer, r quickstart.APIRequest, env quickstart.Environment) (tokenRefused bool) {
	if a == nil {
		return false
	}
	if id, ok := a.CreatedID(); ok {
		s.createdID = id
		if name := env.CreatedParam(r.Path); name != "" && r.Method == "POST" {
			if s.createdIDs == nil {
				s.createdIDs = map[string]string{}
			}
			s.createdIDs[name] = id
		}
	}
	return a.Status == 401 && strings.Contains(a.Header.Get("www-authenticate"), "invalid_token")
}

// apiAnswered expires a token the server refused and, with the switch on,
// renews it and sends again, once.
func (p *playground) apiAnswered(a *quickstart.Answer, r quickstart.APIRequest) {
	if !p.step2.answered(a, r, p.env) || p.sess.token.state == tokenNone {
		return
	}
	p.sess.token.state = tokenExpired
	if p.step2.autoRenew && !p.step2.renewed {
		p.step2.renewed = true
		p.renewToken(p.sess.ctx, p.resendAPI)
	}
}
