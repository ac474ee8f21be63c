//go:build !js

package page

import (
	"os"
	"testing"

	"octoplay/app/ui"
)

// TestMain registers the playground's routes, as main does: go-app keeps
// them in a global table that the page handler prerenders from.
func TestMain(m *testing.M) {
	ui.Register()
	os.Exit(m.Run())
}
