package server

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/web"
)

// After Request token the token view lists what the sandbox's JWT says,
// and Step 2 offers its property_id as the Property header, which the
// rooms example then sends with success.
func TestPlaygroundShowsTheTokensClaims(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowserFor(t, caseLimit)
	openPlayground(t, ctx, s.URL+"/")

	require.NoError(t, chromedp.Do(ctx,
		step1("octoplay-demo", "octoplay-demo-secret"),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		waitSel(byID(ui.IDTokenClaims)),
	))
	claims := textOf(t, ctx, byID(ui.IDTokenClaims))
	for _, want := range []string{"sub", "octoplay-demo", "iss", "OCTOTABLE-SANDBOX", "groups", "api-client", "property_id", "1001"} {
		assert.Contains(t, claims, want)
	}
	date := `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC`
	assert.Regexp(t, `iat\s+`+date, claims)
	assert.Regexp(t, `exp\s+`+date, claims)
	assert.Regexp(t, `^exp says it expires at `+date+`, 24 min after iat; expires_in said 1440 s, the same\.$`, textOf(t, ctx, byID(ui.IDTokenExpNote)))

	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDUseTokenProperty))))
	assert.Equal(t, "Your token's property_id claim is 1001. Use 1001", textOf(t, ctx, byID(ui.IDStep2PropertyFrom)))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDUseTokenProperty))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).value === "1001"`, byID(ui.IDStep2Property))))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent === "1001: from your token's property_id claim."`, byID(ui.IDStep2PropertyFrom))))

	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDStep2Preset), "rooms"),
		chromedp.Click(byID(ui.IDSend)),
		waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
	))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDStep2)+" .answer-body"), `"data"`)
}
