//go:build !js

package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/web"
)

// wasmRequests are the requests for the wasm a tab sent, each with what
// started it ("parser" for the head's preload, "script" for app.js).
type wasmRequests struct {
	mu   sync.Mutex
	sent []string
}

func (w *wasmRequests) all() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.sent...)
}

// record counts the wasm's requests in the tab of ctx from now on.
func (w *wasmRequests) record(t *testing.T, ctx context.Context) {
	t.Helper()
	sent := chromedp.Events(ctx, network.RequestWillBeSent)
	require.NoError(t, chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, network.Enable, network.EnableParams{})
		return err
	})))
	go func() {
		for ev, err := range sent {
			if err != nil {
				return
			}
			if strings.HasSuffix(ev.Request.URL, "/web/app.wasm") {
				w.mu.Lock()
				w.sent = append(w.sent, fmt.Sprintf("%s by %s", ev.Request.URL, ev.Initiator.Type))
				w.mu.Unlock()
			}
		}
	}()
}

// A cold load asks for the wasm once, from the page's head: app.js's
// fetch takes the preloaded answer. A preload it did not match (another
// credentials mode, another URL) would be a second download, and Chromium
// says so in the console.
func TestTheWasmIsRequestedOnce(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	_, page := get(t, s.URL+"/", nil)
	head, _, _ := strings.Cut(page, "</head>")
	wasm := strings.TrimPrefix(wasmURL(t, s.URL), s.URL)
	assert.Contains(t, head, `<link rel="preload" href="`+wasm+`" as="fetch" crossorigin="anonymous">`)

	ctx, msgs := newBrowser(t)
	var requests wasmRequests
	requests.record(t, ctx)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/"), waitMounted()))
	// The worker registers once the wasm runs; once it is ready, the
	// page's load has sent all it sends.
	runAction(t, ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise))
	assert.Equal(t, []string{s.URL + wasm + " by parser"}, requests.all(), "one request for the wasm, the preload's")
	assert.NotContains(t, strings.Join(msgs.everything(), "\n"), "preload")
}
