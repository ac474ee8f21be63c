package ohttp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/bhttp"
)

// newTestGateway serves g as the relay does: open, answer from handle, seal.
func newTestGateway(t *testing.T, g *Gateway, handle func(*bhttp.Request) *bhttp.Response) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", MediaTypeKeys)
			_, _ = w.Write(g.KeyConfigs())
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || r.Header.Get("Content-Type") != MediaTypeRequest {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		o, err := g.OpenRequest(body)
		if err != nil {
			http.Error(w, "cannot open", http.StatusBadRequest)
			return
		}
		req, err := bhttp.UnmarshalRequest(o.Request, bhttp.Limits{})
		if err != nil {
			http.Error(w, "not bhttp", http.StatusBadRequest)
			return
		}
		plain, err := handle(req).MarshalBinary()
		require.NoError(t, err)
		sealed, err := o.SealResponse(plain)
		require.NoError(t, err)
		w.Header().Set("Content-Type", MediaTypeResponse)
		_, _ = w.Write(sealed)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func httpTransport(url string) Transport {
	return func(ctx context.Context, sealed []byte) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(sealed))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", MediaTypeRequest)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, errors.New(resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	}
}

func fetchKeys(t *testing.T, url string) []KeyConfig {
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, MediaTypeKeys, resp.Header.Get("Content-Type"))
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	configs, err := ParseKeyConfigs(b)
	require.NoError(t, err)
	return configs
}

func TestClientDo(t *testing.T) {
	// The X25519 key is added first; the gateway still lists X-Wing first.
	g, err := NewGateway(fixedKey(t, 1, KEMX25519), fixedKey(t, 2, KEMXWing))
	require.NoError(t, err)
	srv := newTestGateway(t, g, func(r *bhttp.Request) *bhttp.Response {
		return &bhttp.Response{
			Status: 200,
			Header: bhttp.Fields{{Name: "content-type", Value: "application/json"}},
			Body:   []byte(`{"method":"` + r.Method + `","path":"` + r.Path + `","auth":"` + r.Header.Get("authorization") + `"}`),
		}
	})

	c, err := NewClient(fetchKeys(t, srv.URL), httpTransport(srv.URL))
	require.NoError(t, err)
	assert.Equal(t, Suite{KEMXWing, KDFHKDFSHA256, AEADAES128GCM}, c.Suite())
	assert.Equal(t, uint8(2), c.KeyID())

	resp, err := c.Do(context.Background(), &bhttp.Request{
		Method: "GET", Scheme: "https", Authority: "api.octotable.com", Path: "/api/v2/",
		Header: bhttp.Fields{{Name: "Authorization", Value: "Bearer t0ken"}},
	})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.Status)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, `{"method":"GET","path":"/api/v2/","auth":"Bearer t0ken"}`, string(resp.Body))
}

func TestNewClientPicksFirstSupported(t *testing.T) {
	unsupported := fixedKey(t, 1, KEMXWing).Config()
	unsupported.Symmetric = []SymmetricAlgorithms{{KDF: 0x0003, AEAD: AEADAES128GCM}}
	chachaOnly := configFor(fixedKey(t, 3, KEMXWing), AEADChaCha20Poly1305)
	// ChaCha20-Poly1305 first: the client passes over it.
	x25519 := fixedKey(t, 2, KEMX25519).Config()
	x25519.Symmetric = []SymmetricAlgorithms{{KDFHKDFSHA256, AEADChaCha20Poly1305}, {KDFHKDFSHA256, AEADAES256GCM}}
	noop := func(context.Context, []byte) ([]byte, error) { return nil, nil }

	c, err := NewClient([]KeyConfig{unsupported, chachaOnly, x25519}, noop)
	require.NoError(t, err)
	assert.Equal(t, Suite{KEMX25519, KDFHKDFSHA256, AEADAES256GCM}, c.Suite())
	assert.Equal(t, uint8(2), c.KeyID())

	_, err = NewClient([]KeyConfig{unsupported}, noop)
	require.ErrorIs(t, err, ErrUnsupportedSuite)
	_, err = NewClient([]KeyConfig{chachaOnly}, noop)
	require.ErrorIs(t, err, ErrUnsupportedSuite)
	_, _, err = SealRequest(chachaOnly, []byte("r"))
	require.ErrorIs(t, err, ErrUnsupportedSuite)
	_, err = NewClient(nil, noop)
	require.ErrorIs(t, err, ErrUnsupportedSuite)
	_, err = NewClient([]KeyConfig{x25519}, nil)
	require.Error(t, err)
}

func TestClientDoErrors(t *testing.T) {
	key := fixedKey(t, 1, KEMX25519)
	g, err := NewGateway(key)
	require.NoError(t, err)
	ok := &bhttp.Request{Method: "GET", Scheme: "https", Authority: "a", Path: "/"}
	errDown := errors.New("gateway down")

	tests := []struct {
		name      string
		req       *bhttp.Request
		transport Transport
		want      error
	}{
		{"bad request", &bhttp.Request{Method: "G T", Scheme: "https", Path: "/"}, nil, bhttp.ErrMalformed},
		{"transport fails", ok, func(context.Context, []byte) ([]byte, error) { return nil, errDown }, errDown},
		{"garbage answer", ok, func(context.Context, []byte) ([]byte, error) { return make([]byte, 40), nil }, ErrDecrypt},
		{"short answer", ok, func(context.Context, []byte) ([]byte, error) { return []byte{1}, nil }, ErrMalformed},
		{"answer is not bhttp", ok, func(_ context.Context, sealed []byte) ([]byte, error) {
			o, err := g.OpenRequest(sealed)
			if err != nil {
				return nil, err
			}
			return o.SealResponse([]byte{0x07})
		}, bhttp.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			transport := tt.transport
			if transport == nil {
				transport = func(context.Context, []byte) ([]byte, error) { panic("not reached") }
			}
			c, err := NewClient([]KeyConfig{key.Config()}, transport)
			require.NoError(t, err)
			_, err = c.Do(context.Background(), tt.req)
			require.ErrorIs(t, err, tt.want)
		})
	}
}
