package ohttp

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prefixed frames one configuration for an ohttp-keys list.
func prefixed(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...)
}

func TestKeyConfigRoundTrip(t *testing.T) {
	for _, kem := range kems {
		cfg := fixedKey(t, 4, kem).Config()
		b, err := cfg.MarshalBinary()
		require.NoError(t, err)
		back, err := ParseKeyConfig(b)
		require.NoError(t, err)
		assert.Equal(t, cfg, back)
	}
}

func TestParseKeyConfigsSkipsUnknownKEMs(t *testing.T) {
	xwing, err := fixedKey(t, 2, KEMXWing).Config().MarshalBinary()
	require.NoError(t, err)
	// A P-256 configuration (KEM 0x0010, 65-byte key), which this package
	// does not support.
	p256 := append([]byte{7, 0x00, 0x10}, make([]byte, 65)...)
	p256 = append(p256, 0, 4, 0, 1, 0, 1)
	x25519 := unhex(t, rfcKeyConfig)

	list := append(append(prefixed(p256), prefixed(xwing)...), prefixed(x25519)...)
	configs, err := ParseKeyConfigs(list)
	require.NoError(t, err)
	require.Len(t, configs, 2)
	assert.Equal(t, uint8(2), configs[0].KeyID)
	assert.Equal(t, uint8(1), configs[1].KeyID)

	_, err = ParseKeyConfig(p256)
	require.ErrorIs(t, err, ErrUnsupportedSuite)

	empty, err := ParseKeyConfigs(nil)
	require.NoError(t, err)
	assert.Empty(t, empty)
}

func TestParseKeyConfigsMalformed(t *testing.T) {
	good := unhex(t, rfcKeyConfig)
	withAlgs := func(n uint16, algs ...byte) []byte {
		b := append([]byte{}, good[:35]...)
		b = binary.BigEndian.AppendUint16(b, n)
		return append(b, algs...)
	}
	tests := []struct {
		name string
		list []byte
	}{
		{"dangling byte", append(prefixed(good), 0)},
		{"length past end", prefixed(good)[:len(good)+1]},
		{"empty config", prefixed(nil)},
		{"config cut in the key", prefixed(good[:20])},
		{"no algorithms", prefixed(withAlgs(0))},
		{"algorithms not a multiple of 4", prefixed(withAlgs(3, 0, 1, 0))},
		{"algorithms length past end", prefixed(withAlgs(8, 0, 1, 0, 1))},
		{"bytes after the algorithms", prefixed(withAlgs(4, 0, 1, 0, 1, 9))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKeyConfigs(tt.list)
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
}

func TestKeyConfigMarshalRefuses(t *testing.T) {
	cfg := rfcConfig()
	cfg.Symmetric = nil
	_, err := cfg.MarshalBinary()
	require.ErrorIs(t, err, ErrMalformed)

	cfg = rfcConfig()
	cfg.PublicKey = cfg.PublicKey[:31]
	_, err = cfg.MarshalBinary()
	require.ErrorIs(t, err, ErrMalformed)
	_, err = MarshalKeyConfigs([]KeyConfig{rfcConfig(), cfg})
	require.ErrorIs(t, err, ErrMalformed)
}

func TestSuiteString(t *testing.T) {
	assert.Equal(t, "X-Wing/HKDF-SHA256/ChaCha20-Poly1305", Suite{KEMXWing, KDFHKDFSHA256, AEADChaCha20Poly1305}.String())
	assert.Equal(t, "0x0010/0x0002/AES-256-GCM", Suite{0x0010, 0x0002, AEADAES256GCM}.String())
}
