package ui

import (
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
)

func TestSnippetTabsShowOneLanguageAndKeepEveryOne(t *testing.T) {
	s := &snippetTabs{
		Step:       "step1",
		Snippets:   []snippetCode{{Lang: "curl", Title: "curl", Code: "curl …"}, {Lang: "python", Title: "Python", Code: "import requests"}},
		Variables:  []string{"OCTOTABLE_CLIENT_ID", "OCTOTABLE_CLIENT_SECRET"},
		ExportLine: "export OCTOTABLE_CLIENT_ID=your_client_id",
	}
	load(t, s)
	// div.snippets > div.tablist > button.tab
	require.NoError(t, app.Match(app.Button().Type("button").ID("step1-tab-curl").Class("tab").Role("tab").
		Aria("selected", true).Aria("controls", "step1-panel-curl").TabIndex(0).DataSet("lang", "curl").OnClick(s.onTab).OnKeyDown(s.onTabKey), s, 0, 2, 0))
	require.NoError(t, app.Match(app.Button().Type("button").ID("step1-tab-python").Class("tab").Role("tab").
		Aria("selected", false).Aria("controls", "step1-panel-python").TabIndex(-1).DataSet("lang", "python").OnClick(s.onTab).OnKeyDown(s.onTabKey), s, 0, 2, 1))
	// div.snippets > div.snippet-panel > pre
	require.NoError(t, app.Match(app.Div().ID("step1-panel-curl").Class("snippet-panel").Role("tabpanel").Aria("labelledby", "step1-tab-curl"), s, 0, 3))
	require.NoError(t, app.Match(app.Div().ID("step1-panel-python").Class("snippet-panel", "is-hidden").Role("tabpanel").Aria("labelledby", "step1-tab-python"), s, 0, 4))
	require.NoError(t, app.Match(app.Text("import requests"), s, 0, 4, 1, 0), "a hidden snippet is still in the page")

	s.selected = "python"
	assert.Equal(t, "python", s.active())
	s.selected = "cobol"
	assert.Equal(t, "curl", s.active(), "an unknown language shows the first")
	assert.Equal(t, "", (&snippetTabs{}).active())
}

// The playground's snippets are made without the secret or the token it
// holds, for every language of both steps.
func TestPlaygroundSnippetsHoldNoCredential(t *testing.T) {
	env := quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token"}
	p := &playground{env: env, clientID: "typed-id", secret: "typed-s3cret", auth: quickstart.AuthBasic, encoding: quickstart.EncodingJSON,
		method: "GET", path: "/api/v2/", token: quickstart.Token{AccessToken: "typed-access-token"}}
	for _, step := range []snippets.Step{snippets.Step1, snippets.Step2} {
		tabs := p.renderSnippets(step).(*snippetTabs)
		require.Len(t, tabs.Snippets, 5)
		for _, sn := range tabs.Snippets {
			assert.NotContains(t, sn.Code, "No code yet", sn.Lang)
			for _, leak := range []string{"typed-id", "typed-s3cret", "typed-access-token"} {
				assert.NotContains(t, sn.Code, leak, "%s %s", step, sn.Lang)
			}
		}
	}
}
