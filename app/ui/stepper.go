package ui

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// stepper shows where the person stands: Step 1, then Step 2, each todo,
// busy, done, locked (Step 2 before a token) or needing attention.
type stepper struct {
	app.Compo

	Step1   string
	Step2   string
	Current int // the step in focus: 1, or 2 once there is a token or a deep link says so
}

var stepStateText = map[string]string{
	"todo":      "to do",
	"busy":      "in progress",
	"done":      "done",
	"locked":    "needs a token from Step 1",
	"attention": "needs attention",
}

func (s *stepper) Render() app.UI {
	item := func(n, label, href, state string) app.UI {
		link := app.A().Href(href)
		if n == fmt.Sprint(s.Current) {
			link = link.Aria("current", "step")
		}
		return app.Li().Class("stepper-item", "state-"+state).DataSet("state", state).Body(
			link.Body(
				app.Span().Class("stepper-number").Text(n),
				app.Span().Class("stepper-label").Text(label),
				app.Span().Class("stepper-state").Text(stepStateText[state]),
			),
		)
	}
	return app.Nav().Aria("label", "Steps").Body(
		app.Ol().Class("stepper").Body(
			item("1", "Request an access token", "#step1", s.Step1),
			item("2", "Call the API", "#step2", s.Step2),
		),
	)
}
