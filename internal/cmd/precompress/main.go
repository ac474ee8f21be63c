// Command precompress writes the brotli and gzip forms of the files it is
// given beside them (app.wasm.br, app.wasm.gz), for the server to send to
// browsers that accept them. `make wasm` runs it on web/app.wasm.
//
//	go run ./internal/cmd/precompress web/app.wasm
package main

import (
	"fmt"
	"os"

	"octoplay/internal/precompress"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress FILE...")
		os.Exit(2)
	}
	for _, path := range os.Args[1:] {
		if err := precompress.File(path, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
