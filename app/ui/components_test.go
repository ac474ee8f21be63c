package ui

import (
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
)

func load(t *testing.T, c app.Composer) {
	t.Helper()
	e := app.NewTestEngine()
	require.NoError(t, e.Load(c))
	e.ConsumeAll()
}

func TestStepperShowsEachStepsState(t *testing.T) {
	s := &stepper{Step1: "done", Step2: "locked", Current: 2}
	load(t, s)
	require.NoError(t, app.Match(app.A().Href("#step1"), s, 0, 0, 0, 0), "not the current step")
	require.NoError(t, app.Match(app.A().Href("#step2").Aria("current", "step"), s, 0, 0, 1, 0))
	// nav > ol > li(step) > a > span.stepper-state
	require.NoError(t, app.Match(app.Li().Class("stepper-item", "state-done").DataSet("state", "done"), s, 0, 0, 0))
	require.NoError(t, app.Match(app.Text("done"), s, 0, 0, 0, 0, 2, 0))
	require.NoError(t, app.Match(app.Li().Class("stepper-item", "state-locked").DataSet("state", "locked"), s, 0, 0, 1))
	require.NoError(t, app.Match(app.Text("needs a token from Step 1"), s, 0, 0, 1, 0, 2, 0))
	assert.Error(t, app.Match(app.Text("to do"), s, 0, 0, 1, 0, 2, 0), "a match that must fail")
}

func TestHistoryListEmptyAndWithEntries(t *testing.T) {
	empty := &historyList{}
	load(t, empty)
	require.NoError(t, app.Match(app.Text("None yet. Each request you send is listed here, without secrets."), empty, 0, 1, 0))

	h := &historyList{Entries: []historyEntry{
		{Method: "GET", URL: "http://x/sandbox/api/v2/", Status: 401, Duration: "12ms", At: "10:00:00"},
		{Method: "POST", URL: "http://x/sandbox/octotable-auth/api/v2/oauth2/token", At: "09:59:00", Failure: "not relayed"},
	}}
	load(t, h)
	// section > table > tbody > tr > td
	require.NoError(t, app.Match(app.Text("401"), h, 0, 1, 1, 0, 3, 0))
	require.NoError(t, app.Match(app.Text("not relayed"), h, 0, 1, 1, 1, 3, 0))
	require.NoError(t, app.Match(app.Text("http://x/sandbox/api/v2/"), h, 0, 1, 1, 0, 2, 0))
}

func TestAnswerViewExplainsAndOffersTheFix(t *testing.T) {
	a := &answerView{
		StatusID: "step2-status", Status: 401, Duration: "5ms", Body: "{}",
		Explanation: &quickstart.Explanation{Title: "401 invalid_token: the token was not accepted", Text: "Get a new token.", Fix: quickstart.FixNewToken},
		FixLabel:    "Request a new token",
	}
	load(t, a)
	require.NoError(t, app.Match(app.P().ID("step2-status").Class("answer-status", "status-error").DataSet("status", 401), a, 0, 0))
	require.NoError(t, app.Match(app.Text("401 Unauthorized"), a, 0, 0, 0, 0))
	require.NoError(t, app.Match(app.Div().Class("explain").Role("alert"), a, 0, 1))
	require.NoError(t, app.Match(app.Text("401 invalid_token: the token was not accepted"), a, 0, 1, 0, 0))
	require.NoError(t, app.Match(app.Button().ID("fix").Type("button").OnClick(a.onFix), a, 0, 1, 2))
	require.NoError(t, app.Match(app.Text("Request a new token"), a, 0, 1, 2, 0))

	ok := &answerView{StatusID: "step1-status", Status: 200, Duration: "5ms"}
	load(t, ok)
	require.NoError(t, app.Match(app.P().ID("step1-status").Class("answer-status", "status-ok").DataSet("status", 200), ok, 0, 0))
}

func TestPageHeaderListsEnvironments(t *testing.T) {
	envs := []quickstart.Environment{{Name: "sandbox", Title: "Sandbox (built in)"}, {Name: "octotable", Title: "OctoTable"}}
	h := &pageHeader{Envs: envs, Selected: "octotable"}
	load(t, h)
	require.NoError(t, app.Match(app.H1().Text(Title), h, 0, 0, 0))
	// header > div.env-picker > select > option
	require.NoError(t, app.Match(app.Option().Value("sandbox").Selected(false).Text("Sandbox (built in)"), h, 0, 1, 1, 0))
	require.NoError(t, app.Match(app.Option().Value("octotable").Selected(true).Text("OctoTable"), h, 0, 1, 1, 1))

	compact := &pageHeader{Envs: envs, Selected: "sandbox", Compact: true}
	load(t, compact)
	require.NoError(t, app.Match(app.Div().Class("env-picker"), compact, 0, 0), "no title in the compact header")
	require.NoError(t, app.Match(app.A().Class("docs-link").Href(quickstartURL).Rel("noopener noreferrer").Target("_blank"), compact, 0, 0, 2))
}

func TestStepStates(t *testing.T) {
	tests := []struct {
		name         string
		p            playground
		step1, step2 string
	}{
		{name: "start", p: playground{tokenState: tokenNone}, step1: "todo", step2: "locked"},
		{name: "requesting", p: playground{tokenState: tokenNone, tokenBusy: true}, step1: "busy", step2: "locked"},
		{name: "token", p: playground{tokenState: tokenValid}, step1: "done", step2: "todo"},
		{name: "expired", p: playground{tokenState: tokenExpired}, step1: "attention", step2: "locked"},
		{name: "sending", p: playground{tokenState: tokenValid, apiBusy: true}, step1: "done", step2: "busy"},
		{name: "answered", p: playground{tokenState: tokenValid, apiAnswer: &quickstart.Answer{Status: 200}}, step1: "done", step2: "done"},
		{name: "failed", p: playground{tokenState: tokenValid, apiAnswer: &quickstart.Answer{Status: 404}, apiExplain: &quickstart.Explanation{}}, step1: "done", step2: "attention"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.step1, tt.p.step1State())
			assert.Equal(t, tt.step2, tt.p.step2State())
		})
	}
}

// The secret and the token go after idleWipe without use, and not before.
func TestIdleWipe(t *testing.T) {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	p := &playground{secret: "s3cret", tokenState: tokenValid, lastUse: start,
		token: quickstart.Token{AccessToken: "tok", ExpiresIn: 3600, ExpiresAt: start.Add(time.Hour)}}

	assert.True(t, p.tick(start.Add(idleWipe)), "the countdown moves")
	assert.Equal(t, "s3cret", p.secret, "not yet")
	assert.Equal(t, "tok", p.token.AccessToken)

	assert.True(t, p.tick(start.Add(idleWipe+time.Second)))
	assert.Empty(t, p.secret)
	assert.Empty(t, p.token.AccessToken)
	assert.Equal(t, tokenNone, p.tokenState)
}

func TestTickOnlyUpdatesWhatChanged(t *testing.T) {
	now := time.Now()
	idle := &playground{tokenState: tokenNone, lastUse: now}
	assert.False(t, idle.tick(now.Add(time.Second)), "nothing to count down")
	secretOnly := &playground{secret: "s", lastUse: now}
	assert.False(t, secretOnly.tick(now.Add(time.Minute)))
	assert.True(t, secretOnly.tick(now.Add(idleWipe+time.Second)), "the wipe shows")
	assert.Empty(t, secretOnly.secret)
}

func TestTickMarksExpiry(t *testing.T) {
	now := time.Now()
	p := &playground{tokenState: tokenValid, lastUse: now,
		token: quickstart.Token{AccessToken: "tok", ExpiresIn: 2, ExpiresAt: now.Add(2 * time.Second)}}
	p.tick(now.Add(time.Second))
	assert.Equal(t, tokenValid, p.tokenState)
	p.tick(now.Add(2 * time.Second))
	assert.Equal(t, tokenExpired, p.tokenState)
	assert.Equal(t, "tok", p.token.AccessToken, "an expired token stays until renewed or forgotten")
}
