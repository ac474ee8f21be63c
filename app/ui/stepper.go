package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// stepper shows where the person stands: Step 1, then Step 2, each todo,
// busy, done, locked (Step 2 before a token) or needing attention, and
// takes them to a step. Its controls are buttons, not links to #step1:
// the page's URL is its shared state (pageLink), and go-app would load a
// fresh page for a link to a fragment it saw before under another query.
type stepper struct {
	app.Compo

	Step1   string
	Step2   string
	Current int // the step in focus: 1, or 2 once there is a token or a link says so
	OnGo    func(ctx app.Context, step int)
}

var stepStateText = map[string]string{
	"todo":      "to do",
	"busy":      "in progress",
	"done":      "done",
	"locked":    "needs a token",
	"attention": "needs attention",
}

func (s *stepper) Render() app.UI {
	item := func(n int, label, controls, state string) app.UI {
		go1 := app.Button().Type("button").Class("stepper-go").Aria("controls", controls).DataSet("step", n).OnClick(s.onGo)
		if n == s.Current {
			go1 = go1.Aria("current", "step")
		}
		return app.Li().Class("stepper-item", "state-"+state).DataSet("state", state).Body(
			go1.Body(
				app.Span().Class("stepper-number").Text(n),
				app.Span().Class("stepper-text").Body(
					app.Span().Class("stepper-label").Text(label),
					app.Span().Class("stepper-state").Text(stepStateText[state]),
				),
			),
		)
	}
	return app.Nav().Aria("label", "Steps").Body(
		app.Ol().Class("stepper").Body(
			item(1, "Get a token", IDStep1, s.Step1),
			item(2, "Call the API", IDStep2, s.Step2),
		),
	)
}

func (s *stepper) onGo(ctx app.Context, e app.Event) {
	if s.OnGo != nil {
		n, _ := strconv.Atoi(ctx.JSSrc().Get("dataset").Get("step").String())
		s.OnGo(ctx, n)
	}
}
