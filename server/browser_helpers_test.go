package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/internal/testkit"
)

// byID is the CSS selector of the element with the id, as app/ui names it:
// the tests find the elements by the names the views render them with.
func byID(id string) string { return "#" + id }

// openPlayground loads the playground and waits until the wasm runs and
// the relay's keys are in.
func openPlayground(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url), waitReady()))
}

// waitReady waits until the playground runs and can send: its buttons say
// so with aria-disabled, never disabled, which would drop the focus.
func waitReady() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(waitMounted(), chromedp.WaitVisible(byID(ui.IDRequestToken)+`[aria-disabled="false"]`))
}

// clickNow clicks the element sel finds as the page has it when the click
// runs, by script. chromedp.Click finds the element, then clicks where it
// was: when the page moves in between (a line above it comes or goes as
// the last edit renders, later on a loaded machine), the click lands on
// something else, and what it was to do never happens.
func clickNow(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(waitSel(sel), chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).click()`, sel)))
}

// typeInto types text into a field with key events, as a person would.
func typeInto(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(sel, text)
}

// choose picks an option of a select and fires change, as a person would;
// more pairs of selector and value are chosen in the same task, quicker
// than a frame.
func choose(sel, value string, more ...string) chromedp.Action[chromedp.Void] {
	js := ""
	for pairs := append([]string{sel, value}, more...); len(pairs) >= 2; pairs = pairs[2:] {
		js += fmt.Sprintf(`{
		const el = document.querySelector(%q);
		el.value = %q;
		el.dispatchEvent(new Event("change", {bubbles: true}));
	}`, pairs[0], pairs[1])
	}
	return chromedp.Evaluate[chromedp.Void](js)
}

// waitJS waits until the JavaScript expression expr is truthy in the page
// and returns its value. It waits as long as the context lets it (a case's
// deadline, newTab): how soon the page gets there is the machine's speed,
// which is not what the tests assert.
func waitJS[T any](expr string) chromedp.Action[T] {
	return chromedp.Poll[T](expr, chromedp.WithPollingTimeout(0))
}

// waitUntil polls cond, on the test's side, until it holds or ctx (a case's
// deadline) ends; then the test fails, saying what it waited for.
func waitUntil(t *testing.T, ctx context.Context, cond func() bool, what string) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("%s: still waiting until %s", context.Cause(ctx), what)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// pageClockShim runs before the page's scripts and lets the test move the
// page's clock on: Go's wasm runtime takes the monotonic reading of
// time.Now from performance.now, and the playground counts a token's
// lifetime down by it. The wall clock stays, which dates the sealed
// requests for the gateway.
const pageClockShim = `(() => {
	let ahead = 0;
	const now = performance.now.bind(performance);
	performance.now = () => now() + ahead;
	window.__advanceClock = (ms) => { ahead += ms; };
})();`

// controlPageClock installs pageClockShim in the tab of ctx, for the pages
// it loads next.
func controlPageClock(t *testing.T, ctx context.Context) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: pageClockShim})
		return err
	})))
}

// advancePageClock moves the page's clock (controlPageClock) on by d.
func advancePageClock(t *testing.T, ctx context.Context, d time.Duration) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`window.__advanceClock(%d)`, d.Milliseconds()))))
}

// waitSel waits for a CSS selector to match a visible element.
func waitSel(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(sel)
}

// textOf reads an element's text.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return runAction(t, ctx, chromedp.Text(sel))
}

// traffic is everything a page and its service worker sent and received:
// URLs, headers and bodies, as DevTools or a HAR file would keep them.
type traffic struct {
	mu           sync.Mutex
	records      []string
	relayPosts   int
	relayAnswers int
	// began and ended are the requests, by target and request id, whose
	// start and whose end (the body read, or a failure) were recorded. The
	// events come on separate streams, so an end may come before its start,
	// a failure after a finish, or an end for a start never seen: a request
	// is open while it began and has not ended.
	began, ended map[string]bool
	urls         map[string]string // by target and request id
}

func (w *traffic) add(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.records = append(w.records, s)
}

func (w *traffic) all() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.records, "\n")
}

func (w *traffic) counts() (int, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.relayPosts, w.relayAnswers
}

// track records a request's start (began) or its end.
func (w *traffic) track(id string, began bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.began == nil {
		w.began, w.ended = map[string]bool{}, map[string]bool{}
	}
	if began {
		w.began[id] = true
	} else {
		w.ended[id] = true
	}
}

// stillOpen are the requests that began and have not ended.
func (w *traffic) stillOpen() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var open []string
	for id := range w.began {
		if !w.ended[id] {
			open = append(open, id)
		}
	}
	return open
}

// settled says whether every request sent has ended and had its body read.
func (w *traffic) settled() bool { return len(w.stillOpen()) == 0 }

// waitSettled waits until every request sent has ended and had its body
// read: the worker's precache is megabytes, read again through DevTools,
// which a loaded machine takes its time over. It names the requests still
// open if they do not end.
func (w *traffic) waitSettled(t *testing.T) {
	t.Helper()
	if testkit.Eventually(45*time.Second, w.settled) {
		return
	}
	var open []string
	for _, id := range w.stillOpen() {
		w.mu.Lock()
		open = append(open, w.urls[id])
		w.mu.Unlock()
	}
	t.Fatalf("timed out waiting until every captured request ended and its body was read: still open %q", open)
}

// record captures the network traffic of the target behind ctx: every
// request's URL, headers and body, every answer's headers and body.
func (w *traffic) record(t *testing.T, ctx context.Context, who string) {
	t.Helper()
	sent := chromedp.Events(ctx, network.RequestWillBeSent)
	received := chromedp.Events(ctx, network.ResponseReceived)
	finished := chromedp.Events(ctx, network.LoadingFinished)
	failed := chromedp.Events(ctx, network.LoadingFailed)
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.Enable, network.EnableParams{})
		return err
	})))
	go func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			if ev.RedirectResponse == nil { // a redirect goes on under the same id
				w.track(who+string(ev.RequestID), true)
			}
			w.mu.Lock()
			if w.urls == nil {
				w.urls = map[string]string{}
			}
			w.urls[who+string(ev.RequestID)] = ev.Request.URL
			w.mu.Unlock()
			h, _ := json.Marshal(ev.Request.Headers)
			var body strings.Builder
			for _, e := range ev.Request.PostDataEntries {
				body.Write(e.Bytes)
			}
			w.add(fmt.Sprintf("%s request %s %s %s\n%s", who, ev.Request.Method, ev.Request.URL, h, body.String()))
			if ev.Request.Method == "POST" && strings.HasSuffix(ev.Request.URL, "/relay") {
				w.mu.Lock()
				if body.Len() > 0 {
					w.relayPosts++
				}
				w.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range received {
			if err != nil {
				return
			}
			h, _ := json.Marshal(ev.Response.Headers)
			w.add(fmt.Sprintf("%s answer %s %d %s", who, ev.Response.URL, ev.Response.Status, h))
			if strings.HasSuffix(ev.Response.URL, "/relay") && ev.Response.Status == 200 {
				w.mu.Lock()
				w.relayAnswers++
				w.mu.Unlock()
			}
		}
	}()
	go func() {
		for ev, err := range finished {
			if err != nil {
				return
			}
			res, err := chromedp.Run(ctx, chromedp.Action[*network.GetResponseBodyResult](func(ctx context.Context, tgt *chromedp.Target) (*network.GetResponseBodyResult, error) {
				r, err := cdp.Call(ctx, tgt, network.GetResponseBody, network.GetResponseBodyParams{RequestID: ev.RequestID})
				return &r, err
			}))
			if err == nil && res != nil {
				w.add(fmt.Sprintf("%s body %s\n%s", who, ev.RequestID, res.Body))
			}
			w.track(who+string(ev.RequestID), false)
		}
	}()
	go func() {
		for ev, err := range failed {
			if err != nil {
				return
			}
			w.track(who+string(ev.RequestID), false)
		}
	}()
}

// storageDump reads what the page keeps: localStorage, sessionStorage,
// IndexedDB, Cache Storage (but the wasm, built before any secret) and
// cookies.
const storageDump = `(async () => {
	const out = {local: JSON.stringify(Object.entries(localStorage)), session: JSON.stringify(Object.entries(sessionStorage)), cookies: document.cookie, idb: [], caches: []};
	for (const info of await indexedDB.databases()) {
		const db = await new Promise((ok, fail) => { const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
		for (const store of db.objectStoreNames) {
			const all = await new Promise((ok, fail) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
			out.idb.push(info.name + "/" + store + " " + JSON.stringify(all));
		}
		db.close();
	}
	for (const name of await caches.keys()) {
		const cache = await caches.open(name);
		for (const req of await cache.keys()) {
			const res = await cache.match(req);
			out.caches.push(name + " " + req.url + " " + (req.url.endsWith(".wasm") ? "" : await res.text()));
		}
	}
	return JSON.stringify(out);
})()`
