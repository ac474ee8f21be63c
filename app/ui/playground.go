package ui

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
	"octoplay/app/snippets"
	"octoplay/app/transcript"
)

// loadStatus is where loading the relay's keys and environments stands.
type loadStatus int

const (
	loadNever loadStatus = iota
	loadLoading
	loadFailed
	loadReady
)

// loadTimeout bounds loading the relay's keys and environments: a fetch the
// browser never settles (a body stalled on a throttled link) would keep the
// page connecting for good, and load refuses to start twice.
const loadTimeout = 20 * time.Second

// rememberKey is where the client id is kept when, and only when, the
// person ticks "remember". Never the secret, never the token.
const rememberKey = "octoplay.client_id"

// playground is the page. It holds the steps' state and composes their
// views, which get what they show and call back; the client secret, the
// token and the way requests go are its session's.
type playground struct {
	app.Compo

	sess    session
	mounted bool
	asked   pageLink   // what the URL the page was opened with asked for
	notice  string     // what of it the page cannot do, and the choices it has
	focus   int        // the step in focus: 1, or 2 once there is a token or a link says so
	early   earlyInput // the prerendered controls, until the mount takes what they hold
	clicked string     // the button clicked before the wasm ran (dom.TakeEarlyClick), until the page can send
	below   belowFold  // what comes after Step 1, rendered after the first paint

	status    loadStatus
	loadErr   string
	reconnect reconnecting // the way back when the server cannot be reached
	envs      []quickstart.Environment
	env       quickstart.Environment

	step0 exchange // Step 0, the sandbox's create-client
	made  string   // what Step 0 made, in a line: never the secret
	step1 tokenStep
	step2 apiStep

	now time.Time
}

// OnInit keeps the prerendered form controls before go-app replaces them,
// and what of the page comes after Step 1 (belowFold).
func (p *playground) OnInit() {
	p.early = keepEarlyInput()
	p.below = keepBelowFold()
}

// OnNav reads the link (pageLink). It also runs while the server
// prerenders, so the first paint shows the choices the page starts with,
// and it does nothing that needs a browser.
func (p *playground) OnNav(ctx app.Context) {
	p.follow(ctx.Page().URL())
}

// follow reads the link in u: the environment, the step, the choices of
// both requests and the layout. Nothing else in the URL, a credential above
// all, is ever read. Its choices become the page's the first time only: a
// later navigation keeps what the person chose and the token they have.
func (p *playground) follow(u *url.URL) {
	l := parseLink(u.Query())
	p.asked, p.focus = l, 1
	if l.Step == 2 {
		p.focus = 2
	}
	if p.step1.choices.Auth == "" {
		p.step1.choices = tokenChoices{Source: l.Profile, Auth: l.Auth, Encoding: l.Encoding}
		p.step2.choices = apiChoices{Method: l.Method, Path: l.Path, Property: l.Property, ContentType: quickstart.ContentJSON}
		p.sess.token.state = tokenNone
	}
}

// OnMount starts what needs a browser: the address bar cleaned of what a
// link must not hold, the remembered client id and what was typed before
// the wasm ran, the relay, the clock of the countdowns and the idle wipe,
// and in a frame, the height reports. Its context is the one every request
// of the page is sent and answered on, as the playground stays mounted
// whichever view asked.
func (p *playground) OnMount(ctx app.Context) {
	p.mounted, p.sess.ctx = true, ctx
	p.now = time.Now()
	p.follow(ctx.Page().URL()) // in a browser, OnNav comes after OnMount
	p.syncURL()
	var remembered string
	if ctx.LocalStorage().Get(rememberKey, &remembered) == nil && remembered != "" {
		p.step1.choices.ClientID, p.step1.choices.Remember = remembered, true
	}
	p.takeEarlyInput(ctx)
	p.clicked = dom.TakeEarlyClick()
	if !p.below.shown {
		p.below.standIn()
		dom.AfterPaint(ctx, p.showBelowFold)
	}
	if p.asked.Embed {
		dom.ReportHeight()
	}
	p.load()
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

// load fetches the relay's keys and environments, once at a time. The
// keys are fetched again by the relay client when the relay refuses them,
// so the page loads them once.
func (p *playground) load() {
	if p.status == loadLoading || p.status == loadReady {
		return
	}
	p.status, p.loadErr = loadLoading, ""
	ctx := p.sess.ctx
	ctx.Async(func() {
		loading, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		relay, envs, err := loadRelay(loading)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.status, p.loadErr = loadFailed, err.Error()
				if errors.Is(err, dom.ErrUnreachable) || p.reconnect.down {
					p.reconnect.serverDown(time.Now())
				}
				return
			}
			p.reconnect.reconnected()
			p.sess.relay, p.envs, p.status = relay, envs, loadReady
			p.selectEnv(p.asked.Env)
			p.notice = linkNotice(p.asked, p.envs, p.env)
			p.doEarlyClick(ctx)
			if p.focus == 2 {
				// A link to Step 2: show it once the page is whole, and put
				// the focus on its heading, so that the first Tab goes on in
				// Step 2 and a screen reader reads from there; Step 1 stays a
				// scroll away. A person who already went somewhere keeps it.
				ctx.ScrollTo(IDStep2)
				ctx.Defer(func(app.Context) { dom.FocusUnlessTaken(IDStep2Title) })
			}
		})
	})
}

// selectEnv switches environment; the token of another environment is no
// use here, so it goes, with both steps' answers.
func (p *playground) selectEnv(name string) {
	p.env = p.envs[0]
	for _, e := range p.envs {
		if e.Name == name {
			p.env = e
		}
	}
	if p.step1.choices.Source != "" && !p.env.HasProfile(p.step1.choices.Source) {
		p.step1.choices.Source = ""
	}
	p.dropToken()
	p.step0.clear()
	p.step1.clear()
	p.step2.createdID, p.step2.createdIDs = "", nil
	p.step2.inbox.clear()
	p.step2.deliveries = nil
	p.syncURL()
}

// tick moves the countdowns and wipes what was left unused too long. It
// says whether the page shows anything new: without a token or a wait
// there is nothing to count down, and re-rendering the whole page each
// second would only spend a phone's battery.
func (p *playground) tick(now time.Time) bool {
	waited := p.step1.waiting(p.now) > 0 || p.step2.waiting(p.now) > 0
	p.now = now
	held := p.sess.token.token.AccessToken != ""
	changed := held || waited || p.reconnect.down // a countdown moves, or a wait ended
	if p.reconnect.due(now) {
		p.tryReconnect()
	}
	if p.sess.token.state == tokenValid && p.sess.token.token.Expired(now) {
		p.sess.token.state = tokenExpired
	}
	if p.sess.idle(now) {
		p.forget()
		changed = true
	}
	return changed
}

// forget ends the visit: the session's secret, token, history and
// transcript (session.wipe), and every answer that held a secret.
func (p *playground) forget() {
	p.sess.wipe()
	p.made = ""
	p.step0.clear()
	p.dropToken()
	p.step1.clear()
	clearSecretInput()
}

// dropToken forgets the token and Step 2's answer, which it obtained.
func (p *playground) dropToken() {
	p.sess.token = heldToken{state: tokenNone}
	p.step2.clear()
}

// clearSecretInput empties the password field, which the page never fills
// from Go: the secret is only ever read from it.
func clearSecretInput() { dom.ClearValue(IDClientSecret) }

func (p *playground) Render() app.UI {
	embed := p.asked.Embed
	class := []string{"page"}
	if embed {
		class = append(class, "embed")
	}
	if p.asked.Theme != "" {
		class = append(class, "theme-"+p.asked.Theme)
	}
	state1, state2 := p.stepStates()
	body := []app.UI{
		app.If(embed, func() app.UI {
			return &pageHeader{Envs: p.envs, Selected: p.env.Name, OnSelect: p.onSelectEnv, Compact: true}
		}),
		p.renderStatus(),
		&stepper{Step1: state1, Step2: state2, Current: p.focus, OnGo: p.onGoToStep},
		&tokenStepView{
			Env: p.env, Choices: p.step1.choices, SecretSpaced: quickstart.SpaceAround(p.sess.secret), Compact: embed,
			OnChange: p.onTokenChoices, OnSecret: p.onSecret,
			Step0:          step0Offer{Offered: p.offersCreateClient(), Busy: p.step0.busy, Made: p.made, Err: p.step0.err, SecretMade: p.sess.secretMade && p.sess.secret != ""},
			OnCreateClient: p.createClient,
			Snippets:       p.snippetCodes(snippets.Step1),
			StepExchange:   p.step1Exchange(),
		},
		p.sess.renderToken(p.now, func(ctx app.Context, e app.Event) { p.requestToken(ctx) }),
	}
	if p.below.shown {
		body = append(body, p.renderBelowFold(embed)...)
	} else {
		// An element of another kind than Step 2's first: go-app replaces
		// it, stand-in and all, rather than fill it.
		body = append(body, app.Div().ID(IDBelowFold))
	}
	return app.Div().Class(class...).Body(
		app.If(!embed, func() app.UI {
			return &pageHeader{Envs: p.envs, Selected: p.env.Name, OnSelect: p.onSelectEnv}
		}),
		app.Main().ID(IDPlayground).DataSet("mounted", p.mounted).Body(body...),
	)
}

// renderBelowFold is what comes after Step 1.
func (p *playground) renderBelowFold(embed bool) []app.UI {
	return []app.UI{
		&apiStepView{
			Env: p.env, Choices: p.step2.choices, CreatedID: p.step2.createdID, CreatedIDs: p.step2.createdIDs, AutoRenew: p.step2.autoRenew,
			OnChange: p.onAPIChoices, OnAutoRenew: p.onAutoRenew,
			TokenProperty: p.sess.tokenPropertyID(),
			Snippets:      p.snippetCodes(snippets.Step2),
			StepExchange:  p.step2Exchange(),
		},
		p.inboxView(),
		app.If(!embed, func() app.UI { return &historyList{Entries: p.sess.history} }),
		app.If(!embed, func() app.UI {
			return &transcriptView{Count: len(p.sess.transcript), Feedback: p.sess.exported,
				OnHAR:      func(ctx app.Context, e app.Event) { p.sess.exportTranscript(ctx, transcript.ExtHAR) },
				OnMarkdown: func(ctx app.Context, e app.Event) { p.sess.exportTranscript(ctx, transcript.ExtMarkdown) },
			}
		}),
		app.P().Class("forget").Body(
			app.Button().ID(IDForget).Type("button").Text("Forget secret and token").OnClick(p.onForget),
			app.Span().Class("hint").Text(" Both are kept only in this tab's memory and wiped after 15 minutes without use, with the transcript."),
		),
	}
}

// unavailable says why nothing can be sent yet: "" once the relay's keys
// are in.
func (p *playground) unavailable() string {
	switch {
	case p.reconnect.down:
		return "The playground's server cannot be reached: see above."
	case p.status == loadFailed:
		return "The relay could not be reached: see above."
	case p.status != loadReady:
		// The same words before the wasm runs and once it has mounted,
		// until the relay's keys are in: the mount paints nothing anew.
		return "Loading the playground…"
	}
	return ""
}

// unavailableWithoutToken is unavailable, and for Step 2 a token to send.
func (p *playground) unavailableWithoutToken() string {
	if why := p.unavailable(); why != "" {
		return why
	}
	if p.sess.token.token.AccessToken == "" {
		return "Get a token in Step 1 first."
	}
	return ""
}

// renderStatus is the page's status line, in an element that is always
// there: go-app matches an element's children by their position, so a
// child that comes and goes would make it rebuild every one after it.
func (p *playground) renderStatus() app.UI {
	return app.Div().ID(IDPageStatus).Body(p.statusLine())
}

func (p *playground) statusLine() app.UI {
	switch {
	case p.reconnect.down:
		return app.Div().ID(IDReconnecting).Class("alert").Role("status").Body(
			app.Text(p.reconnect.say(p.now)+" "),
			app.Button().ID(IDReconnectNow).Type("button").Text("Try now").OnClick(func(ctx app.Context, e app.Event) { p.tryReconnect() }),
		)
	case p.reconnect.back:
		return app.P().ID(IDReconnected).Class("hint").Role("status").Text("The playground's server is back: send when you are ready.")
	case p.status == loadFailed:
		return app.Div().Class("alert").Role("alert").Body(
			app.Text("The relay could not be reached: "+p.loadErr+". "),
			app.Button().Type("button").Text("Try again").OnClick(func(ctx app.Context, e app.Event) { p.load() }),
		)
	case p.notice != "":
		return app.P().ID(IDLinkNotice).Class("alert").Role("alert").Text(p.notice)
	case p.status == loadReady:
		return nil
	}
	return app.P().Class("hint").Aria("live", "polite").Text(p.unavailable())
}

// stepStates are the stepper's states of Step 1 and Step 2.
func (p *playground) stepStates() (step1, step2 string) {
	switch {
	case p.sess.token.state == tokenValid:
		step1 = "done"
	case p.step1.busy:
		step1 = "busy"
	case p.sess.token.state == tokenError || p.sess.token.state == tokenExpired:
		step1 = "attention"
	default:
		step1 = "todo"
	}
	x := p.step2.exchange
	switch {
	case x.busy:
		step2 = "busy"
	case x.answer != nil && x.explain == nil:
		step2 = "done"
	case x.answer != nil || x.err != "":
		step2 = "attention"
	case p.sess.token.state != tokenValid:
		step2 = "locked"
	default:
		step2 = "todo"
	}
	return step1, step2
}

func (p *playground) onSelectEnv(ctx app.Context, name string) {
	p.selectEnv(name)
	p.notice = ""
}

// step1Exchange is Step 1's exchange, with the way on to Step 2 once it
// brought a token.
func (p *playground) step1Exchange() StepExchange {
	x := p.stepExchange(&p.step1.exchange, p.step1.request(p.env, p.sess.secret).Preview(), p.unavailable(), p.requestToken,
		func(ctx app.Context) { p.applyFix(ctx, &p.step1.exchange, p.requestToken) })
	if p.sess.token.state == tokenValid {
		x.Next, x.OnNext = "Next: call the API", func(ctx app.Context) { p.onGoToStep(ctx, 2) }
	}
	return x
}

// onGoToStep brings a step into view and the focus to its heading, where
// a screen reader reads on from.
func (p *playground) onGoToStep(ctx app.Context, step int) {
	p.focus = step
	p.syncURL()
	id := IDStep1Title
	if step == 2 {
		id = IDStep2Title
	}
	dom.Focus(id)
}

func (p *playground) onForget(ctx app.Context, e app.Event) {
	p.forget()
}
