package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// playground is the page: a header and the two steps of the quickstart.
type playground struct {
	app.Compo

	// mounted turns true in OnMount, which only runs once the wasm is
	// listening; browser tests wait for main[data-mounted="true"] because
	// the prerendered page is visible, and clickable, before that.
	mounted bool
}

func (p *playground) OnMount(ctx app.Context) {
	p.mounted = true
}

func (p *playground) Render() app.UI {
	return app.Div().Class("page").Body(
		app.Header().Class("page-header").Body(
			app.H1().Text(Title),
			app.P().Class("lede").Body(
				app.Text("Get an OAuth 2.0 access token with the client credentials grant, then call the OctoTable API with it, as in the "),
				app.A().Href(QuickstartURL).Rel("noopener noreferrer").Target("_blank").Text("OctoTable API quickstart"),
				app.Text("."),
			),
		),
		app.Main().ID("playground").DataSet("mounted", p.mounted).Body(
			app.Ol().Class("steps").Body(
				app.Li().Class("step").ID("step1").Body(
					app.H2().Text("Step 1: request an access token"),
					app.P().Text("POST your client id and client secret to the token endpoint with grant_type=client_credentials. The answer holds an access token of type Bearer and its lifetime in seconds."),
					app.Pre().Class("wire").Text("POST /octotable-auth/api/v2/oauth2/token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&client_id=…&client_secret=…"),
				),
				app.Li().Class("step").ID("step2").Body(
					app.H2().Text("Step 2: call the API"),
					app.P().Text("Send the access token in the Authorization header of every API request until it expires."),
					app.Pre().Class("wire").Text("GET /api/v2/\nAuthorization: Bearer …"),
				),
			),
		),
	)
}
