package ui

import (
	"context"
	"errors"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
	"octoplay/app/transcript"
)

// idleWipe is how long the secret and the token stay in memory without use.
const idleWipe = 15 * time.Minute

// session is the visit's credentials and the one way a request leaves the
// page. The client secret and the token live here alone, in unexported
// fields, in memory, until Forget or idleWipe: no component's fields ever
// hold them (go-app copies a component's exported fields). send seals every
// request to the relay's keys and opens its answer; what went is kept in
// the history, and with every credential removed, in the transcript.
type session struct {
	ctx   app.Context // the mounted page's: every request is sent and answered on it
	relay *relayClient

	secret     string    // Step 1's client secret, as typed or as Step 0 made it
	secretMade bool      // the secret is the one Step 0's create-client made
	token      heldToken // what Step 1 brought

	history []historyEntry
	// transcript is the visit's requests with every credential removed
	// (transcript.Record), for a support ticket; exported says what came
	// of the last export.
	transcript []transcript.Exchange
	exported   string
	lastUse    time.Time
}

// send is the way every request of the page goes, one at a time per
// exchange: built, sealed and posted to the relay and its answer opened
// (relayClient.send), explained, recorded in the history, handed to done
// on the UI goroutine, then kept for the transcript; done gets a nil
// answer, and why, when the request could not be relayed. A request that
// cannot be built says why in x, in place of what the step showed before,
// and goes nowhere. send says whether the request went.
func (s *session) send(x *exchange, out outgoing, done func(a *quickstart.Answer, err error)) bool {
	if x.busy || s.relay == nil {
		return false
	}
	started := time.Now()
	req, err := out.build(started)
	if err != nil {
		x.clear()
		x.err = err.Error()
		return false
	}
	s.used()
	// The last answer stays, marked busy, until this one replaces it: the
	// step does not jump, nor does the focus on its fix button.
	x.busy, x.err = true, ""
	relay, ctx := s.relay, s.ctx
	ctx.Async(func() {
		sending, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		a, err := relay.send(sending, req)
		ctx.Dispatch(func(ctx app.Context) {
			x.clear()
			x.busy = false
			x.answers++
			entry := historyEntry{Method: out.method, URL: out.url, Request: out.preview, At: time.Now().Format("15:04:05")}
			keepFocus(ctx, out.control)
			if errors.Is(err, dom.ErrUnreachable) {
				x.err = "The playground's server cannot be reached, so this request may not have arrived. The page is trying to reach it again; send once it is back."
			} else if err != nil {
				x.err = "The request could not be relayed: " + err.Error() + ". Try again in a moment."
			}
			if err != nil {
				entry.Failure = "not relayed"
				s.record(entry)
				done(nil, err)
				s.keep(out, started, req, nil, err.Error())
				return
			}
			x.answer, x.explain = &a, out.explain(a)
			if wait, ok := a.RetryAfter(time.Now()); ok {
				x.waitEnd = time.Now().Add(wait)
			}
			entry.Status, entry.Duration = a.Status, a.Duration.Round(time.Millisecond).String()
			s.record(entry)
			// done first: a token it keeps is then one of the secrets the
			// transcript removes by name.
			done(&a, nil)
			s.keep(out, started, req, &a, "")
		})
	})
	return true
}

// record adds a request to this visit's history, newest first, without
// secrets: the URL has none (the playground never puts one there) and
// nothing else is kept.
func (s *session) record(h historyEntry) {
	s.history = append([]historyEntry{h}, s.history...)
	if len(s.history) > 50 {
		s.history = s.history[:50]
	}
}

func (s *session) used() { s.lastUse = time.Now() }

// idle says whether the session holds anything the idle wipe is for and
// went unused longer than idleWipe by now.
func (s *session) idle(now time.Time) bool {
	return (s.secret != "" || s.token.token.AccessToken != "" || len(s.transcript) > 0) && now.Sub(s.lastUse) > idleWipe
}

// wipe forgets the secret, the token, the transcript and the history: the
// last two hold neither, but they are the visit's, which Forget ends, and
// a history listed beside a transcript of "no requests yet" would
// contradict it.
func (s *session) wipe() {
	s.secret, s.secretMade = "", false
	s.token = heldToken{state: tokenNone}
	s.transcript, s.exported, s.history = nil, "", nil
}
