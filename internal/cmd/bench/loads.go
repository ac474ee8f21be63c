package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// appLoads are one app's loads in Chromium: each cold one in a fresh
// profile, then a warm one in the same profile with the app's service
// worker installed.
type appLoads struct {
	meter      *meter // in front of the app's server
	cold, warm []time.Duration
	bytes      []int64  // over the wire during each cold load
	phases     []phases // of each cold load
}

type loads struct{ playground, hello appLoads }

// measureLoads loads the playground and the hello world in turn, so that a
// drift of the machine touches both alike.
func measureLoads(ctx context.Context, cfg config, playgroundURL, helloURL string) (loads, error) {
	var out loads
	apps := []*appLoads{&out.playground, &out.hello}
	for i, base := range []string{playgroundURL, helloURL} {
		m, err := startMeter(base)
		if err != nil {
			return out, err
		}
		defer m.close()
		apps[i].meter = m
	}
	for range cfg.loads {
		for _, app := range apps {
			if err := app.loadOnce(ctx, cfg.chromium); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// loadOnce starts a Chromium with a fresh profile, loads the app cold,
// waits until its service worker has cached it and the wire is quiet, then
// loads it again, warm.
func (a *appLoads) loadOnce(ctx context.Context, chromium string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	profile, err := os.MkdirTemp("", "octoplay-bench-profile-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(profile)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if _, err := chromedp.Call(browser, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: loadRecorder}); err != nil {
		return fmt.Errorf("bench: start Chromium: %w", err)
	}

	a.meter.reset()
	cold, err := loadUntilMounted(browser, a.meter.url()+"/")
	if err != nil {
		return fmt.Errorf("bench: cold load of %s: %w", a.meter.target, err)
	}
	p, err := readPhases(browser)
	if err != nil {
		return fmt.Errorf("bench: cold load of %s: %w", a.meter.target, err)
	}
	// The first load is over when the service worker has cached the app
	// (ready: it is active, its install done) and controls the page.
	if _, err := chromedp.Run(browser, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return fmt.Errorf("bench: service worker of %s: %w", a.meter.target, err)
	}
	if _, err := chromedp.Run(browser, chromedp.Poll[bool](`navigator.serviceWorker.controller !== null`, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		return fmt.Errorf("bench: service worker of %s: %w", a.meter.target, err)
	}
	bytes := a.meter.waitQuiet(ctx, 500*time.Millisecond)
	warm, err := loadUntilMounted(browser, a.meter.url()+"/")
	if err != nil {
		return fmt.Errorf("bench: warm load of %s: %w", a.meter.target, err)
	}
	a.cold, a.warm, a.bytes, a.phases = append(a.cold, cold), append(a.warm, warm), append(a.bytes, bytes), append(a.phases, p)
	return nil
}

// loadUntilMounted navigates and returns the time from the start of the
// navigation until the app mounted, as the page measured it. A page
// replaced while it is asked (a reload of its own, as for an update) takes
// the question away with it: the one that replaced it is asked instead.
func loadUntilMounted(ctx context.Context, url string) (time.Duration, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return 0, err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		ms, err := chromedp.Run(ctx, chromedp.Poll[float64](`window.__octoplayLoad.mounted`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		if err != nil && strings.Contains(err.Error(), "Cannot find context with specified id") && time.Now().Before(deadline) {
			continue
		}
		return time.Duration(ms * float64(time.Millisecond)), err
	}
}

// wasmSizes are the bytes of a wasm as the server sends it, per coding.
type wasmSizes struct{ raw, br, gzip int64 }

type wasms struct{ playground, hello wasmSizes }

// measureWasm fetches each app's wasm as its page does, once per coding.
func measureWasm(ctx context.Context, playgroundURL, helloURL string) (wasms, error) {
	var out wasms
	var err error
	if out.playground, err = servedWasm(ctx, playgroundURL); err != nil {
		return out, err
	}
	out.hello, err = servedWasm(ctx, helloURL)
	return out, err
}

var wasmFetch = regexp.MustCompile(`(?:fetchWithProgress|octoplayFetchWasm)\("([^"]+)"`)

func servedWasm(ctx context.Context, base string) (wasmSizes, error) {
	appJS, _, err := fetch(ctx, base+"/app.js", "")
	if err != nil {
		return wasmSizes{}, err
	}
	m := wasmFetch.FindSubmatch(appJS)
	if m == nil {
		return wasmSizes{}, fmt.Errorf("bench: %s/app.js fetches no wasm", base)
	}
	var s wasmSizes
	for _, c := range []struct {
		acceptEncoding, want string
		size                 *int64
	}{{"identity", "", &s.raw}, {"br", "br", &s.br}, {"gzip", "gzip", &s.gzip}} {
		body, coding, err := fetch(ctx, base+string(m[1]), c.acceptEncoding)
		if err != nil {
			return s, err
		}
		if coding != c.want {
			return s, fmt.Errorf("bench: %s sent the wasm as %q when asked for %s (are app.wasm.br and .gz built?)", base, coding, c.acceptEncoding)
		}
		*c.size = int64(len(body))
	}
	return s, nil
}

// rawClient leaves Accept-Encoding and the body as they are.
var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true, Proxy: nil}}

func fetch(ctx context.Context, url, acceptEncoding string) (body []byte, coding string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", fmt.Errorf("bench: %w", err)
	}
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	res, err := rawClient.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("bench: %w", err)
	}
	defer res.Body.Close()
	body, err = io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s answered %s", url, res.Status)
	}
	if err != nil {
		return nil, "", fmt.Errorf("bench: %w", err)
	}
	return body, res.Header.Get("Content-Encoding"), nil
}
