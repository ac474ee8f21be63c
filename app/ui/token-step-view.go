package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
)

// tokenStepView is Step 1, the client credentials grant: what it is, the
// choices of the token request, the request as it goes, its answer and the
// same request as code. It never holds the secret: the password field is
// read into OnSecret and never filled from Go.
type tokenStepView struct {
	app.Compo

	Env      quickstart.Environment
	Choices  tokenChoices
	OnChange func(ctx app.Context, c tokenChoices)
	OnSecret func(ctx app.Context, secret string)
	Snippets []snippetCode
	StepExchange

	showSecret bool
}

func (s *tokenStepView) Render() app.UI {
	c := s.Choices
	own := c.Source == ""
	return app.Section().ID("step1").Class("card", "step").Body(
		app.H2().Text("Step 1: request an access token"),
		app.Ol().Class("points").Body(
			app.Li().Text("Your application identifies itself with the client id and client secret OctoTable gave you."),
			app.Li().Text("It POSTs them with grant_type=client_credentials to the token endpoint and gets an access token of type Bearer."),
			app.Li().Text("It sends that token in the Authorization header of every API call until the token expires."),
		),
		app.If(len(s.Env.Profiles) > 0, func() app.UI {
			return field("source", "Credentials",
				app.Select().ID("source").OnChange(s.onChoice).Body(
					app.Option().Value("").Selected(own).Text("My own client id and secret"),
					app.Range(s.Env.Profiles).Slice(func(i int) app.UI {
						name := s.Env.Profiles[i]
						return app.Option().Value(name).Selected(c.Source == name).Text("Server profile: " + name)
					}),
				), "A server profile's credentials are kept on the server, which adds them to the request: nothing to type.")
		}),
		app.If(own, func() app.UI {
			return app.Div().Body(
				field("client-id", "Client id",
					app.Input().ID("client-id").Type("text").AutoComplete(false).Spellcheck(false).
						Value(c.ClientID).OnInput(s.onChoice), ""),
				app.Div().Class("check").Body(
					app.Input().ID("remember-id").Type("checkbox").Checked(c.Remember).OnChange(s.onChoice),
					app.Label().For("remember-id").Text("Remember my client id on this device (never the secret)"),
				),
				field("client-secret", "Client secret",
					app.Div().Class("secret-row").Body(
						app.Input().ID("client-secret").Type(s.secretInputType()).AutoComplete(false).Spellcheck(false).
							Attr("autocomplete", "off").OnInput(s.onSecret),
						app.Button().ID("show-secret").Type("button").Aria("controls", "client-secret").
							Aria("pressed", s.showSecret).Text(showHide(s.showSecret)).OnClick(s.onShowSecret),
					), "Kept in this tab's memory only, sealed before it leaves the browser."),
			)
		}),
		app.Div().Class("row").Body(
			field("auth-style", "Client authentication",
				app.Select().ID("auth-style").OnChange(s.onChoice).Body(
					app.Option().Value(string(quickstart.AuthInBody)).Selected(c.Auth == quickstart.AuthInBody).Text("In the body (client_id, client_secret)"),
					app.Option().Value(string(quickstart.AuthBasic)).Selected(c.Auth == quickstart.AuthBasic).Text("HTTP Basic (Authorization header)"),
				), ""),
			field("encoding", "Body encoding",
				app.Select().ID("encoding").OnChange(s.onChoice).Body(
					app.Option().Value(string(quickstart.EncodingForm)).Selected(c.Encoding == quickstart.EncodingForm).Text("Form, as in the quickstart's curl"),
					app.Option().Value(string(quickstart.EncodingJSON)).Selected(c.Encoding == quickstart.EncodingJSON).Text("JSON, as in the quickstart's table"),
				), ""),
		),
		s.view("step1", "Token request preview", "request-token", "Request token", "Requesting…"),
		newSnippetTabs(snippets.Step1, s.Snippets),
	)
}

func (s *tokenStepView) secretInputType() string {
	if s.showSecret {
		return "text"
	}
	return "password"
}

// onChoice reads the control whose event it is, by its id, and calls back
// with the choices as the control leaves them.
func (s *tokenStepView) onChoice(ctx app.Context, e app.Event) {
	src, c := ctx.JSSrc(), s.Choices
	value := src.Get("value").String()
	switch src.Get("id").String() {
	case "source":
		c.Source = value
	case "client-id":
		c.ClientID = value
	case "remember-id":
		c.Remember = src.Get("checked").Bool()
	case "auth-style":
		c.Auth = quickstart.AuthStyle(value)
	case "encoding":
		c.Encoding = quickstart.Encoding(value)
	}
	if s.OnChange != nil {
		s.OnChange(ctx, c)
	}
}

func (s *tokenStepView) onSecret(ctx app.Context, e app.Event) {
	if s.OnSecret != nil {
		s.OnSecret(ctx, ctx.JSSrc().Get("value").String())
	}
}

func (s *tokenStepView) onShowSecret(ctx app.Context, e app.Event) {
	s.showSecret = !s.showSecret
}

// field is a labelled form control with an optional hint.
func field(id, label string, control app.UI, hint string) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		control,
		app.If(hint != "", func() app.UI { return app.P().Class("hint").Text(hint) }),
	)
}
