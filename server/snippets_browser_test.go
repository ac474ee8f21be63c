package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/snippets"
	"octoplay/app/ui"
	"octoplay/web"
)

// snippetTexts reads every snippet on the page, shown or not, by its
// data-snippet name ("step1:curl").
func snippetTexts(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	return runAction(t, ctx, chromedp.Evaluate[map[string]string](
		`Object.fromEntries([...document.querySelectorAll("pre[data-snippet]")].map(p => [p.dataset.snippet, p.textContent]))`))
}

// shown says whether the element sel finds is laid out (a hidden tab panel
// is display: none).
func shown(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	return runAction(t, ctx, chromedp.Evaluate[bool](`document.querySelector(`+jsString(sel)+`).getClientRects().length > 0`))
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// waitSnippet waits until a snippet contains want.
func waitSnippet(t *testing.T, ctx context.Context, name, want string) {
	t.Helper()
	runAction(t, ctx, waitJS[bool](`(document.querySelector('pre[data-snippet="`+name+`"]') || {textContent: ""}).textContent.includes(`+jsString(want)+`)`))
}

func TestPlaygroundSnippetsFollowTheChoicesAndHoldNoSecret(t *testing.T) {
	requireBuiltWasm(t)
	id, secret := "snippet-client", "snippet-s3cret+: %/é"
	s := startServer(t, web.Assets, nil, "-sandbox-client-id", id, "-sandbox-client-secret", secret)
	ctx, msgs := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/")
	tokenURL := s.URL + "/sandbox/octotable-auth/api/v2/oauth2/token"
	// The code is collapsed until asked for.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDStep1)+" details.snippets > summary"), waitSel(byID(ui.IDStep2)+" details.snippets"), chromedp.Click(byID(ui.IDStep2)+" details.snippets > summary")))

	require.NoError(t, chromedp.Do(ctx,
		step1(id, secret),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDRevealToken)),
	))
	token := runAction(t, ctx, waitJS[string](fmt.Sprintf(`(() => { const v = document.querySelector(%q).textContent; return v.includes("•") ? false : v; })()`, byID(ui.IDTokenValue))))
	require.NotEmpty(t, token)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDRevealToken))))

	// Every language, both steps, for the sandbox this page talks to.
	all := snippetTexts(t, ctx)
	for _, step := range []snippets.Step{snippets.Step1, snippets.Step2} {
		for _, lang := range snippets.Languages() {
			assert.Contains(t, all, step.String()+":"+string(lang))
		}
	}
	curl := all["step1:curl"]
	assert.Contains(t, curl, `curl --location "`+tokenURL+`"`)
	assert.Contains(t, curl, `--data-urlencode "client_secret=$OCTOTABLE_CLIENT_SECRET"`)
	assert.NotContains(t, curl, "application/json")
	assert.Contains(t, all["step2:curl"], `"`+s.URL+`/sandbox/api/v2/"`)
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep1)+" .export-line"), "OCTOTABLE_CLIENT_SECRET")
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep2)+" .export-line"), "OCTOTABLE_TOKEN")

	// The snippets follow the choices: JSON, HTTP Basic, a resource with
	// the Property header.
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDEncoding), "json")))
	waitSnippet(t, ctx, "step1:curl", `--header "Content-Type: application/json"`)
	assert.Contains(t, snippetTexts(t, ctx)["step1:curl"], `"client_secret": $(json_string "$OCTOTABLE_CLIENT_SECRET")`)
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDAuthStyle), "basic")))
	waitSnippet(t, ctx, "step1:curl", `--user "$(form_encode "$OCTOTABLE_CLIENT_ID")`)
	waitSnippet(t, ctx, "step1:go", "req.SetBasicAuth(url.QueryEscape(")
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDEncoding), "form")))
	waitSnippet(t, ctx, "step1:go", "AuthStyle: oauth2.AuthStyleInHeader")
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "rooms")))
	waitSnippet(t, ctx, "step2:python", `"Property": "1001"`)

	// Tabs: curl shows first; a click shows another language, the arrows
	// move on from there.
	assert.True(t, shown(t, ctx, `pre[data-snippet="step1:curl"]`))
	assert.False(t, shown(t, ctx, `pre[data-snippet="step1:python"]`))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.Step1.Tab("python"))), waitSel(`pre[data-snippet="step1:python"]`)))
	assert.False(t, shown(t, ctx, `pre[data-snippet="step1:curl"]`))
	assert.Equal(t, "true", runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-selected")`, byID(ui.Step1.Tab("python"))))))
	assert.True(t, shown(t, ctx, `pre[data-snippet="step2:curl"]`), "each step has its own tabs")
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight), waitSel(`pre[data-snippet="step1:node"]`)))
	assert.Equal(t, ui.Step1.Tab("node"), runAction(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)), "the focus follows the tab")
	assert.False(t, shown(t, ctx, `pre[data-snippet="step1:python"]`))

	// No snippet holds the secret or the token, in any form.
	final := snippetTexts(t, ctx)
	require.Len(t, final, 10)
	page := runAction(t, ctx, chromedp.Evaluate[string](`document.body.innerHTML`))
	for name, code := range final {
		for _, f := range append(encodings(secret), encodings(token)...) {
			assert.NotContains(t, code, f, "%s holds a credential as %q", name, f)
		}
	}
	assert.NotContains(t, page, secret, "the page holds the secret")
	assert.NotContains(t, page, token, "the page holds the token")
	assert.Empty(t, msgs.all(), "console errors")
}
