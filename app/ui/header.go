package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
)

// pageHeader is the title, the link to the quickstart and the environment
// picker. Compact leaves the page chrome out, for an embed in the docs.
type pageHeader struct {
	app.Compo

	Envs     []quickstart.Environment
	Selected string
	Compact  bool
	OnSelect func(ctx app.Context, name string)
}

func (h *pageHeader) Render() app.UI {
	return app.Header().Class("page-header").Body(
		app.If(!h.Compact, func() app.UI {
			return app.Div().Body(
				app.H1().Text(Title),
				// The prerendered page puts each child on a line of its own,
				// which reads as a space; the mounted page has none: text
				// after the link starts with a space of its own, or the
				// two would differ (a space before the full stop).
				app.P().Class("lede").Body(
					app.Text("Get an OAuth 2.0 access token with the client credentials grant, then call the OctoTable API with it, as in the "),
					app.A().Href(quickstartURL).Rel("noopener noreferrer").Target("_blank").Text("OctoTable API quickstart"),
					app.Text(" (opens in a new tab). Your secret and your token travel sealed to this server's relay: they never appear in the browser's network log."),
				),
			)
		}),
		app.Div().Class("env-picker").Body(
			app.Label().For(IDEnv).Text("Environment"),
			app.Select().ID(IDEnv).Disabled(len(h.Envs) == 0).OnChange(h.onChange).Body(
				app.Range(h.Envs).Slice(func(i int) app.UI {
					e := h.Envs[i]
					return app.Option().Value(e.Name).Selected(e.Name == h.Selected).Text(e.Title)
				}),
			),
			app.If(h.Compact, func() app.UI {
				return app.A().Class("docs-link").Href(quickstartURL).Rel("noopener noreferrer").Target("_blank").Text("Quickstart")
			}),
		),
	)
}

func (h *pageHeader) onChange(ctx app.Context, e app.Event) {
	if h.OnSelect != nil {
		h.OnSelect(ctx, ctx.JSSrc().Get("value").String())
	}
}
