//go:build !js

package page

import (
	"net/http"
	"strings"
)

// appJSWorkerNow, appJSRun and appJSFetchWasm are where go-app's app.js
// registers its service worker, first thing, where it runs the wasm, and
// where it fetches it.
const (
	appJSWorkerNow = "goappInitServiceWorker();\n"
	appJSRun       = "    go.run(wasm.instance);\n"
	appJSFetchWasm = `fetchWithProgress("`
)

// fetchWasm fetches the wasm for app.js in place of go-app's
// fetchWithProgress, which hands instantiateStreaming a Response of its
// own making, built from a stream that script fills chunk by chunk: every
// chunk of the 9 MB passed through script, and that Response has no URL
// for the browser to key the compiled code it keeps on. fetchWasm hands
// over the fetched Response itself and counts the bar against a copy of
// its body (the browser tees it).
const fetchWasm = `
// Octoplay: the wasm's own Response goes to instantiateStreaming; the
// loading bar counts a copy of its body.
async function octoplayFetchWasm(url, progress) {
  const response = await fetch(url);
  const total = parseInt(response.headers.get(goappWasmContentLengthHeader) || response.headers.get("Content-Length"), 10);
  if (response.ok && response.body && total > 0) {
    const reader = response.clone().body.getReader();
    (async () => {
      let loaded = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          return;
        }
        loaded += value.byteLength;
        progress(Math.min(100, Math.round((loaded * 100) / total)));
      }
    })().catch(() => {});
  }
  return response;
}
`

// correctAppJS serves go-app's app.js corrected by correctedAppJS.
// Anything else passes as it is.
func correctAppJS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/app.js" {
			next.ServeHTTP(w, r)
			return
		}
		js := &pageBuffer{ResponseWriter: w, wants: func(status int, _ http.Header) bool { return status == http.StatusOK }}
		next.ServeHTTP(js, r)
		if js.kept {
			js.writeKept(w, []byte(correctedAppJS(js.buf.String())))
		}
	})
}

// correctedAppJS is app.js with two corrections, each made only when the
// lines it knows are there once (TestAppJSIsCorrected fails when go-app's
// template changes them):
//   - the wasm is fetched with fetchWasm, and the bar shows 100 % once it
//     is compiled, whatever the copy's count has reached;
//   - the service worker is registered once go.run returns, that is once
//     Go has rendered and mounted the page, instead of first thing.
//     Registered first, the worker installs during the load and its
//     install downloads every asset again, the 9 MB wasm included, beside
//     the page's own download and compilation of it, on the same cores. A
//     load that never runs the wasm registers no worker: there is no app
//     for it to keep.
func correctedAppJS(js string) string {
	if strings.Count(js, appJSFetchWasm) == 1 && strings.Count(js, appJSRun) == 1 {
		js = strings.Replace(js, appJSFetchWasm, `octoplayFetchWasm("`, 1)
		js = strings.Replace(js, appJSRun, "    showProgress(100);\n"+appJSRun, 1)
		js += fetchWasm
	}
	if strings.Count(js, appJSWorkerNow) == 1 && strings.Count(js, appJSRun) == 1 {
		js = strings.Replace(js, appJSWorkerNow, "", 1)
		js = strings.Replace(js, appJSRun, appJSRun+"    "+appJSWorkerNow, 1)
	}
	return js
}
