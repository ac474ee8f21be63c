package ohttp

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrivateKeyTextRoundTrip(t *testing.T) {
	for _, kem := range kems {
		p, _ := kemFor(kem)
		t.Run(p.name, func(t *testing.T) {
			k, err := GenerateKey(7, kem)
			require.NoError(t, err)
			text, err := k.SecretText()
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(text, fmt.Sprintf("7:%04x:", kem)), text)

			for _, variant := range []string{text, "  " + text + "\n", text + "="} {
				back, err := ParsePrivateKey(variant)
				require.NoError(t, err)
				assert.Equal(t, k.Config(), back.Config())
				again, err := back.SecretText()
				require.NoError(t, err)
				assert.Equal(t, text, again)
			}
		})
	}
}

func TestRFCKeyText(t *testing.T) {
	text, err := rfcKey(t).SecretText()
	require.NoError(t, err)
	// crypto/hpke serializes X25519 keys clamped (RFC 9180 §7.1.2), so the
	// text holds skR with its low three bits and top bit cleared and bit 254
	// set: another encoding of the same scalar.
	clamped := unhex(t, rfcSkR)
	clamped[0] &= 248
	clamped[31] = clamped[31]&127 | 64
	assert.Equal(t, "1:0020:"+base64.RawURLEncoding.EncodeToString(clamped), text)
	back, err := ParsePrivateKey(text)
	require.NoError(t, err)
	assert.Equal(t, rfcPkR, hex.EncodeToString(back.Config().PublicKey))
}

func TestParsePrivateKeyErrors(t *testing.T) {
	k, err := GenerateKey(1, KEMXWing)
	require.NoError(t, err)
	text, err := k.SecretText()
	require.NoError(t, err)
	secret := strings.SplitN(text, ":", 3)[2]

	tests := []struct {
		name string
		text string
		want error
	}{
		{"empty", "", ErrMalformed},
		{"secret only", secret, ErrMalformed},
		{"parts swapped", secret + ":1:647a", ErrMalformed},
		{"key id too big", "256:647a:" + secret, ErrMalformed},
		{"key id not a number", "x:647a:" + secret, ErrMalformed},
		{"KEM not hex", "1:64z1:" + secret, ErrMalformed},
		{"KEM too short", "1:20:" + secret, ErrMalformed},
		{"KEM unknown", "1:0010:" + secret, ErrUnsupportedSuite},
		{"not base64url", "1:647a:" + secret[:10] + "+/" + secret[12:], ErrMalformed},
		{"secret cut", "1:647a:" + secret[:20], ErrMalformed},
		{"X25519 with an X-Wing seed too long", "1:0020:" + secret + "AAAA", ErrMalformed},
		{"four parts", text + ":x", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePrivateKey(tt.text)
			require.ErrorIs(t, err, tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "ohttp: "), err.Error())
			for i := 0; i+8 <= len(secret); i++ {
				require.NotContains(t, err.Error(), secret[i:i+8], "error shows key material")
			}
		})
	}
}

// TestPrivateKeyPrintsNoSecret checks no fmt verb shows key bytes.
func TestPrivateKeyPrintsNoSecret(t *testing.T) {
	for _, kem := range kems {
		k := fixedKey(t, 9, kem)
		secret, err := k.key.priv.Bytes()
		require.NoError(t, err)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%X", "%d", "%q"} {
			nested := struct{ inner PrivateKey }{*k}
			for _, v := range []any{k, *k, nested, []*PrivateKey{k}, map[string]PrivateKey{"k": *k}} {
				out := fmt.Sprintf(verb, v)
				assert.NotContains(t, strings.ToLower(out), hex.EncodeToString(secret[:8]), verb)
				assert.NotContains(t, out, base64.RawURLEncoding.EncodeToString(secret[:9]), verb)
				assert.NotContains(t, out, fmt.Sprint(secret[:4])[1:], verb)
			}
		}
		assert.Equal(t, fmt.Sprintf("ohttp key 9 (%s)", k.kem.name), fmt.Sprint(k))
	}
}

func TestGenerateKeyErrors(t *testing.T) {
	_, err := GenerateKey(1, 0x0010)
	require.ErrorIs(t, err, ErrUnsupportedSuite)
	_, err = NewPrivateKey(1, KEMX25519, make([]byte, 31))
	require.ErrorIs(t, err, ErrMalformed)
	_, err = fixedKey(t, 1, KEMX25519).WithSymmetric()
	require.Error(t, err)
	for _, alg := range []SymmetricAlgorithms{
		{KDFHKDFSHA256, 0x0042},
		{0x0002, AEADAES128GCM},
		{KDFHKDFSHA256, AEADChaCha20Poly1305},
	} {
		_, err = fixedKey(t, 1, KEMX25519).WithSymmetric(SymmetricAlgorithms{KDFHKDFSHA256, AEADAES128GCM}, alg)
		require.ErrorIs(t, err, ErrUnsupportedSuite, alg)
	}
}

func TestDefaultKeyOffersAESGCMOnly(t *testing.T) {
	for _, kem := range kems {
		k := fixedKey(t, 1, kem)
		assert.Equal(t, []SymmetricAlgorithms{{KDFHKDFSHA256, AEADAES128GCM}, {KDFHKDFSHA256, AEADAES256GCM}},
			k.Config().Symmetric)
		assert.False(t, k.offers(KDFHKDFSHA256, AEADChaCha20Poly1305))
	}
}
