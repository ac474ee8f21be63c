package ui

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// transcriptView offers the visit's requests as a file to attach to a
// support ticket, HAR or Markdown. It gets how many there are and what
// came of the last export; the playground holds the transcript itself.
type transcriptView struct {
	app.Compo

	Count      int
	Feedback   string
	OnHAR      func(ctx app.Context, e app.Event)
	OnMarkdown func(ctx app.Context, e app.Event)
}

func (v *transcriptView) Render() app.UI {
	count := "No requests yet."
	switch {
	case v.Count == 1:
		count = "1 request so far."
	case v.Count > 1:
		count = fmt.Sprintf("%d requests so far.", v.Count)
	}
	return app.Section().ID("transcript").Class("card").Aria("labelledby", "transcript-title").Body(
		app.H2().ID("transcript-title").Text("A transcript for support"),
		app.P().ID("transcript-about").Text("Something failed? Attach this visit's requests to your ticket: each as it went to OctoTable and its answer, with timings. "+
			"The client secret, the token, Authorization values and every client_secret or access_token field are removed wherever they are, "+
			"and the file is made here, in your browser. "+count),
		app.Div().Class("send-row").Body(
			app.Button().ID("export-transcript").Type("button").Aria("describedby", "transcript-about").Text("Download HAR").OnClick(v.OnHAR),
			app.Button().ID("export-markdown").Type("button").Aria("describedby", "transcript-about").Text("Download Markdown").OnClick(v.OnMarkdown),
		),
		app.P().ID("export-feedback").Class("hint").Aria("live", "polite").Text(v.Feedback),
	)
}
