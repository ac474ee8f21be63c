package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
)

// exchange is one step's request and its answer, as far as the step shows
// them: whether it is on its way, the answer (its Duration is the round
// trip) and what it means, or what stopped it. Both steps have one, and
// send is the one path that fills it.
type exchange struct {
	busy    bool
	answer  *quickstart.Answer
	explain *quickstart.Explanation
	err     string
}

// clear forgets the answer and what went wrong.
func (x *exchange) clear() { x.answer, x.explain, x.err = nil, nil, "" }

// outgoing is a request a step sends: how it is built, what the history
// shows of it, and how its answer is explained.
type outgoing struct {
	build   func(now time.Time) (*bhttp.Request, error)
	method  string
	url     string
	explain func(quickstart.Answer) *quickstart.Explanation
}

// send is the way every request of the page goes, one at a time per
// exchange: built, sealed and posted to the relay and its answer opened
// (relayClient.send), explained, recorded in the history, then handed to
// done on the UI goroutine; done gets nil when the request could not be
// relayed. A request that cannot be built says why in x and goes nowhere.
func (p *playground) send(x *exchange, out outgoing, done func(a *quickstart.Answer)) {
	if x.busy || p.relay == nil {
		return
	}
	req, err := out.build(time.Now())
	if err != nil {
		x.err = err.Error()
		return
	}
	p.used()
	x.busy, x.err = true, ""
	relay, ctx := p.relay, p.ctx
	ctx.Async(func() {
		a, err := relay.send(ctx, req)
		ctx.Dispatch(func(ctx app.Context) {
			x.busy = false
			entry := historyEntry{Method: out.method, URL: out.url, At: time.Now().Format("15:04:05")}
			if err != nil {
				x.clear()
				x.err = "The request could not be relayed: " + err.Error() + ". Check your connection and try again."
				entry.Failure = "not relayed"
				p.record(entry)
				done(nil)
				return
			}
			x.answer, x.explain = &a, out.explain(a)
			entry.Status, entry.Duration = a.Status, a.Duration.Round(time.Millisecond).String()
			p.record(entry)
			done(&a)
		})
	})
}

// record adds a request to this visit's history, newest first, without
// secrets: the URL has none (the playground never puts one there) and
// nothing else is kept.
func (p *playground) record(h historyEntry) {
	p.history = append([]historyEntry{h}, p.history...)
	if len(p.history) > 50 {
		p.history = p.history[:50]
	}
}

// stepExchange is what a step's view gets of its exchange: the request's
// preview, the answer's body with the token masked, the label of the fix
// its explanation offers, and the callbacks that send and fix.
func (p *playground) stepExchange(x *exchange, preview string, onSend, onFix func(ctx app.Context)) StepExchange {
	s := shownExchange{Busy: x.busy, Err: x.err, Explanation: x.explain, FixLabel: fixLabel(x.explain, p.step1.choices.Auth)}
	if a := x.answer; a != nil {
		s.Answer = &shownAnswer{
			Status: a.Status, Headers: a.HeaderText(), Body: a.PrettyBody(p.token.token.AccessToken),
			Duration: a.Duration.Round(time.Millisecond).String(),
		}
	}
	return StepExchange{Preview: preview, Ready: p.status == loadReady, Shown: s, OnSend: onSend, OnFix: onFix}
}

// fixLabel names the one-click fix an explanation offers; the other
// authentication style is the other one than auth.
func fixLabel(e *quickstart.Explanation, auth quickstart.AuthStyle) string {
	if e == nil {
		return ""
	}
	switch e.Fix {
	case quickstart.FixUseForm:
		return "Switch to form encoding and retry"
	case quickstart.FixOtherAuth:
		if auth == quickstart.AuthBasic {
			return "Use authentication in the body"
		}
		return "Use HTTP Basic authentication"
	case quickstart.FixNewToken:
		return "Request a new token"
	case quickstart.FixReloadKeys:
		return "Reload the relay's keys"
	}
	return ""
}

// applyFix does what fixLabel promised. Switching the authentication
// style does not resend: the person decides to send the secret again.
func (p *playground) applyFix(ctx app.Context, e *quickstart.Explanation) {
	if e == nil {
		return
	}
	switch e.Fix {
	case quickstart.FixUseForm:
		p.step1.choices.Encoding = quickstart.EncodingForm
		p.requestToken(ctx)
	case quickstart.FixOtherAuth:
		if p.step1.choices.Auth == quickstart.AuthBasic {
			p.step1.choices.Auth = quickstart.AuthInBody
		} else {
			p.step1.choices.Auth = quickstart.AuthBasic
		}
		p.step1.explain = nil
	case quickstart.FixNewToken:
		p.requestToken(ctx)
		ctx.ScrollTo("step1")
	case quickstart.FixReloadKeys:
		p.status = loadNever
		p.load()
	}
}

func (p *playground) onFix1(ctx app.Context) { p.applyFix(ctx, p.step1.explain) }
func (p *playground) onFix2(ctx app.Context) { p.applyFix(ctx, p.step2.explain) }
