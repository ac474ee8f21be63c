package ui

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
)

func TestStepperShowsEachStepsState(t *testing.T) {
	page := render(t, &stepper{Step1: "done", Step2: "locked", Current: 2})
	nav := page.oneByRole(t, "navigation", "Steps")

	step1 := nav.oneByRole(t, "link", "Request an access token")
	assert.Equal(t, "#step1", step1.attrs["href"])
	assert.NotContains(t, step1.attrs, "aria-current", "not the current step")
	assert.Contains(t, step1.textContent(), "done")

	step2 := nav.oneByRole(t, "link", "Call the API")
	assert.Equal(t, "#step2", step2.attrs["href"])
	assert.Equal(t, "step", step2.attrs["aria-current"])
	assert.Contains(t, step2.textContent(), "needs a token from Step 1")
	assert.NotContains(t, step2.textContent(), "to do", "a text that must not match")

	items := nav.byRole("listitem", "")
	require.Len(t, items, 2)
	assert.Equal(t, "done", items[0].attrs["data-state"])
	assert.Equal(t, "stepper-item state-done", items[0].attrs["class"])
	assert.Equal(t, "locked", items[1].attrs["data-state"])
	assert.Equal(t, "stepper-item state-locked", items[1].attrs["class"])
}

func TestHistoryListEmptyAndWithEntries(t *testing.T) {
	empty := render(t, &historyList{})
	assert.Contains(t, empty.byID(t, "history").textContent(), "None yet. Each request you send is listed here, without secrets.")
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
}

func TestAnswerViewExplainsAndOffersTheFix(t *testing.T) {
	page := render(t, &answerView{
		StatusID: "step2-status", Answer: shownAnswer{Status: 401, Duration: "5ms", Body: "{}"},
		Explanation: &quickstart.Explanation{Title: "401 invalid_token: the token was not accepted", Text: "Get a new token.", Fix: quickstart.FixNewToken},
		FixLabel:    "Request a new token",
	})
	status := page.byID(t, "step2-status")
	assert.Equal(t, "answer-status status-error", status.attrs["class"])
	assert.Equal(t, "401", status.attrs["data-status"])
	assert.Equal(t, "401 Unauthorized in 5ms", status.textContent())
	alert := page.oneByRole(t, "alert", "")
	assert.Contains(t, alert.textContent(), "401 invalid_token: the token was not accepted")
	assert.Contains(t, alert.textContent(), "Get a new token.")
	fix := alert.oneByRole(t, "button", "Request a new token")
	assert.Equal(t, "fix", fix.attrs["id"])
	assert.Equal(t, "button", fix.attrs["type"])
	assert.Equal(t, "{}", page.byLabel(t, "Answer body").textContent())

	ok := render(t, &answerView{StatusID: "step1-status", Answer: shownAnswer{Status: 200, Duration: "5ms"}})
	assert.Equal(t, "answer-status status-ok", ok.byID(t, "step1-status").attrs["class"])
	assert.Empty(t, ok.byRole("alert", ""), "nothing to explain")
	assert.Empty(t, ok.byRole("button", ""), "nothing to fix")
}

func TestPageHeaderListsEnvironments(t *testing.T) {
	envs := []quickstart.Environment{{Name: "sandbox", Title: "Sandbox (built in)"}, {Name: "octotable", Title: "OctoTable"}}
	page := render(t, &pageHeader{Envs: envs, Selected: "octotable"})
	assert.Equal(t, Title, page.oneByRole(t, "heading", "").textContent())
	picker := page.byLabel(t, "Environment")
	assert.Equal(t, "env", picker.attrs["id"])
	assert.Equal(t, "combobox", picker.role())
	options := picker.byRole("option", "")
	require.Len(t, options, 2)
	assert.Equal(t, "sandbox", options[0].attrs["value"])
	assert.Equal(t, "Sandbox (built in)", options[0].textContent())
	assert.Equal(t, "octotable", options[1].attrs["value"])
	assert.Contains(t, options[1].attrs, "selected")

	compact := render(t, &pageHeader{Envs: envs, Selected: "sandbox", Compact: true})
	assert.Empty(t, compact.byRole("heading", ""), "no title in the compact header")
	assert.True(t, compact.hasID("env"))
	docs := compact.oneByRole(t, "link", "Quickstart")
	assert.Equal(t, quickstartURL, docs.attrs["href"])
	assert.Equal(t, "noopener noreferrer", docs.attrs["rel"])
	assert.Equal(t, "_blank", docs.attrs["target"])
}

func TestExchangeViewShowsTheRequestThenItsAnswer(t *testing.T) {
	view := func(ready bool, shown shownExchange) *element {
		x := StepExchange{Preview: "GET /api/v2/ HTTP/1.1", Ready: ready, Shown: shown}
		return render(t, x.view("step2", "API request preview", "send", "Send", "Sending…"))
	}
	loading := view(false, shownExchange{})
	assert.Equal(t, "GET /api/v2/ HTTP/1.1", loading.byLabel(t, "API request preview").textContent())
	assert.Contains(t, loading.byID(t, "send").attrs, "disabled", "nothing to send with before the relay's keys")

	busy := view(true, shownExchange{Busy: true})
	assert.Equal(t, "Sending…", busy.byID(t, "send").textContent())
	assert.Equal(t, "true", busy.byID(t, "send").attrs["aria-busy"])

	failed := view(true, shownExchange{Err: "get a token in Step 1 first"})
	assert.Equal(t, "get a token in Step 1 first", failed.oneByRole(t, "alert", "").textContent())
	assert.False(t, failed.hasID("step2-status"), "no answer")

	answered := view(true, shownExchange{Answer: &shownAnswer{Status: 200, Body: `{"data": []}`}})
	assert.Equal(t, "Send", answered.byID(t, "send").textContent())
	assert.Equal(t, "200", answered.byID(t, "step2-status").attrs["data-status"])
	assert.Empty(t, answered.byRole("alert", ""))
}

func TestStepStates(t *testing.T) {
	answer := func(status int) exchange { return exchange{answer: &quickstart.Answer{Status: status}} }
	tests := []struct {
		name         string
		p            playground
		step1, step2 string
	}{
		{name: "start", p: playground{token: heldToken{state: tokenNone}}, step1: "todo", step2: "locked"},
		{name: "requesting", p: playground{token: heldToken{state: tokenNone}, step1: tokenStep{exchange: exchange{busy: true}}}, step1: "busy", step2: "locked"},
		{name: "token", p: playground{token: heldToken{state: tokenValid}}, step1: "done", step2: "todo"},
		{name: "expired", p: playground{token: heldToken{state: tokenExpired}}, step1: "attention", step2: "locked"},
		{name: "sending", p: playground{token: heldToken{state: tokenValid}, step2: apiStep{exchange: exchange{busy: true}}}, step1: "done", step2: "busy"},
		{name: "answered", p: playground{token: heldToken{state: tokenValid}, step2: apiStep{exchange: answer(200)}}, step1: "done", step2: "done"},
		{name: "failed", p: playground{token: heldToken{state: tokenValid}, step2: apiStep{exchange: exchange{answer: &quickstart.Answer{Status: 404}, explain: &quickstart.Explanation{}}}}, step1: "done", step2: "attention"},
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
	p := &playground{secret: "s3cret", lastUse: start,
		token: heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok", ExpiresIn: 3600, ExpiresAt: start.Add(time.Hour)}}}

	assert.True(t, p.tick(start.Add(idleWipe)), "the countdown moves")
	assert.Equal(t, "s3cret", p.secret, "not yet")
	assert.Equal(t, "tok", p.token.token.AccessToken)

	assert.True(t, p.tick(start.Add(idleWipe+time.Second)))
	assert.Empty(t, p.secret)
	assert.Empty(t, p.token.token.AccessToken)
	assert.Equal(t, tokenNone, p.token.state)
}

func TestTickOnlyUpdatesWhatChanged(t *testing.T) {
	now := time.Now()
	idle := &playground{token: heldToken{state: tokenNone}, lastUse: now}
	assert.False(t, idle.tick(now.Add(time.Second)), "nothing to count down")
	secretOnly := &playground{secret: "s", lastUse: now}
	assert.False(t, secretOnly.tick(now.Add(time.Minute)))
	assert.True(t, secretOnly.tick(now.Add(idleWipe+time.Second)), "the wipe shows")
	assert.Empty(t, secretOnly.secret)
}

func TestTickMarksExpiry(t *testing.T) {
	now := time.Now()
	p := &playground{lastUse: now,
		token: heldToken{state: tokenValid, token: quickstart.Token{AccessToken: "tok", ExpiresIn: 2, ExpiresAt: now.Add(2 * time.Second)}}}
	p.tick(now.Add(time.Second))
	assert.Equal(t, tokenValid, p.token.state)
	p.tick(now.Add(2 * time.Second))
	assert.Equal(t, tokenExpired, p.token.state)
	assert.Equal(t, "tok", p.token.token.AccessToken, "an expired token stays until renewed or forgotten")
}
