package ui

import (
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
	"octoplay/internal/wire"
)

// renderStep2 is Step 2: a call with the token as a Bearer credential.
func (p *playground) renderStep2() app.UI {
	r := p.apiRequest()
	presets := p.env.Presets()
	return app.Section().ID("step2").Class("card", "step").Body(
		app.H2().Text("Step 2: call the API"),
		app.P().Text("Send the token in the Authorization header. The path is as OctoTable's docs write it; the environment supplies the origin ("+p.env.Origin()+")."),
		field("step2-preset", "Example requests",
			app.Select().ID("step2-preset").OnChange(p.onPreset).Body(
				app.Option().Value("").Text("Choose an example…"),
				app.Range(presets).Slice(func(i int) app.UI {
					return app.Option().Value(presets[i].Path).Text(presets[i].Label + ": " + presets[i].Method + " " + presets[i].Path)
				}),
			), ""),
		app.Div().Class("row").Body(
			field("step2-method", "Method",
				app.Select().ID("step2-method").OnChange(p.onMethod).Body(
					app.Range(wire.APIMethods()).Slice(func(i int) app.UI {
						m := wire.APIMethods()[i]
						return app.Option().Value(m).Selected(m == p.method).Text(m)
					}),
				), ""),
			field("step2-path", "Path",
				app.Input().ID("step2-path").Type("text").Spellcheck(false).Value(p.path).OnInput(p.onPath), ""),
			field("step2-property", "Property header",
				app.Input().ID("step2-property").Type("text").Spellcheck(false).Value(p.property).OnInput(p.onProperty),
				"Needed by /octotable-pms/api/v2/ resources. Leave empty for /api/v2/."),
		),
		p.renderExchange(exchange{
			step: "step2", previewLabel: "API request preview", preview: r.Preview(),
			buttonID: "send", idle: "Send", working: "Sending…", onClick: p.onSend,
			busy: p.apiBusy, err: p.apiErr, answer: p.apiAnswer, explain: p.apiExplain, onFix: p.applyAPIFix,
		}),
		p.renderSnippets(snippets.Step2),
	)
}

func (p *playground) onPreset(ctx app.Context, e app.Event) {
	path := ctx.JSSrc().Get("value").String()
	for _, pr := range p.env.Presets() {
		if pr.Path != path {
			continue
		}
		p.method, p.path, p.property = pr.Method, pr.Path, ""
		// The sandbox's one property is public: fill it in, so that its
		// resources answer at once.
		if pr.Property && p.env.Name == wire.SandboxEnvironment {
			p.property = wire.SandboxProperty
		}
	}
}

func (p *playground) onMethod(ctx app.Context, e app.Event) {
	p.method = ctx.JSSrc().Get("value").String()
}

func (p *playground) onPath(ctx app.Context, e app.Event) {
	p.path = ctx.JSSrc().Get("value").String()
}

func (p *playground) onProperty(ctx app.Context, e app.Event) {
	p.property = ctx.JSSrc().Get("value").String()
}

func (p *playground) onSend(ctx app.Context, e app.Event) {
	if p.apiBusy || p.relay == nil {
		return
	}
	r := p.apiRequest()
	req, err := r.Build(time.Now())
	if err != nil {
		p.apiErr = err.Error()
		return
	}
	u, _ := r.URL()
	p.used()
	p.apiBusy, p.apiErr = true, ""
	relay := p.relay
	ctx.Async(func() {
		a, err := relay.send(ctx, req)
		ctx.Dispatch(func(ctx app.Context) {
			p.apiBusy = false
			if err != nil {
				p.apiAnswer, p.apiExplain = nil, nil
				p.apiErr = "The request could not be relayed: " + err.Error() + ". Check your connection and try again."
				p.addHistory(r.Method, u.String(), nil, "not relayed")
				return
			}
			p.apiAnswer, p.apiExplain = &a, quickstart.ExplainAPI(a)
			p.addHistory(r.Method, u.String(), &a, "")
			if a.Status == 401 && p.tokenState == tokenValid && strings.Contains(a.Header.Get("www-authenticate"), "invalid_token") {
				// The server has the last word on expiry.
				p.tokenState = tokenExpired
			}
		})
	})
}

func (p *playground) applyAPIFix(ctx app.Context) {
	if p.apiExplain != nil {
		p.applyFix(ctx, p.apiExplain.Fix)
	}
}
