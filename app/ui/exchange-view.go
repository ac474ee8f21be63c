package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
)

// StepExchange is what a step's view gets of its exchange, and hands on to
// exchangeView: the same for both steps.
type StepExchange struct {
	Busy        bool
	Err         string       // what stopped the request, before or on the way
	Answer      *shownAnswer // nil until one came
	Explanation *quickstart.Explanation
	FixLabel    string
	Summary     string // the outcome in a line, for a screen reader

	Preview string // the request as it goes, the secret and the token masked
	// Refused are the extra headers that cannot go, shown apart from the
	// request, struck out, with their reason.
	Refused []quickstart.RefusedHeader
	// Unavailable says why the request cannot be sent now (the relay's
	// keys not in yet, no token, a wait the server asked for); "" when it
	// can.
	Unavailable string
	OnSend      func(ctx app.Context)
	OnFix       func(ctx app.Context)
	// Next is where the walkthrough goes on once the request did what it
	// is for (Step 1's token), said at the button, before the answer's
	// details: "" when there is nowhere to go yet.
	Next   string
	OnNext func(ctx app.Context)
}

// answerSeq counts the answers the step got, 0 before the first.
func (x StepExchange) answerSeq() int {
	if x.Answer == nil {
		return 0
	}
	return x.Answer.Seq
}

// view is the exchange's view for a step, its ids prefixed with step.
func (x StepExchange) view(step StepIDs, previewLabel, buttonID, idle, working string) *exchangeView {
	return &exchangeView{Step: step, PreviewLabel: previewLabel, ButtonID: buttonID, Idle: idle, Working: working, StepExchange: x}
}

// exchangeView is what both steps show around their request: the request
// as it goes to OctoTable, the button that sends it, and then the answer
// or what went wrong. The button is never disabled, which would throw the
// focus to the page's start: while it cannot send, it says so
// (aria-disabled, aria-busy) and the reason is beside it; the outcome is
// announced in a line.
type exchangeView struct {
	app.Compo

	Step         StepIDs // Step1 or Step2: whose ids it renders
	PreviewLabel string
	ButtonID     string
	Idle         string // the button's text
	Working      string // and while the request is on its way
	StepExchange
}

func (x *exchangeView) Render() app.UI {
	text := x.Idle
	if x.Busy {
		text = x.Working
	}
	preview := x.Preview
	if preview == "" {
		preview = "The request shows here once the environments are loaded."
	}
	reasonID := x.Step.Unavailable()
	button := app.Button().ID(x.ButtonID).Type("button").Class("primary").
		Aria("busy", x.Busy).Aria("disabled", x.blocked()).Aria("describedby", reasonID).Text(text).OnClick(x.onSend)
	return app.Div().Class("exchange").Body(
		app.H3().Text("What goes to OctoTable"),
		app.Pre().ID(x.Step.Preview()).Class("wire").Aria("label", x.PreviewLabel).Text(preview),
		app.Div().Body(app.If(len(x.Refused) > 0, x.renderRefused)),
		app.Div().Class("send-row").Body(
			button,
			app.Span().ID(reasonID).Class("hint").Text(x.Unavailable),
		),
		app.P().ID(x.Step.Outcome()).Class("sr-only").Role("status").Text(x.Summary),
		// Always there, so that the answer after it keeps its place.
		app.Div().Class("next-step").Body(app.If(x.Next != "" && !x.Busy, func() app.UI {
			return app.Button().ID(x.Step.Next()).Type("button").Class("primary").Text(x.Next).OnClick(x.onNext)
		})),
		app.If(x.Err != "", func() app.UI { return app.P().ID(x.Step.Error()).Class("error").Text(x.Err) }),
		app.If(x.Answer != nil, func() app.UI {
			return &answerView{
				Step: x.Step, Answer: *x.Answer,
				Explanation: x.Explanation, FixLabel: x.FixLabel, OnFix: x.OnFix,
			}
		}),
	)
}

// renderRefused lists the headers that are not in the request, and why:
// Send refuses the request while they are there.
func (x *exchangeView) renderRefused() app.UI {
	return app.Div().ID(x.Step.Refused()).Class("refused").Body(
		app.P().Class("error").Text("Not in the request, and Send refuses it while they are there: remove them or fix them."),
		app.Ul().Body(app.Range(x.Refused).Slice(func(i int) app.UI {
			h := x.Refused[i]
			return app.Li().Body(
				app.Del().Class("wire").Text(h.Name+": "+h.Value),
				app.Text(" "+h.Reason+"."),
			)
		})),
	)
}

// blocked says whether a click would send nothing.
func (x *exchangeView) blocked() bool { return x.Busy || x.Unavailable != "" }

func (x *exchangeView) onSend(ctx app.Context, e app.Event) {
	if x.OnSend != nil && !x.blocked() {
		x.OnSend(ctx)
	}
}

func (x *exchangeView) onNext(ctx app.Context, e app.Event) {
	if x.OnNext != nil {
		x.OnNext(ctx)
	}
}
