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
		Step:       Step1,
		Snippets:   []snippetCode{{Lang: "curl", Title: "curl", Code: "curl …"}, {Lang: "python", Title: "Python", Code: "import requests"}},
		Variables:  []string{"OCTOTABLE_CLIENT_ID", "OCTOTABLE_CLIENT_SECRET"},
		ExportLine: "export OCTOTABLE_CLIENT_ID=your_client_id",
	}
	page := render(t, s)
	list := page.oneByRole(t, "tablist", "")
	assert.Equal(t, Step1.CodeTitle(), list.attrs["aria-labelledby"])
	assert.Equal(t, "Take it home: the same request in code", page.byID(t, Step1.CodeTitle()).textContent())

	curl := list.oneByRole(t, "tab", "curl")
	assert.Equal(t, Step1.Tab("curl"), curl.attrs["id"])
	assert.Equal(t, "true", curl.attrs["aria-selected"])
	assert.Equal(t, Step1.Panel("curl"), curl.attrs["aria-controls"])
	assert.Equal(t, "0", curl.attrs["tabindex"], "the shown tab is in the Tab order")
	python := list.oneByRole(t, "tab", "Python")
	assert.Equal(t, "false", python.attrs["aria-selected"])
	assert.Equal(t, "-1", python.attrs["tabindex"], "the others are reached with the arrows")

	panels := page.byRole("tabpanel", "")
	require.Len(t, panels, 2)
	assert.Equal(t, Step1.Tab("curl"), page.byID(t, Step1.Panel("curl")).attrs["aria-labelledby"])
	assert.Equal(t, "snippet-panel", page.byID(t, Step1.Panel("curl")).attrs["class"])
	hidden := page.byID(t, Step1.Panel("python"))
	assert.Equal(t, "snippet-panel is-hidden", hidden.attrs["class"])
	code := hidden.byLabel(t, "Python code")
	assert.Equal(t, "step1:python", code.attrs["data-snippet"])
	assert.Equal(t, "import requests", code.textContent(), "a hidden snippet is still in the page")
	assert.Contains(t, page.textContent(), "export OCTOTABLE_CLIENT_ID=your_client_id")

	s.selected = "python"
	assert.Equal(t, "python", s.active())
	s.selected = "cobol"
	assert.Equal(t, "curl", s.active(), "an unknown language shows the first")
	assert.Equal(t, "", (&snippetTabs{}).active())
}

// Before the environments are in there is no code: one line says so, and
// there are no tabs to choose between, nor code to generate.
func TestSnippetTabsWaitForTheEnvironments(t *testing.T) {
	p := &playground{step2: apiStep{choices: apiChoices{Method: "GET", Path: "/api/v2/"}}}
	require.Empty(t, p.snippetCodes(snippets.Step1))
	page := render(t, newSnippetTabs(snippets.Step1, p.snippetCodes(snippets.Step1), 0))
	assert.Equal(t, codePending, page.byID(t, Step1.CodePending()).textContent())
	assert.Empty(t, page.byRole("tablist", ""))
	assert.Empty(t, page.byRole("tabpanel", ""))
	assert.Contains(t, page.textContent(), "OCTOTABLE_CLIENT_ID", "the variables to set are known before")

	p.env = quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token"}
	page = render(t, newSnippetTabs(snippets.Step1, p.snippetCodes(snippets.Step1), 0))
	assert.Len(t, page.byRole("tabpanel", ""), len(snippets.Languages()))
	assert.False(t, page.hasID(Step1.CodePending()), "no placeholder beside the code")
}

// The playground's snippets are made without the secret or the token it
// holds, for every language of both steps.
func TestPlaygroundSnippetsHoldNoCredential(t *testing.T) {
	env := quickstart.Environment{Name: "sandbox", TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token"}
	p := &playground{
		sess:  session{secret: "typed-s3cret", token: heldToken{token: quickstart.Token{AccessToken: "typed-access-token"}}},
		env:   env,
		step1: tokenStep{choices: tokenChoices{ClientID: "typed-id", Auth: quickstart.AuthBasic, Encoding: quickstart.EncodingJSON}},
		step2: apiStep{choices: apiChoices{Method: "GET", Path: "/api/v2/"}},
	}
	for _, step := range []snippets.Step{snippets.Step1, snippets.Step2} {
		codes := p.snippetCodes(step)
		require.Len(t, codes, 5)
		for _, sn := range codes {
			assert.NotContains(t, sn.Code, "No code yet", sn.Lang)
			for _, leak := range []string{"typed-id", "typed-s3cret", "typed-access-token"} {
				assert.NotContains(t, sn.Code, leak, "%s %s", step, sn.Lang)
			}
		}
	}
}

// "Copied." is about the code as it was: a later answer clears it.
func TestSnippetTabsForgetTheCopyAtTheNextAnswer(t *testing.T) {
	s := newSnippetTabs(snippets.Step2, nil, 1)
	s.OnMount(app.Context{})
	s.copiedLang, s.copied = "curl", copiedText
	s.OnUpdate(app.Context{})
	assert.Equal(t, copiedText, s.copiedFor("curl"), "the same answer: kept")
	s.Seq = 2
	s.OnUpdate(app.Context{})
	assert.Empty(t, s.copiedFor("curl"), "a new answer: cleared")
}
