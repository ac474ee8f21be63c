//go:build !js

package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/server/assets"
)

// serve serves the hello world from the folder its wasm was built into,
// with the playground's icons, and prints its URL.
func serve() {
	addr := flag.String("addr", "127.0.0.1:0", "where to listen")
	dir := flag.String("web", "web", "the folder with app.wasm and icons/")
	flag.Parse()
	st, err := assets.NewServer(os.DirFS(*dir), slog.Default())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+st.VersionedPrefix(), st)
	mux.Handle("GET /web/", st)
	mux.Handle("/", &app.Handler{
		Name:  "Hello",
		Title: "Hello",
		Icon: app.Icon{
			Default: "/web/icons/icon-192.png",
			Large:   "/web/icons/icon-512.png",
			SVG:     "/web/icons/icon.svg",
		},
		Resources:               st.Resolver(),
		Version:                 st.Version(),
		WasmContentLengthHeader: assets.RawLengthHeader,
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("hello world: http://%s/\n", ln.Addr())
	fmt.Fprintln(os.Stderr, http.Serve(ln, mux))
	os.Exit(1)
}
