// Package ui holds the playground's go-app components. Plain logic the
// components need lives in packages without syscall/js, so `go test` covers it.
package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Title is the page title, shared by the server's page handler and the shell.
const Title = "OctoTable token playground"

// quickstartURL is OctoTable's published quickstart that the playground walks through.
const quickstartURL = "https://octotable-1.gitbook.io/octotable-api/authentication/quickstart"

// Register registers the playground's routes. Both builds call it: the
// server prerenders the routes, the browser runs them.
func Register() {
	app.Route("/", app.NewZeroComponentFactory(&playground{}))
}
