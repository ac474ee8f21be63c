package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/internal/wire"
)

// idleWipe is how long the secret and the token stay in memory without use.
const idleWipe = 15 * time.Minute

// loadStatus is where loading the relay's keys and environments stands.
type loadStatus int

const (
	loadNever loadStatus = iota
	loadLoading
	loadFailed
	loadReady
)

// Token states, as #token-status's data-state shows them.
const (
	tokenNone    = "none"
	tokenValid   = "valid"
	tokenExpired = "expired"
	tokenError   = "error"
)

// rememberKey is where the client id is kept when, and only when, the
// person ticks "remember". Never the secret, never the token.
const rememberKey = "octoplay.client_id"

// playground is the page. It owns every piece of state; the components it
// renders get what they show and call back when something happens. The
// client secret and the token live only in its unexported fields, in
// memory, until Forget or idleWipe.
type playground struct {
	app.Compo

	mounted bool
	embed   bool
	wantEnv string
	step    int

	status  loadStatus
	loadErr string
	relay   *relayClient
	envs    []quickstart.Environment
	env     quickstart.Environment

	source     string // "" for my own credentials, else a profile name
	clientID   string
	rememberID bool
	secret     string
	showSecret bool
	auth       quickstart.AuthStyle
	encoding   quickstart.Encoding

	tokenBusy    bool
	tokenAnswer  *quickstart.Answer
	tokenExplain *quickstart.Explanation
	tokenErr     string
	token        quickstart.Token
	tokenState   string
	revealed     bool

	method   string
	path     string
	property string

	apiBusy    bool
	apiAnswer  *quickstart.Answer
	apiExplain *quickstart.Explanation
	apiErr     string

	history []historyEntry
	lastUse time.Time
	now     time.Time
}

// OnNav reads the deep link: ?env=sandbox&step=2&embed=1. Anything else in
// the URL, a credential included, is never read. It also runs while the
// server prerenders, so it does nothing that needs a browser.
func (p *playground) OnNav(ctx app.Context) {
	q := ctx.Page().URL().Query()
	p.wantEnv = q.Get("env")
	p.step = 1
	if q.Get("step") == "2" {
		p.step = 2
	}
	p.embed = q.Get("embed") == "1"
	if p.auth == "" {
		// First visit only: a later navigation (a link to #step2) keeps
		// what the person chose and the token they have.
		p.auth, p.encoding, p.method, p.path, p.tokenState = quickstart.AuthInBody, quickstart.EncodingForm, "GET", wire.APIBase, tokenNone
	}
}

func (p *playground) OnMount(ctx app.Context) {
	p.mounted = true
	p.now = time.Now()
	var remembered string
	if ctx.LocalStorage().Get(rememberKey, &remembered) == nil && remembered != "" {
		p.clientID, p.rememberID = remembered, true
	}
	p.load(ctx)
	ctx.Async(func() {
		ticker := time.NewTicker(time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-ticker.C:
				ctx.Dispatch(func(ctx app.Context) {
					if !p.tick(now) {
						ctx.PreventUpdate()
					}
				})
			}
		}
	})
}

// load fetches the relay's keys and environments, once at a time.
func (p *playground) load(ctx app.Context) {
	if p.status == loadLoading {
		return
	}
	p.status, p.loadErr = loadLoading, ""
	ctx.Async(func() {
		relay, envs, err := loadRelay(ctx)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.status, p.loadErr = loadFailed, err.Error()
				return
			}
			p.relay, p.envs, p.status = relay, envs, loadReady
			p.selectEnv(p.wantEnv)
			if p.step == 2 {
				// A deep link to Step 2: show it once the page is whole;
				// Step 1 stays a scroll away.
				ctx.ScrollTo("step2")
			}
		})
	})
}

// selectEnv switches environment; the token of another environment is no
// use here, so it goes.
func (p *playground) selectEnv(name string) {
	p.env = p.envs[0]
	for _, e := range p.envs {
		if e.Name == name {
			p.env = e
		}
	}
	if p.source != "" && !p.env.HasProfile(p.source) {
		p.source = ""
	}
	p.dropToken()
}

// tick moves the countdown and wipes what was left unused too long.
// It says whether the page shows anything new: without a token there is
// no countdown, and re-rendering the whole page each second would only
// spend a phone's battery.
func (p *playground) tick(now time.Time) bool {
	p.now = now
	changed := p.token.AccessToken != "" // the countdown moves
	if p.tokenState == tokenValid && p.token.Expired(now) {
		p.tokenState = tokenExpired
	}
	if (p.secret != "" || p.token.AccessToken != "") && now.Sub(p.lastUse) > idleWipe {
		p.forget()
		changed = true
	}
	return changed
}

func (p *playground) used() { p.lastUse = time.Now() }

// forget wipes the secret, the token and every answer that held them.
func (p *playground) forget() {
	p.secret = ""
	p.dropToken()
	p.tokenAnswer, p.tokenExplain, p.tokenErr = nil, nil, ""
	clearSecretInput()
}

func (p *playground) dropToken() {
	p.token, p.tokenState, p.revealed = quickstart.Token{}, tokenNone, false
	p.apiAnswer, p.apiExplain, p.apiErr = nil, nil, ""
}

// clearSecretInput empties the password field, which the page never fills
// from Go: the secret is only ever read from it.
func clearSecretInput() {
	if el := app.Window().GetElementByID("client-secret"); el.Truthy() {
		el.Set("value", "")
	}
}

func (p *playground) tokenRequest() quickstart.TokenRequest {
	return quickstart.TokenRequest{
		Env: p.env, Profile: p.source, ClientID: p.clientID, ClientSecret: p.secret,
		Auth: p.auth, Encoding: p.encoding,
	}
}

func (p *playground) apiRequest() quickstart.APIRequest {
	return quickstart.APIRequest{Env: p.env, Method: p.method, Path: p.path, Property: p.property, Token: p.token.AccessToken}
}

func (p *playground) Render() app.UI {
	class := "page"
	if p.embed {
		class += " embed"
	}
	return app.Div().Class(class).Body(
		app.If(!p.embed, func() app.UI {
			return &pageHeader{Envs: p.envs, Selected: p.env.Name, OnSelect: p.onSelectEnv}
		}),
		app.Main().ID("playground").DataSet("mounted", p.mounted).Body(
			app.If(p.embed, func() app.UI {
				return &pageHeader{Envs: p.envs, Selected: p.env.Name, OnSelect: p.onSelectEnv, Compact: true}
			}),
			p.renderStatus(),
			&stepper{Step1: p.step1State(), Step2: p.step2State(), Current: p.step},
			p.renderStep1(),
			p.renderToken(),
			p.renderStep2(),
			app.If(!p.embed, func() app.UI { return &historyList{Entries: p.history} }),
			app.P().Class("forget").Body(
				app.Button().ID("forget").Type("button").Text("Forget secret and token").OnClick(p.onForget),
				app.Span().Class("hint").Text(" Both are kept only in this tab's memory and wiped after 15 minutes without use."),
			),
		),
	)
}

func (p *playground) renderStatus() app.UI {
	switch p.status {
	case loadFailed:
		return app.Div().Class("alert").Role("alert").Body(
			app.Text("The relay could not be reached: "+p.loadErr+". "),
			app.Button().Type("button").Text("Try again").OnClick(func(ctx app.Context, e app.Event) { p.load(ctx) }),
		)
	case loadReady:
		return nil
	default:
		return app.P().Class("hint").Aria("live", "polite").Text("Connecting to the relay…")
	}
}

func (p *playground) step1State() string {
	switch {
	case p.tokenState == tokenValid:
		return "done"
	case p.tokenBusy:
		return "busy"
	case p.tokenState == tokenError || p.tokenState == tokenExpired:
		return "attention"
	default:
		return "todo"
	}
}

func (p *playground) step2State() string {
	switch {
	case p.apiBusy:
		return "busy"
	case p.apiAnswer != nil && p.apiExplain == nil:
		return "done"
	case p.apiAnswer != nil || p.apiErr != "":
		return "attention"
	case p.tokenState != tokenValid:
		return "locked"
	default:
		return "todo"
	}
}

func (p *playground) onSelectEnv(ctx app.Context, name string) {
	p.selectEnv(name)
}

func (p *playground) onForget(ctx app.Context, e app.Event) {
	p.forget()
}

// addHistory records a request of this visit, without secrets: the URL
// has none (the playground never puts one there) and nothing else is kept.
func (p *playground) addHistory(method, url string, a *quickstart.Answer, failure string) {
	h := historyEntry{Method: method, URL: url, At: time.Now().Format("15:04:05"), Failure: failure}
	if a != nil {
		h.Status, h.Duration = a.Status, a.Duration.Round(time.Millisecond).String()
	}
	p.history = append([]historyEntry{h}, p.history...)
	if len(p.history) > 50 {
		p.history = p.history[:50]
	}
}
