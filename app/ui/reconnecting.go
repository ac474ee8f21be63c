package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
)

// The waits between two attempts to reach the server again: the first
// soon, each next twice as long, up to maxReconnectWait, so that a page
// left open while the server is down asks it little.
const (
	firstReconnectWait = time.Second
	maxReconnectWait   = 30 * time.Second
	reconnectTimeout   = 10 * time.Second
)

// reconnecting is the page's way back when its server cannot be reached
// (dom.ErrUnreachable): it says so in words, tries again with a growing wait,
// and once the server answers, says it is back. Nothing is sent again by
// itself: a request that may have arrived is the person's to send again.
type reconnecting struct {
	down   bool          // the server could not be reached, and has not answered since
	wait   time.Duration // before the next attempt, from the last
	next   time.Time     // when the next attempt is due
	trying bool          // an attempt is on its way
	back   bool          // it answered again after being down: said until the next send
}

// send sends through the session (session.send), and with a request that
// found the server unreachable, starts the way back; done gets the answer,
// nil when none came.
func (p *playground) send(x *exchange, out outgoing, done func(a *quickstart.Answer)) bool {
	went := p.sess.send(x, out, func(a *quickstart.Answer, err error) {
		if errors.Is(err, dom.ErrUnreachable) {
			p.reconnect.serverDown(time.Now())
		}
		done(a)
	})
	if went {
		p.reconnect.back = false
	}
	return went
}

// serverDown notes that the server could not be reached at now.
func (r *reconnecting) serverDown(now time.Time) {
	if !r.down {
		r.down, r.wait = true, firstReconnectWait
	}
	r.back = false
	r.next = now.Add(r.wait)
}

// reconnected notes that the server answered.
func (r *reconnecting) reconnected() {
	r.back = r.down
	r.down, r.trying, r.wait = false, false, 0
}

// due says whether an attempt should start at now.
func (r *reconnecting) due(now time.Time) bool {
	return r.down && !r.trying && !now.Before(r.next)
}

// say is the status line while the server is down.
func (r *reconnecting) say(now time.Time) string {
	if r.trying {
		return "The playground's server cannot be reached; trying again now…"
	}
	left := max(r.next.Sub(now).Round(time.Second), time.Second)
	return fmt.Sprintf("The playground's server cannot be reached; trying again in %d s.", int(left/time.Second))
}

// tryReconnect asks the server again: the relay's keys when the page has
// them (the server may have restarted with new ones), else the whole load.
// A failure doubles the wait.
func (p *playground) tryReconnect() {
	r := &p.reconnect
	if !r.down || r.trying || p.status == loadLoading {
		return
	}
	r.wait = min(2*r.wait, maxReconnectWait) // the wait after this attempt, if it fails
	if p.sess.relay == nil {
		p.status = loadNever
		p.load() // its failure calls serverDown, its success reconnected
		return
	}
	r.trying = true
	relay, ctx := p.sess.relay, p.sess.ctx
	ctx.Async(func() {
		asking, cancel := context.WithTimeout(ctx, reconnectTimeout)
		defer cancel()
		err := relay.reloadKeys(asking)
		ctx.Dispatch(func(app.Context) {
			r.trying = false
			if err != nil {
				p.reconnect.serverDown(time.Now())
				return
			}
			p.reconnect.reconnected()
		})
	})
}
