package wire_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"octoplay/internal/wire"
)

func TestAPIMethods(t *testing.T) {
	assert.Equal(t, []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}, wire.APIMethods())

	m := wire.APIMethods()
	m[0] = "TRACE"
	assert.Equal(t, "GET", wire.APIMethods()[0], "callers get a copy")
}

// The sandbox's token endpoint is OctoTable's under the mount, and the
// relay's routes are under its own path.
func TestPathsCompose(t *testing.T) {
	assert.Equal(t, "/sandbox/octotable-auth/api/v2/oauth2/token", wire.SandboxMount+wire.TokenPath)
	assert.Equal(t, "/relay/keys", wire.RelayKeysPath)
	assert.Equal(t, "/relay/environments", wire.RelayEnvironmentsPath)
}

func TestRelayDrops(t *testing.T) {
	for _, name := range []string{"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
		"Proxy-Authorization", "proxy-connection", "Host", "Cookie", "Content-Length", "Date",
		"Forwarded", "X-Forwarded-Proto", "X-Real-IP", "Via", "Octoplay-Profile", "OCTOPLAY-CLIENT-AUTH"} {
		why, dropped := wire.RelayDrops(name)
		assert.True(t, dropped, name)
		assert.NotEmpty(t, why, name)
	}
	for _, name := range []string{"Authorization", "Accept", "Property", "Content-Type", "Idempotency-Key", "Proxy", "X-Forwarded"} {
		why, dropped := wire.RelayDrops(name)
		assert.False(t, dropped, name)
		assert.Empty(t, why, name)
	}
}
