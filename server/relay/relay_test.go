package relay

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
)

// TestBeforeOpening: what is wrong with the envelope is answered in the
// clear, as an RFC 9457 problem that no cache keeps.
func TestBeforeOpening(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	plain, err := h.inner("GET", up.URL+"/api/").MarshalBinary()
	require.NoError(t, err)
	sealed, _ := h.sealRaw(t, plain)

	// A key the gateway does not hold, under an id it does not use, and a
	// key under an id it does use.
	stranger, err := ohttp.GenerateKey(9, ohttp.KEMX25519)
	require.NoError(t, err)
	toStranger, _, err := ohttp.SealRequest(stranger.Config(), plain)
	require.NoError(t, err)
	impostor, err := ohttp.GenerateKey(1, ohttp.KEMX25519)
	require.NoError(t, err)
	toImpostor, _, err := ohttp.SealRequest(impostor.Config(), plain)
	require.NoError(t, err)

	tests := []struct {
		name        string
		contentType string
		body        []byte
		status      int
		problem     string
	}{
		{"wrong content type", "application/json", sealed, http.StatusUnsupportedMediaType, wire.ProblemMediaType.URI},
		{"no content type", "", sealed, http.StatusUnsupportedMediaType, wire.ProblemMediaType.URI},
		{"the response's media type", ohttp.MediaTypeResponse, sealed, http.StatusUnsupportedMediaType, wire.ProblemMediaType.URI},
		{"over the size limit", ohttp.MediaTypeRequest, bytes.Repeat([]byte{1}, maxSealedRequest+1), http.StatusRequestEntityTooLarge, wire.ProblemBadEncapsulation.URI},
		{"garbage at the size limit", ohttp.MediaTypeRequest, bytes.Repeat([]byte{1}, maxSealedRequest), http.StatusBadRequest, wire.ProblemKey.URI},
		// The first byte is the key id, read first: garbage names no key.
		{"garbage", ohttp.MediaTypeRequest, []byte("hello, gateway"), http.StatusBadRequest, wire.ProblemKey.URI},
		{"a known key and suite, then garbage", ohttp.MediaTypeRequest, append(bytes.Clone(sealed[:7]), "hello"...), http.StatusBadRequest, wire.ProblemBadEncapsulation.URI},
		{"empty", ohttp.MediaTypeRequest, nil, http.StatusBadRequest, wire.ProblemBadEncapsulation.URI},
		{"cut short", ohttp.MediaTypeRequest, sealed[:len(sealed)-1], http.StatusBadRequest, wire.ProblemBadEncapsulation.URI},
		{"one bit flipped", ohttp.MediaTypeRequest, flipLastBit(sealed), http.StatusBadRequest, wire.ProblemBadEncapsulation.URI},
		{"unknown key id", ohttp.MediaTypeRequest, toStranger, http.StatusBadRequest, wire.ProblemKey.URI},
		{"known key id, other key", ohttp.MediaTypeRequest, toImpostor, http.StatusBadRequest, wire.ProblemBadEncapsulation.URI},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/relay", bytes.NewReader(tt.body))
			require.NoError(t, err)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			require.NoError(t, err)
			assertPlainProblem(t, res, body, tt.status, tt.problem)
			assert.Zero(t, up.Hits())
		})
	}
}

// TestRequestMediaType: the media type is matched as RFC 9110 §8.3.1
// says, not as a string.
func TestRequestMediaType(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	for i, ct := range []string{"message/ohttp-req", "Message/OHTTP-Req", "message/ohttp-req; foo=bar"} {
		t.Run(ct, func(t *testing.T) {
			plain, err := h.inner("GET", up.URL+"/api/").MarshalBinary()
			require.NoError(t, err)
			sealed, ctx := h.sealRaw(t, plain)
			res, body := h.post(t, sealed, map[string]string{"Content-Type": ct})
			assert.Equal(t, http.StatusOK, openAnswer(t, res, body, ctx).Status)
			assert.Equal(t, i+1, up.Hits())
		})
	}
}

func flipLastBit(b []byte) []byte {
	out := bytes.Clone(b)
	out[len(out)-1] ^= 1
	return out
}

func TestKeys(t *testing.T) {
	h := newHarness(t, productionEnvs(t))
	res, err := http.Get(h.srv.URL + "/relay/keys")
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, ohttp.MediaTypeKeys, res.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.Equal(t, h.relay.gateway.KeyConfigs(), body)
	configs, err := ohttp.ParseKeyConfigs(body)
	require.NoError(t, err)
	require.Len(t, configs, 2)
	assert.Equal(t, ohttp.KEMXWing, configs[0].KEM, "X-Wing first")
	assert.Equal(t, ohttp.KEMX25519, configs[1].KEM)
}

func TestEnvironments(t *testing.T) {
	const secret, id = "s3cr3t-never-listed", "client-never-listed"
	creds := map[string]Credentials{"demo": {ClientID: id, ClientSecret: secret}, "ops": {ClientID: id, ClientSecret: secret}}
	prod, err := NewEnvironment("octotable", "OctoTable", octotableToken, []string{octotableAPI, octotablePMS}, creds)
	require.NoError(t, err)
	other, err := NewEnvironment("staging", "", "http://staging.example:8080/auth/token", []string{"http://staging.example:8080/api/"}, nil)
	require.NoError(t, err)
	h := newHarness(t, []*Environment{prod, other})

	res, err := http.Get(h.srv.URL + "/relay/environments")
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.JSONEq(t, `[
		{"name":"octotable","title":"OctoTable","token_url":"`+octotableToken+`",
		 "api_bases":["`+octotableAPI+`","`+octotablePMS+`"],"profiles":["demo","ops"]},
		{"name":"staging","title":"staging","token_url":"http://staging.example:8080/auth/token",
		 "api_bases":["http://staging.example:8080/api/"],"profiles":[]}
	]`, string(body))
	for _, s := range []string{secret, id, "client_secret", "client_id"} {
		assert.NotContains(t, string(body), s)
	}
}

// TestNewRefusesBadConfig: New fails loudly rather than run half set up.
func TestNewRefusesBadConfig(t *testing.T) {
	h := newHarness(t, productionEnvs(t))
	good := Config{Logger: h.relay.log, Gateway: h.relay.gateway, Environments: productionEnvs(t)}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no gateway", func(c *Config) { c.Gateway = nil }, "Gateway and Logger are required"},
		{"no logger", func(c *Config) { c.Logger = nil }, "Gateway and Logger are required"},
		{"no environment", func(c *Config) { c.Environments = nil }, "no environment"},
		{"an environment twice", func(c *Config) { c.Environments = append(c.Environments, c.Environments[0]) }, "defined twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.change(&cfg)
			_, err := New(cfg)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "relay: "), err.Error())
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := New(good)
	assert.NoError(t, err)
}

// TestNoAnswerIsStored: every answer of the relay's routes says no-store,
// its mux's own 404 and 405 too.
func TestNoAnswerIsStored(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	sealed, _ := h.sealRaw(t, func() []byte {
		b, err := h.inner("GET", up.URL+"/api/").MarshalBinary()
		require.NoError(t, err)
		return b
	}())
	for _, tt := range []struct {
		method, path, contentType string
		body                      []byte
		status                    int
	}{
		{"GET", wire.RelayKeysPath, "", nil, http.StatusOK},
		{"GET", wire.RelayEnvironmentsPath, "", nil, http.StatusOK},
		{"POST", wire.RelayPath, ohttp.MediaTypeRequest, sealed, http.StatusOK},
		{"POST", wire.RelayPath, "text/plain", nil, http.StatusUnsupportedMediaType},
		{"GET", wire.RelayPath, "", nil, http.StatusMethodNotAllowed},
		{"POST", wire.RelayKeysPath, "", nil, http.StatusMethodNotAllowed},
		{"GET", wire.RelayPath + "/elsewhere", "", nil, http.StatusNotFound},
	} {
		t.Run(tt.method+" "+tt.path+" "+tt.contentType, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, h.srv.URL+tt.path, bytes.NewReader(tt.body))
			require.NoError(t, err)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
		})
	}
}
