package ui

import (
	"fmt"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// transcriptView offers the visit's requests as a file to attach to a
// support ticket, HAR or Markdown. It gets how many there are and what
// came of the last export; the session holds the transcript itself.
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
	return app.Section().ID(IDTranscript).Class("card").Aria("labelledby", IDTranscriptTitle).Body(
		app.H2().ID(IDTranscriptTitle).Text("A transcript for support"),
		app.P().ID(IDTranscriptAbout).Text("Something failed? Attach this visit's requests to your ticket: each as it went to OctoTable and its answer, with timings. "+
			"The client secret, the token, Authorization values and every client_secret or access_token field are removed wherever they are, "+
			"and the file is made here, in your browser. "+count),
		app.Div().Class("send-row").Body(
			app.Button().ID(IDExportTranscript).Type("button").Aria("describedby", IDTranscriptAbout).Text("Download HAR").OnClick(v.OnHAR),
			app.Button().ID(IDExportMarkdown).Type("button").Aria("describedby", IDTranscriptAbout).Text("Download Markdown").OnClick(v.OnMarkdown),
		),
		app.P().ID(IDExportFeedback).Class("hint").Aria("live", "polite").Text(v.Feedback),
	)
}
