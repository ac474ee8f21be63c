package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "octoplay.json")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

func TestEnvironments(t *testing.T) {
	good := writeConfig(t, `{
		"environments": [{"name": "staging", "title": "Staging", "token_url": "https://staging.example.com/octotable-auth/api/v2/oauth2/token",
			"api_bases": ["https://staging.example.com/api/v2/"], "profiles": {"qa": {"client_id": "qa", "client_secret": "s"}}}],
		"profiles": {"octotable": {"partner-demo": {"client_id": "p", "client_secret": "ps"}}}
	}`)
	tests := []struct {
		name    string
		cfg     func(*Config)
		env     map[string]string
		want    map[string][]string // environment -> its profiles
		wantErr string
	}{
		{name: "sandbox alone", want: map[string][]string{"sandbox": {"demo"}}},
		{name: "octotable", cfg: func(c *Config) { c.OctoTable = true }, want: map[string][]string{"sandbox": {"demo"}, "octotable": {}}},
		{
			name: "config file",
			cfg:  func(c *Config) { c.OctoTable, c.ConfigFile = true, good },
			want: map[string][]string{"sandbox": {"demo"}, "octotable": {"partner-demo"}, "staging": {"qa"}},
		},
		{
			name: "profiles from the environment",
			cfg:  func(c *Config) { c.OctoTable = true },
			env: map[string]string{
				"OCTOPLAY_PROFILES": "octotable/partner-demo, sandbox/second",
				"OCTOPLAY_PROFILE_OCTOTABLE_PARTNER_DEMO_CLIENT_ID": "id", "OCTOPLAY_PROFILE_OCTOTABLE_PARTNER_DEMO_CLIENT_SECRET": "s",
				"OCTOPLAY_PROFILE_SANDBOX_SECOND_CLIENT_ID": "id2", "OCTOPLAY_PROFILE_SANDBOX_SECOND_CLIENT_SECRET": "s2",
			},
			want: map[string][]string{"sandbox": {"demo", "second"}, "octotable": {"partner-demo"}},
		},
		{name: "profile without its secret", env: map[string]string{"OCTOPLAY_PROFILES": "sandbox/x", "OCTOPLAY_PROFILE_SANDBOX_X_CLIENT_ID": "id"}, wantErr: "OCTOPLAY_PROFILE_SANDBOX_X_CLIENT_SECRET"},
		{name: "profile for an environment that is off", env: map[string]string{"OCTOPLAY_PROFILES": "octotable/x", "OCTOPLAY_PROFILE_OCTOTABLE_X_CLIENT_ID": "id", "OCTOPLAY_PROFILE_OCTOTABLE_X_CLIENT_SECRET": "s"}, wantErr: `environment "octotable", which is not on`},
		{name: "malformed profile list", env: map[string]string{"OCTOPLAY_PROFILES": "octotable"}, wantErr: "want environment/profile"},
		{name: "missing config file", cfg: func(c *Config) { c.ConfigFile = filepath.Join(t.TempDir(), "none.json") }, wantErr: "no such file"},
		{name: "unknown field", cfg: func(c *Config) { c.ConfigFile = writeConfig(t, `{"environmnets": []}`) }, wantErr: `unknown field "environmnets"`},
		{name: "config profiles for an environment that is off", cfg: func(c *Config) { c.ConfigFile = good }, wantErr: `environment "octotable", which is not on`},
		{name: "environment defined twice", cfg: func(c *Config) {
			c.ConfigFile = writeConfig(t, `{"environments": [{"name": "sandbox", "token_url": "https://x.example/t", "api_bases": ["https://x.example/"]}]}`)
		}, wantErr: "sandbox is defined twice"},
		{name: "token url not http", cfg: func(c *Config) {
			c.ConfigFile = writeConfig(t, `{"environments": [{"name": "x", "token_url": "ftp://x.example/t", "api_bases": ["https://x.example/"]}]}`)
		}, wantErr: "scheme must be http or https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{PublicURL: "http://127.0.0.1:8080", SandboxClientID: "octoplay-demo", SandboxClientSecret: "octoplay-demo-secret"}
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			envs, err := environments(cfg, http.NotFoundHandler(), func(k string) string { return tt.env[k] })
			if err == nil {
				// The relay itself refuses what the environments cannot say
				// alone: a name defined twice.
				_, err = newRelay(context.Background(), cfg, newLogger(Config{}, io.Discard), envs, stores{}, nil)
			}
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				for _, v := range tt.env {
					if strings.HasSuffix(v, "s") && len(v) > 1 {
						assert.NotContains(t, err.Error(), v, "no secret in the error")
					}
				}
				return
			}
			require.NoError(t, err)
			got := map[string][]string{}
			for _, e := range envs {
				got[e.Name] = e.Info(time.Now()).Profiles
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token", envs[0].TokenURL.String())
		})
	}
}

// An operator's rotation: the new key is published, the old one no longer
// is, but a client that still holds it keeps working during the grace.
func TestRelayKeysFromConfigAndRotation(t *testing.T) {
	var printed bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"octoplay", "-new-relay-key"}, func(string) string { return "" }, &printed, io.Discard, swaps{assets: standInAssets()}))
	parsed, err := parseRelayKeys(strings.TrimSpace(printed.String()))
	require.NoError(t, err)
	require.Len(t, parsed, 2)
	assert.Equal(t, ohttp.KEMXWing, parsed[0].KEM())
	assert.Equal(t, ohttp.KEMX25519, parsed[1].KEM())
	assert.NotEqual(t, parsed[0].KeyID(), parsed[1].KeyID())

	// Fixed key ids: random ones could collide between the two pairs.
	old, fresh := keyText(t, 1, 2), keyText(t, 3, 4)

	// A browser that fetched the keys before the rotation.
	before := startServer(t, standInAssets(), map[string]string{"OCTOPLAY_RELAY_KEY": old})
	_, keysBefore := get(t, before.URL+"/relay/keys", nil)
	require.NoError(t, before.Stop())

	after := startServer(t, standInAssets(), map[string]string{
		"OCTOPLAY_RELAY_KEY":          fresh,
		"OCTOPLAY_RELAY_PREVIOUS_KEY": old,
	})
	_, keysAfter := get(t, after.URL+"/relay/keys", nil)
	assert.NotEqual(t, keysBefore, keysAfter, "the new keys are published, the old ones not")
	staleClient := relayClientWithKeys(t, keysBefore, after.URL)
	res, err := staleClient.Do(context.Background(), innerRequest(t, after.URL, "GET", "/sandbox/api/v2/", nil, ""))
	require.NoError(t, err, "a client holding the previous key still gets through")
	assert.Equal(t, http.StatusUnauthorized, res.Status)

	// Errors about keys never show them.
	_, err = parseRelayKeys(old[:30])
	require.Error(t, err)
	assert.NotContains(t, err.Error(), old[20:28])
}

// keyText is an X-Wing and an X25519 key with the given ids, as
// -new-relay-key prints them.
func keyText(t *testing.T, xwingID, x25519ID uint8) string {
	t.Helper()
	var texts []string
	for _, k := range []struct {
		id  uint8
		kem uint16
	}{{xwingID, ohttp.KEMXWing}, {x25519ID, ohttp.KEMX25519}} {
		key, err := ohttp.GenerateKey(k.id, k.kem)
		require.NoError(t, err)
		text, err := key.SecretText()
		require.NoError(t, err)
		texts = append(texts, text)
	}
	return strings.Join(texts, ",")
}

func TestRelayKeyIDClashIsExplained(t *testing.T) {
	cfg := Config{RelayKeys: keyText(t, 1, 2), RelayPreviousKeys: keyText(t, 2, 3)}
	_, err := relayGateway(context.Background(), cfg, newLogger(Config{}, io.Discard))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "distinct key ids")
}

// The previous keys go when the grace period is over, and the wait ends
// with the server: nothing outlives it.
func TestPreviousKeysGoAfterTheGraceOrWithTheServer(t *testing.T) {
	opens := func(gw *ohttp.Gateway, k *ohttp.PrivateKey) bool {
		sealed, _, err := ohttp.SealRequest(k.Config(), []byte("request"))
		require.NoError(t, err)
		_, err = gw.OpenRequest(sealed)
		return err == nil
	}
	newGateway := func() (*ohttp.Gateway, *ohttp.PrivateKey) {
		previous, err := ohttp.GenerateKey(7, ohttp.KEMX25519)
		require.NoError(t, err)
		current, err := ohttp.GenerateKey(8, ohttp.KEMX25519)
		require.NoError(t, err)
		gw, err := ohttp.NewGateway(current, previous)
		require.NoError(t, err)
		return gw, previous
	}
	logger := newLogger(Config{}, io.Discard)

	gw, previous := newGateway()
	stopped, stop := context.WithCancel(context.Background())
	stop()
	removeAfterGrace(stopped, gw, []*ohttp.PrivateKey{previous}, time.Hour, logger) // returns: the server stopped
	assert.True(t, opens(gw, previous), "kept, the grace not being over")

	gw, previous = newGateway()
	removeAfterGrace(context.Background(), gw, []*ohttp.PrivateKey{previous}, time.Nanosecond, logger)
	assert.False(t, opens(gw, previous), "removed after the grace")
}
