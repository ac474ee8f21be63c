package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/internal/testkit"
	"octoplay/web"
)

// axeSource is axe-core, from the npm registry (make test installs it).
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("OCTOPLAY_AXE")
	if path == "" {
		path = "../.cache/npm/node_modules/axe-core/axe.min.js"
	}
	src, err := os.ReadFile(path)
	testkit.Need(t, "axe-core", err, "make test installs it with npm")
	return string(src)
}

// axeViolations runs axe-core on the page as it is and returns its serious
// and critical violations, one line each.
func axeViolations(t *testing.T, ctx context.Context, src string) []string {
	t.Helper()
	runAction(t, ctx, chromedp.Evaluate[chromedp.Void](src))
	found := runAction(t, ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" ")).join(", ")))`, chromedp.EvalAwaitPromise))
	return found
}

func TestPlaygroundAccessibility(t *testing.T) {
	requireBuiltWasm(t)
	src := axeSource(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/")
	assert.Empty(t, axeViolations(t, ctx, src), "first view")

	require.NoError(t, chromedp.Do(ctx,
		step1("octoplay-demo", "octoplay-demo-secret"),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
		chromedp.Click(byID(ui.IDSend)),
		waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
	))
	assert.Empty(t, axeViolations(t, ctx, src), "after Step 2")

	// A write with a broken body and a refused header: each flagged where
	// it is, labelled and tied to its field.
	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDStep2Preset), "reservation-create"),
		waitSel(byID(ui.IDStep2Body)),
		fillIn(byID(ui.IDStep2Body), `{"room_id": 102,`),
		chromedp.Click(byID(ui.IDStep2HeaderAdd)),
		waitSel(byID(ui.IDStep2HeaderNameRow(0))),
		fillIn(byID(ui.IDStep2HeaderNameRow(0)), "Host"),
		waitSel(byID(ui.IDStep2HeaderNameRow(0))+`[aria-invalid="true"]`),
		waitSel(byID(ui.IDStep2Body)+`[aria-invalid="true"]`),
	))
	assert.Equal(t, ui.IDStep2BodyCheck, attrOf(t, ctx, byID(ui.IDStep2Body), "aria-describedby"))
	assert.NotEmpty(t, textOf(t, ctx, byID(attrOf(t, ctx, byID(ui.IDStep2HeaderNameRow(0)), "aria-describedby"))))
	assert.Empty(t, axeViolations(t, ctx, src), "a write with what to fix")

	// The docs' layout, dark, with its explanations collapsed.
	openPlayground(t, ctx, s.URL+"/?embed=1&theme=dark")
	assert.Empty(t, axeViolations(t, ctx, src), "embedded")

	// axe must be able to find something, or an empty list proves nothing.
	runAction(t, ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).closest(".field").querySelector("label").remove()`, byID(ui.IDClientID))))
	assert.NotEmpty(t, axeViolations(t, ctx, src), "an unlabelled field is a violation")
}

// With the keyboard alone: Tab to each field, type, Enter on the button.
func TestPlaygroundWithTheKeyboardAlone(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/")
	focused := func() string {
		return runAction(t, ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
	}
	tabTo := func(id string) {
		t.Helper()
		for i := 0; i < 30 && focused() != id; i++ {
			require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("\t")))
		}
		require.Equal(t, id, focused(), "Tab reaches #%s", id)
	}
	tabTo(ui.IDClientID)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("octoplay-demo")))
	tabTo(ui.IDClientSecret)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("octoplay-demo-secret")))
	tabTo(ui.IDRequestToken)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("\r"), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))
	// An extra header, added and filled in from the keyboard.
	tabTo(ui.IDStep2HeaderAdd)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("\r")))
	waitFocus(t, ctx, ui.IDStep2HeaderNameRow(0))
	// A key at a time, as a person types: go-app may redraw a field from
	// the last keystroke it handled while a later one is on its way, which
	// keys sent all at once by the protocol meet and hands do not.
	for i, key := range "X-Key" {
		require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(string(key))))
		runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.includes("\n%s: ")`, byID(ui.Step2.Preview()), "X-Key"[:i+1])))
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("\t"), chromedp.KeyEvent("v1")))
	tabTo(ui.IDSend)
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("\r"), waitSel(byID(ui.Step2.Status())+`[data-status="200"]`)))
	assert.Contains(t, textOf(t, ctx, byID(ui.Step2.Preview())), "X-Key: v1")
}

// Right on the narrowest phone (320 px), a common one (390 px) and a wide
// desktop: nothing wider than the screen, no block of code that scrolls
// sideways, the stepper's two steps side by side with their labels whole.
func TestPlaygroundFitsPhoneAndDesktop(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	for _, width := range []int64{320, 390, 1600} {
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)))
		openPlayground(t, ctx, s.URL+"/")
		require.NoError(t, chromedp.Do(ctx,
			step1("octoplay-demo", "octoplay-demo-secret"),
			waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
			choose(byID(ui.IDStep2Preset), "reservations"),
			chromedp.Click(byID(ui.IDSend)),
			waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
			// A write's body and a header row with what to fix, too.
			choose(byID(ui.IDStep2Preset), "reservation-create"),
			waitSel(byID(ui.IDStep2Body)),
			chromedp.Click(byID(ui.IDStep2HeaderAdd)),
			waitSel(byID(ui.IDStep2HeaderNameRow(0))),
			fillIn(byID(ui.IDStep2HeaderNameRow(0)), "X-A-Rather-Long-Header-Name-For-A-Phone"),
			fillIn(byID(ui.IDStep2HeaderValueRow(0)), "a value\u00a0with a no-break space"),
			waitSel(byID(ui.IDStep2HeaderErrorRow(0))+`:not(:empty)`),
			// The history's requests open, their headers and bodies shown.
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelectorAll(%q).forEach(d => d.open = true)`, byID(ui.IDHistory)+" details")),
		))
		scroll := runAction(t, ctx, chromedp.Evaluate[int64](`document.scrollingElement.scrollWidth`))
		assert.LessOrEqual(t, scroll, width, "no horizontal scrolling at %d px", width)
		wide := runAction(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("pre")].filter(p => p.getClientRects().length && p.scrollWidth > p.clientWidth).map(p => p.id || p.getAttribute("aria-label"))`))
		assert.Empty(t, wide, "blocks that scroll sideways at %d px", width)
		oneLine := runAction(t, ctx, chromedp.Evaluate[bool](`(() => {
			const items = [...document.querySelectorAll(".stepper-item")];
			const labels = [...document.querySelectorAll(".stepper-label")];
			return items[0].offsetTop === items[1].offsetTop &&
				labels.every(l => l.scrollWidth <= l.clientWidth && l.getClientRects().length === 1);
		})()`))
		assert.True(t, oneLine, "the stepper's two steps side by side, each label whole, at %d px", width)
		saveScreenshot(t, ctx, fmt.Sprintf("playground-%d.png", width))
	}
}

// frameURL is the URL the parent page's child frame ended on; Chromium
// replaces a frame that CSP frame-ancestors refused with an error page.
func frameURL(t *testing.T, ctx context.Context) string {
	t.Helper()
	var got string
	waitUntil(t, ctx, func() bool {
		tree := runAction(t, ctx, chromedp.Action[*page.FrameTree](func(ctx context.Context, tgt *chromedp.Target) (*page.FrameTree, error) {
			res, err := cdp.Call(ctx, tgt, page.GetFrameTree, cdp.Empty{})
			return res.FrameTree, err
		}))
		if len(tree.ChildFrames) == 0 || tree.ChildFrames[0].Frame.URL == "" || tree.ChildFrames[0].Frame.URL == "about:blank" {
			return false
		}
		got = tree.ChildFrames[0].Frame.URL
		return true
	}, "the frame navigates")
	return got
}

func TestPlaygroundEmbedsOnlyWhereAllowed(t *testing.T) {
	requireBuiltWasm(t)
	// The docs page, on another origin, frames whichever playground the
	// case names.
	var target atomic.Value
	docs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><title>docs</title><iframe title="playground" width="400" height="600" src="%s/?embed=1"></iframe>`, target.Load())
	}))
	t.Cleanup(docs.Close)
	allowed := startServer(t, web.Assets, nil, "-frame-ancestors", docs.URL)
	refused := startServer(t, web.Assets, nil)

	for _, tt := range []struct {
		name   string
		url    string
		framed bool
	}{
		{name: "allowed origin", url: allowed.URL, framed: true},
		{name: "refused origin", url: refused.URL, framed: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target.Store(tt.url)
			ctx, msgs := newBrowser(t)
			require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(docs.URL+"/")))
			got := frameURL(t, ctx)
			if tt.framed {
				assert.Equal(t, tt.url+"/?embed=1", got)
				// The framed playground runs: its wasm asked the relay for
				// the environments. A refusal would have come before.
				waitUntil(t, ctx, func() bool { return strings.Contains(allowed.Stderr.String(), "path=/relay/environments") }, "the framed playground runs")
				assert.NotContains(t, strings.Join(msgs.everything(), "\n"), "frame-ancestors")
				return
			}
			assert.True(t, strings.HasPrefix(got, "chrome-error://"), "refused, got %s", got)
			waitUntil(t, ctx, func() bool { return strings.Contains(strings.Join(msgs.everything(), "\n"), "frame-ancestors") }, "Chromium reports the refusal")
		})
	}
}

// ?embed=1 drops the page chrome but keeps the environment picker and the
// link to the quickstart.
func TestPlaygroundEmbedLayout(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	openPlayground(t, ctx, s.URL+"/?embed=1")
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes("h1", chromedp.AtLeast(0))), "no page title")
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes(byID(ui.IDHistory), chromedp.AtLeast(0))), "no history")
	assert.Len(t, runAction(t, ctx, chromedp.Nodes(".embed "+byID(ui.IDEnv))), 1)
	assert.Len(t, runAction(t, ctx, chromedp.Nodes(".embed .docs-link")), 1)
}
