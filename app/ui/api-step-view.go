package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
	"octoplay/internal/wire"
)

// apiStepView is Step 2, a call with the token as a Bearer credential: the
// choices of the call, the request as it goes (the token masked), its
// answer and the same call as code.
type apiStepView struct {
	app.Compo

	Env      quickstart.Environment
	Choices  apiChoices
	OnChange func(ctx app.Context, c apiChoices)
	Snippets []snippetCode
	StepExchange
}

func (s *apiStepView) Render() app.UI {
	c := s.Choices
	presets := s.Env.Presets()
	methods := wire.APIMethods()
	return app.Section().ID("step2").Class("card", "step").Body(
		app.H2().Text("Step 2: call the API"),
		app.P().Text("Send the token in the Authorization header. The path is as OctoTable's docs write it; the environment supplies the origin ("+s.Env.Origin()+")."),
		field("step2-preset", "Example requests",
			app.Select().ID("step2-preset").OnChange(s.onChoice).Body(
				app.Option().Value("").Text("Choose an example…"),
				app.Range(presets).Slice(func(i int) app.UI {
					return app.Option().Value(presets[i].Path).Text(presets[i].Label + ": " + presets[i].Method + " " + presets[i].Path)
				}),
			), ""),
		app.Div().Class("row").Body(
			field("step2-method", "Method",
				app.Select().ID("step2-method").OnChange(s.onChoice).Body(
					app.Range(methods).Slice(func(i int) app.UI {
						return app.Option().Value(methods[i]).Selected(methods[i] == c.Method).Text(methods[i])
					}),
				), ""),
			field("step2-path", "Path",
				app.Input().ID("step2-path").Type("text").Spellcheck(false).Value(c.Path).OnInput(s.onChoice), ""),
			field("step2-property", "Property header",
				app.Input().ID("step2-property").Type("text").Spellcheck(false).Value(c.Property).OnInput(s.onChoice),
				"Needed by "+wire.PMSBase+" resources. Leave empty for "+wire.APIBase+"."),
		),
		s.view("step2", "API request preview", "send", "Send", "Sending…"),
		newSnippetTabs(snippets.Step2, s.Snippets),
	)
}

// onChoice reads the control whose event it is, by its id, and calls back
// with the choices as the control leaves them.
func (s *apiStepView) onChoice(ctx app.Context, e app.Event) {
	src, c := ctx.JSSrc(), s.Choices
	switch value := src.Get("value").String(); src.Get("id").String() {
	case "step2-method":
		c.Method = value
	case "step2-path":
		c.Path = value
	case "step2-property":
		c.Property = value
	case "step2-preset":
		// An example fills the request in; for the sandbox, with its one
		// property, which is public, so that its resources answer at once.
		for _, pr := range s.Env.Presets() {
			if pr.Path == value {
				c = apiChoices{Method: pr.Method, Path: pr.Path}
				if pr.Property && s.Env.Name == wire.SandboxEnvironment {
					c.Property = wire.SandboxProperty
				}
			}
		}
	}
	if s.OnChange != nil {
		s.OnChange(ctx, c)
	}
}
