// Command hello is the go-app hello world that internal/cmd/bench measures the
// playground against: the smallest go-app program, built with the same
// flags as the playground's wasm and served the same way (precompressed,
// negotiated, under versioned URLs, by octoplay/server/assets). It marks
// itself mounted as the playground does, so both loads end at the same
// point. It is a measuring stick, not a product.
package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

type hello struct {
	app.Compo
	mounted bool
}

func (h *hello) OnMount(ctx app.Context) { h.mounted = true }

func (h *hello) Render() app.UI {
	return app.Main().DataSet("mounted", h.mounted).Body(app.H1().Text("Hello, world!"))
}

func main() {
	app.Route("/", func() app.Composer { return &hello{} })
	app.RunWhenOnBrowser()
	serve()
}
