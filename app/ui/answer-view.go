package ui

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
)

// shownAnswer is an upstream's answer as the page shows it: status,
// headers, body (the token masked, pretty and as it came) and time taken.
type shownAnswer struct {
	Status   int
	Headers  string
	Body     string // indented when JSON, the token masked
	Raw      string // as it came, the token masked
	JSON     bool   // the body is JSON: Body and Raw may differ
	Size     int    // of the body as it came, in bytes
	Duration string
	Seq      int // which of the step's answers this is
}

// A long body shows its first lines, and the rest on request.
const (
	collapsedLines = 40
	collapsedBytes = 4 << 10
)

// answerView shows an upstream's answer as it came, then what went wrong
// and a one-click fix when there is one. The body can be seen pretty or
// raw, copied and downloaded, all with the token masked: the view is only
// ever given masked text.
type answerView struct {
	app.Compo

	Step        StepIDs // Step1 or Step2: whose ids it renders
	Answer      shownAnswer
	Explanation *quickstart.Explanation
	FixLabel    string
	OnFix       func(ctx app.Context)

	seq      int    // the answer the choices below are for
	raw      bool   // the body as it came rather than indented
	expanded bool   // a long body shown whole
	copied   string // what came of the last Copy
}

// OnMount and OnUpdate start each new answer as the first: pretty,
// collapsed, nothing copied.
func (a *answerView) OnMount(ctx app.Context) { a.seq = a.Answer.Seq }

func (a *answerView) OnUpdate(ctx app.Context) {
	if a.Answer.Seq != a.seq {
		a.seq, a.raw, a.expanded, a.copied = a.Answer.Seq, false, false, ""
	}
}

func (a *answerView) Render() app.UI {
	class := "status-ok"
	if a.Answer.Status >= 400 {
		class = "status-error"
	}
	body := a.body()
	shown, long := collapse(body)
	if a.expanded {
		shown = body
	}
	bodyClass := []string{"wire", "answer-body"}
	if a.expanded {
		bodyClass = append(bodyClass, "expanded") // all of it in the page, not in a box that scrolls
	}
	return app.Div().Class("answer").Body(
		app.P().ID(a.Step.Status()).Class("answer-status", class).DataSet("status", a.Answer.Status).Body(
			app.Strong().Text(statusLine(a.Answer.Status)),
			app.Span().Class("hint").Text(" in "+a.Answer.Duration),
		),
		app.If(a.Explanation != nil, func() app.UI {
			return app.Div().Class("explain").Body(
				app.Strong().Text(a.Explanation.Title),
				app.P().Text(a.Explanation.Text),
				app.If(a.FixLabel != "", func() app.UI {
					return app.Button().ID(IDFix).Type("button").Text(a.FixLabel).OnClick(a.onFix)
				}),
			)
		}),
		app.Details().Body(
			app.Summary().Text("Headers"),
			app.Pre().Class("wire").Text(a.Answer.Headers),
		),
		app.If(body != "", func() app.UI {
			return app.Div().Class("answer-tools").Body(
				app.Span().ID(a.Step.AnswerSize()).Class("hint").Text(a.describe()),
				app.If(a.Answer.JSON, func() app.UI {
					return app.Button().ID(a.Step.AnswerRaw()).Type("button").Aria("pressed", a.raw).Aria("controls", a.Step.AnswerBody()).
						Text("Raw JSON").OnClick(a.onRaw)
				}),
				app.Button().ID(a.Step.AnswerCopy()).Type("button").Text("Copy body").OnClick(a.onCopy),
				app.Button().ID(a.Step.AnswerDownload()).Type("button").Text("Download body").OnClick(a.onDownload),
				app.Span().ID(a.Step.AnswerCopyFeedback()).Class("hint").Aria("live", "polite").Text(a.copied),
			)
		}),
		app.Pre().ID(a.Step.AnswerBody()).Class(bodyClass...).Aria("label", "Answer body").Text(orNoBody(shown)),
		app.If(long, func() app.UI {
			label := fmt.Sprintf("Show all %d lines", strings.Count(body, "\n")+1)
			if a.expanded {
				label = "Show the first lines only"
			}
			return app.Button().ID(a.Step.AnswerExpand()).Type("button").Aria("expanded", a.expanded).Aria("controls", a.Step.AnswerBody()).
				Text(label).OnClick(a.onExpand)
		}),
	)
}

// body is the body as the person chose to see it, whole.
func (a *answerView) body() string {
	if a.raw {
		return a.Answer.Raw
	}
	return a.Answer.Body
}

// describe says what the body is: its kind and its size as it came.
func (a *answerView) describe() string {
	kind := "Text"
	if a.Answer.JSON {
		kind = "JSON"
	}
	return kind + ", " + byteSize(a.Answer.Size)
}

// collapse is the start of a long body, its first collapsedLines lines and
// at most collapsedBytes, with "…" where it stops; long says whether
// anything was left out.
func collapse(body string) (head string, long bool) {
	head = body
	if i := nthIndex(head, '\n', collapsedLines); i >= 0 {
		head = head[:i]
	}
	if len(head) > collapsedBytes {
		head = head[:collapsedBytes]
		for !utf8.ValidString(head) {
			head = head[:len(head)-1]
		}
	}
	if head == body {
		return body, false
	}
	return head + "\n…", true
}

// nthIndex is the index of the nth c in s, -1 if s has fewer.
func nthIndex(s string, c byte, n int) int {
	at := -1
	for range n {
		i := strings.IndexByte(s[at+1:], c)
		if i < 0 {
			return -1
		}
		at += i + 1
	}
	return at
}

// byteSize writes n bytes as a person reads a size: "512 bytes", "4.2 KiB".
func byteSize(n int) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// statusLine is a status as HTTP/1.1 writes it: "401 Unauthorized".
func statusLine(status int) string {
	return fmt.Sprintf("%d %s", status, http.StatusText(status))
}

// orNoBody says so when an answer has no body, as a HEAD answer never has.
func orNoBody(body string) string {
	if body == "" {
		return "(no body)"
	}
	return body
}

func (a *answerView) onFix(ctx app.Context, e app.Event) {
	if a.OnFix != nil {
		a.OnFix(ctx)
	}
}

func (a *answerView) onRaw(ctx app.Context, e app.Event) { a.raw = !a.raw }

func (a *answerView) onExpand(ctx app.Context, e app.Event) { a.expanded = !a.expanded }

// onCopy puts the body on the clipboard as it is shown, whole, the token
// masked.
func (a *answerView) onCopy(ctx app.Context, e app.Event) {
	a.copied = ""
	seq := a.Answer.Seq
	copyText(ctx, a.body(), func(feedback string) {
		if a.Answer.Seq == seq {
			a.copied = feedback
		}
	})
}

// onDownload saves the body as it is shown, whole, the token masked.
func (a *answerView) onDownload(ctx app.Context, e app.Event) {
	name, mediaType := "octoplay-"+string(a.Step)+"-answer.txt", "text/plain; charset=utf-8"
	if a.Answer.JSON {
		name, mediaType = "octoplay-"+string(a.Step)+"-answer.json", "application/json"
	}
	dom.Download(ctx, name, mediaType, []byte(a.body()))
	a.copied = "Saved " + name + "."
}
