package ohttp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkSealOpen measures one exchange: the client seals a request, the
// gateway opens it and seals a response, the client opens the response.
func BenchmarkSealOpen(b *testing.B) {
	request := make([]byte, 512)
	response := make([]byte, 2048)
	for _, suite := range allSuites() {
		b.Run(suite.String(), func(b *testing.B) {
			key := fixedKey(b, 1, suite.KEM)
			g, err := NewGateway(key)
			require.NoError(b, err)
			cfg := configFor(key, suite.AEAD)
			b.ReportAllocs()
			for b.Loop() {
				sealed, cc, err := SealRequest(cfg, request)
				if err != nil {
					b.Fatal(err)
				}
				o, err := g.OpenRequest(sealed)
				if err != nil {
					b.Fatal(err)
				}
				sealedResp, err := o.SealResponse(response)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := cc.OpenResponse(sealedResp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGateway measures the gateway's side of one exchange, what the
// relay pays per request: open the sealed request, seal the response.
func BenchmarkGateway(b *testing.B) {
	request := make([]byte, 512)
	response := make([]byte, 2048)
	for _, suite := range allSuites() {
		b.Run(suite.String(), func(b *testing.B) {
			key := fixedKey(b, 1, suite.KEM)
			g, err := NewGateway(key)
			require.NoError(b, err)
			sealed, _, err := SealRequest(configFor(key, suite.AEAD), request)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				o, err := g.OpenRequest(sealed)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := o.SealResponse(response); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
