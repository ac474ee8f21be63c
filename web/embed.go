//go:build !js

// Package web holds the playground's static assets: styles, icons and the
// built app.wasm. The server embeds them so that one binary runs from any
// directory; the browser build never links them.
package web

import "embed"

// Assets holds every file of this folder but Go sources: `make wasm` writes
// app.wasm here before the server is built.
//
//go:embed *
var Assets embed.FS
