//go:build !js

package server

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/ui"
	"octoplay/internal/wire"
	"octoplay/server/assets"
)

// swFetchListener is the part of go-app's service worker that answers every
// fetch from its cache; patchServiceWorker replaces it.
const swFetchListener = `self.addEventListener("fetch", (event) => {
  event.respondWith(fetchWithCache(event.request));
});`

// swFetchPassBy lets the network have what the cache must never hold or
// answer: anything but GET (the sealed relay POSTs), the relay's own paths
// (key configurations must be fresh) and the sandbox (answers carry tokens).
// A page the cache does not hold as it is asked for (a link with its
// query) comes from the network, and when the server cannot be reached,
// the cached page stands in for it: the playground runs from the cache
// and says the server is down, trying again, in place of the browser's
// error page.
const swFetchPassBy = `self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" ||
      url.origin !== self.location.origin ||
      url.pathname === "` + wire.RelayPath + `" || url.pathname.startsWith("` + wire.RelayPath + `/") ||
      url.pathname.startsWith("` + wire.SandboxMount + `/")) {
    return;
  }
  if (event.request.mode === "navigate") {
    event.respondWith(octoplayNavigate(event.request));
    return;
  }
  event.respondWith(fetchWithCache(event.request));
});

async function octoplayNavigate(request) {
  const cached = await caches.match(request);
  if (cached) {
    return cached;
  }
  try {
    return await fetch(request);
  } catch (err) {
    // The cached page varies by Accept-Encoding, which a navigation's
    // request need not share with the worker's install.
    const shell = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
    if (shell) {
      return shell;
    }
    throw err;
  }
}`

// patchServiceWorker returns go-app's service worker with swFetchPassBy in
// place of its fetch listener. It fails, rather than serve a worker that
// caches secrets, if go-app's template no longer has the listener it knows.
func patchServiceWorker(template string) (string, error) {
	if strings.Count(template, swFetchListener) != 1 {
		return "", errors.New("patch service worker: go-app's fetch listener not found; review swFetchPassBy against the new template")
	}
	return strings.Replace(template, swFetchListener, swFetchPassBy, 1), nil
}

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
// its body (the browser tees it). `make bench`, warm loads: 1.03x and 1.14x
// the hello world's against 1.28x and 1.30x in runs minutes before.
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
//     the page's own download and compilation of it, on the same cores
//     (`make bench`'s phases: the wasm's 50 to 145 ms under the stock hello
//     world's instead of 20 to 130 ms over it). A load that never runs the
//     wasm registers no worker: there is no app for it to keep.
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

// newPageHandler configures go-app's handler for the playground page. Every
// URL it puts in the page is local: no icon, font or script from elsewhere.
// Its Version is the assets' (a new build is an update for every visitor, a
// restart of the same build is not), and every /web/ URL it writes names
// that version, so the assets can be cached for good.
//
// The page names in a meta element the origins that may frame it, the
// only ones the embedded playground tells its height (wire.MetaFrameAncestors).
func newPageHandler(st *assets.Server, frameAncestors []string) (*app.Handler, error) {
	worker, err := patchServiceWorker(app.DefaultAppWorkerJS)
	if err != nil {
		return nil, fmt.Errorf("page handler: %w", err)
	}
	return &app.Handler{
		Name:        "OctoTable token playground",
		ShortName:   "Octoplay",
		Title:       ui.Title,
		Description: "Get an OAuth 2.0 access token for the OctoTable API and call the API with it, step by step.",
		Icon: app.Icon{
			Default:  "/web/icons/icon-192.png",
			Large:    "/web/icons/icon-512.png",
			Maskable: "/web/icons/icon-512.png",
			SVG:      "/web/icons/icon.svg",
		},
		Image:           "/web/icons/icon-512.png",
		BackgroundColor: "#1f4e79",
		ThemeColor:      "#1f4e79",
		LoadingLabel:    "Loading the playground: {progress}%",
		Styles:          []string{"/web/styles.css"},
		// Says what happened, with a way to try again, when the wasm
		// cannot load: go-app shows the bare error.
		Scripts: []string{"/web/loader.js defer"},
		// Not an http.Handler: go-app serves no file itself (st does).
		Resources:             st.Resolver(),
		Version:               st.Version(),
		ServiceWorkerTemplate: worker,
		// The wasm comes compressed: the bar counts against its raw size.
		WasmContentLengthHeader: assets.RawLengthHeader,
		RawHeaders:              rawHeaders(st.Resolver().Resolve("/web/app.wasm"), frameAncestors),
	}, nil
}

// rawHeaders are the page's own head elements: the wasm's preload, and
// the origins that may frame the page when there are any.
//
// The preload starts the wasm's download while the page is parsed, not
// once app.js runs. It is the request app.js's fetch makes (as="fetch" is
// a CORS request; crossorigin="anonymous" gives it fetch()'s credentials
// mode, same-origin), so that fetch takes the preloaded answer instead of
// downloading the wasm again (TestTheWasmIsRequestedOnce). make bench once
// measured the warm load slower with a preload (1.25x to 1.54x the hello
// world's, against 1.14x to 1.25x without), the download then competing
// with the page's parse and first paint for the cores; it has not been
// measured since the page and its scripts come compressed: run it again
// before taking the preload out.
func rawHeaders(wasm string, frameAncestors []string) []string {
	headers := []string{wasmPreload(wasm)}
	if len(frameAncestors) > 0 {
		headers = append(headers, frameAncestorsMeta(frameAncestors))
	}
	return headers
}

// wasmPreload asks for the wasm at wasm from the page's head.
func wasmPreload(wasm string) string {
	return `<link rel="preload" href="` + html.EscapeString(wasm) + `" as="fetch" crossorigin="anonymous">`
}

// frameAncestorsMeta lists the origins that may frame the page. They
// passed isOrigin, and are escaped all the same.
func frameAncestorsMeta(origins []string) string {
	return `<meta name="` + wire.MetaFrameAncestors + `" content="` + html.EscapeString(strings.Join(origins, " ")) + `">`
}
