package ui

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/snippets"
)

// snippetCode is one language's snippet as the tabs show it.
type snippetCode struct {
	Lang  string // as the page names it: "curl", "python"
	Title string // as a person reads it: "curl", "Python"
	Code  string
}

// snippetTabs shows a step's snippets, one tab per language (the WAI-ARIA
// tabs pattern: arrows move between tabs, Tab leaves them). Every snippet
// stays in the page as pre[data-snippet="step1:curl"]; the tabs only hide
// the others with a class, as the page's CSP allows no inline style.
type snippetTabs struct {
	app.Compo

	Step       StepIDs // prefixes data-snippet too
	Snippets   []snippetCode
	Variables  []string // what the snippets read from the environment
	ExportLine string   // a shell line that sets them
	// Seq counts the step's answers: a new one clears what came of the
	// last Copy, which is about the code as it was then.
	Seq int

	seq        int
	selected   string // the language shown; "" shows the first
	copiedLang string // the language whose Copy was just pressed
	copied     string // and what came of it
}

func (s *snippetTabs) OnMount(ctx app.Context) { s.seq = s.Seq }

func (s *snippetTabs) OnUpdate(ctx app.Context) {
	if s.Seq != s.seq {
		s.seq, s.copiedLang, s.copied = s.Seq, "", ""
	}
}

func (s *snippetTabs) Render() app.UI {
	// Collapsed until asked for: the first screen is the step and its
	// answer, on a phone above all; a person who opens it keeps it open.
	return app.Details().Class("snippets").Body(
		app.Summary().Body(app.H3().ID(s.Step.CodeTitle()).Text("Take it home: the same request in code")),
		app.P().Class("hint", "export-line").Body(
			app.Text("The code reads "+strings.Join(s.Variables, " and ")+" from the environment, never a value typed here. Set them first: "),
			app.Code().Text(s.ExportLine),
			app.Text(" (read -s takes the value without showing it or keeping it in your shell's history)."),
		),
		app.If(len(s.Snippets) == 0, func() app.UI {
			return app.P().ID(s.Step.CodePending()).Class("hint").Text(codePending)
		}).Else(s.renderTabList),
		app.Range(s.Snippets).Slice(s.renderPanel),
	)
}

// codePending stands for the snippets until the environments are in: with
// no code to show there are no tabs to choose, and the page's first render,
// which the wasm's start waits for, builds none (a hundred elements, their
// buttons and handlers, for both steps).
const codePending = "The code shows here once the environments are loaded."

// renderTabList is the tabs, one per language.
func (s *snippetTabs) renderTabList() app.UI {
	active := s.active()
	return app.Div().Class("tabs").Role("tablist").Aria("labelledby", s.Step.CodeTitle()).Body(
		app.Range(s.Snippets).Slice(func(i int) app.UI {
			lang := s.Snippets[i].Lang
			on := lang == active
			return app.Button().Type("button").ID(s.Step.Tab(lang)).Class("tab").Role("tab").
				Aria("selected", on).Aria("controls", s.Step.Panel(lang)).TabIndex(tabIndex(on)).
				DataSet("lang", lang).Text(s.Snippets[i].Title).
				OnClick(s.onTab).OnKeyDown(s.onTabKey)
		}),
	)
}

// renderPanel is the i-th language's panel: every one stays in the page,
// the others than the chosen one hidden by a class.
func (s *snippetTabs) renderPanel(i int) app.UI {
	sn := s.Snippets[i]
	class := "snippet-panel"
	if sn.Lang != s.active() {
		class += " is-hidden"
	}
	return app.Div().ID(s.Step.Panel(sn.Lang)).Class(class).Role("tabpanel").Aria("labelledby", s.Step.Tab(sn.Lang)).Body(
		app.Div().Class("snippet-actions").Body(
			app.Span().Class("hint").Aria("live", "polite").Text(s.copiedFor(sn.Lang)),
			app.Button().Type("button").Class("copy-snippet").DataSet("lang", sn.Lang).
				Aria("label", "Copy the "+sn.Title+" code").Text("Copy").OnClick(s.onCopy),
		),
		// Focusable, so that a keyboard can scroll a long line.
		app.Pre().Class("wire", "snippet").TabIndex(0).Aria("label", sn.Title+" code").
			DataSet("snippet", string(s.Step)+":"+sn.Lang).Text(sn.Code),
	)
}

func (s *snippetTabs) active() string {
	for _, sn := range s.Snippets {
		if sn.Lang == s.selected {
			return s.selected
		}
	}
	if len(s.Snippets) == 0 {
		return ""
	}
	return s.Snippets[0].Lang
}

// tabIndex keeps only the shown tab in the Tab order; arrows reach the rest.
func tabIndex(selected bool) int {
	if selected {
		return 0
	}
	return -1
}

// copiedFor is the feedback of the language's Copy, if it was pressed last.
func (s *snippetTabs) copiedFor(lang string) string {
	if lang != s.copiedLang {
		return ""
	}
	return s.copied
}

func (s *snippetTabs) onTab(ctx app.Context, e app.Event) {
	s.selected, s.copiedLang = ctx.JSSrc().Get("dataset").Get("lang").String(), ""
}

// onTabKey moves between tabs with the arrows, Home and End, and takes the
// focus along.
func (s *snippetTabs) onTabKey(ctx app.Context, e app.Event) {
	at := 0
	for i, sn := range s.Snippets {
		if sn.Lang == s.active() {
			at = i
		}
	}
	n := len(s.Snippets)
	switch e.Get("key").String() {
	case "ArrowRight":
		at = (at + 1) % n
	case "ArrowLeft":
		at = (at + n - 1) % n
	case "Home":
		at = 0
	case "End":
		at = n - 1
	default:
		return
	}
	e.PreventDefault()
	s.selected, s.copiedLang = s.Snippets[at].Lang, ""
	if tab := app.Window().GetElementByID(s.Step.Tab(s.selected)); tab.Truthy() {
		tab.Call("focus")
	}
}

// onCopy puts a snippet on the clipboard; it holds no credential.
func (s *snippetTabs) onCopy(ctx app.Context, e app.Event) {
	lang := ctx.JSSrc().Get("dataset").Get("lang").String()
	for _, sn := range s.Snippets {
		if sn.Lang == lang {
			s.copiedLang, s.copied = lang, ""
			copyText(ctx, sn.Code, func(feedback string) { s.copied = feedback })
		}
	}
}

// snippetSteps are the page's steps the snippets' steps are shown in: the
// page's ids are its own, not the snippets' names.
var snippetSteps = map[snippets.Step]StepIDs{snippets.Step1: Step1, snippets.Step2: Step2}

// newSnippetTabs is a step's tabs, with the variables its snippets read
// and the line that sets them.
func newSnippetTabs(step snippets.Step, codes []snippetCode, seq int) *snippetTabs {
	return &snippetTabs{Step: snippetSteps[step], Snippets: codes, Variables: snippets.Variables(step), ExportLine: snippets.ExportLine(step), Seq: seq}
}

// snippetCodes are a step's snippets, made from the playground's choices
// through snippets.NewOptions, which leaves the client id, the secret and
// the token behind: the step views that show them never see either. None
// until the environments are in: there is nothing to generate.
func (p *playground) snippetCodes(step snippets.Step) []snippetCode {
	if p.env.Name == "" {
		return nil
	}
	opts := snippets.NewOptions(p.step1.request(p.env, p.sess.secret), p.step2.request(p.env, p.sess.token.token.AccessToken))
	var codes []snippetCode
	for _, lang := range snippets.Languages() {
		code, err := snippets.Generate(step, lang, opts)
		if err != nil {
			code = "No code yet: " + strings.TrimPrefix(err.Error(), "snippets: ") + "."
		}
		codes = append(codes, snippetCode{Lang: string(lang), Title: lang.Title(), Code: code})
	}
	return codes
}
