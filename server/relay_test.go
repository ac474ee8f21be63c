package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
	"octoplay/server/sandbox"
)

// newRelayClient is what the browser does, in Go: fetch the key
// configurations, then seal each request to the first it supports.
func newRelayClient(t *testing.T, base string) *ohttp.Client {
	t.Helper()
	res, body := get(t, base+"/relay/keys", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, ohttp.MediaTypeKeys, res.Header.Get("Content-Type"))
	return relayClientWithKeys(t, body, base)
}

// relayClientWithKeys seals to the given key configurations and sends to
// the relay at base.
func relayClientWithKeys(t *testing.T, keys, base string) *ohttp.Client {
	t.Helper()
	configs, err := ohttp.ParseKeyConfigs([]byte(keys))
	require.NoError(t, err)
	c, err := ohttp.NewClient(configs, sealedTransport(base, http.DefaultClient))
	require.NoError(t, err)
	return c
}

// relayRefusal is the relay's answer to a request it did not open.
type relayRefusal struct {
	status     int
	retryAfter string
	body       []byte
}

func (r *relayRefusal) Error() string {
	return fmt.Sprintf("relay answered %d: %s", r.status, r.body)
}

// sealedTransport posts sealed requests to the relay at base with hc.
func sealedTransport(base string, hc *http.Client) ohttp.Transport {
	return func(ctx context.Context, sealed []byte) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/relay", bytes.NewReader(sealed))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", ohttp.MediaTypeRequest)
		res, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return nil, err
		}
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != ohttp.MediaTypeResponse {
			return nil, &relayRefusal{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), body: b}
		}
		return b, nil
	}
}

// innerRequest is a request to this server's sandbox as the sealed
// channel carries it.
func innerRequest(t *testing.T, base, method, path string, header map[string]string, body string) *bhttp.Request {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	req := &bhttp.Request{Method: method, Scheme: u.Scheme, Authority: u.Host, Path: path, Body: []byte(body)}
	req.Header.Set("date", time.Now().UTC().Format(http.TimeFormat))
	for k, v := range header {
		req.Header.Set(strings.ToLower(k), v)
	}
	return req
}

const tokenPath = "/sandbox/octotable-auth/api/v2/oauth2/token"

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Type        string `json:"type"`
	ExpiresIn   int    `json:"expires_in"`
}

func TestRelayStep1AndStep2ThroughTheGateway(t *testing.T) {
	s := startServer(t, standInAssets(), map[string]string{
		"OCTOPLAY_PROFILES":                          "sandbox/ops",
		"OCTOPLAY_PROFILE_SANDBOX_OPS_CLIENT_ID":     "octoplay-demo",
		"OCTOPLAY_PROFILE_SANDBOX_OPS_CLIENT_SECRET": "octoplay-demo-secret",
	})
	client := newRelayClient(t, s.URL)
	assert.Equal(t, ohttp.KEMXWing, client.Suite().KEM, "the gateway lists X-Wing first")

	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("octoplay-demo:octoplay-demo-secret"))
	tests := []struct {
		name   string
		header map[string]string
		body   string
	}{
		{name: "form, body", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "grant_type=client_credentials&client_id=octoplay-demo&client_secret=octoplay-demo-secret"},
		{name: "json, body", header: map[string]string{"Content-Type": "application/json"}, body: `{"grant_type":"client_credentials","client_id":"octoplay-demo","client_secret":"octoplay-demo-secret"}`},
		{name: "form, basic", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": basic}, body: "grant_type=client_credentials"},
		{name: "json, basic", header: map[string]string{"Content-Type": "application/json", "Authorization": basic}, body: `{"grant_type":"client_credentials"}`},
		{name: "demo profile, body", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Octoplay-Profile": "demo"}, body: "grant_type=client_credentials"},
		{name: "demo profile, basic, json", header: map[string]string{"Content-Type": "application/json", "Octoplay-Profile": "demo", "Octoplay-Client-Auth": "basic"}, body: `{"grant_type":"client_credentials"}`},
		{name: "profile from the environment", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Octoplay-Profile": "ops"}, body: "grant_type=client_credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The same request straight to the sandbox, for comparison.
			header, body := tt.header, tt.body
			if header["Octoplay-Profile"] != "" {
				header = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
				body = "grant_type=client_credentials&client_id=octoplay-demo&client_secret=octoplay-demo-secret"
			}
			direct, err := http.NewRequest(http.MethodPost, s.URL+tokenPath, strings.NewReader(body))
			require.NoError(t, err)
			for k, v := range header {
				direct.Header.Set(k, v)
			}
			directRes, err := http.DefaultClient.Do(direct)
			require.NoError(t, err)
			directBody, _ := io.ReadAll(directRes.Body)
			directRes.Body.Close()
			require.Equal(t, http.StatusOK, directRes.StatusCode, string(directBody))

			res, err := client.Do(context.Background(), innerRequest(t, s.URL, "POST", tokenPath, tt.header, tt.body))
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, res.Status, string(res.Body))
			for _, h := range []string{"Content-Type", "Cache-Control", "Pragma"} {
				assert.Equal(t, directRes.Header.Get(h), res.Header.Get(strings.ToLower(h)), h)
			}
			var viaRelay, straight tokenAnswer
			require.NoError(t, json.Unmarshal(res.Body, &viaRelay))
			require.NoError(t, json.Unmarshal(directBody, &straight))
			assert.NotEmpty(t, viaRelay.AccessToken)
			viaRelay.AccessToken, straight.AccessToken = "", ""
			assert.Equal(t, straight, viaRelay)
		})
	}

	// Step 2 with a token the relay fetched.
	res, err := client.Do(context.Background(), innerRequest(t, s.URL, "POST", tokenPath,
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Octoplay-Profile": "demo"}, "grant_type=client_credentials"))
	require.NoError(t, err)
	var tok tokenAnswer
	require.NoError(t, json.Unmarshal(res.Body, &tok))
	for _, path := range []string{"/sandbox/api/v2/", "/sandbox/octotable-pms/api/v2/reservations?limit=2"} {
		auth := map[string]string{"Authorization": "Bearer " + tok.AccessToken, "Property": "1001"}
		viaRelay, err := client.Do(context.Background(), innerRequest(t, s.URL, "GET", path, auth, ""))
		require.NoError(t, err)
		_, straight := get(t, s.URL+path, auth)
		assert.Equal(t, http.StatusOK, viaRelay.Status, path)
		assert.JSONEq(t, straight, string(viaRelay.Body), path)
	}
	// And the sandbox's errors pass through as they came.
	viaRelay, err := client.Do(context.Background(), innerRequest(t, s.URL, "GET", "/sandbox/api/v2/", map[string]string{"Authorization": "Bearer nope"}, ""))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, viaRelay.Status)
	assert.Contains(t, viaRelay.Header.Get("www-authenticate"), `error="invalid_token"`)

	// The log names the environment and target, never the secret or a token.
	require.NoError(t, s.Stop())
	log := s.Stderr.String()
	assert.Contains(t, log, "msg=relay env=sandbox method=POST target="+tokenPath+" status=200")
	assert.NotContains(t, log, "octoplay-demo-secret")
	assert.NotContains(t, log, tok.AccessToken)
}

func TestRelayEnvironments(t *testing.T) {
	s := startServer(t, standInAssets(), nil, "-octotable")
	res, body := get(t, s.URL+"/relay/environments", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	// The sandbox's API, for Step 2's picker; an upstream lists none.
	var envs []wire.Environment
	require.NoError(t, json.Unmarshal([]byte(body), &envs))
	require.Len(t, envs, 2)
	ops := sandbox.Operations(time.Now())
	require.Len(t, envs[0].Operations, len(ops))
	for i, op := range envs[0].Operations {
		assert.Equal(t, []string{ops[i].Method, ops[i].Path, ops[i].Tag}, []string{op.Method, op.Path, op.Tag})
	}
	assert.True(t, slices.ContainsFunc(envs[0].Operations, func(op wire.Operation) bool { return op.Method == "GET" && op.Path == wire.InboxPath }), "the inbox")
	assert.Nil(t, envs[1].Operations)
	assert.NotContains(t, body[strings.Index(body, `"name":"octotable"`):], "operations")
	for i := range envs {
		envs[i].Operations = nil
	}
	without, err := json.Marshal(envs)
	require.NoError(t, err)
	assert.JSONEq(t, `[
		{"name":"sandbox","title":"Sandbox (built in)","token_url":"`+s.URL+`/sandbox/octotable-auth/api/v2/oauth2/token",
		 "api_bases":["`+s.URL+`/sandbox/api/v2/","`+s.URL+`/sandbox/octotable-pms/api/v2/"],"profiles":["demo"]},
		{"name":"octotable","title":"OctoTable","token_url":"https://api.octotable.com/octotable-auth/api/v2/oauth2/token",
		 "api_bases":["https://api.octotable.com/api/v2/","https://api.octotable.com/octotable-pms/api/v2/"],"profiles":[]}
	]`, string(without))
	assert.NotContains(t, body, "secret")
}

// Mounted in the server, the relay's answers, refusals included, are never
// stored; the rest of the server's keep their own caching.
func TestRelayAnswersAreNeverStored(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{"GET", wire.RelayKeysPath, http.StatusOK},
		{"POST", wire.RelayEnvironmentsPath, http.StatusMethodNotAllowed},
		{"GET", wire.RelayPath, http.StatusMethodNotAllowed},
		{"POST", wire.RelayPath, http.StatusUnsupportedMediaType},
	} {
		req, err := http.NewRequest(tt.method, s.URL+tt.path, nil)
		require.NoError(t, err)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, tt.status, res.StatusCode, "%s %s", tt.method, tt.path)
		assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), "%s %s", tt.method, tt.path)
		assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"), "the server's headers too")
	}
	res, _ := get(t, s.URL+"/web/styles.css", nil)
	assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
}
