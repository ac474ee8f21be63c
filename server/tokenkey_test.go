package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Instances given the same relay keys derive the same token key, so they
// accept each other's tokens; other keys, another token key; no keys, none
// (the sandbox makes a random one).
func TestSandboxTokenKey(t *testing.T) {
	secretText := func() string {
		keys, err := newRelayKeys()
		require.NoError(t, err)
		a, err := keys[0].SecretText()
		require.NoError(t, err)
		b, err := keys[1].SecretText()
		require.NoError(t, err)
		return a + "," + b
	}
	one, other := secretText(), secretText()
	k1, err := sandboxTokenKey(one)
	require.NoError(t, err)
	require.Len(t, k1, 32)
	k2, err := sandboxTokenKey(" " + one + " ,")
	require.NoError(t, err)
	assert.Equal(t, k1, k2, "the same keys, written a little differently")
	k3, err := sandboxTokenKey(other)
	require.NoError(t, err)
	assert.NotEqual(t, k1, k3)
	none, err := sandboxTokenKey("")
	require.NoError(t, err)
	assert.Nil(t, none)
}
