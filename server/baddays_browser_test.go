package server

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
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
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))

	require.NoError(t, s.Stop())
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDSend)), waitSel(byID(ui.IDReconnecting))))
	said := textOf(t, ctx, byID(ui.IDStep2))
	assert.Contains(t, said, "The playground's server cannot be reached")
	assert.NotContains(t, said, "Failed to fetch")
	assert.Contains(t, textOf(t, ctx, byID(ui.IDReconnecting)), "trying again")
	assert.Equal(t, "true", runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-disabled")`, byID(ui.IDSend)))),
		"nothing can be sent while it is down")

	startServerAt(t, addr, web.Assets, nil)
	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDReconnected))))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDReconnected)), "is back")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDSend)), waitSel(byID(ui.Step2.Status())+`[data-status]`)))
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes(byID(ui.IDReconnected), chromedp.AtLeast(0))), "the notice goes with the next send")
}

// A tap on Request token before the wasm runs (here the wasm is held back
// until the tap is made) is kept: the button says it will go, and the
// token request goes once the page can send, with what was typed then.
func TestAClickBeforeTheWasmRunsIsKept(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	held := make(chan fetch.RequestID, 1)
	events := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			held <- ev.RequestID
		}
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*app.wasm*", RequestStage: fetch.RequestStageRequest}}})
		return err
	})))
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/?env=sandbox")))
	var wasm fetch.RequestID
	select {
	case wasm = <-held:
	case <-ctx.Done():
		t.Fatal("the page never asked for the wasm")
	}
	require.NoError(t, chromedp.Do(ctx,
		typeInto(byID(ui.IDClientID), "octoplay-demo"),
		typeInto(byID(ui.IDClientSecret), "octoplay-demo-secret"),
		chromedp.Click(byID(ui.IDRequestToken)),
	))
	assert.Equal(t, "false", runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).dataset.mounted`, ui.IDPlayground))), "the wasm has not run")
	assert.Equal(t, "true", runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).getAttribute("aria-busy")`, byID(ui.IDRequestToken)))))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDRequestToken)), "once the page is ready", "the button says the tap is kept")

	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: wasm})
		return err
	})))
	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))
	assert.Empty(t, runAction(t, ctx, chromedp.Evaluate[string](`document.documentElement.dataset.earlyClick || ""`)), "the mark is gone: the click is done once")
}

// A reload while the server is down: the service worker serves the page it
// cached in place of the browser's error page, even for a link with a
// query it never cached; the page says the server is down and comes back
// by itself once the server does.
func TestAReloadWhileTheServerIsDownShowsThePageAndRecovers(t *testing.T) {
	requireBuiltWasm(t)
	addr := testkit.FreeAddr(t)
	s := startServerAt(t, addr, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/")
	runAction(t, ctx, waitJS[bool](`!!navigator.serviceWorker.controller`))

	require.NoError(t, s.Stop())
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/?env=sandbox&step=2"), waitSel(byID(ui.IDReconnecting))))
	assert.Contains(t, textOf(t, ctx, byID(ui.IDReconnecting)), "cannot be reached")
	assert.Equal(t, "true", runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).dataset.mounted`, ui.IDPlayground))), "the playground runs from the cache")

	startServerAt(t, addr, web.Assets, nil)
	require.NoError(t, chromedp.Do(ctx, waitSel(byID(ui.IDReconnected)), waitReady(),
		choose(byID(ui.IDSource), "demo"), chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))
}
