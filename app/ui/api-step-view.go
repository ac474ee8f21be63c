package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
	"octoplay/internal/wire"
)

// apiStepView is Step 2, a call with the token as a Bearer credential: the
// choices of the call (a body and extra headers for a write), the request
// as it goes (the token masked), its answer and the same call as code.
type apiStepView struct {
	app.Compo

	Env     quickstart.Environment
	Choices apiChoices
	// CreatedID is what the last 201 made, for the examples that read,
	// change and remove it; "" before.
	CreatedID string
	// CreatedIDs are what the 201s made, by the path parameter that names
	// them: an operation chosen fills its parameters' fields with them.
	CreatedIDs map[string]string
	// TokenProperty is the property_id of the token Step 1 brought, ""
	// when it carries none (an opaque token): offered as the Property
	// header, and what the examples put there.
	TokenProperty string
	AutoRenew     bool
	// OnChange gets how a control changes the choices, which the
	// playground applies to its own, as tokenStepView's: two events in one
	// frame must not each start from the choices this view was last given.
	OnChange    func(ctx app.Context, edit func(apiChoices) apiChoices)
	OnAutoRenew func(ctx app.Context, on bool)
	Snippets    []snippetCode
	StepExchange
}

func (s *apiStepView) Render() app.UI {
	c := s.Choices
	presets := s.presets()
	methods := wire.APIMethods()
	chosen := s.preset()
	origin := s.Env.Origin()
	if origin == "" {
		origin = "once the environments are loaded"
	}
	renew := app.Input().ID(IDAutoRenew).Type("checkbox").Aria("describedby", IDAutoRenewHint).OnChange(s.onAutoRenew)
	if s.AutoRenew {
		renew = renew.Checked(true)
	}
	return app.Section().ID(IDStep2).Class("card", "step").Aria("labelledby", IDStep2Title).Body(
		app.H2().ID(IDStep2Title).TabIndex(-1).Text("Step 2: call the API"),
		app.P().Text("Send the token in the Authorization header. The path is as OctoTable's docs write it; the environment supplies the origin ("+origin+")."),
		s.presetField(presets, chosen),
		app.Div().Class("row").Body(
			field(IDStep2Method, "Method",
				app.Select().ID(IDStep2Method).OnChange(s.onChoice).Body(
					app.Range(methods).Slice(func(i int) app.UI {
						return option(methods[i], methods[i], methods[i] == c.Method)
					}),
				), ""),
			s.pathField(),
			s.paramFields(),
			field(IDStep2Property, "Property header",
				app.Div().Body(
					app.Input().ID(IDStep2Property).Type("text").Spellcheck(false).Aria("describedby", IDStep2PropertyFrom).
						Value(c.Property).OnInput(s.onChoice),
					s.tokenPropertyOffer(),
				),
				"Needed by "+wire.PMSBase+" resources. Leave empty for "+wire.APIBase+"."),
		),
		app.If(quickstart.TakesBody(c.Method), s.bodyEditor),
		s.headerTable(),
		app.Div().Class("check").Body(
			renew,
			app.Label().For(IDAutoRenew).Text("Renew the token when it has expired, and send again"),
		),
		app.P().ID(IDAutoRenewHint).Class("hint").Text("When a call meets an expired token (its countdown ended, or the API answers 401 invalid_token), "+
			"Step 1 is sent again with the same credentials or profile, kept in this tab's memory only, and the call once more. Off unless you turn it on."),
		s.view(Step2, "API request preview", IDSend, "Send", "Sending…"),
		newSnippetTabs(snippets.Step2, s.Snippets, s.answerSeq()),
	)
}

// pathField is the path, with what stops it from going beside it: a URL
// of another host, a malformed escape, a path outside the API.
func (s *apiStepView) pathField() app.UI {
	c := s.Choices
	var problem string
	if s.Env.Origin() != "" && strings.TrimSpace(c.Path) != "" {
		if err := (quickstart.APIRequest{Env: s.Env, Path: c.Path}).CheckPath(); err != nil {
			problem = "Not sent as it is: " + err.Error() + "."
		}
	}
	return app.Div().Class("field", "path").Body(
		app.Label().For(IDStep2Path).Text("Path"),
		app.Input().ID(IDStep2Path).Type("text").Spellcheck(false).Value(c.Path).
			Aria("describedby", IDStep2PathCheck).Aria("invalid", problem != "").OnInput(s.onChoice),
		app.P().ID(IDStep2PathCheck).Class("error").Aria("live", "polite").Text(problem),
	)
}

// presetField is the choice of an example: the environment's operations,
// grouped by area, when it lists them; the playground's examples else.
func (s *apiStepView) presetField(presets []quickstart.Preset, chosen string) app.UI {
	if len(s.Env.Operations) == 0 {
		return field(IDStep2Preset, "Example requests",
			app.Select().ID(IDStep2Preset).OnChange(s.onChoice).Body(
				option(noPreset, "Choose an example…", chosen == ""),
				app.Range(presets).Slice(func(i int) app.UI {
					pr := presets[i]
					return option(pr.Key, pr.Label+": "+pr.Method+" "+pr.Path, chosen == pr.Key)
				}),
			), s.presetHint())
	}
	var groups []app.UI
	for i := 0; i < len(presets); {
		tag, j := presets[i].Tag, i
		var options []app.UI
		for ; j < len(presets) && presets[j].Tag == tag; j++ {
			pr := presets[j]
			options = append(options, option(pr.Key, pr.Method+" "+pr.Path+" — "+pr.Label, chosen == pr.Key))
		}
		groups = append(groups, app.OptGroup().Label("%s", tag).Body(options...))
		i = j
	}
	return field(IDStep2Preset, "Operation",
		app.Select().ID(IDStep2Preset).OnChange(s.onChoice).Body(
			append([]app.UI{option(noPreset, "Choose an operation…", chosen == "")}, groups...)...,
		), "The environment's whole API, by area. The parameters of a path are fields of their own; the ids your last POSTs made fill them.")
}

// paramFields are a field for each parameter of the path, with what stops
// the request beside the one left empty. The element stays, empty, for a
// path without, so that its siblings keep their places.
func (s *apiStepView) paramFields() app.UI {
	names := quickstart.PathParams(s.Choices.Path)
	return app.Div().Class("params").Body(app.Range(names).Slice(func(i int) app.UI {
		name := names[i]
		value := s.Choices.Params[name]
		problem := ""
		if strings.TrimSpace(value) == "" {
			problem = "Not sent yet: " + (&quickstart.MissingParamError{Name: name}).Error() + "."
		}
		id, check := IDStep2ParamNamed(name), IDStep2ParamCheck(name)
		return app.Div().Class("field").Body(
			app.Label().For(id).Text(name),
			app.Input().ID(id).Type("text").Spellcheck(false).Value(value).
				Aria("describedby", check).Aria("invalid", problem != "").OnInput(s.onChoice),
			app.P().ID(check).Class("error").Aria("live", "polite").Text(problem),
		)
	}))
}

// noPreset is the value of the choice of no example: not "", which go-app
// drops from an <option>, the browser then sending its text.
const noPreset = "_none"

// tokenPropertyOffer says where the Property header's value can come from:
// the token's own property_id, one click away. The element stays, empty,
// when the token carries none, so that its siblings keep their places.
func (s *apiStepView) tokenPropertyOffer() app.UI {
	p := app.P().ID(IDStep2PropertyFrom).Class("hint").Aria("live", "polite")
	switch id := s.TokenProperty; {
	case id == "":
		return p
	case s.Choices.Property == id:
		return p.Text(id + ": from your token's property_id claim.")
	default:
		return p.Body(
			app.Text("Your token's property_id claim is "+id+". "),
			app.Button().ID(IDUseTokenProperty).Type("button").Text("Use "+id).OnClick(s.onUseTokenProperty),
		)
	}
}

func (s *apiStepView) onUseTokenProperty(ctx app.Context, e app.Event) {
	id := s.TokenProperty
	s.edit(ctx, func(c apiChoices) apiChoices {
		c = c.clone()
		c.Property = id
		return c
	})
}

// presets are the environment's operations when it lists them; else its
// examples, the reads then the writes, those about the reservation created
// last naming it.
func (s *apiStepView) presets() []quickstart.Preset {
	if len(s.Env.Operations) > 0 {
		return s.Env.OperationPresets()
	}
	presets := append(s.Env.Presets(), s.Env.WritePresets(time.Now())...)
	for i, pr := range presets {
		if pr.NeedsID() && s.CreatedID != "" {
			presets[i] = pr.WithID(s.CreatedID)
		}
	}
	return presets
}

// presetHint says how the writes' examples go together.
func (s *apiStepView) presetHint() string {
	if len(s.Env.WritePresets(time.Now())) == 0 {
		return ""
	}
	if s.CreatedID == "" {
		return "The examples that read, check in and cancel a reservation use the one you create first, with " + quickstart.IDPlaceholder + " in their path until then."
	}
	return "The examples that read, check in and cancel a reservation use " + s.CreatedID + ", the one you created last."
}

// preset is the key of the example the choices are, "" when they are none:
// the examples' list shows which, and edited choices are no example.
func (s *apiStepView) preset() string {
	for _, pr := range s.presets() {
		if s.Choices.same(s.presetChoices(pr, s.Choices)) {
			return pr.Key
		}
	}
	return ""
}

// presetChoices are the choices an example makes of c: the Property
// header is the token's property_id, else the sandbox's one property,
// which is public, so that its resources answer at once. The extra headers
// stay, and the content type when the example has no body.
func (s *apiStepView) presetChoices(pr quickstart.Preset, c apiChoices) apiChoices {
	c = c.clone()
	c.Method, c.Path, c.Property, c.Body = pr.Method, pr.Path, "", pr.Body
	switch {
	case !pr.Property:
	case s.TokenProperty != "":
		c.Property = s.TokenProperty
	case s.Env.Name == wire.SandboxEnvironment:
		c.Property = wire.SandboxProperty
	}
	if pr.ContentType != "" {
		c.ContentType = pr.ContentType
	}
	for _, name := range quickstart.PathParams(pr.Path) {
		if id := s.CreatedIDs[name]; id != "" {
			if c.Params == nil {
				c.Params = map[string]string{}
			}
			c.Params[name] = id
		}
	}
	return c
}

// onChoice reads the control whose event it is, by its id, and calls back
// with what it changes.
func (s *apiStepView) onChoice(ctx app.Context, e app.Event) {
	src := ctx.JSSrc()
	id, value := src.Get("id").String(), src.Get("value").String()
	presets := s.presets()
	s.edit(ctx, func(c apiChoices) apiChoices {
		if id == IDStep2Path {
			value = s.Env.PathOf(value) // a URL of the environment, pasted whole
		}
		if id != IDStep2Preset {
			return c.with(id, value)
		}
		for _, pr := range presets {
			if pr.Key == value {
				return s.presetChoices(pr, c)
			}
		}
		return c
	})
}

func (s *apiStepView) edit(ctx app.Context, edit func(apiChoices) apiChoices) {
	if s.OnChange != nil {
		s.OnChange(ctx, edit)
	}
}

func (s *apiStepView) onAutoRenew(ctx app.Context, e app.Event) {
	if s.OnAutoRenew != nil {
		s.OnAutoRenew(ctx, ctx.JSSrc().Get("checked").Truthy())
	}
}
