package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
)

// earlyInput are the prerendered page's form controls. The server's page
// shows them long before the wasm runs (seconds on a slow link), and go-app
// replaces every prerendered element with its own when the playground
// mounts: what a person typed there would be wiped. The playground keeps
// the old controls from before the replacement (OnInit) and takes what was
// typed into them once it runs (OnMount).
type earlyInput []dom.Control

// earlyControls are the ids of the controls the prerendered page offers.
var earlyControls = []string{
	IDClientID, IDClientSecret, IDRememberID, IDAuthStyle, IDEncoding,
	IDStep2Method, IDStep2Path, IDStep2Property, IDStep2ContentType, IDStep2Body,
}

// keepEarlyInput finds the prerendered controls; none outside a browser.
func keepEarlyInput() earlyInput { return dom.KeepControls(earlyControls) }

// takeEarlyInput makes what was typed before the wasm ran the page's
// choices. The secret goes into memory as onSecret would take it, and from
// the old field to the new one inside the browser; the old field is then
// emptied. The controls below the fold stay in sight until the rest of the
// page is rendered (belowFold), which takes them again then.
func (p *playground) takeEarlyInput(ctx app.Context) {
	p.takeInput(ctx, p.early)
}

// takeInput makes what was typed into the given prerendered controls the
// page's choices.
func (p *playground) takeInput(ctx app.Context, controls earlyInput) {
	c1, c2 := p.step1.choices, p.step2.choices
	for _, c := range controls {
		if !c.Edited() {
			continue
		}
		switch id := c.ID(); id {
		case IDClientSecret:
			p.onSecret(ctx, c.Value())
			c.MoveValue()
		default:
			c1, c2 = c1.with(id, c.Value(), c.Checked()), c2.with(id, c.Value())
		}
	}
	p.onTokenChoices(ctx, func(tokenChoices) tokenChoices { return c1 })
	p.onAPIChoices(ctx, func(apiChoices) apiChoices { return c2 })
}

// doEarlyClick does the click made before the wasm ran (dom.TakeEarlyClick),
// once the relay is loaded and the page can send.
func (p *playground) doEarlyClick(ctx app.Context) {
	id := p.clicked
	p.clicked = ""
	switch id {
	case IDRequestToken:
		p.requestToken(ctx)
	case IDSend:
		p.sendAPI(ctx)
	}
}
