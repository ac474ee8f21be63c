package ui

import (
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
	"octoplay/app/transcript"
	"octoplay/internal/bhttp"
)

// maxTranscript is how many of the visit's requests the transcript keeps,
// the latest: a tab used all day holds at most this many answers (each up
// to the relay's wire.MaxAnswerBytes) in memory.
const maxTranscript = 100

// keep adds one request and its answer (nil, with failure, when none came)
// to the visit's transcript, every credential removed by transcript.Record
// now, while the secret and the token it went with are known. Only the
// redacted exchange is kept.
func (p *playground) keep(title string, started time.Time, req *bhttp.Request, a *quickstart.Answer, failure string) {
	if a != nil && quickstart.ExplainRelay(*a) != nil {
		title += " (the relay's own answer)"
	}
	x := transcript.Record(
		transcript.Capture{Title: title, Started: started, Request: req, Answer: a, Failure: failure},
		transcript.Secrets{ClientID: p.step1.choices.ClientID, ClientSecret: p.secret, Token: p.token.token.AccessToken},
	)
	p.transcript = append(p.transcript, x)
	if over := len(p.transcript) - maxTranscript; over > 0 {
		p.transcript = p.transcript[over:]
	}
}

// exportTranscript downloads the transcript as ext (transcript.ExtHAR or
// transcript.ExtMarkdown), built here in the browser.
func (p *playground) exportTranscript(ctx app.Context, ext string) {
	if len(p.transcript) == 0 {
		p.exported = "Nothing to save yet: send a request first."
		return
	}
	now := time.Now()
	name := transcript.FileName(now, ext)
	mediaType := transcript.MediaTypeMarkdown
	data := []byte(transcript.Markdown(p.transcript, now))
	if ext == transcript.ExtHAR {
		var err error
		mediaType = transcript.MediaTypeHAR
		if data, err = transcript.HAR(p.transcript, app.Getenv("GOAPP_VERSION")); err != nil {
			p.exported = "The transcript could not be made: " + err.Error() + "."
			return
		}
	}
	dom.Download(ctx, name, mediaType, data)
	p.exported = fmt.Sprintf("Saved %s: %d of this visit's requests, every credential removed.", name, len(p.transcript))
}

func (p *playground) onExportHAR(ctx app.Context, e app.Event) {
	p.exportTranscript(ctx, transcript.ExtHAR)
}

func (p *playground) onExportMarkdown(ctx app.Context, e app.Event) {
	p.exportTranscript(ctx, transcript.ExtMarkdown)
}
