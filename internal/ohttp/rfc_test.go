package ohttp

import (
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/bhttp"
)

// RFC 9458 Appendix A (also in /work/shared/spec/rfc9458-appendix-a.md).
const (
	rfcSkR                  = "3c168975674b2fa8e465970b79c8dcf09f1c741626480bd4c6162fc5b6a98e1a"
	rfcPkR                  = "31e1f05a740102115220e9af918f738674aec95f54db6e04eb705aae8e798155"
	rfcKeyConfig            = "01002031e1f05a740102115220e9af918f738674aec95f54db6e04eb705aae8e79815500080001000100010003"
	rfcKeyConfigList        = "002d" + rfcKeyConfig
	rfcRequest              = "00034745540568747470730b6578616d706c652e636f6d012f"
	rfcEnc                  = "4b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b472"
	rfcEncapsulatedRequest  = "010020000100014b28f881333e7c164ffc499ad9796f877f4e1051ee6d31bad19dec96c208b4726374e469135906992e1268c594d2a10c695d858c40a026e7965e7d86b83dd440b2c0185204b4d63525"
	rfcResponse             = "0140c8"
	rfcExporterSecret       = "62d87a6ba569ee81014c2641f52bea36"
	rfcResponseNonce        = "c789e7151fcba46158ca84b04464910d"
	rfcEncapsulatedResponse = "c789e7151fcba46158ca84b04464910d86f9013e404feea014e7be4a441f234f857fbd"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

// rfcKey is the gateway key of Appendix A, made from skR and offering
// AES-128-GCM, the AEAD of the RFC's request. The RFC's configuration also
// lists ChaCha20-Poly1305, which this package does not offer.
func rfcKey(t testing.TB) *PrivateKey {
	k, err := NewPrivateKey(1, KEMX25519, unhex(t, rfcSkR))
	require.NoError(t, err)
	k, err = k.WithSymmetric(SymmetricAlgorithms{KDFHKDFSHA256, AEADAES128GCM})
	require.NoError(t, err)
	return k
}

// rfcConfig is the key configuration of Appendix A, as the RFC lists it.
func rfcConfig() KeyConfig {
	return KeyConfig{
		KeyID: 1, KEM: KEMX25519,
		PublicKey: must(hex.DecodeString(rfcPkR)),
		Symmetric: []SymmetricAlgorithms{{KDFHKDFSHA256, AEADAES128GCM}, {KDFHKDFSHA256, AEADChaCha20Poly1305}},
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestRFC9458KeyConfig(t *testing.T) {
	b, err := rfcConfig().MarshalBinary()
	require.NoError(t, err)
	assert.Equal(t, rfcKeyConfig, hex.EncodeToString(b))

	list, err := MarshalKeyConfigs([]KeyConfig{rfcConfig()})
	require.NoError(t, err)
	assert.Equal(t, rfcKeyConfigList, hex.EncodeToString(list))

	parsed, err := ParseKeyConfig(unhex(t, rfcKeyConfig))
	require.NoError(t, err)
	assert.Equal(t, rfcConfig(), parsed)

	parsedList, err := ParseKeyConfigs(unhex(t, rfcKeyConfigList))
	require.NoError(t, err)
	assert.Equal(t, []KeyConfig{rfcConfig()}, parsedList)

	// The key made from skR publishes the RFC's configuration less
	// ChaCha20-Poly1305: the same public key, AES-128-GCM alone.
	want := rfcConfig()
	want.Symmetric = want.Symmetric[:1]
	assert.Equal(t, want, rfcKey(t).Config())
	g, err := NewGateway(rfcKey(t))
	require.NoError(t, err)
	assert.Equal(t, "0029"+rfcKeyConfig[:70]+"000400010001", hex.EncodeToString(g.KeyConfigs()))

	// A client given the RFC's configuration seals with AES-128-GCM.
	_, cc, err := SealRequest(rfcConfig(), []byte("r"))
	require.NoError(t, err)
	assert.Equal(t, Suite{KEMX25519, KDFHKDFSHA256, AEADAES128GCM}, cc.Suite())
}

func TestRFC9458Gateway(t *testing.T) {
	g, err := NewGateway(rfcKey(t))
	require.NoError(t, err)

	o, err := g.OpenRequest(unhex(t, rfcEncapsulatedRequest))
	require.NoError(t, err)
	assert.Equal(t, rfcRequest, hex.EncodeToString(o.Request))
	assert.Equal(t, rfcEnc, hex.EncodeToString(o.Enc))
	assert.Equal(t, Suite{KEMX25519, KDFHKDFSHA256, AEADAES128GCM}, o.Suite())
	assert.Equal(t, uint8(1), o.KeyID)

	secret, err := o.ctx.Export(LabelResponse, o.params.responseNonceSize())
	require.NoError(t, err)
	assert.Equal(t, rfcExporterSecret, hex.EncodeToString(secret))

	sealed, err := o.sealResponseWithNonce(unhex(t, rfcResponse), unhex(t, rfcResponseNonce))
	require.NoError(t, err)
	assert.Equal(t, rfcEncapsulatedResponse, hex.EncodeToString(sealed))

	// The client's side of §4.4 is the same derivation from the other
	// context; the recipient's exporter stands in for the sender's here.
	opened, err := openResponse(o.ctx, o.params, o.Enc, unhex(t, rfcEncapsulatedResponse))
	require.NoError(t, err)
	assert.Equal(t, rfcResponse, hex.EncodeToString(opened))

	req, err := bhttp.UnmarshalRequest(o.Request, bhttp.Limits{})
	require.NoError(t, err)
	assert.Equal(t, &bhttp.Request{Method: "GET", Scheme: "https", Authority: "example.com", Path: "/"}, req)
	resp, err := bhttp.UnmarshalResponse(opened, bhttp.Limits{})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
}
