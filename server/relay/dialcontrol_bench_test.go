//go:build octoplaybench

package relay

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The bench's build lets the relay reach 127.0.0.1 and nothing else the
// shipped guard refuses. `make test` runs this with -tags octoplaybench.
func TestBenchBuildDialsOnly127001(t *testing.T) {
	assert.NoError(t, defaultDialControl("tcp", "127.0.0.1:8080", nil))
	for _, addr := range []string{"127.0.0.2:8080", "[::1]:8080", "[::ffff:127.0.0.2]:8080", "10.0.0.1:443", "169.254.169.254:80", "localhost:80"} {
		assert.ErrorIs(t, defaultDialControl("tcp", addr, nil), errDialRefused, addr)
	}
	assert.NoError(t, defaultDialControl("tcp", netip.MustParseAddrPort("93.184.216.34:443").String(), nil))
}
