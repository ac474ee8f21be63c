package ohttp

import (
	"bytes"
	"crypto/hpke"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTripEverySuite(t *testing.T) {
	keys := map[uint16]*PrivateKey{KEMX25519: fixedKey(t, 1, KEMX25519), KEMXWing: fixedKey(t, 2, KEMXWing)}
	g, err := NewGateway(keys[KEMX25519], keys[KEMXWing])
	require.NoError(t, err)
	for _, suite := range allSuites() {
		t.Run(suite.String(), func(t *testing.T) {
			key := keys[suite.KEM]
			request := []byte("a request to " + suite.String())
			sealed, cc, err := SealRequest(configFor(key, suite.AEAD), request)
			require.NoError(t, err)
			assert.Equal(t, suite, cc.Suite())

			o, err := g.OpenRequest(sealed)
			require.NoError(t, err)
			assert.Equal(t, request, o.Request)
			assert.Equal(t, suite, o.Suite())
			assert.Equal(t, key.KeyID(), o.KeyID)
			assert.Equal(t, sealed[headerSize:headerSize+len(o.Enc)], o.Enc)

			for _, response := range [][]byte{nil, []byte("the answer"), bytes.Repeat([]byte{1}, 70000)} {
				sealedResp, err := o.SealResponse(response)
				require.NoError(t, err)
				opened, err := cc.OpenResponse(sealedResp)
				require.NoError(t, err)
				assert.Equal(t, len(response), len(opened))
				assert.True(t, bytes.Equal(response, opened))
			}
		})
	}
}

// setUint16 returns a copy of b with the 16-bit value at i replaced.
func setUint16(b []byte, i int, v uint16) []byte {
	c := bytes.Clone(b)
	binary.BigEndian.PutUint16(c[i:], v)
	return c
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}

func TestTamperedRequest(t *testing.T) {
	for _, kem := range kems {
		key := fixedKey(t, 1, kem)
		g, err := NewGateway(key)
		require.NoError(t, err)
		sealed, _, err := SealRequest(configFor(key, AEADAES128GCM), []byte("PLAINTEXT"))
		require.NoError(t, err)
		p, _ := kemFor(kem)
		ctStart := headerSize + p.encSize

		tests := []struct {
			name string
			in   []byte
			want error
		}{
			{"key id", flip(sealed, 0), ErrUnknownKey},
			{"KEM", setUint16(sealed, 1, kem^0x0001), ErrUnsupportedSuite},
			{"KDF not offered", setUint16(sealed, 3, 0x0002), ErrUnsupportedSuite},
			{"AEAD unknown", setUint16(sealed, 5, 0x00ff), ErrUnsupportedSuite},
			{"AEAD ChaCha20-Poly1305", setUint16(sealed, 5, AEADChaCha20Poly1305), ErrUnsupportedSuite},
			{"AEAD offered but not the one used", setUint16(sealed, 5, AEADAES256GCM), ErrDecrypt},
			{"first byte of enc", flip(sealed, headerSize), ErrDecrypt},
			{"last byte of enc", flip(sealed, ctStart-1), ErrDecrypt},
			{"first byte of ciphertext", flip(sealed, ctStart), ErrDecrypt},
			{"last byte of ciphertext", flip(sealed, len(sealed)-1), ErrDecrypt},
			{"one byte cut", sealed[:len(sealed)-1], ErrDecrypt},
			{"one byte added", append(bytes.Clone(sealed), 0), ErrDecrypt},
			{"empty", nil, ErrMalformed},
			{"header cut", sealed[:headerSize-1], ErrMalformed},
			{"header only", sealed[:headerSize], ErrMalformed},
			{"enc cut", sealed[:ctStart-1], ErrMalformed},
			{"ciphertext shorter than a tag", sealed[:ctStart+tagSize-1], ErrMalformed},
		}
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				o, err := g.OpenRequest(tt.in)
				require.ErrorIs(t, err, tt.want)
				assert.Nil(t, o)
				assert.True(t, strings.HasPrefix(err.Error(), "ohttp: "), err.Error())
				assert.NotContains(t, err.Error(), "PLAINTEXT")
			})
		}
	}
}

func TestX25519SmallOrderEnc(t *testing.T) {
	key := fixedKey(t, 1, KEMX25519)
	g, err := NewGateway(key)
	require.NoError(t, err)
	sealed, _, err := SealRequest(configFor(key, AEADAES128GCM), []byte("request"))
	require.NoError(t, err)
	copy(sealed[headerSize:], make([]byte, 32)) // the all-zero point has order 1
	_, err = g.OpenRequest(sealed)
	require.ErrorIs(t, err, ErrDecrypt)
}

func TestTamperedResponse(t *testing.T) {
	for _, suite := range allSuites() {
		key := fixedKey(t, 3, suite.KEM)
		g, err := NewGateway(key)
		require.NoError(t, err)
		sealed, cc, err := SealRequest(configFor(key, suite.AEAD), []byte("request"))
		require.NoError(t, err)
		o, err := g.OpenRequest(sealed)
		require.NoError(t, err)
		resp, err := o.SealResponse([]byte("response"))
		require.NoError(t, err)
		// A second request to the same key: its context must not open the
		// first one's answer.
		_, other, err := SealRequest(configFor(key, suite.AEAD), []byte("request"))
		require.NoError(t, err)
		nonceSize := o.params.responseNonceSize()

		tests := []struct {
			name string
			in   []byte
			cc   *ClientContext
			want error
		}{
			{"nonce", flip(resp, 0), cc, ErrDecrypt},
			{"ciphertext", flip(resp, nonceSize), cc, ErrDecrypt},
			{"tag", flip(resp, len(resp)-1), cc, ErrDecrypt},
			{"cut", resp[:len(resp)-1], cc, ErrDecrypt},
			{"too short", resp[:nonceSize+tagSize-1], cc, ErrMalformed},
			{"empty", nil, cc, ErrMalformed},
			{"another request's context", resp, other, ErrDecrypt},
		}
		for _, tt := range tests {
			t.Run(suite.String()+"/"+tt.name, func(t *testing.T) {
				_, err := tt.cc.OpenResponse(tt.in)
				require.ErrorIs(t, err, tt.want)
			})
		}
	}
}

func TestKeyProblems(t *testing.T) {
	x25519, xwing := fixedKey(t, 1, KEMX25519), fixedKey(t, 2, KEMXWing)
	g, err := NewGateway(xwing)
	require.NoError(t, err)

	t.Run("unknown key id", func(t *testing.T) {
		cfg := configFor(xwing, AEADAES128GCM)
		cfg.KeyID = 9
		sealed, _, err := SealRequest(cfg, []byte("r"))
		require.NoError(t, err)
		_, err = g.OpenRequest(sealed)
		require.ErrorIs(t, err, ErrUnknownKey)
	})
	t.Run("KEM of another key under a known id", func(t *testing.T) {
		cfg := configFor(x25519, AEADAES128GCM)
		cfg.KeyID = 2
		sealed, _, err := SealRequest(cfg, []byte("r"))
		require.NoError(t, err)
		_, err = g.OpenRequest(sealed)
		require.ErrorIs(t, err, ErrUnsupportedSuite)
	})
	t.Run("AEAD the key does not offer", func(t *testing.T) {
		narrow, err := fixedKey(t, 5, KEMX25519).WithSymmetric(SymmetricAlgorithms{KDFHKDFSHA256, AEADAES128GCM})
		require.NoError(t, err)
		g, err := NewGateway(narrow)
		require.NoError(t, err)
		sealed, _, err := SealRequest(configFor(narrow, AEADAES256GCM), []byte("r"))
		require.NoError(t, err)
		_, err = g.OpenRequest(sealed)
		require.ErrorIs(t, err, ErrUnsupportedSuite)
	})
	t.Run("ChaCha20-Poly1305", func(t *testing.T) {
		for _, k := range []*PrivateKey{x25519, xwing, rfcKey(t)} {
			g, err := NewGateway(k)
			require.NoError(t, err)
			sealed := sealWithChaCha(t, k, []byte("r"))
			// The request is sound: HPKE on its own opens it.
			hdr, err := parseHeader(sealed)
			require.NoError(t, err)
			encSize := k.kem.encSize
			r, err := hpke.NewRecipient(sealed[headerSize:headerSize+encSize], k.key.priv,
				hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), hdr.info())
			require.NoError(t, err)
			plain, err := r.Open(nil, sealed[headerSize+encSize:])
			require.NoError(t, err)
			assert.Equal(t, "r", string(plain))

			o, err := g.OpenRequest(sealed)
			require.ErrorIs(t, err, ErrUnsupportedSuite, k.String())
			assert.Nil(t, o)
		}
	})
	t.Run("client with no supported suite", func(t *testing.T) {
		cfg := xwing.Config()
		cfg.Symmetric = []SymmetricAlgorithms{{KDF: 0x0002, AEAD: AEADAES128GCM}, {KDF: KDFHKDFSHA256, AEAD: 0xffff}}
		_, _, err := SealRequest(cfg, []byte("r"))
		require.ErrorIs(t, err, ErrUnsupportedSuite)
	})
}

func TestKeyRotation(t *testing.T) {
	old, next := fixedKey(t, 1, KEMX25519), fixedKey(t, 2, KEMXWing)
	g, err := NewGateway(old)
	require.NoError(t, err)
	sealedToOld, _, err := SealRequest(old.Config(), []byte("r"))
	require.NoError(t, err)

	require.NoError(t, g.AddKey(next))
	require.Error(t, g.AddKey(fixedKey(t, 2, KEMX25519)), "duplicate key id")
	require.True(t, g.RetireKey(1))
	configs, err := ParseKeyConfigs(g.KeyConfigs())
	require.NoError(t, err)
	assert.Equal(t, []KeyConfig{next.Config()}, configs)
	_, err = g.OpenRequest(sealedToOld)
	require.NoError(t, err, "a retired key still opens")

	require.True(t, g.RemoveKey(1))
	require.False(t, g.RemoveKey(1))
	require.False(t, g.RetireKey(1))
	_, err = g.OpenRequest(sealedToOld)
	require.ErrorIs(t, err, ErrUnknownKey)

	_, err = NewGateway(old, fixedKey(t, 1, KEMXWing))
	require.Error(t, err)
	_, err = NewGateway(nil)
	require.Error(t, err)
}

func TestKeyConfigsListXWingFirst(t *testing.T) {
	g, err := NewGateway(fixedKey(t, 1, KEMX25519), fixedKey(t, 2, KEMXWing), fixedKey(t, 3, KEMX25519))
	require.NoError(t, err)
	configs, err := ParseKeyConfigs(g.KeyConfigs())
	require.NoError(t, err)
	var ids []uint8
	for _, c := range configs {
		ids = append(ids, c.KeyID)
	}
	assert.Equal(t, []uint8{2, 1, 3}, ids)
}

// TestGatewayConcurrentRotation opens requests while keys come and go; run
// with -race.
func TestGatewayConcurrentRotation(t *testing.T) {
	stable := fixedKey(t, 1, KEMX25519)
	g, err := NewGateway(stable)
	require.NoError(t, err)
	sealed, _, err := SealRequest(stable.Config(), []byte("r"))
	require.NoError(t, err)

	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			k := fixedKey(t, 2, KEMX25519)
			if g.AddKey(k) == nil {
				g.RetireKey(2)
				_ = g.KeyConfigs()
				g.RemoveKey(2)
			}
		}
	}()
	for range 50 {
		o, err := g.OpenRequest(sealed)
		require.NoError(t, err)
		_, err = o.SealResponse([]byte("a"))
		require.NoError(t, err)
	}
	<-done
}
