package ui

import (
	"fmt"
	"net/http"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
)

// shownAnswer is an upstream's answer as the page shows it: status,
// headers, body (the token masked) and time taken.
type shownAnswer struct {
	Status   int
	Headers  string
	Body     string
	Duration string
}

// answerView shows an upstream's answer as it came, then what went wrong
// and a one-click fix when there is one.
type answerView struct {
	app.Compo

	StatusID    string // the element that carries data-status
	Answer      shownAnswer
	Explanation *quickstart.Explanation
	FixLabel    string
	OnFix       func(ctx app.Context)
}

func (a *answerView) Render() app.UI {
	class := "status-ok"
	if a.Answer.Status >= 400 {
		class = "status-error"
	}
	return app.Div().Class("answer").Body(
		app.P().ID(a.StatusID).Class("answer-status", class).DataSet("status", a.Answer.Status).Body(
			app.Strong().Text(statusLine(a.Answer.Status)),
			app.Span().Class("hint").Text(" in "+a.Answer.Duration),
		),
		app.If(a.Explanation != nil, func() app.UI {
			return app.Div().Class("explain").Body(
				app.Strong().Text(a.Explanation.Title),
				app.P().Text(a.Explanation.Text),
				app.If(a.FixLabel != "", func() app.UI {
					return app.Button().ID("fix").Type("button").Text(a.FixLabel).OnClick(a.onFix)
				}),
			)
		}),
		app.Details().Body(
			app.Summary().Text("Headers"),
			app.Pre().Class("wire").Text(a.Answer.Headers),
		),
		app.Pre().Class("wire", "answer-body").Aria("label", "Answer body").Text(orNoBody(a.Answer.Body)),
	)
}

// statusLine is a status as HTTP/1.1 writes it: "401 Unauthorized".
func statusLine(status int) string {
	return fmt.Sprintf("%d %s", status, http.StatusText(status))
}

// orNoBody says so when an answer has no body, as a HEAD answer never has.
func orNoBody(body string) string {
	if body == "" {
		return "(no body)"
	}
	return body
}

func (a *answerView) onFix(ctx app.Context, e app.Event) {
	if a.OnFix != nil {
		a.OnFix(ctx)
	}
}
