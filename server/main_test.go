package server

import (
	"os"
	"testing"

	"octoplay/app/ui"
)

// TestMain registers the playground's routes, as main does: go-app keeps
// them in a global table that the page handler prerenders from. Started
// as a child server by startChild, the test binary serves instead.
func TestMain(m *testing.M) {
	ui.Register()
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(serveAsChild(spec))
	}
	os.Exit(m.Run())
}
