package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
)

// tokenStep is Step 1's state: the choices of the token request, all but
// the secret, which the session holds, and its exchange.
type tokenStep struct {
	choices tokenChoices
	exchange
}

// tokenChoices are what the person chose for Step 1; never the secret.
type tokenChoices struct {
	Source   string // "" for my own credentials, else a server profile's name
	ClientID string
	Remember bool // keep the client id on this device
	Auth     quickstart.AuthStyle
	Encoding quickstart.Encoding
}

// ownCredentials is the value of the choice of one's own credentials: not
// "", which go-app drops from an <option>, so that the browser would send
// the option's text as a profile's name; and no profile's name, which has
// letters, digits and dashes only.
const ownCredentials = "_own"

// with is c after the control id took value (or, a checkbox, checked).
func (c tokenChoices) with(id, value string, checked bool) tokenChoices {
	switch id {
	case IDSource:
		c.Source = value
		if value == ownCredentials {
			c.Source = ""
		}
	case IDClientID:
		c.ClientID = value
	case IDRememberID:
		c.Remember = checked
	case IDAuthStyle:
		c.Auth = quickstart.AuthStyle(value)
	case IDEncoding:
		c.Encoding = quickstart.Encoding(value)
	}
	return c
}

// request is Step 1's token request to env with secret.
func (t *tokenStep) request(env quickstart.Environment, secret string) quickstart.TokenRequest {
	c := t.choices
	return quickstart.TokenRequest{
		Env: env, Profile: c.Source, ClientID: c.ClientID, ClientSecret: secret,
		Auth: c.Auth, Encoding: c.Encoding,
	}
}

// outgoing is r as send takes it.
func (t *tokenStep) outgoing(r quickstart.TokenRequest) outgoing {
	return outgoing{
		build:   func(now time.Time) (*bhttp.Request, error) { return r.Build(now) },
		title:   "Step 1: request an access token",
		method:  "POST",
		url:     r.Env.TokenURL,
		preview: r.Preview(),
		explain: func(a quickstart.Answer) *quickstart.Explanation { return quickstart.ExplainToken(a, r) },
		control: IDRequestToken,
	}
}

// answered is the token a's answer brings, as the session holds it: none
// when no answer came or it is an error, which the exchange explains, or
// when it is not a token, which t says.
func (t *tokenStep) answered(a *quickstart.Answer, now time.Time) heldToken {
	if a == nil || t.explain != nil {
		return heldToken{state: tokenError}
	}
	tok, err := quickstart.ParseToken(a.Body, now)
	if err != nil {
		t.err = "The answer is not a token: " + err.Error() + "."
		return heldToken{state: tokenError}
	}
	return heldToken{token: tok, state: tokenValid}
}

// fixed is c with the fix an explanation offers for Step 1's request:
// form encoding, or the other authentication style; other fixes leave it.
func (c tokenChoices) fixed(f quickstart.Fix) tokenChoices {
	switch {
	case f == quickstart.FixUseForm:
		c.Encoding = quickstart.EncodingForm
	case f == quickstart.FixOtherAuth && c.Auth == quickstart.AuthBasic:
		c.Auth = quickstart.AuthInBody
	case f == quickstart.FixOtherAuth:
		c.Auth = quickstart.AuthBasic
	}
	return c
}

// onTokenChoices takes Step 1's new choices, and keeps the client id on
// the device while, and only while, the person asks.
func (p *playground) onTokenChoices(ctx app.Context, edit func(tokenChoices) tokenChoices) {
	was := p.step1.choices
	c := edit(was)
	p.step1.choices = c
	if c.ClientID != was.ClientID {
		p.sess.used()
	}
	switch {
	case c.Remember && (!was.Remember || c.ClientID != was.ClientID):
		ctx.LocalStorage().Set(rememberKey, strings.TrimSpace(c.ClientID))
	case !c.Remember && was.Remember:
		ctx.LocalStorage().Del(rememberKey)
	}
	p.syncURL()
}

// onSecret takes the secret as it is typed: the password field is read,
// never filled from Go.
func (p *playground) onSecret(ctx app.Context, secret string) {
	p.sess.secret, p.sess.secretMade = secret, false
	p.sess.used()
}

// requestToken sends Step 1 through the relay.
func (p *playground) requestToken(ctx app.Context) { p.sendTokenRequest(nil) }

// renewToken gets a new token for Step 2 and then calls resend with it,
// where the person is: Step 2's answer stays until resend replaces it.
// When no token can be requested (no secret in memory any more), or none
// comes, Step 2 says so.
func (p *playground) renewToken(ctx app.Context, resend func(ctx app.Context)) {
	if !p.sendTokenRequest(resend) && p.step1.err != "" {
		p.step2.clear()
		p.step2.err = "The token has expired and a new one cannot be requested: " + p.step1.err + " in Step 1."
	}
}

// sendTokenRequest sends Step 1, and then, with a token, calls then; it
// says whether the request went. Whatever the answer, the previous token
// goes, and Step 2's answer, which it obtained, unless Step 2 is about to
// be sent again.
func (p *playground) sendTokenRequest(then func(ctx app.Context)) bool {
	return p.send(&p.step1.exchange, p.step1.outgoing(p.step1.request(p.env, p.sess.secret)), func(a *quickstart.Answer) {
		p.sess.token = p.step1.answered(a, time.Now())
		if then == nil {
			p.step2.clear()
		}
		if p.sess.token.state == tokenValid {
			p.focus = 2
			p.now = time.Now() // the countdown starts from the arrival, not the last tick
			p.sess.used()
			p.syncURL()
		}
		switch {
		case then == nil:
		case p.sess.token.state == tokenValid:
			then(p.sess.ctx)
		default:
			p.step2.err = "No new token came: see why in Step 1."
		}
	})
}
