package server

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#create-client"), waitSel("#create-client-outcome:not(:empty)")))
	assert.Contains(t, textOf(t, ctx, "#create-client-outcome"), "Made a client of your own")
	id := runAction(t, ctx, chromedp.Value("#client-id"))
	require.True(t, strings.HasPrefix(id, "public_"), id)
	assert.Empty(t, runAction(t, ctx, chromedp.Value("#client-secret")), "the secret is never put in a field")
	assert.Contains(t, runAction(t, ctx, chromedp.Evaluate[string](`document.querySelector("#client-secret").placeholder`)), "memory")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#request-token"), waitSel(`#token-status[data-state="valid"]`)))
	claims := textOf(t, ctx, "#token-claims")
	assert.Contains(t, claims, id, "the token is the created client's")
	property := runAction(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#token-claims dt")].find(dt => dt.textContent === "property_id").nextElementSibling.textContent`))
	assert.NotEqual(t, wire.SandboxProperty, property, "for its own restaurant, not the demo's")
	assert.Contains(t, textOf(t, ctx, "#create-client-outcome"), "property "+property)

	// The answer that held the secret travelled sealed: the id, which
	// came in it beside the secret, is nowhere in the browser's traffic.
	waitUntil(t, ctx, func() bool { posts, answers := net.counts(); return posts >= 2 && answers >= 2 }, "both sealed exchanges are captured")
	net.waitSettled(t)
	haystack := net.all() + "\n" + strings.Join(msgs.everything(), "\n")
	assert.Contains(t, haystack, "message/ohttp-req")
	assert.NotContains(t, haystack, id, "not even the id goes in clear")
}
