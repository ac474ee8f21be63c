package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
)

// exchange is one step's request and its answer, as far as the step shows
// them: whether it is on its way, the answer (its Duration is the round
// trip) and what it means, or what stopped it, and until when the server
// asked to wait. Both steps have one, and send is the one path that fills it.
type exchange struct {
	busy    bool
	answer  *quickstart.Answer
	explain *quickstart.Explanation
	err     string
	waitEnd time.Time // the end of a wait a 429 asked for (Retry-After)
	// answers counts the answers this exchange got: the view of a new one
	// starts afresh (collapsed, pretty).
	answers int
}

// clear forgets the answer and what went wrong.
func (x *exchange) clear() { x.answer, x.explain, x.err, x.waitEnd = nil, nil, "", time.Time{} }

// sendTimeout bounds a request's round trip, the keys fetched again and
// the request sent once more included: the relay gives the upstream 20 s,
// and a fetch the browser never settles (a stalled link) must not leave a
// step busy for good.
const sendTimeout = 50 * time.Second

// outgoing is a request a step sends: how it is built, what the history
// shows of it, how its answer is explained, and the control that sends it,
// which keeps the focus.
type outgoing struct {
	build   func(now time.Time) (*bhttp.Request, error)
	title   string // what the transcript calls it
	method  string
	url     string
	preview string // the request as the step shows it, credentials masked
	explain func(quickstart.Answer) *quickstart.Explanation
	control string
}

// keepFocus gives the focus back to the control that sent a request when
// the answer took it away (a fix button that went with the explanation):
// a keyboard or a screen reader stays where the person was.
func keepFocus(ctx app.Context, id string) {
	ctx.Defer(func(app.Context) { dom.FocusUnlessTaken(id) })
}

// waiting is how long the server asked this exchange to wait still.
func (x *exchange) waiting(now time.Time) time.Duration {
	return max(x.waitEnd.Sub(now), 0)
}

// stepExchange is what a step's view gets of its exchange: the request's
// preview, why it cannot be sent now (unavailable, or a wait the server
// asked for), the answer's body with the token masked, the label of the
// fix its explanation offers, what to announce, and the callbacks that
// send and fix.
func (p *playground) stepExchange(x *exchange, preview, unavailable string, onSend, onFix func(ctx app.Context)) StepExchange {
	s := StepExchange{Busy: x.busy, Err: x.err, Explanation: x.explain, FixLabel: fixLabel(x.explain, p.step1.choices.Auth)}
	if a := x.answer; a != nil {
		token := p.sess.token.token.AccessToken
		s.Answer = &shownAnswer{
			Status: a.Status, Headers: a.HeaderText(), Body: a.PrettyBody(token), Raw: a.RawBody(token), JSON: a.IsJSON(), Size: len(a.Body),
			Duration: a.Duration.Round(time.Millisecond).String(), Seq: x.answers,
		}
	}
	s.Summary = summary(s)
	switch {
	case unavailable != "":
	case x.waiting(p.now) > 0:
		unavailable = "The server asked to wait: you can send again in " + quickstart.Countdown(x.waitEnd, p.now) + "."
	}
	s.Preview, s.Unavailable, s.OnSend, s.OnFix = preview, unavailable, onSend, onFix
	return s
}

// summary is what a screen reader hears of an exchange once it ends: the
// status, and what went wrong in a line; never the body.
func summary(s StepExchange) string {
	switch {
	case s.Busy:
		return ""
	case s.Err != "":
		return s.Err
	case s.Answer == nil:
		return ""
	}
	line := statusLine(s.Answer.Status) + " in " + s.Answer.Duration + "."
	if s.Explanation != nil {
		line += " " + s.Explanation.Title + "."
	}
	return line
}
