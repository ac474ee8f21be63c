package ui

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
	"octoplay/internal/wire"
)

// Step 2's body and extra headers, each checked as it is typed, so that
// what would stop the request shows beside the field it is about, before
// anything is sent.

// bodyEditor is the body of a POST, PUT or PATCH and its content type,
// with what is wrong with it (a JSON error's line and column, the size
// limit) or its size.
func (s *apiStepView) bodyEditor() app.UI {
	c := s.Choices
	types := quickstart.ContentTypes()
	check, bad := bodyCheck(c)
	checkClass := "hint"
	if bad {
		checkClass = "error"
	}
	isJSON := c.ContentType == "" || c.ContentType == quickstart.ContentJSON
	// go-app writes a textarea's text as its value, which is what shows
	// once the person has typed.
	editor := app.Textarea().ID(IDStep2Body).Class("wire").Rows(8).Spellcheck(false).Text(c.Body).
		Aria("describedby", IDStep2BodyCheck).Aria("invalid", bad).OnInput(s.onChoice)
	return app.Div().Class("body-editor").Body(
		field(IDStep2ContentType, "Content type",
			app.Select().ID(IDStep2ContentType).OnChange(s.onChoice).Body(
				app.Range(types).Slice(func(i int) app.UI {
					return option(string(types[i]), contentTypeLabel(types[i]), types[i] == c.ContentType)
				}),
			), ""),
		app.Div().Class("field").Body(
			app.Label().For(IDStep2Body).Text("Body"),
			editor,
			app.P().ID(IDStep2BodyCheck).Class(checkClass).Text(check),
		),
		app.If(isJSON, func() app.UI {
			return app.Button().ID(IDStep2Pretty).Type("button").Aria("describedby", IDStep2BodyCheck).
				Text("Pretty-print").OnClick(s.onPretty)
		}),
	)
}

// bodyCheck says what stops the body from going, or how large it is; bad
// says it is the former.
func bodyCheck(c apiChoices) (text string, bad bool) {
	r := quickstart.APIRequest{Method: c.Method, Body: c.Body, ContentType: c.ContentType}
	if !r.SendsBody() {
		return "Empty: no body is sent.", false
	}
	if err := quickstart.CheckBody(c.ContentType, c.Body); err != nil {
		return "Not sent as it is: " + err.Error() + ".", true
	}
	return fmt.Sprintf("%s of at most %d KiB.", byteSize(len(r.SentBody())), wire.MaxAPIBody>>10), false
}

func contentTypeLabel(ct quickstart.ContentType) string {
	if ct == quickstart.ContentForm {
		return "Form (" + string(ct) + ")"
	}
	return "JSON (" + string(ct) + ")"
}

// onPretty indents a JSON body; one that is not JSON stays as it is, its
// error already beside it.
func (s *apiStepView) onPretty(ctx app.Context, e app.Event) {
	s.edit(ctx, func(c apiChoices) apiChoices {
		if pretty, err := quickstart.PrettyJSON(c.Body); err == nil {
			c.Body = pretty
		}
		return c
	})
}

// headerTable is the extra headers, a row each, each row flagged with why
// it cannot go (quickstart.HeaderProblems); rows are added and removed
// with buttons, and the focus follows.
func (s *apiStepView) headerTable() app.UI {
	rows := s.Choices.Headers
	problems := quickstart.HeaderProblems(rows)
	return app.FieldSet().ID(IDStep2Headers).Class("headers").Body(
		app.Legend().Text("Extra headers"),
		app.P().ID(IDStep2HeadersHint).Class("hint").Text(fmt.Sprintf(
			"Sent after Accept, Property and Content-Type, at most %d. Authorization is the token's; Host, Cookie and hop-by-hop fields never go.", wire.MaxExtraFields)),
		// The rows in a box of their own: go-app matches children by their
		// place, and a row added before the button would replace the
		// button, and the focus on it, with a new one.
		app.Div().Class("header-rows").Body(app.Range(rows).Slice(func(i int) app.UI {
			n := strconv.Itoa(i + 1)
			errID := IDStep2HeaderErrorRow(i)
			bad := problems[i] != ""
			return app.Div().Class("header-row").Role("group").Aria("label", "Header "+n).Body(
				app.Input().ID(IDStep2HeaderNameRow(i)).Type("text").Spellcheck(false).Placeholder("Name").
					Aria("label", "Header "+n+" name").Aria("describedby", errID).Aria("invalid", bad).
					Value(rows[i].Name).OnInput(s.onChoice),
				app.Input().ID(IDStep2HeaderValueRow(i)).Type("text").Spellcheck(false).Placeholder("Value").
					Aria("label", "Header "+n+" value").Aria("describedby", errID).Aria("invalid", bad).
					Value(rows[i].Value).OnInput(s.onChoice),
				app.Button().ID(IDStep2HeaderRemoveRow(i)).Type("button").DataSet("row", i).
					Aria("label", "Remove header "+n).Text("Remove").OnClick(s.onRemoveHeader),
				app.P().ID(errID).Class("error").Text(problems[i]),
			)
		})),
		app.Button().ID(IDStep2HeaderAdd).Type("button").Aria("describedby", IDStep2HeadersHint).Text("Add a header").OnClick(s.onAddHeader),
	)
}

// onAddHeader adds an empty row and puts the focus in its name.
func (s *apiStepView) onAddHeader(ctx app.Context, e app.Event) {
	s.edit(ctx, func(c apiChoices) apiChoices {
		c = c.clone()
		c.Headers = append(c.Headers, quickstart.Header{})
		focusSoon(ctx, IDStep2HeaderNameRow(len(c.Headers)-1))
		return c
	})
}

// onRemoveHeader removes a row and leaves the focus on the button that
// adds one, where a keyboard can go on.
func (s *apiStepView) onRemoveHeader(ctx app.Context, e app.Event) {
	row, err := strconv.Atoi(ctx.JSSrc().Get("dataset").Get("row").String())
	if err != nil {
		return
	}
	// Now: the button clicked goes with its row, and what is deferred to
	// one of its events goes with it.
	dom.Focus(IDStep2HeaderAdd)
	s.edit(ctx, func(c apiChoices) apiChoices {
		c = c.clone()
		if row >= 0 && row < len(c.Headers) {
			c.Headers = slices.Delete(c.Headers, row, row+1)
		}
		return c
	})
}

// focusSoon focuses the element id once the page has been updated.
func focusSoon(ctx app.Context, id string) {
	ctx.Defer(func(app.Context) { dom.Focus(id) })
}
