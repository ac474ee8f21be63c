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
	Compact  bool                                                    // the snippets start collapsed
	OnChange func(ctx app.Context, edit func(apiChoices) apiChoices) // as tokenStepView's
	Snippets []snippetCode
	StepExchange
}

func (s *apiStepView) Render() app.UI {
	c := s.Choices
	presets := s.Env.Presets()
	methods := wire.APIMethods()
	chosen := s.preset()
	origin := s.Env.Origin()
	if origin == "" {
		origin = "once the environments are loaded"
	}
	return app.Section().ID("step2").Class("card", "step").Aria("labelledby", "step2-title").Body(
		app.H2().ID("step2-title").TabIndex(-1).Text("Step 2: call the API"),
		app.P().Text("Send the token in the Authorization header. The path is as OctoTable's docs write it; the environment supplies the origin ("+origin+")."),
		field("step2-preset", "Example requests",
			app.Select().ID("step2-preset").OnChange(s.onChoice).Body(
				option("", "Choose an example…", chosen == ""),
				app.Range(presets).Slice(func(i int) app.UI {
					pr := presets[i]
					return option(pr.Path, pr.Label+": "+pr.Method+" "+pr.Path, chosen == pr.Path)
				}),
			), ""),
		app.Div().Class("row").Body(
			field("step2-method", "Method",
				app.Select().ID("step2-method").OnChange(s.onChoice).Body(
					app.Range(methods).Slice(func(i int) app.UI {
						return option(methods[i], methods[i], methods[i] == c.Method)
					}),
				), ""),
			field("step2-path", "Path",
				app.Input().ID("step2-path").Type("text").Spellcheck(false).Value(c.Path).OnInput(s.onChoice), ""),
			field("step2-property", "Property header",
				app.Input().ID("step2-property").Type("text").Spellcheck(false).Value(c.Property).OnInput(s.onChoice),
				"Needed by "+wire.PMSBase+" resources. Leave empty for "+wire.APIBase+"."),
		),
		s.view("step2", "API request preview", "send", "Send", "Sending…"),
		newSnippetTabs(snippets.Step2, s.Snippets, !s.Compact),
	)
}

// preset is the example request the choices are, "" when they are none:
// the examples' list shows which, and edited choices are no example.
func (s *apiStepView) preset() string {
	for _, pr := range s.Env.Presets() {
		if s.Choices == s.presetChoices(pr) {
			return pr.Path
		}
	}
	return ""
}

// presetChoices are the choices an example fills in: for the sandbox with
// its one property, which is public, so that its resources answer at once.
func (s *apiStepView) presetChoices(pr quickstart.Preset) apiChoices {
	c := apiChoices{Method: pr.Method, Path: pr.Path}
	if pr.Property && s.Env.Name == wire.SandboxEnvironment {
		c.Property = wire.SandboxProperty
	}
	return c
}

// onChoice reads the control whose event it is, by its id, and calls back
// with the edit it makes.
func (s *apiStepView) onChoice(ctx app.Context, e app.Event) {
	src := ctx.JSSrc()
	id, value := src.Get("id").String(), src.Get("value").String()
	edit := func(c apiChoices) apiChoices { return c.with(id, value) }
	if id == "step2-preset" {
		for _, pr := range s.Env.Presets() {
			if pr.Path == value {
				edit = func(apiChoices) apiChoices { return s.presetChoices(pr) }
			}
		}
	}
	if s.OnChange != nil {
		s.OnChange(ctx, edit)
	}
}
