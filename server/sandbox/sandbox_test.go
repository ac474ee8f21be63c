package sandbox_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
	"octoplay/server/sandbox"
)

func TestNew(t *testing.T) {
	demo := map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret}
	tests := []struct {
		name    string
		cfg     sandbox.Config
		wantErr string // "" for no error
	}{
		{name: "demo client", cfg: sandbox.Config{Clients: demo}},
		{name: "no clients", cfg: sandbox.Config{},
			wantErr: "sandbox: invalid config: Clients is empty, give at least one client"},
		{name: "empty client id", cfg: sandbox.Config{Clients: map[string]string{"": "secret"}},
			wantErr: "sandbox: invalid config: a client id is empty or longer than 255 bytes"},
		{name: "client id too long", cfg: sandbox.Config{Clients: map[string]string{strings.Repeat("a", 256): "secret"}},
			wantErr: "sandbox: invalid config: a client id is empty or longer than 255 bytes"},
		{name: "token key too short", cfg: sandbox.Config{Clients: demo, TokenKey: []byte("short")},
			wantErr: "sandbox: invalid config: TokenKey has 5 bytes, want at least 32"},
		{name: "empty secret", cfg: sandbox.Config{Clients: map[string]string{"app": ""}},
			wantErr: `sandbox: invalid config: client "app" has an empty secret`},
		{name: "negative TokenTTL", cfg: sandbox.Config{Clients: demo, TokenTTL: -time.Second},
			wantErr: "sandbox: invalid config: TokenTTL -1s is shorter than one second"},
		{name: "TokenTTL under a second", cfg: sandbox.Config{Clients: demo, TokenTTL: 500 * time.Millisecond},
			wantErr: "sandbox: invalid config: TokenTTL 500ms is shorter than one second"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb, err := sandbox.New(tc.cfg)
			if tc.wantErr == "" {
				require.NoError(t, err)
				assert.NotNil(t, sb)
				return
			}
			require.ErrorIs(t, err, sandbox.ErrInvalidConfig)
			assert.EqualError(t, err, tc.wantErr)
			assert.Nil(t, sb)
		})
	}
}

func TestTokenTTL(t *testing.T) {
	tests := []struct {
		name          string
		ttl           time.Duration
		wantExpiresIn float64
	}{
		{name: "default", ttl: 0, wantExpiresIn: 1440},
		{name: "short for a demo", ttl: 90 * time.Second, wantExpiresIn: 90},
		{name: "rounded down to whole seconds", ttl: 2500 * time.Millisecond, wantExpiresIn: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newSandbox(t, func(c *sandbox.Config) { c.TokenTTL = tc.ttl })
			resp, body := send(t, http.MethodPost, srv.URL+tokenPath, headers("Content-Type", formType), demoForm())
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			assert.Equal(t, tc.wantExpiresIn, decode(t, body)["expires_in"])
		})
	}
}

// TestMountedUnderPrefix checks the sandbox as the server mounts it.
func TestMountedUnderPrefix(t *testing.T) {
	sb, err := sandbox.New(sandbox.Config{Clients: map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret}})
	require.NoError(t, err)
	srv := httptest.NewServer(http.StripPrefix("/sandbox", sb))
	t.Cleanup(srv.Close)

	resp, body := send(t, http.MethodPost, srv.URL+"/sandbox"+tokenPath, headers("Content-Type", formType), demoForm())
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	token := decode(t, body)["access_token"].(string)
	resp, body = send(t, http.MethodGet, srv.URL+"/sandbox/api/v2/", headers("Authorization", "Bearer "+token), "")
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Equal(t, sandbox.DemoClientID, decode(t, body)["data"].([]any)[0].(map[string]any)["client_id"])
	resp, body = send(t, http.MethodGet, srv.URL+"/sandbox", nil, "")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, body)
}

// FuzzSandbox checks that no request makes the sandbox fail: no panic, no
// 5xx, and always a JSON answer that echoes no secret.
func FuzzSandbox(f *testing.F) {
	f.Add("POST", "/octotable-auth/api/v2/oauth2/token", formType, formBasic("a:b", "c+d"), "grant_type=client_credentials")
	f.Add("POST", "/octotable-auth/api/v2/oauth2/token", jsonType, "", `{"grant_type":"client_credentials","client_id":"octoplay-demo","client_secret":"octoplay-demo-secret"}`)
	f.Add("POST", "/octotable-auth/api/v2/oauth2/token", jsonType, "Basic", `{"a":[[[[{"b":null}]]]]}`)
	f.Add("GET", "/octotable-pms/api/v2/reservations?limit=5&start_date=2026-04-01", "", "Bearer abc", "")
	f.Add("GET", "/api/v2/", "", "Bearer ====", "")
	f.Add("OPTIONS", "/octotable-pms/api/v2/rooms/%2e%2e", "text/plain", "Negotiate x", "")
	f.Add("POST", "/octotable-pms/api/v2/reservations", jsonType, "Bearer abc", `{"room_id": 23288, "start_date": "2026-06-01", "customer": [1]}`)
	f.Add("PUT", "/octotable-pms/api/v2/reservations/32992276", jsonType, "Bearer abc", `{"pax": 1e400, "start_day": 1}`)
	f.Add("GET", "/octotable-pms/api/v2/reservations?status[]=X&next_cursor=%ZZ", "", "Bearer abc", "")
	sb, err := sandbox.New(sandbox.Config{Clients: map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret}})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, method, target, contentType, authorization, body string) {
		req, err := http.NewRequest(method, "http://sandbox.test/", strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.URL.Path, req.URL.RawQuery, _ = strings.Cut(target, "?")
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", authorization)
		req.Header.Set("Property", wire.SandboxProperty)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		require.Less(t, rec.Code, 500)
		if rec.Code != http.StatusNoContent {
			require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		}
		require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
		assert.NotContains(t, rec.Body.String(), sandbox.DemoClientSecret)
	})
}
