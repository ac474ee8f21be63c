package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/chromedp/chromedp"
)

// loadRecorder runs before any script of every page and notes, in the
// page's own clock (performance.now() counts from the start of the
// navigation), when each phase of a go-app start ends, the same way for
// both apps:
//   - compiled: WebAssembly.instantiateStreaming, which go-app's app.js
//     calls on the wasm's fetch, has resolved (download and compilation,
//     overlapped: streaming compilation);
//   - goMain: the Go program first reads location (go-app's
//     RunWhenOnBrowser reads the page's URL first thing), so the runtime
//     and every package's initialisation are done;
//   - rendered: go-app has put the app's first element into the body;
//   - mounted: main[data-mounted="true"] (each app's OnMount sets it);
//   - whole: the page has no #below-fold any more (the playground renders
//     what comes after Step 1 after the first paint; the hello world has
//     none, so its whole is its mount).
//
// valueGet is wrapped until goMain is seen and unwrapped in effect after:
// one flag test per call.
const loadRecorder = `(() => {
	const at = window.__octoplayLoad = {};
	const now = () => performance.now();
	const streaming = WebAssembly.instantiateStreaming;
	WebAssembly.instantiateStreaming = async function (source, imports) {
		at.instantiate = now();
		let memory;
		const gojs = imports && imports.gojs;
		const valueGet = gojs && gojs["syscall/js.valueGet"];
		if (valueGet) {
			const decoder = new TextDecoder();
			gojs["syscall/js.valueGet"] = (sp) => {
				if (at.goMain === undefined && memory) {
					const view = new DataView(memory.buffer);
					const addr = view.getUint32((sp >>> 0) + 16, true), len = view.getUint32((sp >>> 0) + 24, true);
					if (decoder.decode(new Uint8Array(memory.buffer, addr, len)) === "location") {
						at.goMain = now();
					}
				}
				return valueGet(sp);
			};
		}
		const result = await streaming.call(this, source, imports);
		memory = result.instance.exports.mem;
		at.compiled = now();
		return result;
	};
	new MutationObserver((records, observer) => {
		if (at.goMain !== undefined && at.rendered === undefined &&
			records.some((r) => [...r.addedNodes].some((n) => n.nodeType === Node.ELEMENT_NODE))) {
			at.rendered = now();
		}
		if (at.mounted === undefined && document.querySelector('main[data-mounted="true"]')) {
			at.mounted = now();
		}
		if (at.mounted !== undefined && !document.getElementById("below-fold")) {
			at.whole = now();
			observer.disconnect();
		}
	}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-mounted"]});
})();`

// phases are the ends of a cold load's phases, from the start of the
// navigation, as loadRecorder and the page's performance timeline saw them.
type phases struct {
	HTMLAndCSS, FirstPaint, Compiled, GoMain, Rendered, Mounted, Whole float64 // ms
	Instantiate                                                        float64 // when app.js asked for the wasm
	WasmResponseEnd                                                    float64 // its last byte arrived
}

// pageTimes reads what the recorder and Chromium's performance timeline
// noted: the document and its style sheets arrived, and the first
// contentful paint (Paint Timing).
const pageTimes = `(() => {
	const at = window.__octoplayLoad;
	const entries = performance.getEntriesByType("resource");
	const end = (suffix) => Math.max(0, ...entries.filter((e) => new URL(e.name).pathname.endsWith(suffix)).map((e) => e.responseEnd));
	const paint = performance.getEntriesByName("first-contentful-paint")[0];
	return {
		HTMLAndCSS: Math.max(performance.getEntriesByType("navigation")[0].responseEnd, end(".css")),
		FirstPaint: paint ? paint.startTime : 0,
		Instantiate: at.instantiate || 0, Compiled: at.compiled || 0, GoMain: at.goMain || 0,
		Rendered: at.rendered || 0, Mounted: at.mounted || 0, Whole: at.whole || 0, WasmResponseEnd: end(".wasm"),
	};
})()`

// readPhases waits for the first contentful paint to be reported and the
// page to be whole (both can come after the mount is noted) and returns the
// load's phases.
func readPhases(ctx context.Context) (phases, error) {
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`performance.getEntriesByName("first-contentful-paint").length > 0 && window.__octoplayLoad.whole !== undefined`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		return phases{}, fmt.Errorf("no first-contentful-paint, or the page never whole: %w", err)
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[phases](pageTimes))
	if err != nil {
		return phases{}, err
	}
	if p.Compiled == 0 || p.GoMain == 0 || p.Rendered == 0 || p.Mounted == 0 || p.Whole == 0 {
		return p, fmt.Errorf("a phase of the load was not seen: %+v", p)
	}
	return p, nil
}

// phaseSpan is one phase's name and its length in a load.
type phaseSpan struct {
	name string
	of   func(phases) float64
}

// phaseSpans are the phases of docs/performance.md's table, in their order. They
// add up to the time to interactive, except the wasm's, which overlaps
// the page's own phases until app.js runs, and the last, which comes after
// it.
var phaseSpans = []phaseSpan{
	{"HTML and CSS (navigation to the last style sheet's byte)", func(p phases) float64 { return p.HTMLAndCSS }},
	{"until app.js asks for the wasm", func(p phases) float64 { return p.Instantiate - p.HTMLAndCSS }},
	{"wasm download and streaming compile", func(p phases) float64 { return p.Compiled - p.Instantiate }},
	{"Go initialisation (runtime, package init, to go-app's first read of the URL)", func(p phases) float64 { return p.GoMain - p.Compiled }},
	{"first render (to the app's DOM in the page)", func(p phases) float64 { return p.Rendered - p.GoMain }},
	{"mount (to OnMount's mark)", func(p phases) float64 { return p.Mounted - p.Rendered }},
	{"after the mark and the first paint: what comes after Step 1 (Step 2, the history), until the page is whole", func(p phases) float64 { return p.Whole - p.Mounted }},
}

func firstPaint(p phases) float64 { return p.FirstPaint }

// medianPhase is the median over loads of one phase's length.
func medianPhase(loads []phases, of func(phases) float64) float64 {
	if len(loads) == 0 {
		return 0
	}
	xs := make([]float64, 0, len(loads))
	for _, p := range loads {
		xs = append(xs, of(p))
	}
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}

// writePhases prints the cold loads' phases, each the median of its
// lengths, beside the hello world's.
func writePhases(w io.Writer, l loads) {
	fmt.Fprintln(w, "| Phase of a cold load, median | Octoplay | hello world | Difference |")
	fmt.Fprintln(w, "| --- | --- | --- | --- |")
	for _, s := range phaseSpans {
		a, b := medianPhase(l.playground.phases, s.of), medianPhase(l.hello.phases, s.of)
		fmt.Fprintf(w, "| %s | %.0f ms | %.0f ms | %+.0f ms |\n", s.name, a, b, a-b)
	}
	a, b := medianPhase(l.playground.phases, func(p phases) float64 { return p.WasmResponseEnd - p.Instantiate }), medianPhase(l.hello.phases, func(p phases) float64 { return p.WasmResponseEnd - p.Instantiate })
	fmt.Fprintf(w, "| of which the wasm's last byte arrived | %.0f ms | %.0f ms | %+.0f ms |\n", a, b, a-b)
}
