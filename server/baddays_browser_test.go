package server

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/web"
)

// The server goes away while the page is open: Step 2 says so in words,
// not as the browser's "Failed to fetch", nothing can be sent while it is
// down, the page tries again by itself and, once a server answers on the
// same address again, says it is back and sends again.
func TestThePageSaysTheServerIsDownAndComesBackByItself(t *testing.T) {
	requireBuiltWasm(t)
	addr := testkit.FreeAddr(t)
	s := startServerAt(t, addr, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/?env=sandbox&profile=demo")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#request-token"), waitSel(`#token-status[data-state="valid"]`)))

	require.NoError(t, s.Stop())
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#send"), waitSel("#reconnecting")))
	said := textOf(t, ctx, "#step2")
	assert.Contains(t, said, "The playground's server cannot be reached")
	assert.NotContains(t, said, "Failed to fetch")
	assert.Contains(t, textOf(t, ctx, "#reconnecting"), "trying again")
	assert.Equal(t, "true", runAction(t, ctx, chromedp.Evaluate[string](`document.querySelector("#send").getAttribute("aria-disabled")`)),
		"nothing can be sent while it is down")

	startServerAt(t, addr, web.Assets, nil)
	require.NoError(t, chromedp.Do(ctx, waitSel("#reconnected")))
	assert.Contains(t, textOf(t, ctx, "#reconnected"), "is back")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#send"), waitSel(`#step2-status[data-status]`)))
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes("#reconnected", chromedp.AtLeast(0))), "the notice goes with the next send")
}
