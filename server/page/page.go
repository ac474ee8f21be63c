//go:build !js

// Package page serves the playground's page and go-app's own files (app.js,
// the web manifest, the service worker), as go-app's handler makes them
// and corrected where they would mislead or cost: a first paint that says
// only what is true (firstPaint), app.js that hands the wasm's own Response
// to the browser and registers the worker after the mount (correctAppJS),
// a worker that never caches the relay or the sandbox (patchServiceWorker),
// each made once per build and link and served from memory (pageCache).
package page

import (
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/ui"
	"octoplay/internal/wire"
	"octoplay/server/assets"
)

// New is the handler of the page and go-app's files for the assets st.
// publicURL (empty: none) is where browsers reach the server, for the link
// previews' absolute URLs; frameAncestors are the origins that may frame
// the page.
func New(st *assets.Server, publicURL string, frameAncestors []string) (http.Handler, error) {
	h, err := goAppHandler(st, frameAncestors)
	if err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	return newPageCache(firstPaint(publicURL, correctAppJS(h))), nil
}

// goAppHandler configures go-app's handler for the playground page. Every
// URL it puts in the page is local: no icon, font or script from elsewhere.
// Its Version is the assets' (a new build is an update for every visitor, a
// restart of the same build is not), and every /web/ URL it writes names
// that version, so the assets can be cached for good.
//
// The page names in a meta element the origins that may frame it, the
// only ones the embedded playground tells its height (wire.MetaFrameAncestors).
func goAppHandler(st *assets.Server, frameAncestors []string) (*app.Handler, error) {
	worker, err := patchServiceWorker(app.DefaultAppWorkerJS)
	if err != nil {
		return nil, err
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
// downloading the wasm again (TestTheWasmIsRequestedOnce). On two cores
// the download competes with the page's parse and first paint: weigh it
// with make bench's loads before changing it.
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
