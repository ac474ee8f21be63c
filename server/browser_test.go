package server

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/internal/testkit"
	"octoplay/web"
)

// chromiumPath is Debian's Chromium binary itself: its /usr/bin/chromium
// wrapper adds flags of its own.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("OCTOPLAY_CHROMIUM")
	if path == "" {
		path = "/usr/lib/chromium/chromium"
	}
	return testkit.NeedFile(t, path, "apt-get install chromium, or set OCTOPLAY_CHROMIUM")
}

// browserMessages collects what a page reports as wrong: console errors,
// uncaught exceptions and error entries of the browser log.
type browserMessages struct {
	mu     sync.Mutex
	errors []string
	every  []string // every message, whatever its type
}

func (m *browserMessages) add(s string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.errors = append(m.errors, s)
}

func (m *browserMessages) everything() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.every...)
}

func (m *browserMessages) all() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.errors...)
}

// cspRecorder runs before any page script and keeps every CSP violation
// the page raises where the test can read it.
const cspRecorder = `window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));`

// newBrowser starts a headless Chromium with a fresh profile, with the
// flags this machine's closed network needs, and listens to its console.
func newBrowser(t *testing.T) (context.Context, *browserMessages) {
	t.Helper()
	return newBrowserFor(t, time.Minute)
}

// newBrowserFor is newBrowser for a test that lasts up to d in one tab.
func newBrowserFor(t *testing.T, d time.Duration) (context.Context, *browserMessages) {
	t.Helper()
	ctx, cancel := context.WithTimeout(newSharedBrowser(t), d)
	t.Cleanup(cancel)
	return ctx, listenTab(t, ctx)
}

// caseLimit bounds a case of a suite that shares one browser, each case in
// a tab of its own (newTab): a case that hangs fails on its own deadline,
// and the next case still has all of its own.
const caseLimit = 2 * time.Minute

// newSharedBrowser starts a headless Chromium with a fresh profile, with
// the flags this machine's closed network needs, for cases that each open
// a tab (newTab). The browser has no deadline: its tabs have theirs, and
// it closes when the test ends.
func newSharedBrowser(t *testing.T) context.Context {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first run starts the browser, which lives as long as the context
	// of that run: this one, not a deadline of a tab's.
	require.NoError(t, chromedp.Do(ctx))
	return ctx
}

// newTab opens a tab in the browser of ctx, with storage, cookies and
// service workers of its own, as a first visit has, and with caseLimit to
// do its work.
func newTab(t *testing.T, browser context.Context) (context.Context, *browserMessages) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelLimit := context.WithTimeout(ctx, caseLimit)
	t.Cleanup(cancelLimit)
	return ctx, listenTab(t, ctx)
}

// listenTab collects what the tab of ctx reports, and records its CSP
// violations in window.__csp.
func listenTab(t *testing.T, ctx context.Context) *browserMessages {
	t.Helper()
	msgs := &browserMessages{}
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			msgs.mu.Lock()
			msgs.every = append(msgs.every, m.String())
			msgs.mu.Unlock()
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				msgs.add(m.String())
			}
		}
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder})
		return err
	})))
	return msgs
}

// waitMounted waits until the wasm runs and has rendered the whole page:
// the prerendered page is visible, and clickable, before that, and what
// comes after Step 1 is rendered after the first paint (#below-fold holds
// its prerendered elements until then).
func waitMounted() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(`main[data-mounted="true"]`), chromedp.WaitNotPresent(byID(ui.IDBelowFold)))
}

// run runs one action and fails the test if it fails.
func runAction[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	require.NoError(t, err)
	return v
}

func TestBrowserLoadsAndMounts(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowser(t)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/"), waitMounted()))
	assert.Equal(t, "OctoTable token playground", runAction(t, ctx, chromedp.Title()))
	assert.Equal(t, "OctoTable token playground", runAction(t, ctx, chromedp.Text("h1")))
	assert.Len(t, runAction(t, ctx, chromedp.Nodes(byID(ui.IDStep1)+", "+byID(ui.IDStep2))), 2, "Step 1 and Step 2 are outlined")
	// The service worker installs last: once it is ready, every message of
	// the load has come.
	runAction(t, ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise))
	assert.Empty(t, runAction(t, ctx, chromedp.Evaluate[[]string](`window.__csp`)), "CSP violations")
	assert.Empty(t, msgs.all(), "console errors")
}

// The recorders must see a violation and an error, or empty lists prove nothing.
func TestBrowserRecordersSeeViolations(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowser(t)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/"),
		waitMounted(),
		chromedp.Evaluate[chromedp.Void](`(() => { const d = document.createElement("div"); d.setAttribute("style", "color:red"); document.body.appendChild(d); console.error("recorded"); })()`),
	))
	violations := runAction(t, ctx, waitJS[[]string](`window.__csp.length > 0 && window.__csp`))
	require.NotEmpty(t, violations)
	assert.Contains(t, violations[0], "style-src")
	waitUntil(t, ctx, func() bool { return strings.Contains(strings.Join(msgs.all(), "\n"), "recorded") }, "the console error is recorded")
}
