package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
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
	shown bool        // the rest is rendered: always on the server
	kept  []app.Value // the prerendered elements from Step 2's card to the end
}

// keepBelowFold finds the prerendered elements from Step 2's card to the
// end of main, before go-app replaces the page. The server, which renders
// the whole page at once, keeps nothing.
func keepBelowFold() belowFold {
	if app.IsServer {
		return belowFold{shown: true}
	}
	var b belowFold
	for el := app.Window().GetElementByID(IDStep2); el.Truthy(); el = el.Get("nextElementSibling") {
		b.kept = append(b.kept, el)
	}
	return b
}

// standIn puts the prerendered elements into the element that stands for
// the rest, which the first render built empty.
func (b *belowFold) standIn() {
	holder := app.Window().GetElementByID(IDBelowFold)
	if !holder.Truthy() {
		return
	}
	for _, el := range b.kept {
		holder.Call("appendChild", el)
	}
}

// afterPaint calls f on the UI goroutine in the first task after the
// browser's next paint: a frame callback runs just before the paint, and a
// task it posts runs after it.
func afterPaint(ctx app.Context, f func(app.Context)) {
	var frame, task app.Func
	task = app.FuncOf(func(app.Value, []app.Value) any {
		frame.Release()
		task.Release()
		ctx.Dispatch(f)
		return nil
	})
	frame = app.FuncOf(func(app.Value, []app.Value) any {
		app.Window().Call("setTimeout", task, 0)
		return nil
	})
	app.Window().Call("requestAnimationFrame", frame)
}

// showBelowFold renders the rest of the page in place of its stand-in:
// what was typed into the stand-in's controls becomes Step 2's choices,
// and a control that had the focus hands it to its successor.
func (p *playground) showBelowFold(ctx app.Context) {
	focused := ""
	if active := app.Window().Get("document").Get("activeElement"); active.Truthy() {
		holder := app.Window().GetElementByID(IDBelowFold)
		if holder.Truthy() && holder.Call("contains", active).Bool() {
			focused = active.Get("id").String()
		}
	}
	var late earlyInput
	for _, el := range p.early {
		if p.below.holds(el) {
			late = append(late, el)
		}
	}
	p.takeInput(ctx, late)
	p.early, p.below = nil, belowFold{shown: true}
	if focused != "" {
		ctx.Defer(func(app.Context) {
			if el := app.Window().GetElementByID(focused); el.Truthy() {
				el.Call("focus")
			}
		})
	}
}

// holds says whether el is one of the stand-in's elements or inside one.
func (b *belowFold) holds(el app.Value) bool {
	for _, kept := range b.kept {
		if kept.Call("contains", el).Bool() {
			return true
		}
	}
	return false
}
