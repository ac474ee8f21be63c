package testkit

import "testing/fstest"

// StandInWeb is the web package's files with a stand-in for the wasm: what
// a server needs to start and serve its page without a build.
func StandInWeb() fstest.MapFS {
	return fstest.MapFS{
		"app.wasm":           {Data: []byte("\x00asm\x01\x00\x00\x00stand-in")},
		"styles.css":         {Data: []byte("body{}")},
		"icons/icon-192.png": {Data: []byte("png")},
		"icons/icon-512.png": {Data: []byte("png")},
		"icons/icon.svg":     {Data: []byte("<svg/>")},
		"embed.go":           {Data: []byte("package web")},
		"embed.js":           {Data: []byte("// embed")},
		"loader.js":          {Data: []byte("// loader")},
	}
}
