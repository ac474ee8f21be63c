package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
)

// renderStep1 is Step 1, the client credentials grant. It is rendered by
// the playground itself, which owns the secret: the secret never passes
// through another component's fields, and the password input is never
// filled from Go, only read.
func (p *playground) renderStep1() app.UI {
	r := p.tokenRequest()
	own := p.source == ""
	return app.Section().ID("step1").Class("card", "step").Body(
		app.H2().Text("Step 1: request an access token"),
		app.Ol().Class("points").Body(
			app.Li().Text("Your application identifies itself with the client id and client secret OctoTable gave you."),
			app.Li().Text("It POSTs them with grant_type=client_credentials to the token endpoint and gets an access token of type Bearer."),
			app.Li().Text("It sends that token in the Authorization header of every API call until the token expires."),
		),
		app.If(len(p.env.Profiles) > 0, func() app.UI {
			return field("source", "Credentials",
				app.Select().ID("source").OnChange(p.onSource).Body(
					app.Option().Value("").Selected(own).Text("My own client id and secret"),
					app.Range(p.env.Profiles).Slice(func(i int) app.UI {
						name := p.env.Profiles[i]
						return app.Option().Value(name).Selected(p.source == name).Text("Server profile: " + name)
					}),
				), "A server profile's credentials are kept on the server, which adds them to the request: nothing to type.")
		}),
		app.If(own, func() app.UI {
			return app.Div().Body(
				field("client-id", "Client id",
					app.Input().ID("client-id").Type("text").AutoComplete(false).Spellcheck(false).
						Value(p.clientID).OnInput(p.onClientID), ""),
				app.Div().Class("check").Body(
					app.Input().ID("remember-id").Type("checkbox").Checked(p.rememberID).OnChange(p.onRemember),
					app.Label().For("remember-id").Text("Remember my client id on this device (never the secret)"),
				),
				field("client-secret", "Client secret",
					app.Div().Class("secret-row").Body(
						app.Input().ID("client-secret").Type(p.secretInputType()).AutoComplete(false).Spellcheck(false).
							Attr("autocomplete", "off").OnInput(p.onSecret),
						app.Button().ID("show-secret").Type("button").Aria("controls", "client-secret").
							Aria("pressed", p.showSecret).Text(showHide(p.showSecret)).OnClick(p.onShowSecret),
					), "Kept in this tab's memory only, sealed before it leaves the browser."),
			)
		}),
		app.Div().Class("row").Body(
			field("auth-style", "Client authentication",
				app.Select().ID("auth-style").OnChange(p.onAuth).Body(
					app.Option().Value(string(quickstart.AuthInBody)).Selected(p.auth == quickstart.AuthInBody).Text("In the body (client_id, client_secret)"),
					app.Option().Value(string(quickstart.AuthBasic)).Selected(p.auth == quickstart.AuthBasic).Text("HTTP Basic (Authorization header)"),
				), ""),
			field("encoding", "Body encoding",
				app.Select().ID("encoding").OnChange(p.onEncoding).Body(
					app.Option().Value(string(quickstart.EncodingForm)).Selected(p.encoding == quickstart.EncodingForm).Text("Form, as in the quickstart's curl"),
					app.Option().Value(string(quickstart.EncodingJSON)).Selected(p.encoding == quickstart.EncodingJSON).Text("JSON, as in the quickstart's table"),
				), ""),
		),
		p.renderExchange(exchange{
			step: "step1", previewLabel: "Token request preview", preview: r.Preview(),
			buttonID: "request-token", idle: "Request token", working: "Requesting…", onClick: p.onRequestToken,
			busy: p.tokenBusy, err: p.tokenErr, answer: p.tokenAnswer, explain: p.tokenExplain, onFix: p.applyTokenFix,
		}),
		p.renderSnippets(snippets.Step1),
	)
}

// exchange is what both steps show around a request: its preview, the
// button that sends it, and the answer or what went wrong.
type exchange struct {
	step, previewLabel, preview string
	buttonID, idle, working     string
	onClick                     app.EventHandler
	busy                        bool
	err                         string
	answer                      *quickstart.Answer
	explain                     *quickstart.Explanation
	onFix                       func(ctx app.Context)
}

func (p *playground) renderExchange(x exchange) app.UI {
	return app.Div().Class("exchange").Body(
		app.H3().Text("What goes to OctoTable"),
		app.Pre().ID(x.step+"-preview").Class("wire").Aria("label", x.previewLabel).Text(x.preview),
		app.Button().ID(x.buttonID).Type("button").Class("primary").Disabled(x.busy || p.status != loadReady).
			Aria("busy", x.busy).Text(busyText(x.busy, x.idle, x.working)).OnClick(x.onClick),
		app.Div().Aria("live", "polite").Body(
			app.If(x.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(x.err) }),
			app.If(x.answer != nil, func() app.UI {
				a := x.answer
				return &answerView{
					StatusID: x.step + "-status", Status: a.Status, Headers: a.HeaderText(),
					Body: a.PrettyBody(p.token.AccessToken), Duration: a.Duration.Round(time.Millisecond).String(),
					Explanation: x.explain, FixLabel: p.fixLabel(x.explain), OnFix: x.onFix,
				}
			}),
		),
	)
}

// field is a labelled form control with an optional hint.
func field(id, label string, control app.UI, hint string) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		control,
		app.If(hint != "", func() app.UI { return app.P().Class("hint").Text(hint) }),
	)
}

func busyText(busy bool, idle, working string) string {
	if busy {
		return working
	}
	return idle
}

func showHide(shown bool) string {
	if shown {
		return "Hide"
	}
	return "Show"
}

func (p *playground) secretInputType() string {
	if p.showSecret {
		return "text"
	}
	return "password"
}

func (p *playground) onSource(ctx app.Context, e app.Event) {
	p.source = ctx.JSSrc().Get("value").String()
}

func (p *playground) onClientID(ctx app.Context, e app.Event) {
	p.clientID = ctx.JSSrc().Get("value").String()
	p.used()
	if p.rememberID {
		ctx.LocalStorage().Set(rememberKey, strings.TrimSpace(p.clientID))
	}
}

func (p *playground) onRemember(ctx app.Context, e app.Event) {
	p.rememberID = ctx.JSSrc().Get("checked").Bool()
	if p.rememberID {
		ctx.LocalStorage().Set(rememberKey, strings.TrimSpace(p.clientID))
		return
	}
	ctx.LocalStorage().Del(rememberKey)
}

func (p *playground) onSecret(ctx app.Context, e app.Event) {
	p.secret = ctx.JSSrc().Get("value").String()
	p.used()
}

func (p *playground) onShowSecret(ctx app.Context, e app.Event) {
	p.showSecret = !p.showSecret
}

func (p *playground) onAuth(ctx app.Context, e app.Event) {
	p.auth = quickstart.AuthStyle(ctx.JSSrc().Get("value").String())
}

func (p *playground) onEncoding(ctx app.Context, e app.Event) {
	p.encoding = quickstart.Encoding(ctx.JSSrc().Get("value").String())
}

func (p *playground) onRequestToken(ctx app.Context, e app.Event) {
	p.requestToken(ctx)
}

// requestToken sends Step 1 through the relay, once at a time.
func (p *playground) requestToken(ctx app.Context) {
	if p.tokenBusy || p.relay == nil {
		return
	}
	r := p.tokenRequest()
	req, err := r.Build(time.Now())
	if err != nil {
		p.tokenErr = err.Error()
		return
	}
	p.used()
	p.tokenBusy, p.tokenErr = true, ""
	relay := p.relay
	ctx.Async(func() {
		a, err := relay.send(ctx, req)
		ctx.Dispatch(func(ctx app.Context) { p.tokenAnswered(r, a, err) })
	})
}

func (p *playground) tokenAnswered(r quickstart.TokenRequest, a quickstart.Answer, err error) {
	p.tokenBusy = false
	p.dropToken()
	if err != nil {
		p.tokenAnswer, p.tokenExplain = nil, nil
		p.tokenErr, p.tokenState = "The request could not be relayed: "+err.Error()+". Check your connection and try again.", tokenError
		p.addHistory("POST", r.Env.TokenURL, nil, "not relayed")
		return
	}
	p.tokenAnswer = &a
	p.addHistory("POST", r.Env.TokenURL, &a, "")
	if p.tokenExplain = quickstart.ExplainToken(a, r); p.tokenExplain != nil {
		p.tokenState = tokenError
		return
	}
	tok, err := quickstart.ParseToken(a.Body, time.Now())
	if err != nil {
		p.tokenErr, p.tokenState = "The answer is not a token: "+err.Error()+".", tokenError
		return
	}
	p.token, p.tokenState, p.step = tok, tokenValid, 2
	p.now = time.Now() // the countdown starts from the arrival, not the last tick
	p.used()
}

// fixLabel names the one-click fix an explanation offers.
func (p *playground) fixLabel(e *quickstart.Explanation) string {
	if e == nil {
		return ""
	}
	switch e.Fix {
	case quickstart.FixUseForm:
		return "Switch to form encoding and retry"
	case quickstart.FixOtherAuth:
		if p.auth == quickstart.AuthBasic {
			return "Use authentication in the body"
		}
		return "Use HTTP Basic authentication"
	case quickstart.FixNewToken:
		return "Request a new token"
	case quickstart.FixReloadKeys:
		return "Reload the relay's keys"
	}
	return ""
}

func (p *playground) applyTokenFix(ctx app.Context) {
	if p.tokenExplain != nil {
		p.applyFix(ctx, p.tokenExplain.Fix)
	}
}

// applyFix does what fixLabel promised. Switching the authentication
// style does not resend: the person decides to send the secret again.
func (p *playground) applyFix(ctx app.Context, fix quickstart.Fix) {
	switch fix {
	case quickstart.FixUseForm:
		p.encoding = quickstart.EncodingForm
		p.requestToken(ctx)
	case quickstart.FixOtherAuth:
		if p.auth == quickstart.AuthBasic {
			p.auth = quickstart.AuthInBody
		} else {
			p.auth = quickstart.AuthBasic
		}
		p.tokenExplain = nil
	case quickstart.FixNewToken:
		p.requestToken(ctx)
		ctx.ScrollTo("step1")
	case quickstart.FixReloadKeys:
		p.status = loadNever
		p.load(ctx)
	}
}
