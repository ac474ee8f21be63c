package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// earlyInput are the prerendered page's form controls. The server's page
// shows them long before the wasm runs (seconds on a slow link), and go-app
// replaces every prerendered element with its own when the playground
// mounts: what a person typed there would be wiped. The playground keeps
// the old controls from before the replacement (OnInit) and takes what was
// typed into them once it runs (OnMount).
type earlyInput []app.Value

// earlyControls are the ids of the controls the prerendered page offers.
var earlyControls = []string{
	IDClientID, IDClientSecret, IDRememberID, IDAuthStyle, IDEncoding,
	IDStep2Method, IDStep2Path, IDStep2Property, IDStep2ContentType, IDStep2Body,
}

// keepEarlyInput finds the prerendered controls; nil outside a browser.
func keepEarlyInput() earlyInput {
	if app.IsServer {
		return nil
	}
	var kept earlyInput
	for _, id := range earlyControls {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			kept = append(kept, el)
		}
	}
	return kept
}

// edited says whether a person changed the control from what the page
// came with.
func edited(el app.Value) bool {
	switch {
	case el.Get("type").String() == "checkbox":
		return el.Get("checked").Bool() != el.Get("defaultChecked").Bool()
	case el.Get("tagName").String() == "SELECT":
		options := el.Get("options")
		for i := 0; i < options.Length(); i++ {
			if o := options.Index(i); o.Get("defaultSelected").Bool() {
				return !o.Get("selected").Bool()
			}
		}
		return el.Get("selectedIndex").Int() > 0
	default:
		return el.Get("value").String() != el.Get("defaultValue").String()
	}
}

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
	for _, el := range controls {
		if !edited(el) {
			continue
		}
		id := el.Get("id").String()
		switch id {
		case IDClientSecret:
			p.onSecret(ctx, el.Get("value").String())
			if field := app.Window().GetElementByID(id); field.Truthy() {
				field.Set("value", el.Get("value"))
			}
			el.Set("value", "")
		default:
			value, checked := el.Get("value").String(), el.Get("checked").Truthy()
			c1, c2 = c1.with(id, value, checked), c2.with(id, value)
		}
	}
	p.onTokenChoices(ctx, func(tokenChoices) tokenChoices { return c1 })
	p.onAPIChoices(ctx, func(apiChoices) apiChoices { return c2 })
}

// earlyClick is the id of the button (Request token or Send) clicked
// before the wasm ran, as loader.js marks it on the root element; ""
// when none was. The mark is taken away: the click is done once.
func earlyClick() string {
	if app.IsServer {
		return ""
	}
	root := app.Window().Get("document").Get("documentElement")
	id := root.Get("dataset").Get("earlyClick")
	if !id.Truthy() {
		return ""
	}
	root.Call("removeAttribute", "data-early-click")
	return id.String()
}

// doEarlyClick does the click made before the wasm ran, once the relay is
// loaded and the page can send.
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
