package dom

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Download saves data as a file called name, of type mediaType, without a
// network request: a Blob made in the page, an object URL for it, and a
// temporary <a download> clicked. A click on such a link is a download,
// which the page's CSP (connect-src and the rest) does not govern, and the
// bytes never leave the browser. The URL is revoked a moment later, once
// the browser has taken the Blob: until then anything in the page could
// read it back.
func Download(ctx app.Context, name, mediaType string, data []byte) {
	win := app.Window()
	bytes := win.Get("Uint8Array").New(len(data))
	app.CopyBytesToJS(bytes, data)
	blob := win.Get("Blob").New([]any{bytes}, map[string]any{"type": mediaType})
	urls := win.Get("URL")
	url := urls.Call("createObjectURL", blob)
	doc := win.Get("document")
	a := doc.Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", name)
	a.Set("hidden", true)
	body := doc.Get("body")
	body.Call("appendChild", a)
	a.Call("click")
	body.Call("removeChild", a)
	ctx.After(time.Second, func(app.Context) { urls.Call("revokeObjectURL", url) })
}
