// Octoplay, the OctoTable token playground: one program built twice. Built
// for GOOS=js GOARCH=wasm it is the playground in the browser; built natively
// it is the server that serves it, relays its sealed requests and hosts the
// OctoTable sandbox.
package main

import (
	"os"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"octoplay/app/ui"
	"octoplay/server"
)

func main() {
	// Routes are registered in both builds: the server prerenders them.
	ui.Register()
	// In the browser this runs the playground and never returns.
	app.RunWhenOnBrowser()
	os.Exit(server.Main())
}
