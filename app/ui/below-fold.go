package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
)

// belowFold is what of the page comes after Step 1: Step 2's card, the
// visit's requests, the transcript and Forget. go-app builds every element
// of the page again when it mounts (it does not reuse the prerendered
// ones), node by node, which is most of a load's time once the wasm is in;
// so the first render builds Step 1 alone, and the rest comes in the next
// task, after the browser has painted Step 1. In between, the prerendered
// elements of the rest stand in its place, moved into IDBelowFold as they
// were, with what was typed into them: the page neither shrinks nor
// blinks, and what is typed there until the swap is taken as the
// controls typed into before the wasm ran are (earlyInput).
type belowFold struct {
	shown bool         // the rest is rendered: always on the server
	kept  dom.Elements // the prerendered elements from Step 2's card to the end
}

// keepBelowFold finds the prerendered elements from Step 2's card to the
// end of main, before go-app replaces the page. The server, which renders
// the whole page at once, keeps nothing.
func keepBelowFold() belowFold {
	if app.IsServer {
		return belowFold{shown: true}
	}
	return belowFold{kept: dom.KeepFrom(IDStep2)}
}

// standIn puts the prerendered elements into the element that stands for
// the rest, which the first render built empty.
func (b *belowFold) standIn() { b.kept.MoveInto(IDBelowFold) }

// showBelowFold renders the rest of the page in place of its stand-in:
// what was typed into the stand-in's controls becomes Step 2's choices,
// and a control that had the focus hands it to its successor.
func (p *playground) showBelowFold(ctx app.Context) {
	focused := dom.FocusedIn(IDBelowFold)
	var late earlyInput
	for _, c := range p.early {
		if p.below.kept.Holds(c) {
			late = append(late, c)
		}
	}
	p.takeInput(ctx, late)
	p.early, p.below = nil, belowFold{shown: true}
	if focused != "" {
		ctx.Defer(func(app.Context) { dom.Focus(focused) })
	}
}
