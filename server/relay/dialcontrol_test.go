//go:build !octoplaybench

package relay

import (
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
)

// The shipped build's guard is guardDial, whatever the configuration: the
// bench's build (-tags octoplaybench) is the only one that dials loopback.
func TestShippedBuildRefusesLoopback(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:8080", "[::1]:8080", "10.0.0.1:443"} {
		assert.ErrorIs(t, defaultDialControl("tcp", addr, nil), errDialRefused, addr)
	}
}

// TestGuardDialRefusesLoopbackUpstream runs the production dial guard
// against an upstream on loopback, named by address and by name: the
// allow-list lets both through (they are the environment's own URLs),
// so only the guard, after DNS resolution, stops them.
func TestGuardDialRefusesLoopbackUpstream(t *testing.T) {
	up := newUpstream(t, nil)
	_, port, err := net.SplitHostPort(up.Listener.Addr().String())
	require.NoError(t, err)
	tests := []struct {
		name, host string
	}{
		{"by address", "127.0.0.1:" + port},
		{"by name", "localhost:" + port},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := NewEnvironment("loop", "", "http://"+tt.host+"/auth/token", []string{"http://" + tt.host + "/api/"}, nil)
			require.NoError(t, err)
			h := newHarness(t, []*Environment{env}, func(c *Config) { c.DialControl = nil })
			detail := assertProblem(t, h.do(t, h.inner("GET", "http://"+tt.host+"/api/x")), http.StatusForbidden, wire.ProblemTargetNotAllowed.URI)
			assert.Contains(t, detail, "address is not allowed")
			assert.Zero(t, up.Hits())
		})
	}
	// The same upstream with the guard swapped is reachable: the refusal
	// above is the guard's.
	h := newHarness(t, []*Environment{loopbackEnv(t, "loop", up, nil)})
	assert.Equal(t, http.StatusOK, h.do(t, h.inner("GET", up.URL+"/api/x")).Status)
	assert.Equal(t, 1, up.Hits())
}
