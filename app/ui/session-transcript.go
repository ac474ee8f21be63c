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

// keep adds the request out sent and its answer (nil, with failure, when none came)
// to the visit's transcript, every credential removed by transcript.Record
// now, while the secret and the token it went with are known. Only the
// redacted exchange is kept.
func (s *session) keep(out outgoing, started time.Time, req *bhttp.Request, a *quickstart.Answer, failure string) {
	title := out.title
	if a != nil && quickstart.ExplainRelay(*a) != nil {
		title += " (the relay's own answer)"
	}
	x := transcript.Record(
		transcript.Capture{Title: title, Started: started, Request: req, Answer: a, Failure: failure},
		transcript.Secrets{ClientSecret: s.secret, Token: s.token.token.AccessToken},
	)
	s.transcript = append(s.transcript, x)
	if over := len(s.transcript) - maxTranscript; over > 0 {
		s.transcript = s.transcript[over:]
	}
}

// exportTranscript downloads the transcript as ext (transcript.ExtHAR or
// transcript.ExtMarkdown), built here in the browser.
func (s *session) exportTranscript(ctx app.Context, ext string) {
	if len(s.transcript) == 0 {
		s.exported = "Nothing to save yet: send a request first."
		return
	}
	now := time.Now()
	name := transcript.FileName(now, ext)
	mediaType := transcript.MediaTypeMarkdown
	data := []byte(transcript.Markdown(s.transcript, now))
	if ext == transcript.ExtHAR {
		var err error
		mediaType = transcript.MediaTypeHAR
		if data, err = transcript.HAR(s.transcript, app.Getenv("GOAPP_VERSION")); err != nil {
			s.exported = "The transcript could not be made: " + err.Error() + "."
			return
		}
	}
	dom.Download(ctx, name, mediaType, data)
	s.exported = fmt.Sprintf("Saved %s: %d of this visit's requests, every credential removed.", name, len(s.transcript))
}
