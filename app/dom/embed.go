package dom

import (
	"math"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/internal/wire"
)

// ReportHeight tells the page that frames the playground how tall its
// content is, each time that changes, as {"type": "octoplay:resize",
// "height": <CSS px>}: the docs' embed.js sizes the frame to it, so the
// docs need no fixed height and the frame never scrolls inside itself.
// Only the origins the server lets frame the page hear it (its
// -frame-ancestors, which it writes into the page): postMessage drops a
// message whose target origin is not the parent's, and "*" is never used.
// The message holds a number and nothing else the page knows.
func ReportHeight() {
	win := app.Window()
	parent := win.Get("parent")
	origins := frameAncestors()
	if parent.Equal(win.JSValue()) || len(origins) == 0 {
		return
	}
	body := win.Get("document").Get("body")
	last := -1
	post := app.FuncOf(func(app.Value, []app.Value) any {
		height := int(math.Ceil(body.Call("getBoundingClientRect").Get("height").Float()))
		if height == last {
			return nil
		}
		last = height
		for _, origin := range origins {
			parent.Call("postMessage", map[string]any{"type": wire.ResizeMessage, "height": height}, origin)
		}
		return nil
	})
	// Lives as long as the page: never released.
	win.Get("ResizeObserver").New(post).Call("observe", body)
}

// frameAncestors are the origins the page's meta names as allowed to
// frame it.
func frameAncestors() []string {
	meta := app.Window().Get("document").Call("querySelector", `meta[name="`+wire.MetaFrameAncestors+`"]`)
	if !meta.Truthy() {
		return nil
	}
	return strings.Fields(meta.Call("getAttribute", "content").String())
}
