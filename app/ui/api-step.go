package ui

import (
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
}

// apiChoices are what the person chose for Step 2.
type apiChoices struct {
	Method   string
	Path     string // as OctoTable's docs write it: /api/v2/
	Property string // the Property header; empty sends none
}

// with is c after the control id took value.
func (c apiChoices) with(id, value string) apiChoices {
	fields := map[string]*string{"step2-method": &c.Method, "step2-path": &c.Path, "step2-property": &c.Property}
	if f, ok := fields[id]; ok {
		*f = value
	}
	return c
}

func (p *playground) apiRequest() quickstart.APIRequest {
	c := p.step2.choices
	return quickstart.APIRequest{Env: p.env, Method: c.Method, Path: c.Path, Property: c.Property, Token: p.token.token.AccessToken}
}

func (p *playground) onAPIChoices(ctx app.Context, edit func(apiChoices) apiChoices) {
	p.step2.choices = edit(p.step2.choices)
	p.syncURL()
}

// sendAPI sends Step 2 through the relay.
func (p *playground) sendAPI(ctx app.Context) {
	r := p.apiRequest()
	url := ""
	if u, err := r.URL(); err == nil {
		url = u.String()
	}
	p.send(&p.step2.exchange, outgoing{
		build:   func(now time.Time) (*bhttp.Request, error) { return r.Build(now) },
		method:  r.Method,
		url:     url,
		explain: func(a quickstart.Answer) *quickstart.Explanation { return quickstart.ExplainAPI(a, r) },
		control: "send",
	}, p.apiAnswered)
}

// apiAnswered takes the server's word on expiry: a 401 invalid_token
// expires the token, whatever its expires_in said.
func (p *playground) apiAnswered(a *quickstart.Answer) {
	if a != nil && a.Status == 401 && p.token.state == tokenValid && strings.Contains(a.Header.Get("www-authenticate"), "invalid_token") {
		p.token.state = tokenExpired
	}
}
