package ui

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// historyEntry is one request of this visit. It holds no secret: the
// method, the URL (the playground never puts a credential in one), the
// request as the step's preview showed it when it went (its headers and
// body, the secret and the token masked), the status and the time.
type historyEntry struct {
	Method   string
	URL      string
	Request  string
	Status   int
	Duration string
	At       string
	Failure  string
}

// historyList is the requests of this visit, newest first. It lives in
// memory only and goes with the tab.
type historyList struct {
	app.Compo

	Entries []historyEntry
}

func (h *historyList) Render() app.UI {
	return app.Section().ID(IDHistory).Class("card").Body(
		app.H2().Text("This visit's requests"),
		app.If(len(h.Entries) == 0, func() app.UI {
			return app.P().Class("hint").Text("None yet. Each request you send is listed here, without secrets.")
		}).Else(func() app.UI {
			return app.Div().Class("table-scroll").Body(app.Table().Class("history").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("Time"), app.Th().Scope("col").Text("Method"),
					app.Th().Scope("col").Text("URL"), app.Th().Scope("col").Text("Status"), app.Th().Scope("col").Text("Took"),
				)),
				app.TBody().Body(app.Range(h.Entries).Slice(func(i int) app.UI {
					e := h.Entries[i]
					status := fmt.Sprint(e.Status)
					if e.Failure != "" {
						status = e.Failure
					}
					return app.Tr().Body(
						app.Td().Text(e.At), app.Td().Text(e.Method), app.Td().Class("url").Body(
							app.Text(e.URL),
							// What went besides the URL: a write's body and
							// extra headers among them.
							app.If(e.Request != "", func() app.UI {
								return app.Details().Class("history-request").Body(
									app.Summary().Text("Headers and body"),
									app.Pre().Class("wire").Text(e.Request),
								)
							}),
						),
						app.Td().Text(status), app.Td().Text(e.Duration),
					)
				})),
			))
		}),
	)
}
