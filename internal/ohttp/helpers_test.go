package ohttp

import (
	"bytes"
	"crypto/hpke"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	kems  = []uint16{KEMX25519, KEMXWing}
	aeads = []uint16{AEADAES128GCM, AEADAES256GCM}
)

// allSuites lists every supported suite.
func allSuites() []Suite {
	var out []Suite
	for _, kem := range kems {
		for _, aead := range aeads {
			out = append(out, Suite{KEM: kem, KDF: KDFHKDFSHA256, AEAD: aead})
		}
	}
	return out
}

// fixedKey makes a key from a fixed secret, so fuzz seeds stay valid across
// runs.
func fixedKey(t testing.TB, keyID uint8, kem uint16) *PrivateKey {
	t.Helper()
	k, err := NewPrivateKey(keyID, kem, bytes.Repeat([]byte{keyID + 0x40}, 32))
	require.NoError(t, err)
	return k
}

// configFor is k's configuration narrowed to one AEAD, so a client seals with
// exactly that suite.
func configFor(k *PrivateKey, aead uint16) KeyConfig {
	c := k.Config()
	c.Symmetric = []SymmetricAlgorithms{{KDF: KDFHKDFSHA256, AEAD: aead}}
	return c
}

// sealWithChaCha seals request to k with ChaCha20-Poly1305, straight through
// crypto/hpke and laid out as RFC 9458 §4.3 says: what a client built on
// another implementation could send, though this package never does.
func sealWithChaCha(t testing.TB, k *PrivateKey, request []byte) []byte {
	t.Helper()
	hdr := header{keyID: k.keyID, suite: Suite{KEM: k.kemID, KDF: KDFHKDFSHA256, AEAD: AEADChaCha20Poly1305}}
	enc, sender, err := hpke.NewSender(k.key.priv.PublicKey(), hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), hdr.info())
	require.NoError(t, err)
	ct, err := sender.Seal(nil, request)
	require.NoError(t, err)
	return append(append(hdr.appendTo(nil), enc...), ct...)
}
