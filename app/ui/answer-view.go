package ui

import (
	"fmt"
	"net/http"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
)

// answerView shows an upstream's answer as it came: status, headers, body
// (with the token masked by the caller) and time taken, then what went
// wrong and a one-click fix when there is one.
type answerView struct {
	app.Compo

	StatusID    string // the element that carries data-status
	Status      int
	Headers     string
	Body        string
	Duration    string
	Explanation *quickstart.Explanation
	FixLabel    string
	OnFix       func(ctx app.Context)
}

func (a *answerView) Render() app.UI {
	class := "status-ok"
	if a.Status >= 400 {
		class = "status-error"
	}
	return app.Div().Class("answer").Body(
		app.P().ID(a.StatusID).Class("answer-status", class).DataSet("status", a.Status).Body(
			app.Strong().Text(fmt.Sprintf("%d %s", a.Status, http.StatusText(a.Status))),
			app.Span().Class("hint").Text(" in "+a.Duration),
		),
		app.If(a.Explanation != nil, func() app.UI {
			return app.Div().Class("explain").Role("alert").Body(
				app.Strong().Text(a.Explanation.Title),
				app.P().Text(a.Explanation.Text),
				app.If(a.FixLabel != "", func() app.UI {
					return app.Button().ID("fix").Type("button").Text(a.FixLabel).OnClick(a.onFix)
				}),
			)
		}),
		app.Details().Body(
			app.Summary().Text("Headers"),
			app.Pre().Class("wire").Text(a.Headers),
		),
		app.Pre().Class("wire", "answer-body").Aria("label", "Answer body").Text(a.Body),
	)
}

func (a *answerView) onFix(ctx app.Context, e app.Event) {
	if a.OnFix != nil {
		a.OnFix(ctx)
	}
}
