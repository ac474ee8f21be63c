package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
)

// shownExchange is what a step shows of its exchange.
type shownExchange struct {
	Busy        bool
	Err         string       // what stopped the request, before or on the way
	Answer      *shownAnswer // nil until one came
	Explanation *quickstart.Explanation
	FixLabel    string
}

// StepExchange is what a step's view gets for its exchange, and hands on
// to exchangeView: the same for both steps.
type StepExchange struct {
	Preview string // the request as it goes, the secret and the token masked
	Ready   bool   // the relay's keys are in
	Shown   shownExchange
	OnSend  func(ctx app.Context)
	OnFix   func(ctx app.Context)
}

// view is the exchange's view for a step, its ids prefixed with step.
func (x StepExchange) view(step, previewLabel, buttonID, idle, working string) *exchangeView {
	return &exchangeView{Step: step, PreviewLabel: previewLabel, ButtonID: buttonID, Idle: idle, Working: working, StepExchange: x}
}

// exchangeView is what both steps show around their request: the request
// as it goes to OctoTable, the button that sends it, and then the answer
// or what went wrong.
type exchangeView struct {
	app.Compo

	Step         string // "step1" or "step2": the ids' prefix
	PreviewLabel string
	ButtonID     string
	Idle         string // the button's text
	Working      string // and while the request is on its way
	StepExchange
}

func (x *exchangeView) Render() app.UI {
	text := x.Idle
	if x.Shown.Busy {
		text = x.Working
	}
	return app.Div().Class("exchange").Body(
		app.H3().Text("What goes to OctoTable"),
		app.Pre().ID(x.Step+"-preview").Class("wire").Aria("label", x.PreviewLabel).Text(x.Preview),
		app.Button().ID(x.ButtonID).Type("button").Class("primary").Disabled(x.Shown.Busy || !x.Ready).
			Aria("busy", x.Shown.Busy).Text(text).OnClick(x.onSend),
		app.Div().Aria("live", "polite").Body(
			app.If(x.Shown.Err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(x.Shown.Err) }),
			app.If(x.Shown.Answer != nil, func() app.UI {
				return &answerView{
					StatusID: x.Step + "-status", Answer: *x.Shown.Answer,
					Explanation: x.Shown.Explanation, FixLabel: x.Shown.FixLabel, OnFix: x.OnFix,
				}
			}),
		),
	)
}

func (x *exchangeView) onSend(ctx app.Context, e app.Event) {
	if x.OnSend != nil {
		x.OnSend(ctx)
	}
}
