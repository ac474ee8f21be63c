package server

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		waitSel(`#token-status[data-state="valid"]`),
		waitSel("#token-claims"),
	))
	claims := textOf(t, ctx, "#token-claims")
	for _, want := range []string{"sub", "octoplay-demo", "iss", "OCTOTABLE-SANDBOX", "groups", "api-client", "property_id", "1001"} {
		assert.Contains(t, claims, want)
	}
	date := `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC`
	assert.Regexp(t, `iat\s+`+date, claims)
	assert.Regexp(t, `exp\s+`+date, claims)
	assert.Regexp(t, `^exp says it expires at `+date+`, 24 min after iat; expires_in said 1440 s, the same\.$`, textOf(t, ctx, "#token-exp-note"))

	require.NoError(t, chromedp.Do(ctx, waitSel("#use-token-property")))
	assert.Equal(t, "Your token's property_id claim is 1001. Use 1001", textOf(t, ctx, "#step2-property-from"))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#use-token-property")))
	runAction(t, ctx, waitJS[bool](`document.querySelector("#step2-property").value === "1001"`))
	runAction(t, ctx, waitJS[bool](`document.querySelector("#step2-property-from").textContent === "1001: from your token's property_id claim."`))

	require.NoError(t, chromedp.Do(ctx,
		choose("#step2-preset", "rooms"),
		chromedp.Click("#send"),
		waitSel(`#step2-status[data-status="200"]`),
	))
	assert.Contains(t, textOf(t, ctx, "#step2 .answer-body"), `"data"`)
}
