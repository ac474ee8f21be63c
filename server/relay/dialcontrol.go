//go:build !octoplaybench

package relay

// defaultDialControl is the dial guard of every build but the bench's:
// loopback, private and special-purpose addresses are refused, and nothing
// in the configuration can change that.
var defaultDialControl = guardDial
