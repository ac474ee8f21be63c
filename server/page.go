//go:build !js

package server

import (
	"errors"
	"fmt"
	"html"
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
const swFetchPassBy = `self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" ||
      url.origin !== self.location.origin ||
      url.pathname === "` + wire.RelayPath + `" || url.pathname.startsWith("` + wire.RelayPath + `/") ||
      url.pathname.startsWith("` + wire.SandboxMount + `/")) {
    return;
  }
  event.respondWith(fetchWithCache(event.request));
});`

// patchServiceWorker returns go-app's service worker with swFetchPassBy in
// place of its fetch listener. It fails, rather than serve a worker that
// caches secrets, if go-app's template no longer has the listener it knows.
func patchServiceWorker(template string) (string, error) {
	if strings.Count(template, swFetchListener) != 1 {
		return "", errors.New("patch service worker: go-app's fetch listener not found; review swFetchPassBy against the new template")
	}
	return strings.Replace(template, swFetchListener, swFetchPassBy, 1), nil
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
		RawHeaders:              rawHeaders(st, frameAncestors),
	}, nil
}

// rawHeaders are the page's own head elements: the wasm's preload, and the
// origins that may frame the page when there are any.
func rawHeaders(st *assets.Server, frameAncestors []string) []string {
	headers := []string{st.WasmPreload()}
	if len(frameAncestors) > 0 {
		headers = append(headers, frameAncestorsMeta(frameAncestors))
	}
	return headers
}

// frameAncestorsMeta lists the origins that may frame the page. They
// passed isOrigin, and are escaped all the same.
func frameAncestorsMeta(origins []string) string {
	return `<meta name="` + wire.MetaFrameAncestors + `" content="` + html.EscapeString(strings.Join(origins, " ")) + `">`
}
