package server

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/internal/wire"
	"octoplay/web"
)

// The walkthrough as its users stumbled through it: a newcomer with the
// sandbox's credentials, a presenter with links, the docs that frame the
// playground, on slow links and small screens. One Chromium for them all,
// a tab of its own (storage, service worker, deadline) per case.
func TestWalkthrough(t *testing.T) {
	requireBuiltWasm(t)
	browser := newSharedBrowser(t)
	s := startServer(t, web.Assets, nil)

	t.Run("a restarted server's new keys are fetched with no click", func(t *testing.T) { restartedServer(t, browser) })
	t.Run("what was typed before the wasm ran is kept", func(t *testing.T) { typedBeforeTheWasm(t, browser, s) })
	t.Run("what comes after Step 1 stays in sight until it is rendered, with what was typed there", func(t *testing.T) { belowTheFold(t, browser, s) })
	t.Run("typing when the environments arrive keeps the field and its focus", func(t *testing.T) { typingWhenTheEnvironmentsArrive(t, browser, s) })
	t.Run("a wasm that cannot load says so and offers to try again", func(t *testing.T) { wasmBlocked(t, browser, s) })
	t.Run("the focus stays, the outcome is announced, nothing stale stays", func(t *testing.T) { focusAndFeedback(t, browser, s) })
	t.Run("a rate-limited answer counts down and frees the button", func(t *testing.T) { countdown(t, browser) })
	t.Run("links share the choices and drop the rest", func(t *testing.T) { links(t, browser, s) })
}

// relayKey is a relay key pair as -relay-key takes it, with the key id id.
func relayKey(t *testing.T, id uint8) string {
	t.Helper()
	k, err := ohttp.GenerateKey(id, ohttp.KEMX25519)
	require.NoError(t, err)
	text, err := k.SecretText()
	require.NoError(t, err)
	return text
}

// A token, then the server restarts on its address with new keys: Send
// gets the upstream's answer with no click, the page having fetched the
// keys again by itself (RFC 9458 §6.4). The new instance does
// not know the old token (401 invalid_token), or does when tokens outlive
// an instance (200): either is the upstream's answer.
func restartedServer(t *testing.T, browser context.Context) {
	addr := testkit.FreeAddr(t)
	first := startServerAt(t, addr, web.Assets, nil, "-relay-key", relayKey(t, 1))
	ctx, msgs := newTab(t, browser)
	openPlayground(t, ctx, first.URL+"/")
	require.NoError(t, chromedp.Do(ctx, step1("octoplay-demo", "octoplay-demo-secret"), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))

	require.NoError(t, first.Stop())
	second := startServerAt(t, addr, web.Assets, nil, "-relay-key", relayKey(t, 2))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDSend))))
	status := runAction(t, ctx, waitJS[string](fmt.Sprintf(`(() => { const s = document.querySelector(%q); return s ? s.dataset.status : false; })()`, byID(ui.Step2.Status()))))
	assert.Contains(t, []string{"200", "401"}, status, "the upstream's answer")
	assert.NotContains(t, textOf(t, ctx, byID(ui.IDStep2)), "keys changed")
	assert.Contains(t, second.Stderr.String(), "path=/relay/keys", "the page fetched the new keys")
	assert.NotContains(t, strings.Join(msgs.all(), "\n"), "panic")
}

// wasmGate holds the tab's requests for the wasm until the test lets them
// go or fails them: the prerendered page is up and the wasm not there yet,
// as on a slow link, or blocked for good.
type wasmGate struct {
	ctx   context.Context
	asked chan struct{} // closed once the page asked for the wasm
	mu    sync.Mutex
	mode  string // "hold", "continue" or "fail"
	held  []fetch.RequestID
	once  sync.Once
}

func gateWasm(t *testing.T, ctx context.Context) *wasmGate {
	t.Helper()
	return gateRequests(t, ctx, "*/app.wasm")
}

// gateRequests holds the tab's requests whose URL matches pattern, as
// gateWasm does the wasm.
func gateRequests(t *testing.T, ctx context.Context, pattern string) *wasmGate {
	t.Helper()
	g := &wasmGate{ctx: ctx, asked: make(chan struct{}), mode: "hold"}
	events := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			g.once.Do(func() { close(g.asked) })
			g.mu.Lock()
			mode := g.mode
			if mode == "hold" {
				g.held = append(g.held, ev.RequestID)
			}
			g.mu.Unlock()
			if mode != "hold" {
				g.answer(ev.RequestID, mode)
			}
		}
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}})
		return err
	})))
	return g
}

// answer lets one held request go on, or fails it as a network would.
func (g *wasmGate) answer(id fetch.RequestID, mode string) {
	chromedp.Do(g.ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		if mode == "fail" {
			_, err := cdp.Call(ctx, tgt, fetch.FailRequest, fetch.FailRequestParams{RequestID: id, ErrorReason: network.ErrorReasonFailed})
			return err
		}
		_, err := cdp.Call(ctx, tgt, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
		return err
	}))
}

// set answers the held requests, and every later one, the way mode says.
func (g *wasmGate) set(mode string) {
	g.mu.Lock()
	g.mode = mode
	held := g.held
	g.held = nil
	g.mu.Unlock()
	for _, id := range held {
		g.answer(id, mode)
	}
}

// The inputs appear long before the wasm runs on a slow link; what is
// typed there is not wiped when the app mounts.
func typedBeforeTheWasm(t *testing.T, browser context.Context, s *testServer) {
	ctx, _ := newTab(t, browser)
	gate := gateWasm(t, ctx)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/")))
	<-gate.asked // the page asked for the wasm, and waits
	// The steps are in sight, not under the loading screen: a click on
	// the client id reaches it, and the loading line is still shown.
	reached := runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		el.scrollIntoView({block: "center"});
		const r = el.getBoundingClientRect();
		return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.id ?? "";
	})()`, byID(ui.IDClientID))))
	assert.Equal(t, ui.IDClientID, reached, "a click on the client id before the wasm runs")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible("#app-wasm-loader-label")))
	assert.Contains(t, textOf(t, ctx, "#app-wasm-loader-label"), "Loading the playground")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(byID(ui.IDClientID)),
		typeInto(byID(ui.IDClientID), "octoplay-demo"),
		typeInto(byID(ui.IDClientSecret), "octoplay-demo-secret"),
		choose(byID(ui.IDAuthStyle), "basic"),
	))
	assert.Empty(t, runAction(t, ctx, chromedp.Nodes(`main[data-mounted="true"]`, chromedp.AtLeast(0))), "typed before the wasm ran")
	gate.set("continue")
	require.NoError(t, chromedp.Do(ctx, waitReady()))
	assert.Equal(t, "octoplay-demo", runAction(t, ctx, chromedp.Value(byID(ui.IDClientID))))
	assert.Equal(t, "basic", runAction(t, ctx, chromedp.Value(byID(ui.IDAuthStyle))))
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDRequestToken)), waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`)))
	assert.Contains(t, textOf(t, ctx, byID(ui.Step1.Preview())), "Authorization: Basic ••••••••", "sent as chosen before the mount")
}

// belowFoldRecorder runs before the page's scripts. It marks the
// prerendered Step 2 card, counts every moment after the parse when no
// Step 2 card is in the page, notes whether the card was still the
// prerendered one when the playground marked itself mounted, and holds the
// page's frame callbacks until the test lets them go (the first paint after
// the mount, after which the rest of the page is rendered).
var belowFoldRecorder = fmt.Sprintf(`(() => {
	const seen = window.__belowFold = {missing: 0, prerenderedAtMount: null};
	const held = [];
	const frame = window.requestAnimationFrame.bind(window);
	window.requestAnimationFrame = (f) => { held.push(f); return held.length; };
	window.__releaseFrames = () => { window.requestAnimationFrame = frame; held.splice(0).forEach((f) => frame(f)); };
	document.addEventListener("DOMContentLoaded", () => { document.getElementById(%[1]q).dataset.prerendered = "true"; });
	new MutationObserver(() => {
		const card = document.getElementById(%[1]q);
		if (!card && document.readyState !== "loading") {
			seen.missing++;
		}
		if (seen.prerenderedAtMount === null && document.querySelector('main[data-mounted="true"]')) {
			seen.prerenderedAtMount = card ? card.dataset.prerendered === "true" : false;
		}
	}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-mounted"]});
})();`, ui.IDStep2)

// What comes after Step 1 is rendered after the first paint; until then
// the prerendered Step 2 stays where it was, never a blank, and what is
// typed into it, before the wasm runs or after the mount, is kept, with the
// focus.
func belowTheFold(t *testing.T, browser context.Context, s *testServer) {
	ctx, _ := newTab(t, browser)
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: belowFoldRecorder})
		return err
	})))
	gate := gateWasm(t, ctx)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/")))
	<-gate.asked
	require.NoError(t, chromedp.Do(ctx, typeInto(byID(ui.IDStep2Property), "10")))
	gate.set("continue")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(`main[data-mounted="true"]`)))

	assert.True(t, runAction(t, ctx, chromedp.Evaluate[bool](`window.__belowFold.prerenderedAtMount`)),
		"the first render leaves Step 2 to after the first paint")
	assert.Equal(t, "10", valueOf(t, ctx, byID(ui.IDStep2Property)), "the prerendered field, still in sight")
	require.NoError(t, chromedp.Do(ctx, typeInto(byID(ui.IDStep2Property), "01")))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`window.__releaseFrames()`),
		chromedp.WaitNotPresent(byID(ui.IDBelowFold)),
		waitReady(),
	))

	assert.Empty(t, runAction(t, ctx, chromedp.Nodes(byID(ui.IDStep2)+`[data-prerendered]`, chromedp.AtLeast(0))), "Step 2 is the app's now")
	assert.Zero(t, runAction(t, ctx, chromedp.Evaluate[int](`window.__belowFold.missing`)), "Step 2 never left the page")
	assert.Equal(t, "1001", valueOf(t, ctx, byID(ui.IDStep2Property)))
	assert.Equal(t, ui.IDStep2Property, runAction(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)), "the focus moved to the new field")
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.includes("1001")`, byID(ui.Step2.Preview()))))
}

// The environments arrive while a person types in Step 1, just after the
// mount: the status line above the steps goes, and the field they type in
// stays the same element, with the focus and what was typed.
func typingWhenTheEnvironmentsArrive(t *testing.T, browser context.Context, s *testServer) {
	ctx, _ := newTab(t, browser)
	gate := gateRequests(t, ctx, "*"+wire.RelayEnvironmentsPath)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/"), waitMounted()))
	<-gate.asked
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).dataset.typedIn = "true"`, byID(ui.IDClientID))),
		typeInto(byID(ui.IDClientID), "octoplay"),
	))
	gate.set("continue")
	require.NoError(t, chromedp.Do(ctx, waitReady()))

	assert.Equal(t, "true", attrOf(t, ctx, byID(ui.IDClientID), "data-typed-in"), "the same field")
	assert.Equal(t, ui.IDClientID, runAction(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)), "the focus stayed")
	require.NoError(t, chromedp.Do(ctx, typeInto(byID(ui.IDClientID), "-demo")))
	assert.Equal(t, "octoplay-demo", valueOf(t, ctx, byID(ui.IDClientID)))
}

// valueOf reads a form control's value as the page has it now (a query by
// DevTools node would miss a control the page has just moved).
func valueOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return runAction(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, sel)))
}

// A wasm that cannot load leaves a plain message and a way to try again,
// not go-app's bare "TypeError: Failed to fetch".
func wasmBlocked(t *testing.T, browser context.Context, s *testServer) {
	ctx, _ := newTab(t, browser)
	gate := gateWasm(t, ctx)
	gate.set("fail")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/"), waitSel(`#load-retry`)))
	assert.Contains(t, textOf(t, ctx, "#app-wasm-loader-label"), "The playground could not load")
	gate.set("continue")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click("#load-retry"), waitReady()))
}

// After each request the focus is where it was, the outcome is announced
// in a line, and what no longer holds is gone: Step 2 says it needs a token,
// the examples list follows an edited path, the preview shows an empty
// secret as empty, Copy says what it did, and a HEAD answer has no body.
func focusAndFeedback(t *testing.T, browser context.Context, s *testServer) {
	ctx, msgs := newTab(t, browser)
	openPlayground(t, ctx, s.URL+"/")
	assert.Equal(t, "Get a token in Step 1 first.", textOf(t, ctx, byID(ui.Step2.Unavailable())))
	assert.Equal(t, "true", attrOf(t, ctx, byID(ui.IDSend), "aria-disabled"))

	require.NoError(t, chromedp.Do(ctx, typeInto(byID(ui.IDClientID), "octoplay-demo")))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.endsWith("&client_secret=")`, byID(ui.Step1.Preview()))))
	assert.NotContains(t, textOf(t, ctx, byID(ui.Step1.Preview())), "••••", "no secret, nothing masked")

	require.NoError(t, chromedp.Do(ctx,
		typeInto(byID(ui.IDClientSecret), "octoplay-demo-secret"),
		chromedp.Click(byID(ui.IDRequestToken)),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
	))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).textContent.startsWith("200 OK in")`, byID(ui.Step1.Outcome()))))
	assert.Equal(t, ui.IDRequestToken, runAction(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)), "the focus stays on the button")
	assert.Equal(t, "status", attrOf(t, ctx, byID(ui.Step1.Outcome()), "role"))

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(byID(ui.IDCopyToken))))
	feedback := runAction(t, ctx, waitJS[string](fmt.Sprintf(`document.querySelector(%q).textContent || false`, byID(ui.IDCopyTokenFeedback))))
	assert.Contains(t, []string{"Copied.", "The browser did not allow copying: select the text and copy it yourself."}, feedback)

	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDStep2Preset), "rooms"), typeInto(byID(ui.IDStep2Path), "/23289")))
	runAction(t, ctx, waitJS[bool](fmt.Sprintf(`document.querySelector(%q).selectedIndex === 0`, byID(ui.IDStep2Preset))))

	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDStep2Method), "HEAD"),
		chromedp.Click(byID(ui.IDSend)),
		waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
	))
	assert.Equal(t, "(no body)", textOf(t, ctx, byID(ui.IDStep2)+" .answer-body"), "an HTTP server sends no body with a HEAD answer")
	assert.Equal(t, ui.IDSend, runAction(t, ctx, chromedp.Evaluate[string](`document.activeElement.id`)))
	assert.Empty(t, msgs.all(), "console errors")
}

// The relay's own 429 (here after a burst of 1, at a request every 4 s)
// counts down beside the button, which sends again once the wait is over.
// The limit's clock stands still until the test moves it, so the second
// request is refused however long a loaded machine takes between the two
// clicks; the countdown itself runs on the browser's clock.
func countdown(t *testing.T, browser context.Context) {
	clock := testkit.NewClock(time.Now())
	s := startServerWith(t, swaps{assets: web.Assets, limitClock: clock.Now}, nil, "-relay-rate", "0.25", "-relay-burst", "1")
	ctx, _ := newTab(t, browser)
	openPlayground(t, ctx, s.URL+"/")
	require.NoError(t, chromedp.Do(ctx,
		choose(byID(ui.IDSource), "demo"),
		chromedp.Click(byID(ui.IDRequestToken)),
		waitSel(byID(ui.Step1.Status())+`[data-status="200"]`),
		chromedp.WaitVisible(byID(ui.IDRequestToken)+`[aria-busy="false"][aria-disabled="false"]`),
		chromedp.Click(byID(ui.IDRequestToken)),
		waitSel(byID(ui.Step1.Status())+`[data-status="429"]`),
	))
	assert.Contains(t, textOf(t, ctx, byID(ui.Step1.Unavailable())), "you can send again in 0:0")
	assert.Equal(t, "true", attrOf(t, ctx, byID(ui.IDRequestToken), "aria-disabled"))
	clock.Advance(4 * time.Second) // the relay's wait is over
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(byID(ui.IDRequestToken)+`[aria-disabled="false"]`),
		chromedp.Click(byID(ui.IDRequestToken)),
		waitSel(byID(ui.Step1.Status())+`[data-status="200"]`),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
	))
	assert.Empty(t, textOf(t, ctx, byID(ui.Step1.Unavailable())))
}

// A presenter's link opens a ready request: its choices round-trip through
// the address, which never holds anything else, a credential above all.
func links(t *testing.T, browser context.Context, s *testServer) {
	ctx, _ := newTab(t, browser)
	openPlayground(t, ctx, s.URL+"/?client_id=me&env=sandbox&auth=basic&encoding=json&method=HEAD&path=/octotable-pms/api/v2/rooms&property=1001&step=2&client_secret=s3cret&token=t0ken")
	address := func() string { return runAction(t, ctx, chromedp.Evaluate[string](`location.href`)) }
	runAction(t, ctx, waitJS[bool](`!location.search.includes("client")`))
	for _, leak := range []string{"client_id", "me&", "s3cret", "t0ken", "token="} {
		assert.NotContains(t, address(), leak)
	}
	history := runAction(t, ctx, chromedp.Action[*page.GetNavigationHistoryResult](func(ctx context.Context, tgt *chromedp.Target) (*page.GetNavigationHistoryResult, error) {
		h, err := cdp.Call(ctx, tgt, page.GetNavigationHistory, cdp.Empty{})
		return &h, err
	}))
	require.NotEmpty(t, history.Entries)
	for _, e := range history.Entries {
		assert.NotContains(t, e.URL, "s3cret", "replaced, not pushed: the URL with the secret is gone from the history")
	}
	assert.Equal(t, "basic", runAction(t, ctx, chromedp.Value(byID(ui.IDAuthStyle))))
	assert.Equal(t, "json", runAction(t, ctx, chromedp.Value(byID(ui.IDEncoding))))
	assert.Equal(t, "HEAD", runAction(t, ctx, chromedp.Value(byID(ui.IDStep2Method))))
	assert.Equal(t, "/octotable-pms/api/v2/rooms", runAction(t, ctx, chromedp.Value(byID(ui.IDStep2Path))))
	assert.Equal(t, "1001", runAction(t, ctx, chromedp.Value(byID(ui.IDStep2Property))))

	// A choice changes the address in place, and a reload keeps it. Both
	// changes land in one frame, before the page renders the first: the
	// second must not undo it.
	require.NoError(t, chromedp.Do(ctx, choose(byID(ui.IDSource), "demo", byID(ui.IDEncoding), "form")))
	runAction(t, ctx, waitJS[bool](`location.search.includes("profile=demo") && !location.search.includes("encoding")`))
	shared := address()
	u, err := url.Parse(shared)
	require.NoError(t, err)
	assert.Equal(t, "sandbox", u.Query().Get("env"))
	assert.Equal(t, "2", u.Query().Get("step"))
	other, _ := newTab(t, browser)
	openPlayground(t, other, shared)
	assert.Equal(t, "demo", runAction(t, other, chromedp.Value(byID(ui.IDSource))))
	assert.Equal(t, "form", runAction(t, other, chromedp.Value(byID(ui.IDEncoding))))
	assert.Equal(t, "HEAD", runAction(t, other, chromedp.Value(byID(ui.IDStep2Method))))

	// A link to an environment the playground does not have says so.
	openPlayground(t, other, s.URL+"/?env=nope")
	notice := textOf(t, other, byID(ui.IDLinkNotice))
	assert.Contains(t, notice, `"nope"`)
	assert.Contains(t, notice, "sandbox (")
}

// attrOf reads an attribute of the element sel finds.
func attrOf(t *testing.T, ctx context.Context, sel, name string) string {
	t.Helper()
	return runAction(t, ctx, chromedp.AttributeValue(sel, name)).Value
}

// loopbackHost serves page on another loopback address, a site of its own
// to the browser: the docs that frame the playground.
func loopbackHost(t *testing.T, ip string, page func(w http.ResponseWriter, r *http.Request)) string {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	testkit.Need(t, "loopback address "+ip, err, "Linux routes all of 127.0.0.0/8 to loopback")
	srv := &http.Server{Handler: http.HandlerFunc(page), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// The docs frame the playground with /embed.js, at 420 px: the frame
// follows the content's height, the theme is the docs', the explanations
// and the snippets start collapsed, and the messages hold a height and
// nothing else. A page whose origin the server does not list hears
// nothing, even when its browser lets it frame the playground.
func TestEmbedFollowsTheContentForListedOriginsOnly(t *testing.T) {
	requireBuiltWasm(t)
	browser, _ := newBrowserFor(t, 2*time.Minute)
	var playground string
	docs := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>OctoTable API docs</title>
<script>window.__messages = []; addEventListener("message", e => __messages.push({origin: e.origin, data: e.data}));</script>
<h1>Create Token</h1><p>Try it here:</p>
<script src="%s/embed.js" data-env="sandbox" data-theme="dark"></script>
<p>Then call the API.</p></html>`, playground)
	}
	listed := loopbackHost(t, "127.0.0.2", docs)
	unlisted := loopbackHost(t, "127.0.0.3", docs)
	s := startServer(t, web.Assets, nil, "-frame-ancestors", listed)
	playground = s.URL

	ctx, _ := newTab(t, browser)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(420, 900), chromedp.Navigate(listed+"/"), chromedp.WaitVisible("iframe.octoplay-embed")))
	frame, _ := frameTab(t, ctx, s.URL)
	require.NoError(t, chromedp.Do(frame, waitReady()))

	// The frame is as tall as the playground's content: the docs need no
	// fixed height and the frame never scrolls inside itself.
	fits := func() {
		t.Helper()
		runAction(t, ctx, waitJS[bool](`(() => {
			const m = __messages.at(-1);
			return !!m && document.querySelector("iframe.octoplay-embed").getBoundingClientRect().height === m.data.height;
		})()`))
		inner := runAction(t, frame, chromedp.Evaluate[[]int64](`[document.documentElement.scrollHeight, innerHeight]`))
		assert.LessOrEqual(t, inner[0], inner[1], "the frame shows all its content")
	}
	fits()
	saveViewShot(t, ctx, "embed.png")
	before := runAction(t, ctx, chromedp.Evaluate[int64](`__messages.at(-1).data.height`))
	// Compact: Step 1 alone before any action, its button in the first
	// screen of the docs' column; Step 2 opens with the token.
	t.Logf("the frame before any action: %d px", before)
	assert.LessOrEqual(t, before, int64(1000), "at most 1000 px tall before any action at 420 px")
	assert.Less(t, runAction(t, frame, chromedp.Evaluate[float64](fmt.Sprintf(`document.querySelector(%q).getBoundingClientRect().bottom`, byID(ui.IDRequestToken)))), 600.0,
		"Request token within the first 600 px")
	assert.False(t, runAction(t, frame, chromedp.Evaluate[bool](fmt.Sprintf(`!!document.querySelector(%q).offsetParent`, byID(ui.IDSend)))), "Step 2 waits for a token")
	assert.Equal(t, "true", runAction(t, frame, chromedp.Evaluate[string](fmt.Sprintf(`String(!document.querySelector(%q).open && !document.querySelector(%q).open)`, byID(ui.IDStep1)+" details.about", byID(ui.IDStep1)+" details.snippets"))),
		"the explanation and the snippets start collapsed")
	assert.True(t, runAction(t, frame, chromedp.Evaluate[bool](`document.querySelector(".page").classList.contains("theme-dark") && getComputedStyle(document.querySelector(".page")).colorScheme === "dark"`)),
		"the docs' theme, not the device's")

	require.NoError(t, chromedp.Do(frame,
		chromedp.Click(byID(ui.IDStep1)+" details.snippets > summary"),
		step1("octoplay-demo", "octoplay-demo-secret"),
		waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
	))
	fits()
	assert.Greater(t, runAction(t, ctx, chromedp.Evaluate[int64](`__messages.at(-1).data.height`)), before, "the frame grew with its content")
	assert.True(t, runAction(t, frame, chromedp.Evaluate[bool](fmt.Sprintf(`!!document.querySelector(%q).offsetParent`, byID(ui.IDSend)))), "Step 2 opened with the token")

	// Each message is the height and nothing else, from the playground alone.
	shapes := runAction(t, ctx, chromedp.Evaluate[[]string](`[...new Set(__messages.map(m => m.origin + " " + JSON.stringify(Object.keys(m.data).sort()) + " " + typeof m.data.height + " " + m.data.type))]`))
	assert.Equal(t, []string{s.URL + ` ["height","type"] number octoplay:resize`}, shapes)
	all := runAction(t, ctx, chromedp.Evaluate[string](`JSON.stringify(__messages)`))
	assert.NotContains(t, all, "octoplay-demo-secret")

	// A page the server does not list, in a browser that lets it frame the
	// playground all the same (here its devtools strip the CSP): its
	// height reports go to the listed origins, so the browser drops them.
	// Once the frame grew and rendered, a sentinel it posts to any origin
	// arrives after whatever the playground posted before it.
	other, _ := newTab(t, browser)
	stripCSP(t, other, s.URL+"/?*")
	require.NoError(t, chromedp.Do(other, chromedp.Navigate(unlisted+"/"), chromedp.WaitVisible("iframe.octoplay-embed")))
	refused, _ := frameTab(t, other, s.URL)
	require.NoError(t, chromedp.Do(refused,
		waitReady(),
		chromedp.Click(byID(ui.IDStep1)+" details.snippets > summary"),
		chromedp.Evaluate[chromedp.Void](`new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
			parent.postMessage({type: "sentinel"}, "*");
			done();
		})))`, chromedp.EvalAwaitPromise),
	))
	runAction(t, other, waitJS[bool](`__messages.some(m => m.data.type === "sentinel")`))
	assert.Equal(t, int64(1), runAction(t, other, chromedp.Evaluate[int64](`__messages.length`)), "nothing but the sentinel reached it")
}

// The docs' frame says it is there as soon as its page is parsed, before
// the wasm runs (here it never does): a slow link sizes the frame at once
// and shows no fallback. A docs page the server does not list, whose
// browser refuses the frame, gets a plain link to the playground with a
// line of why, in place of the browser's broken-frame box.
func TestEmbedReportsBeforeTheWasmAndOffersALinkWhenRefused(t *testing.T) {
	assets := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(web.Assets, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(web.Assets, path)
		assets[path] = &fstest.MapFile{Data: data}
		return err
	}))
	for path := range assets {
		if strings.HasPrefix(path, "app.wasm") {
			delete(assets, path)
		}
	}
	assets["app.wasm"] = standInAssets()["app.wasm"]

	browser, _ := newBrowserFor(t, 2*time.Minute)
	var playground string
	docs := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>OctoTable API docs</title>
<script>window.__messages = []; addEventListener("message", e => __messages.push({origin: e.origin, data: e.data}));</script>
<h1>Create Token</h1>
<script src="%s/embed.js" data-env="sandbox" data-theme="dark" data-wait="%s"></script>
<p>Then call the API.</p></html>`, playground, r.URL.Query().Get("wait"))
	}
	listed := loopbackHost(t, "127.0.0.2", docs)
	unlisted := loopbackHost(t, "127.0.0.3", docs)
	s := startServer(t, assets, nil, "-frame-ancestors", listed)
	playground = s.URL

	// Listed, with a wasm that never runs: the page's own report arrives,
	// and the frame is sized to it. The wait is long enough for a busy
	// machine; what is asserted is the state once the report came.
	ctx, _ := newTab(t, browser)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(420, 900), chromedp.Navigate(listed+"/?wait=60000")))
	runAction(t, ctx, waitJS[bool](`__messages.length > 0`))
	got := runAction(t, ctx, chromedp.Evaluate[string](`JSON.stringify([__messages[0].origin, __messages[0].data.type, document.querySelector("iframe.octoplay-embed").style.height === Math.ceil(__messages[0].data.height) + "px", !!document.querySelector(".octoplay-embed-fallback")])`))
	assert.Equal(t, fmt.Sprintf(`[%q,"octoplay:resize",true,false]`, s.URL), got, "the prerendered page reported its height, and no fallback shows")

	// Not listed: the browser refuses the frame (the server's CSP), no
	// report comes, and once the wait is over the frame folds away behind
	// a link that opens the playground with the same choices.
	other, _ := newTab(t, browser)
	require.NoError(t, chromedp.Do(other, chromedp.EmulateViewport(420, 900), chromedp.Navigate(unlisted+"/?wait=500"), waitSel(".octoplay-embed-fallback a")))
	link := runAction(t, other, chromedp.Evaluate[[]string](`(() => {
		const a = document.querySelector(".octoplay-embed-fallback a");
		return [a.textContent, a.href, a.target, document.querySelector(".octoplay-embed-fallback").textContent, document.querySelector("iframe.octoplay-embed").style.height];
	})()`))
	require.Len(t, link, 5)
	assert.Equal(t, "Open the playground", link[0])
	assert.Equal(t, s.URL+"/?env=sandbox&theme=dark", link[1], "the playground's own page, with the docs' choices and without embed")
	assert.Equal(t, "_blank", link[2])
	assert.Contains(t, link[3], "does not list this site", "one line of why")
	assert.Equal(t, "0px", link[4], "the refused frame is folded away")
	assert.Equal(t, int64(0), runAction(t, other, chromedp.Evaluate[int64](`__messages.length`)), "nothing reached the unlisted page")
}

// stripCSP answers the tab's requests for pattern without the
// Content-Security-Policy header, as a browser that ignores it would.
func stripCSP(t *testing.T, ctx context.Context, pattern string) {
	t.Helper()
	events := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
				body, err := cdp.Call(ctx, tgt, fetch.GetResponseBody, fetch.GetResponseBodyParams{RequestID: ev.RequestID})
				if err != nil {
					return err
				}
				var headers []*fetch.HeaderEntry
				for _, h := range ev.ResponseHeaders {
					if !strings.EqualFold(h.Name, "Content-Security-Policy") {
						headers = append(headers, h)
					}
				}
				_, err = cdp.Call(ctx, tgt, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: ev.ResponseStatusCode, ResponseHeaders: headers, Body: body.Body})
				return err
			}))
		}
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern, RequestStage: fetch.RequestStageResponse}}})
		return err
	})))
}

// frameTab attaches to the playground's frame in the tab of ctx: a target
// of its own, as the frame is of another site (site isolation). Chromium
// 148 lists such a frame with no parent (156 names it), so a frame in the
// tab's own browser context (each tab has one, newTab) is the tab's too.
func frameTab(t *testing.T, ctx context.Context, origin string) (context.Context, *browserMessages) {
	t.Helper()
	tab := chromedp.FromContext(ctx).Target.TargetID
	own := chromedp.FromContext(ctx).BrowserContextID
	var frame context.Context
	waitUntil(t, ctx, func() bool {
		infos, err := chromedp.Targets(ctx)
		require.NoError(t, err)
		for _, info := range infos {
			ours := info.ParentID == tab || info.ParentID == "" && own != "" && info.BrowserContextID == own
			if info.Type == "iframe" && ours && strings.HasPrefix(info.URL, origin) {
				var cancel context.CancelFunc
				frame, cancel = chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				return true
			}
		}
		return false
	}, "the playground's frame is a target")
	return frame, listenTab(t, frame)
}
