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

	Env     quickstart.Environment
	Choices tokenChoices
	// SecretSpaced says the secret typed starts or ends with white space
	// (the session holds the secret; this view never does).
	SecretSpaced bool
	Compact      bool // the explanation starts collapsed
	// OnChange gets the edit a control made, to apply to the choices as
	// they are when it runs: two changes within one frame both count.
	OnChange func(ctx app.Context, edit func(tokenChoices) tokenChoices)
	OnSecret func(ctx app.Context, secret string)
	// Step0 is the offer of sandbox credentials of one's own, and what came
	// of it; OnCreateClient asks for them.
	Step0          step0Offer
	OnCreateClient func(ctx app.Context)
	Snippets       []snippetCode
	StepExchange

	showSecret bool
}

func (s *tokenStepView) Render() app.UI {
	c := s.Choices
	own := c.Source == ""
	return app.Section().ID(IDStep1).Class("card", "step").Aria("labelledby", IDStep1Title).Body(
		app.H2().ID(IDStep1Title).TabIndex(-1).Text("Step 1: request an access token"),
		disclosure(app.Details().Class("about"), !s.Compact).Body(
			app.Summary().Text("How the client credentials grant works"),
			app.Ol().Class("points").Body(
				app.Li().Text("Your application identifies itself with the client id and client secret OctoTable gave you."),
				app.Li().Text("It POSTs them with grant_type=client_credentials to the token endpoint and gets an access token of type Bearer."),
				app.Li().Text("It sends that token in the Authorization header of every API call until the token expires."),
			),
		),
		// In an element that is always there, as the profiles come with
		// the environments: go-app matches children by their position, and
		// the fields after it would be built again, the one typed in too.
		app.Div().Body(app.If(len(s.Env.Profiles) > 0, func() app.UI {
			return field(IDSource, "Credentials",
				app.Select().ID(IDSource).OnChange(s.onChoice).Body(
					option(ownCredentials, "My own client id and secret", own),
					app.Range(s.Env.Profiles).Slice(func(i int) app.UI {
						name := s.Env.Profiles[i]
						return option(name, "Saved on the playground's server: "+name, c.Source == name)
					}),
				), "Saved credentials stay on the playground's server, which adds them to the request: nothing to type.")
		})),
		app.If(own, func() app.UI {
			remember := app.Input().ID(IDRememberID).Type("checkbox").OnChange(s.onChoice)
			if c.Remember {
				remember = remember.Checked(true)
			}
			return app.Div().Body(
				s.renderStep0(),
				field(IDClientID, "Client id",
					app.Input().ID(IDClientID).Type("text").AutoComplete(false).Spellcheck(false).
						Aria("describedby", IDClientIDWarning).Value(c.ClientID).OnInput(s.onChoice), ""),
				spaceWarning(IDClientIDWarning, quickstart.SpaceAround(c.ClientID),
					"The client id starts or ends with a space, as a paste often leaves: the request sends it without."),
				app.Div().Class("check").Body(
					remember,
					app.Label().For(IDRememberID).Text("Remember my client id on this device (never the secret)"),
				),
				field(IDClientSecret, "Client secret",
					app.Div().Class("secret-row").Body(
						app.Input().ID(IDClientSecret).Type(s.secretInputType()).AutoComplete(false).Spellcheck(false).
							Attr("autocomplete", "off").Aria("describedby", IDClientSecretWarning).Placeholder(s.secretPlaceholder()).OnInput(s.onSecret),
						app.Button().ID(IDShowSecret).Type("button").Aria("controls", IDClientSecret).
							Aria("pressed", s.showSecret).Text(showHide(s.showSecret)).OnClick(s.onShowSecret),
					), "Kept in this tab's memory only, sealed before it leaves the browser."),
				spaceWarning(IDClientSecretWarning, s.SecretSpaced,
					"The secret starts or ends with a space, as a paste often leaves. It is sent as typed: remove the space unless it is part of the secret."),
			)
		}),
		app.Div().Class("row").Body(
			field(IDAuthStyle, "Client authentication",
				app.Select().ID(IDAuthStyle).OnChange(s.onChoice).Body(
					option(string(quickstart.AuthInBody), "In the body (client_id, client_secret)", c.Auth == quickstart.AuthInBody),
					option(string(quickstart.AuthBasic), "HTTP Basic (Authorization header)", c.Auth == quickstart.AuthBasic),
				), ""),
			field(IDEncoding, "Body encoding",
				app.Select().ID(IDEncoding).OnChange(s.onChoice).Body(
					option(string(quickstart.EncodingForm), "Form, as in the quickstart's curl", c.Encoding == quickstart.EncodingForm),
					option(string(quickstart.EncodingJSON), "JSON, as in the quickstart's table", c.Encoding == quickstart.EncodingJSON),
				), ""),
		),
		s.view(Step1, "Token request preview", IDRequestToken, "Request token", "Requesting…"),
		newSnippetTabs(snippets.Step1, s.Snippets, s.answerSeq()),
	)
}

func (s *tokenStepView) secretInputType() string {
	if s.showSecret {
		return "text"
	}
	return "password"
}

// onChoice reads the control whose event it is, by its id, and calls back
// with the edit it makes. Not the choices it leaves: the view's copy may
// be a frame old, and a change made in that frame would be undone.
func (s *tokenStepView) onChoice(ctx app.Context, e app.Event) {
	src := ctx.JSSrc()
	id, value, checked := src.Get("id").String(), src.Get("value").String(), src.Get("checked").Truthy()
	if s.OnChange != nil {
		s.OnChange(ctx, func(c tokenChoices) tokenChoices { return c.with(id, value, checked) })
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

// spaceWarning flags white space around a pasted value before it is sent.
// The element stays, empty, so that a screen reader announces the warning
// when it appears.
func spaceWarning(id string, show bool, text string) app.UI {
	p := app.P().ID(id).Class("warning").Aria("live", "polite")
	if show {
		return p.Text(text)
	}
	return p
}

// step0Offer is what Step 1 shows of Step 0: whether it is offered (the
// sandbox, one's own credentials), whether it is on its way, and what it
// made or why it did not. Never the secret.
type step0Offer struct {
	Offered    bool
	Busy       bool
	Made       string
	Err        string
	SecretMade bool // the secret in memory is the one it made
}

// renderStep0 offers sandbox credentials of one's own, in an element that
// is always there (go-app matches children by position).
func (s *tokenStepView) renderStep0() app.UI {
	o := s.Step0
	return app.Div().Class("step0").Body(app.If(o.Offered, func() app.UI {
		text := "Get sandbox credentials"
		if o.Busy {
			text = "Getting them…"
		}
		return app.Div().Body(
			app.P().Body(
				app.Button().ID(IDCreateClient).Type("button").Aria("busy", o.Busy).Text(text).OnClick(s.onCreateClient),
				app.Span().Class("hint").Text(" Step 0, with no account: the sandbox's create-client makes a client of your own, with a restaurant of its own, for a day."),
			),
			app.P().ID(IDCreateClientOutcome).Class("hint").Role("status").Text(o.Made),
			app.If(o.Err != "", func() app.UI { return app.P().ID(IDCreateClientError).Class("error").Text(o.Err) }),
		)
	}))
}

func (s *tokenStepView) onCreateClient(ctx app.Context, e app.Event) {
	if s.OnCreateClient != nil && !s.Step0.Busy {
		s.OnCreateClient(ctx)
	}
}

// secretPlaceholder says, in the empty field, that the secret is held all
// the same when Step 0 made it.
func (s *tokenStepView) secretPlaceholder() string {
	if s.Step0.SecretMade {
		return "the created client's secret, held in this tab's memory"
	}
	return ""
}
