package ohttp

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func FuzzOpenRequest(f *testing.F) {
	keys := []*PrivateKey{rfcKey(f), fixedKey(f, 2, KEMXWing), fixedKey(f, 3, KEMX25519)}
	g, err := NewGateway(keys...)
	require.NoError(f, err)

	f.Add(unhex(f, rfcEncapsulatedRequest))
	for _, k := range keys[1:] {
		for _, aead := range aeads {
			sealed, _, err := SealRequest(configFor(k, aead), []byte("seed request"))
			require.NoError(f, err)
			f.Add(sealed)
		}
		f.Add(sealWithChaCha(f, k, []byte("seed request")))
	}
	f.Add([]byte{1, 0, 0x20, 0, 1, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		o, err := g.OpenRequest(in)
		if err != nil {
			for _, sentinel := range []error{ErrMalformed, ErrUnknownKey, ErrUnsupportedSuite, ErrDecrypt} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			t.Fatalf("error %q matches no sentinel", err)
		}
		_, err = o.SealResponse(o.Request)
		require.NoError(t, err)
	})
}
