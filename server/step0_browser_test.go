package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/internal/wire"
	"octoplay/web"
)

// Step 0: a reader with no account gets sandbox credentials of their own
// in one click, sealed like every request; the id fills Step 1, the secret
// stays in memory (never in a field, never in the traffic), and the token
// they get is their client's, for their own restaurant.
func TestStep0GetsSandboxCredentialsOfOnesOwn(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowser(t)
	var net traffic
	net.record(t, ctx, "page")
	openPlayground(t, ctx, s.URL+"/?env=sandbox")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDCreateClient)), waitSel(byID(ui.IDCreateClientOutcome)+":not(:empty)")))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDCreateClientOutcome)), "Made a client of your own")
	id := runAction(t, ctx, chromedp.Value(byID(ui.IDClientID)))
	require.True(t, strings.HasPrefix(id, "public_"), id)
	assert.Empty(t, runAction(t, ctx, chromedp.Value(byID(ui.IDClientSecret))), "the secret is never put in a field")
	assert.Contains(t, runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).placeholder`, byID(ui.IDClientSecret)))), "memory")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))
	claims := textOf(t, ctx, byID(ui.IDTokenClaims))
	assert.Contains(t, claims, id, "the token is the created client's")
	property := runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`[...document.querySelectorAll(%q)].find(dt => dt.textContent === "property_id").nextElementSibling.textContent`, byID(ui.IDTokenClaims)+" dt")))
	assert.NotEqual(t, wire.SandboxProperty, property, "for its own restaurant, not the demo's")
	assert.Contains(t, textOf(t, ctx, byID(ui.IDCreateClientOutcome)), "property "+property)

	// The answer that held the secret travelled sealed: the id, which
	// came in it beside the secret, is nowhere in the browser's traffic.
	waitUntil(t, ctx, func() bool { posts, answers := net.counts(); return posts >= 2 && answers >= 2 }, "both sealed exchanges are captured")
	net.waitSettled(t)
	haystack := net.all() + "\n" + strings.Join(msgs.everything(), "\n")
	assert.Contains(t, haystack, "message/ohttp-req")
	assert.NotContains(t, haystack, id, "not even the id goes in clear")
}
