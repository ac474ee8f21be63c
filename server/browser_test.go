package server

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no Chromium at %s: CI must run the browser tests (apt-get install chromium)", path)
		}
		t.Skipf("no Chromium at %s: install Debian's chromium to run the browser tests", path)
	}
	return path
}

// browserMessages collects what a page reports: console errors, uncaught
// exceptions, log entries and CSP violations.
type browserMessages struct {
	mu     sync.Mutex
	errors []string
}

func (m *browserMessages) add(s string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.errors = append(m.errors, s)
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
// flags this machine's closed network needs, and listens to its messages.
func newBrowser(t *testing.T) (context.Context, *browserMessages) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
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
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })

	msgs := &browserMessages{}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				msgs.add("console." + string(ev.Type) + ": " + consoleText(ev.Args))
			}
		case *runtime.EventExceptionThrown:
			msgs.add("exception: " + ev.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.LevelError {
				msgs.add("log " + string(ev.Entry.Source) + ": " + ev.Entry.Text + " " + ev.Entry.URL)
			}
		}
	})
	require.NoError(t, chromedp.Run(ctx,
		log.Enable(),
		runtime.Enable(),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(cspRecorder).Do(ctx)
			return err
		}),
	))
	return ctx, msgs
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a.Value != nil {
			parts = append(parts, string(a.Value))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// waitMounted waits until the wasm runs: the prerendered page is visible,
// and clickable, before that.
func waitMounted() chromedp.Action {
	return chromedp.WaitVisible(`main[data-mounted="true"]`, chromedp.ByQuery)
}

func TestBrowserLoadsAndMounts(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowser(t)

	var title, heading string
	var violations []string
	var nodes []*cdp.Node
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/"),
		waitMounted(),
		chromedp.Title(&title),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Nodes("#step1, #step2", &nodes, chromedp.ByQueryAll),
		// Let the service worker install and late errors arrive.
		chromedp.Sleep(500*time.Millisecond),
		chromedp.Evaluate(`window.__csp`, &violations),
	))
	assert.Equal(t, "OctoTable token playground", title)
	assert.Equal(t, "OctoTable token playground", heading)
	assert.Len(t, nodes, 2, "Step 1 and Step 2 are outlined")
	assert.Empty(t, violations, "CSP violations")
	assert.Empty(t, msgs.all(), "console errors")
}

// The recorder itself must see a violation, or an empty list proves nothing.
func TestBrowserCSPRecorderSeesViolations(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, _ := newBrowser(t)
	var violations []string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/"),
		waitMounted(),
		chromedp.Evaluate(`(() => { const d = document.createElement("div"); d.setAttribute("style", "color:red"); document.body.appendChild(d); })()`, nil),
		chromedp.Poll(`window.__csp.length > 0`, nil, chromedp.WithPollingTimeout(5*time.Second)),
		chromedp.Evaluate(`window.__csp`, &violations),
	))
	require.NotEmpty(t, violations)
	assert.Contains(t, violations[0], "style-src")
}
