//go:build !js

package server

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/web"
)

// visibleDOM is the page's root as a visitor meets it: every element's
// tag, id and classes, indented by depth and in order, then the text the
// browser lays out (innerText, whitespace collapsed as CSS says). Other
// attributes are left out: go-app sets data-mounted at mount on purpose,
// and writes attributes in an order of its own.
const visibleDOM = `(() => {
	const root = document.querySelector("body > .page");
	if (!root) return "";
	const lines = [];
	const walk = (el, depth) => {
		lines.push("  ".repeat(depth) + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + [...el.classList].map(c => "." + c).join(""));
		for (const child of el.children) walk(child, depth + 1);
	};
	walk(root, 0);
	return lines.join("\n") + "\n--- text ---\n" + root.innerText;
})()`

// heldRequests pauses the tab's requests whose URLs match patterns
// (Fetch.requestPaused) until the test lets them go.
type heldRequests struct {
	mu   sync.Mutex
	held map[string][]fetch.RequestID // by pattern
}

// hold pauses, from now on, the requests of the tab of ctx whose URLs
// match one of patterns: literal text, with a "*" at either end or both.
func (h *heldRequests) hold(t *testing.T, ctx context.Context, patterns ...string) {
	t.Helper()
	h.held = map[string][]fetch.RequestID{}
	var ps []*fetch.RequestPattern
	for _, p := range patterns {
		ps = append(ps, &fetch.RequestPattern{URLPattern: p})
	}
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, fetch.Enable, fetch.EnableParams{Patterns: ps})
		return err
	})))
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			for _, p := range patterns {
				if strings.Contains(ev.Request.URL, strings.Trim(p, "*")) {
					h.mu.Lock()
					h.held[p] = append(h.held[p], ev.RequestID)
					h.mu.Unlock()
					break
				}
			}
		}
	}()
}

// count is how many requests matching pattern are held.
func (h *heldRequests) count(pattern string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.held[pattern])
}

// release lets the requests held for pattern go on.
func (h *heldRequests) release(t *testing.T, ctx context.Context, pattern string) {
	t.Helper()
	h.mu.Lock()
	ids := h.held[pattern]
	h.held[pattern] = nil
	h.mu.Unlock()
	for _, id := range ids {
		require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
			_, err := cdp.Call(ctx, tgt, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
			return err
		})))
	}
}

// What the wasm renders at mount is what was prerendered, element for
// element and word for word, so nothing painted is painted again and the
// largest contentful paint stays the prerendered one. The test holds the
// wasm until it has read the prerendered page as Chromium parsed it, then
// lets it run and reads the page once it has mounted; the relay's
// answers are held all along, so the mounted page is still the one that
// waits for them, as the prerendered page does.
func TestTheMountRendersThePrerenderedPage(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowser(t)
	const wasm, relay = "*/web/app.wasm", "*/relay*"
	var held heldRequests
	held.hold(t, ctx, wasm, relay)

	// The page's load event waits for the held wasm: navigate without
	// waiting for it.
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.Navigate, page.NavigateParams{URL: s.URL + "/"})
		return err
	})))
	// Read once the style sheets apply: innerText follows the layout, and
	// a busy machine may parse the page before its styles arrive.
	runAction(t, ctx, waitJS[bool](`document.readyState !== "loading" &&
		[...document.querySelectorAll('link[rel="stylesheet"]')].every(l => l.sheet && l.sheet.cssRules.length > 0)`))
	waitUntil(t, ctx, func() bool { return held.count(wasm) > 0 }, "the wasm is asked for")
	prerendered := runAction(t, ctx, chromedp.Evaluate[string](visibleDOM))
	require.Contains(t, prerendered, `main`+byID(ui.IDPlayground), "the prerendered page is read")
	assert.Equal(t, "false", runAction(t, ctx, chromedp.Evaluate[string](`document.querySelector("main").dataset.mounted`)), "the wasm has not run")

	held.release(t, ctx, wasm)
	require.NoError(t, chromedp.Do(ctx, waitMounted()))
	mounted := runAction(t, ctx, chromedp.Evaluate[string](visibleDOM))
	assert.Equal(t, prerendered, mounted, "the mounted page is the prerendered one")
	assert.Empty(t, msgs.all(), "console errors")
}
