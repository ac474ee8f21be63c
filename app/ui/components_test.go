package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
)

func TestStepperShowsEachStepsState(t *testing.T) {
	page := render(t, &stepper{Step1: "done", Step2: "locked", Current: 2})
	nav := page.oneByRole(t, "navigation", "Steps")

	// Buttons, not links: the URL is the page's shared state.
	step1 := nav.oneByRole(t, "button", "Get a token")
	assert.Equal(t, IDStep1, step1.attrs["aria-controls"])
	assert.NotContains(t, step1.attrs, "aria-current", "not the current step")
	assert.Contains(t, step1.textContent(), "done")

	step2 := nav.oneByRole(t, "button", "Call the API")
	assert.Equal(t, IDStep2, step2.attrs["aria-controls"])
	assert.Equal(t, "step", step2.attrs["aria-current"])
	assert.Contains(t, step2.textContent(), "needs a token")
	assert.NotContains(t, step2.textContent(), "to do", "a text that must not match")
	assert.Empty(t, nav.byRole("link", ""))

	items := nav.byRole("listitem", "")
	require.Len(t, items, 2)
	assert.Equal(t, "done", items[0].attrs["data-state"])
	assert.Equal(t, "stepper-item state-done", items[0].attrs["class"])
	assert.Equal(t, "locked", items[1].attrs["data-state"])
	assert.Equal(t, "stepper-item state-locked", items[1].attrs["class"])
}

func TestHistoryListEmptyAndWithEntries(t *testing.T) {
	empty := render(t, &historyList{})
	assert.Contains(t, empty.byID(t, IDHistory).textContent(), "None yet. Each request you send is listed here, without secrets.")
	assert.Empty(t, empty.byRole("table", ""))

	page := render(t, &historyList{Entries: []historyEntry{
		{Method: "GET", URL: "http://x/sandbox/api/v2/", Status: 401, Duration: "12ms", At: "10:00:00"},
		{Method: "POST", URL: "http://x/sandbox/octotable-auth/api/v2/oauth2/token", At: "09:59:00", Failure: "not relayed"},
	}})
	headers := page.byRole("columnheader", "")
	require.Len(t, headers, 5)
	assert.Equal(t, "Status", headers[3].textContent())
	rows := page.byRole("row", "")
	require.Len(t, rows, 3, "the header and an entry each")
	cells := func(row *element) []string {
		var out []string
		for _, c := range row.byRole("cell", "") {
			out = append(out, c.textContent())
		}
		return out
	}
	assert.Equal(t, []string{"10:00:00", "GET", "http://x/sandbox/api/v2/", "401", "12ms"}, cells(rows[1]))
	assert.Equal(t, []string{"09:59:00", "POST", "http://x/sandbox/octotable-auth/api/v2/oauth2/token", "not relayed", ""}, cells(rows[2]))

	// A request's headers and body, collapsed under its URL.
	write := render(t, &historyList{Entries: []historyEntry{{Method: "POST", URL: "http://x/r", Request: "POST /r HTTP/1.1\nX-Trace: 1\n\n{}", Status: 201, At: "10:01:00"}}})
	isDetails := func(c *element) bool { return c.tag == "details" }
	details := write.all(isDetails)
	require.Len(t, details, 1)
	assert.Equal(t, "history-request", details[0].attrs["class"])
	assert.Equal(t, "Headers and body", details[0].all(func(c *element) bool { return c.tag == "summary" })[0].textContent())
	assert.Equal(t, "POST /r HTTP/1.1 X-Trace: 1 {}", details[0].all(func(c *element) bool { return c.tag == "pre" })[0].textContent(),
		"the request as it went (textContent here runs its lines together)")
	assert.Empty(t, page.all(isDetails), "none without a request to show")
}

func TestAnswerViewExplainsAndOffersTheFix(t *testing.T) {
	page := render(t, &answerView{
		Step: Step2, Answer: shownAnswer{Status: 401, Duration: "5ms", Body: "{}"},
		Explanation: &quickstart.Explanation{Title: "401 invalid_token: the token was not accepted", Text: "Get a new token.", Fix: quickstart.FixNewToken},
		FixLabel:    "Request a new token",
	})
	status := page.byID(t, Step2.Status())
	assert.Equal(t, "answer-status status-error", status.attrs["class"])
	assert.Equal(t, "401", status.attrs["data-status"])
	assert.Equal(t, "401 Unauthorized in 5ms", status.textContent())
	assert.Empty(t, page.byRole("alert", ""), "the step's one line announces it, not an alert beside it")
	assert.Contains(t, page.textContent(), "401 invalid_token: the token was not accepted")
	assert.Contains(t, page.textContent(), "Get a new token.")
	fix := page.oneByRole(t, "button", "Request a new token")
	assert.Equal(t, IDFix, fix.attrs["id"])
	assert.Equal(t, "button", fix.attrs["type"])
	assert.Equal(t, "{}", page.byLabel(t, "Answer body").textContent())

	ok := render(t, &answerView{Step: Step1, Answer: shownAnswer{Status: 200, Duration: "5ms"}})
	assert.Equal(t, "answer-status status-ok", ok.byID(t, Step1.Status()).attrs["class"])
	assert.NotContains(t, ok.textContent(), "invalid_token", "nothing to explain")
	assert.Empty(t, ok.byRole("button", ""), "nothing to fix")
	assert.Equal(t, "(no body)", ok.byLabel(t, "Answer body").textContent(), "a HEAD answer has none")
}

func TestPageHeaderListsEnvironments(t *testing.T) {
	envs := []quickstart.Environment{{Name: "sandbox", Title: "Sandbox (built in)"}, {Name: "octotable", Title: "OctoTable"}}
	page := render(t, &pageHeader{Envs: envs, Selected: "octotable"})
	assert.Equal(t, Title, page.oneByRole(t, "heading", "").textContent())
	picker := page.byLabel(t, "Environment")
	assert.Equal(t, IDEnv, picker.attrs["id"])
	assert.Equal(t, "combobox", picker.role())
	options := picker.byRole("option", "")
	require.Len(t, options, 2)
	assert.Equal(t, "sandbox", options[0].attrs["value"])
	assert.Equal(t, "Sandbox (built in)", options[0].textContent())
	assert.Equal(t, "octotable", options[1].attrs["value"])
	assert.Contains(t, options[1].attrs, "selected")

	compact := render(t, &pageHeader{Envs: envs, Selected: "sandbox", Compact: true})
	assert.Empty(t, compact.byRole("heading", ""), "no title in the compact header")
	assert.True(t, compact.hasID(IDEnv))
	docs := compact.oneByRole(t, "link", "Quickstart")
	assert.Equal(t, quickstartURL, docs.attrs["href"])
	assert.Equal(t, "noopener noreferrer", docs.attrs["rel"])
	assert.Equal(t, "_blank", docs.attrs["target"])
}

func TestExchangeViewShowsTheRequestThenItsAnswer(t *testing.T) {
	view := func(x StepExchange) *element {
		x.Preview = "GET /api/v2/ HTTP/1.1"
		return render(t, x.view(Step2, "API request preview", IDSend, "Send", "Sending…"))
	}
	// Before the wasm runs the button takes a click all the same (loader.js
	// keeps it for the wasm to do), and says why it does not go yet.
	prerendered := view(StepExchange{Unavailable: "Loading the playground…"})
	assert.Equal(t, "GET /api/v2/ HTTP/1.1", prerendered.byLabel(t, "API request preview").textContent())
	assert.NotContains(t, prerendered.byID(t, IDSend).attrs, "disabled", "a click before the wasm runs is kept, not swallowed")
	assert.Equal(t, "true", prerendered.byID(t, IDSend).attrs["aria-disabled"])

	// The button is never disabled once the page runs: it would throw the
	// focus to the page's start. It says why it cannot send instead.
	loading := view(StepExchange{Unavailable: "Connecting to the relay…"})
	send := loading.byID(t, IDSend)
	assert.NotContains(t, send.attrs, "disabled")
	assert.Equal(t, "true", send.attrs["aria-disabled"])
	assert.Equal(t, "Connecting to the relay…", loading.byID(t, send.attrs["aria-describedby"]).textContent())

	busy := view(StepExchange{Busy: true})
	assert.Equal(t, "Sending…", busy.byID(t, IDSend).textContent())
	assert.Equal(t, "true", busy.byID(t, IDSend).attrs["aria-busy"])
	assert.Equal(t, "true", busy.byID(t, IDSend).attrs["aria-disabled"])
	assert.NotContains(t, busy.byID(t, IDSend).attrs, "disabled", "the focus stays on the button while it works")

	failed := view(StepExchange{Err: "get a token in Step 1 first", Summary: "get a token in Step 1 first"})
	assert.Equal(t, "get a token in Step 1 first", failed.oneByRole(t, "status", "").textContent(), "announced")
	assert.False(t, failed.hasID(Step2.Status()), "no answer")

	answered := view(StepExchange{Answer: &shownAnswer{Status: 200, Body: `{"data": []}`}, Summary: "200 OK in 5ms."})
	assert.Equal(t, "Send", answered.byID(t, IDSend).textContent())
	assert.Equal(t, "false", answered.byID(t, IDSend).attrs["aria-disabled"])
	assert.Equal(t, "200", answered.byID(t, Step2.Status()).attrs["data-status"])
	assert.Equal(t, "200 OK in 5ms.", answered.oneByRole(t, "status", "").textContent(), "the outcome in a line")
	assert.Empty(t, answered.byRole("alert", ""))
}

// A screen reader hears how an exchange ended in a line: the status and
// what went wrong, never the body.
func TestExchangeSummary(t *testing.T) {
	explained := StepExchange{Answer: &shownAnswer{Status: 401, Duration: "12ms", Body: `{"secret": "x"}`},
		Explanation: &quickstart.Explanation{Title: "invalid_client: the secret does not match this client id"}}
	assert.Equal(t, "401 Unauthorized in 12ms. invalid_client: the secret does not match this client id.", summary(explained))
	assert.Equal(t, "200 OK in 3ms.", summary(StepExchange{Answer: &shownAnswer{Status: 200, Duration: "3ms"}}))
	assert.Equal(t, "enter your client id", summary(StepExchange{Err: "enter your client id"}))
	assert.Empty(t, summary(StepExchange{Busy: true, Answer: &shownAnswer{Status: 200}}), "nothing while it works")
}

func TestStepStates(t *testing.T) {
	answer := func(status int) exchange { return exchange{answer: &quickstart.Answer{Status: status}} }
	tests := []struct {
		name         string
		p            playground
		step1, step2 string
	}{
		{name: "start", p: playground{sess: session{token: heldToken{state: tokenNone}}}, step1: "todo", step2: "locked"},
		{name: "requesting", p: playground{sess: session{token: heldToken{state: tokenNone}}, step1: tokenStep{exchange: exchange{busy: true}}}, step1: "busy", step2: "locked"},
		{name: "token", p: playground{sess: session{token: heldToken{state: tokenValid}}}, step1: "done", step2: "todo"},
		{name: "expired", p: playground{sess: session{token: heldToken{state: tokenExpired}}}, step1: "attention", step2: "locked"},
		{name: "sending", p: playground{sess: session{token: heldToken{state: tokenValid}}, step2: apiStep{exchange: exchange{busy: true}}}, step1: "done", step2: "busy"},
		{name: "answered", p: playground{sess: session{token: heldToken{state: tokenValid}}, step2: apiStep{exchange: answer(200)}}, step1: "done", step2: "done"},
		{name: "failed", p: playground{sess: session{token: heldToken{state: tokenValid}}, step2: apiStep{exchange: exchange{answer: &quickstart.Answer{Status: 404}, explain: &quickstart.Explanation{}}}}, step1: "done", step2: "attention"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step1, step2 := tt.p.stepStates()
			assert.Equal(t, tt.step1, step1)
			assert.Equal(t, tt.step2, step2)
		})
	}
}

// The secret and the token go after idleWipe without use, and not before.
func TestIdleWipe(t *testing.T) {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	p := &playground{
		sess: session{secret: "s3cret", lastUse: start, token: heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok", ExpiresIn: 3600, ExpiresAt: start.Add(time.Hour)}}},
	}

	assert.True(t, p.tick(start.Add(idleWipe)), "the countdown moves")
	assert.Equal(t, "s3cret", p.sess.secret, "not yet")
	assert.Equal(t, "tok", p.sess.token.token.AccessToken)

	assert.True(t, p.tick(start.Add(idleWipe+time.Second)))
	assert.Empty(t, p.sess.secret)
	assert.Empty(t, p.sess.token.token.AccessToken)
	assert.Equal(t, tokenNone, p.sess.token.state)
}

func TestTickOnlyUpdatesWhatChanged(t *testing.T) {
	now := time.Now()
	idle := &playground{sess: session{token: heldToken{state: tokenNone}, lastUse: now}}
	assert.False(t, idle.tick(now.Add(time.Second)), "nothing to count down")
	secretOnly := &playground{sess: session{secret: "s", lastUse: now}}
	assert.False(t, secretOnly.tick(now.Add(time.Minute)))
	assert.True(t, secretOnly.tick(now.Add(idleWipe+time.Second)), "the wipe shows")
	assert.Empty(t, secretOnly.sess.secret)
}

func TestTickMarksExpiry(t *testing.T) {
	now := time.Now()
	p := &playground{
		sess: session{lastUse: now, token: heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok", ExpiresIn: 2, ExpiresAt: now.Add(2 * time.Second)}}},
	}
	p.tick(now.Add(time.Second))
	assert.Equal(t, tokenValid, p.sess.token.state)
	p.tick(now.Add(2 * time.Second))
	assert.Equal(t, tokenExpired, p.sess.token.state)
	assert.Equal(t, "tok", p.sess.token.token.AccessToken, "an expired token stays until renewed or forgotten")
}

// go-app prerenders a boolean attribute set to false as checked="false" or
// selected="false", which HTML reads as set: the page before the wasm runs
// showed every choice chosen. Only what is chosen carries one.
func TestTheFirstPaintShowsTheChoicesThePageStartsWith(t *testing.T) {
	env := quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token",
		APIBases: []string{"http://127.0.0.1:8080/sandbox/api/v2/", "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/"}}
	step1 := render(t, &tokenStepView{Env: env, Choices: tokenChoices{Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}})
	assert.NotContains(t, step1.byID(t, IDRememberID).attrs, "checked")
	selected := func(page *element, id string) []string {
		var values []string
		for _, o := range page.byID(t, id).byRole("option", "") {
			if _, ok := o.attrs["selected"]; ok {
				values = append(values, o.attrs["value"])
			}
		}
		return values
	}
	assert.Equal(t, []string{"body"}, selected(step1, IDAuthStyle))
	assert.Equal(t, []string{"form"}, selected(step1, IDEncoding))
	assert.Len(t, step1.all(func(e *element) bool { return e.tag == "details" && e.attrs["open"] == "true" }), 1, "the explanation is open, the code collapsed until asked for")
	assert.Len(t, step1.all(func(e *element) bool {
		return e.tag == "details" && e.attrs["class"] == "snippets" && e.attrs["open"] == ""
	}), 1)

	step2 := render(t, &apiStepView{Env: env, Choices: apiChoices{Method: "GET", Path: "/api/v2/"}})
	assert.Equal(t, []string{"GET"}, selected(step2, IDStep2Method))
	assert.Equal(t, []string{"api-root"}, selected(step2, IDStep2Preset), "the request is the quickstart's example")
	assert.NotContains(t, step2.byID(t, IDAutoRenew).attrs, "checked", "renewing on its own is off unless asked")

	// Edited, the request is no example any more.
	edited := render(t, &apiStepView{Env: env, Choices: apiChoices{Method: "GET", Path: "/octotable-pms/api/v2/rooms/201", Property: "1001"}})
	assert.Equal(t, []string{noPreset}, selected(edited, IDStep2Preset))

	embedded := render(t, &tokenStepView{Env: env, Choices: tokenChoices{Remember: true}, Compact: true})
	assert.Equal(t, "true", embedded.byID(t, IDRememberID).attrs["checked"])
	assert.Empty(t, embedded.all(func(e *element) bool { _, open := e.attrs["open"]; return e.tag == "details" && open }),
		"in the docs' frame the explanation and the snippets start collapsed")
}

// White space around a pasted id or secret is flagged before sending; the
// view knows of the secret only that it has some.
func TestSpacesAroundTheCredentialsAreFlagged(t *testing.T) {
	clean := render(t, &tokenStepView{Choices: tokenChoices{ClientID: "id"}})
	assert.Empty(t, clean.byID(t, IDClientIDWarning).textContent())
	assert.Empty(t, clean.byID(t, IDClientSecretWarning).textContent())

	spaced := render(t, &tokenStepView{Choices: tokenChoices{ClientID: " id"}, SecretSpaced: true})
	assert.Contains(t, spaced.byID(t, IDClientIDWarning).textContent(), "starts or ends with a space")
	assert.Contains(t, spaced.byID(t, IDClientSecretWarning).textContent(), "starts or ends with a space")
	assert.Equal(t, IDClientSecretWarning, spaced.byID(t, IDClientSecret).attrs["aria-describedby"])
}

// go-app drops value="" from an <option>, and the browser then reads the
// option's text as its value: choosing one's own credentials again sent
// "My own client id and secret" as a profile's name. Every option carries
// a value, and the one of one's own credentials means none.
func TestEveryOptionHasAValue(t *testing.T) {
	env := quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token",
		APIBases: []string{"http://127.0.0.1:8080/sandbox/api/v2/", "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/"}, Profiles: []string{"demo"}}
	for _, page := range []*element{
		render(t, &tokenStepView{Env: env, Choices: tokenChoices{Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}}),
		render(t, &apiStepView{Env: env, Choices: apiChoices{Method: "GET", Path: "/x"}}),
	} {
		for _, o := range page.byRole("option", "") {
			assert.NotEmpty(t, o.attrs["value"], "option %q", o.textContent())
		}
	}
	source := render(t, &tokenStepView{Env: env}).byID(t, IDSource)
	assert.NotContains(t, strings.ToLower(source.byRole("option", "")[1].textContent()), "profile", "the reader's words, not the server's")
	own := source.byRole("option", "")[0]
	c := tokenChoices{Source: "demo"}.with(IDSource, own.attrs["value"], false)
	assert.Equal(t, "", c.Source, "one's own credentials name no profile")
}
