//go:build !js

// Command precompress writes the brotli and gzip forms of the files it is
// given beside them (app.wasm.br, app.wasm.gz), for the server to send to
// browsers that accept them. `make wasm` runs it on web/app.wasm; it is
// pure Go, so a fresh machine needs nothing but the Go toolchain.
//
//	go run ./internal/precompress web/app.wasm
package main

import (
	"fmt"
	"os"

	"octoplay/server/assets"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress FILE...")
		os.Exit(2)
	}
	for _, path := range os.Args[1:] {
		if err := assets.Precompress(path, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
