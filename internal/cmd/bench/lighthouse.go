package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// lighthouseReport is what the bench reads of one Lighthouse run: the
// performance category's score and the audits behind it, in ms and bytes.
type lighthouseReport struct {
	fcp, lcp, tbt, tti, score, bytes float64
}

// The Lighthouse targets, in the order of their runs.
const (
	lhPlayground = "playground"
	lhHello      = "hello world"
	lhStatic     = "static page"
)

type lighthouseResults struct {
	reports map[string][]lighthouseReport
	ready   []time.Duration // the playground's "ready to send", throttled
}

// measureLighthouse runs Lighthouse (its mobile default: simulated slow 4G,
// 4× CPU) against the playground, the hello world and the playground's
// page as a static file, taking turns, cfg.lhRuns times each; then the
// playground's time until Step 1 can send, under DevTools throttling.
func measureLighthouse(ctx context.Context, cfg config, playgroundURL, helloURL string) (lighthouseResults, error) {
	static, err := startStaticPage(ctx, playgroundURL)
	if err != nil {
		return lighthouseResults{}, err
	}
	defer static.Close()
	targets := []struct{ name, url string }{{lhPlayground, playgroundURL}, {lhHello, helloURL}, {lhStatic, "http://" + static.Addr}}
	out := lighthouseResults{reports: make(map[string][]lighthouseReport)}
	for range cfg.lhRuns {
		for _, t := range targets {
			r, err := runLighthouse(ctx, cfg, t.url+"/")
			if err != nil {
				return lighthouseResults{}, fmt.Errorf("bench: lighthouse on the %s: %w", t.name, err)
			}
			out.reports[t.name] = append(out.reports[t.name], r)
		}
		d, err := readyToSend(ctx, cfg.chromium, playgroundURL+"/")
		if err != nil {
			return lighthouseResults{}, fmt.Errorf("bench: ready to send, throttled: %w", err)
		}
		out.ready = append(out.ready, d)
	}
	return out, nil
}

// runLighthouse runs Lighthouse once against url, in its own Chromium.
func runLighthouse(ctx context.Context, cfg config, url string) (lighthouseReport, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	profile, err := os.MkdirTemp("", "octoplay-bench-lighthouse-")
	if err != nil {
		return lighthouseReport{}, err
	}
	defer os.RemoveAll(profile)
	cmd := exec.CommandContext(ctx, "node", cfg.lighthouse, url,
		"--output=json", "--output-path=stdout", "--only-categories=performance", "--quiet",
		"--chrome-flags=--headless=new --no-sandbox --disable-gpu --user-data-dir="+profile)
	cmd.Env = append(os.Environ(), "CHROME_PATH="+cfg.chromium)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		return lighthouseReport{}, fmt.Errorf("%w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return parseLighthouse(raw)
}

// parseLighthouse reads a Lighthouse JSON report; a figure missing or not
// a number is an error, not a zero.
func parseLighthouse(raw []byte) (lighthouseReport, error) {
	var rep struct {
		RuntimeError *struct{ Code, Message string } `json:"runtimeError"`
		Categories   map[string]struct {
			Score *float64 `json:"score"`
		} `json:"categories"`
		Audits map[string]struct {
			NumericValue *float64 `json:"numericValue"`
		} `json:"audits"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		return lighthouseReport{}, fmt.Errorf("parse the report: %w", err)
	}
	if rep.RuntimeError != nil {
		return lighthouseReport{}, fmt.Errorf("%s: %s", rep.RuntimeError.Code, rep.RuntimeError.Message)
	}
	var r lighthouseReport
	for _, a := range []struct {
		id string
		to *float64
	}{{"first-contentful-paint", &r.fcp}, {"largest-contentful-paint", &r.lcp}, {"total-blocking-time", &r.tbt}, {"interactive", &r.tti}, {"total-byte-weight", &r.bytes}} {
		v := rep.Audits[a.id].NumericValue
		if v == nil || math.IsNaN(*v) {
			return lighthouseReport{}, fmt.Errorf("the report has no %s", a.id)
		}
		*a.to = *v
	}
	s := rep.Categories["performance"].Score
	if s == nil {
		return lighthouseReport{}, fmt.Errorf("the report has no performance score")
	}
	r.score = 100 * *s
	return r, nil
}

// readyToSend loads url in a fresh Chromium under DevTools throttling
// (1.6 Mbit/s down, 150 ms latency, 4× CPU) and returns the time from the
// navigation until Step 1's Request token works: the app mounted and the
// button enabled.
func readyToSend(ctx context.Context, chromium, url string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	profile, err := os.MkdirTemp("", "octoplay-bench-profile-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(profile)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true))
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if _, err := chromedp.Call(browser, network.Enable, network.EnableParams{}); err != nil {
		return 0, err
	}
	if _, err := chromedp.Call(browser, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Latency: 150, DownloadThroughput: 1.6e6 / 8, UploadThroughput: 750e3 / 8}},
	}); err != nil {
		return 0, err
	}
	if _, err := chromedp.Call(browser, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4}); err != nil {
		return 0, err
	}
	if err := chromedp.Do(browser, chromedp.Navigate(url)); err != nil {
		return 0, err
	}
	ms, err := chromedp.Run(browser, chromedp.Poll[float64](
		`document.querySelector('main[data-mounted="true"]') && document.querySelector('#request-token[aria-disabled="false"]') ? performance.now() : 0`,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(90*time.Second)))
	if err != nil {
		return 0, err
	}
	return time.Duration(ms * float64(time.Millisecond)), nil
}

// staticPage is the playground's prerendered page with its scripts taken
// out, and what it links to, served from memory as the playground served
// them (the same bytes, the same compression): the limit of this content.
type staticPage struct {
	*http.Server
	Addr string
}

var scriptTag = regexp.MustCompile(`(?is)<script\b.*?</script>`)

type staticFile struct {
	body               []byte
	contentType, coder string
}

func startStaticPage(ctx context.Context, playgroundURL string) (*staticPage, error) {
	var mu sync.Mutex
	files := make(map[string]staticFile) // by path and Accept-Encoding
	get := func(r *http.Request) (staticFile, error) {
		mu.Lock()
		defer mu.Unlock()
		key := r.URL.Path + "\x00" + r.Header.Get("Accept-Encoding")
		if f, ok := files[key]; ok {
			return f, nil
		}
		var f staticFile
		if r.URL.Path == "/" {
			// Without compression, to take the scripts out; compressed
			// again below as the server would.
			body, _, err := fetch(ctx, playgroundURL+"/", "")
			if err != nil {
				return f, err
			}
			f = staticFile{body: scriptTag.ReplaceAll(body, nil), contentType: "text/html; charset=utf-8"}
		} else {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, playgroundURL+r.URL.Path, nil)
			if err != nil {
				return f, err
			}
			req.Header.Set("Accept-Encoding", r.Header.Get("Accept-Encoding"))
			res, err := rawClient.Do(req)
			if err != nil {
				return f, err
			}
			defer res.Body.Close()
			body, err := readAllOK(res)
			if err != nil {
				return f, err
			}
			f = staticFile{body: body, contentType: res.Header.Get("Content-Type"), coder: res.Header.Get("Content-Encoding")}
		}
		files[key] = f
		return f, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: static page: %w", err)
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := get(r)
		if err != nil {
			http.Error(w, "not served", http.StatusNotFound)
			return
		}
		if f.contentType != "" {
			w.Header().Set("Content-Type", f.contentType)
		}
		if f.coder != "" {
			w.Header().Set("Content-Encoding", f.coder)
		}
		w.Write(f.body)
	})}
	go srv.Serve(ln)
	return &staticPage{Server: srv, Addr: ln.Addr().String()}, nil
}

func readAllOK(res *http.Response) ([]byte, error) {
	var b bytes.Buffer
	if _, err := b.ReadFrom(res.Body); err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", res.Request.URL, res.Status)
	}
	return b.Bytes(), nil
}

// The Lighthouse rows' names.
const (
	rowLHFCP   = "Lighthouse, first contentful paint, median"
	rowLHLCP   = "Lighthouse, largest contentful paint, median"
	rowLHTBT   = "Lighthouse, total blocking time, median"
	rowLHTTI   = "Lighthouse, time to interactive, median"
	rowLHScore = "Lighthouse, performance score, median"
	rowLHBytes = "Lighthouse, total byte weight, median"
	rowReady   = "Ready to send (Request token works), DevTools throttling 1.6 Mbit/s, 150 ms, 4× CPU, median"
)

func medianOf(rs []lighthouseReport, f func(lighthouseReport) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	slices.Sort(xs)
	if n := len(xs); n == 0 {
		return 0
	} else if n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}

// lighthouseRows: each figure beside its reference, the static page for
// the paints, the hello world for the rest.
func lighthouseRows(cfg config, l lighthouseResults) []row {
	pg, hello, static := l.reports[lhPlayground], l.reports[lhHello], l.reports[lhStatic]
	ms := func(v float64) string { return fmt.Sprintf("%.0f ms", v) }
	mk := func(name, refName string, ref []lighthouseReport, f func(lighthouseReport) float64, cell func(float64) string) row {
		v, rv := medianOf(pg, f), medianOf(ref, f)
		return row{measure: fmt.Sprintf("%s of %d", name, cfg.lhRuns), value: cell(v), reference: refName + ": " + cell(rv), ratio: ratio(v, rv)}
	}
	score := func(v float64) string { return fmt.Sprintf("%.0f points", v) }
	return []row{
		mk(rowLHFCP, lhStatic, static, func(r lighthouseReport) float64 { return r.fcp }, ms),
		mk(rowLHLCP, lhStatic, static, func(r lighthouseReport) float64 { return r.lcp }, ms),
		mk(rowLHTBT, lhHello, hello, func(r lighthouseReport) float64 { return r.tbt }, ms),
		mk(rowLHTTI, lhHello, hello, func(r lighthouseReport) float64 { return r.tti }, ms),
		mk(rowLHScore, lhHello, hello, func(r lighthouseReport) float64 { return r.score }, score),
		mk(rowLHBytes, lhHello, hello, func(r lighthouseReport) float64 { return r.bytes }, func(v float64) string { return megabytes(int64(v)) }),
		{measure: fmt.Sprintf("%s of %d", rowReady, cfg.lhRuns), value: millis(median(l.ready))},
	}
}
