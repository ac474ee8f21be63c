package quickstart_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
)

// The two environments the server lists by default (server/relayconfig.go).
var (
	sandboxEnv = quickstart.Environment{
		Name:     "sandbox",
		Title:    "Sandbox",
		TokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token",
		APIBases: []string{"http://127.0.0.1:8080/sandbox/api/v2/", "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/"},
		Profiles: []string{"demo"},
	}
	octotableEnv = quickstart.Environment{
		Name:     "octotable",
		Title:    "OctoTable",
		TokenURL: "https://api.octotable.com/octotable-auth/api/v2/oauth2/token",
		APIBases: []string{"https://api.octotable.com/api/v2/", "https://api.octotable.com/octotable-pms/api/v2/"},
	}
)

func TestParseEnvironments(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []quickstart.Environment
		wantErr string
		syntax  bool // the error wraps json's *SyntaxError
		typeErr bool // the error wraps json's *UnmarshalTypeError
	}{
		{
			name: "the relay's list",
			in: `[
				{"name": "sandbox", "title": "Sandbox",
				 "token_url": "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token",
				 "api_bases": ["http://127.0.0.1:8080/sandbox/api/v2/", "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/"],
				 "profiles": ["demo"]},
				{"name": "octotable", "title": "OctoTable",
				 "token_url": "https://api.octotable.com/octotable-auth/api/v2/oauth2/token",
				 "api_bases": ["https://api.octotable.com/api/v2/", "https://api.octotable.com/octotable-pms/api/v2/"],
				 "profiles": null}
			]`,
			want: []quickstart.Environment{sandboxEnv, octotableEnv},
		},
		{name: "empty list", in: `[]`, wantErr: "quickstart: environments: the relay lists none"},
		{name: "null", in: `null`, wantErr: "quickstart: environments: the relay lists none"},
		{name: "bad JSON", in: `[{"name": "sandbox",`, wantErr: "quickstart: environments: ", syntax: true},
		{name: "an object, not a list", in: `{"name": "sandbox"}`, wantErr: "quickstart: environments: ", typeErr: true},
		{name: "no name", in: `[{"token_url": "https://api.octotable.com/octotable-auth/api/v2/oauth2/token"}]`, wantErr: "quickstart: environments: entry 0 has no name"},
		{name: "no token URL", in: `[{"name": "x"}]`, wantErr: `quickstart: environments: "x" has no usable token URL`},
		{name: "token URL without scheme", in: `[{"name": "x", "token_url": "api.octotable.com/oauth2/token"}]`, wantErr: `quickstart: environments: "x" has no usable token URL`},
		{name: "token URL not http", in: `[{"name": "x", "token_url": "ftp://api.octotable.com/token"}]`, wantErr: `quickstart: environments: "x" has no usable token URL`},
		{name: "token URL that does not parse", in: `[{"name": "x", "token_url": "https://api octotable.com/token"}]`, wantErr: `quickstart: environments: "x" has no usable token URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := quickstart.ParseEnvironments([]byte(tt.in))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				_, isSyntax := errors.AsType[*json.SyntaxError](err)
				assert.Equal(t, tt.syntax, isSyntax, "wraps *json.SyntaxError")
				_, isType := errors.AsType[*json.UnmarshalTypeError](err)
				assert.Equal(t, tt.typeErr, isType, "wraps *json.UnmarshalTypeError")
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestOrigin(t *testing.T) {
	tests := []struct {
		name     string
		tokenURL string
		want     string
	}{
		{name: "sandbox keeps its mount point", tokenURL: "http://127.0.0.1:8080/sandbox/octotable-auth/api/v2/oauth2/token", want: "http://127.0.0.1:8080/sandbox"},
		{name: "OctoTable", tokenURL: "https://api.octotable.com/octotable-auth/api/v2/oauth2/token", want: "https://api.octotable.com"},
		{name: "another path gives scheme and host", tokenURL: "https://auth.example.com/oauth/token", want: "https://auth.example.com"},
		{name: "another path keeps the port", tokenURL: "http://localhost:9000/sandbox/token", want: "http://localhost:9000"},
		{name: "empty", tokenURL: "", want: ""},
		{name: "relative, though it ends in the token path", tokenURL: "/octotable-auth/api/v2/oauth2/token", want: ""},
		{name: "not a URL", tokenURL: "://nope", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, quickstart.Environment{TokenURL: tt.tokenURL}.Origin())
		})
	}
}

func TestHasProfile(t *testing.T) {
	env := quickstart.Environment{Profiles: []string{"demo", "ops"}}
	tests := []struct {
		name    string
		env     quickstart.Environment
		profile string
		want    bool
	}{
		{name: "first", env: env, profile: "demo", want: true},
		{name: "second", env: env, profile: "ops", want: true},
		{name: "absent", env: env, profile: "prod", want: false},
		{name: "case matters", env: env, profile: "Demo", want: false},
		{name: "empty name", env: env, profile: "", want: false},
		{name: "no profiles", env: octotableEnv, profile: "demo", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.env.HasProfile(tt.profile))
		})
	}
}

func TestPresets(t *testing.T) {
	root := quickstart.Preset{Key: "api-root", Label: "API root (the quickstart's Step 2)", Method: "GET", Path: "/api/v2/"}
	pms := []quickstart.Preset{
		root,
		{Key: "rooms", Label: "Rooms", Method: "GET", Path: "/octotable-pms/api/v2/rooms", Property: true},
		{Key: "services", Label: "Services", Method: "GET", Path: "/octotable-pms/api/v2/services", Property: true},
		{Key: "reservations", Label: "Reservations, five at a time", Method: "GET", Path: "/octotable-pms/api/v2/reservations?limit=5", Property: true},
	}
	tests := []struct {
		name string
		env  quickstart.Environment
		want []quickstart.Preset
	}{
		{name: "OctoTable with the PMS base", env: octotableEnv, want: pms},
		{name: "sandbox with the PMS base under its mount", env: sandboxEnv, want: pms},
		{
			name: "without a PMS base",
			env:  quickstart.Environment{TokenURL: octotableEnv.TokenURL, APIBases: []string{"https://api.octotable.com/api/v2/"}},
			want: []quickstart.Preset{root},
		},
		{
			name: "PMS base listed twice",
			env: quickstart.Environment{TokenURL: octotableEnv.TokenURL, APIBases: []string{
				"https://api.octotable.com/octotable-pms/api/v2/", "https://api.octotable.com/octotable-pms/api/v2/",
			}},
			want: pms,
		},
		{
			// Origin + preset path would not be under that base.
			name: "PMS base on another host",
			env: quickstart.Environment{TokenURL: octotableEnv.TokenURL, APIBases: []string{
				"https://api.octotable.com/api/v2/", "https://pms.example.com/octotable-pms/api/v2/",
			}},
			want: []quickstart.Preset{root},
		},
		{name: "no bases", env: quickstart.Environment{TokenURL: octotableEnv.TokenURL}, want: []quickstart.Preset{root}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.env.Presets())
		})
	}
}

// The sandbox's writes come as presets for the sandbox alone, in the order a
// person tries them, each with a body the playground would send and a key
// of its own; the three that name the created reservation wait for its id.
func TestWritePresets(t *testing.T) {
	assert.Empty(t, octotableEnv.WritePresets(time.Now()), "the real OctoTable's writes are as its docs say")
	assert.Empty(t, quickstart.Environment{Name: "sandbox", TokenURL: sandboxEnv.TokenURL, APIBases: sandboxEnv.APIBases[:1]}.WritePresets(time.Now()),
		"no PMS base, no reservations")
	presets := sandboxEnv.WritePresets(time.Now())
	var got [][3]string
	keys := map[string]bool{}
	for _, p := range append(sandboxEnv.Presets(), presets...) {
		assert.False(t, keys[p.Key], "key %s is used once", p.Key)
		keys[p.Key] = true
	}
	for _, p := range presets {
		got = append(got, [3]string{p.Key, p.Method, p.Path})
		assert.True(t, p.Property, p.Key)
		assert.Equal(t, p.Method == "POST", p.Body != "", "%s: the create has a body, the check-in none", p.Key)
		req := quickstart.APIRequest{Env: sandboxEnv, Method: p.Method, Path: p.WithID("50000000").Path, Property: "1001",
			Token: apiToken, Body: p.Body, ContentType: p.ContentType}
		assert.NoError(t, req.Check(), p.Key)
		if p.NeedsID() {
			req.Path = p.Path
			assert.ErrorContains(t, req.Check(), "replace {id} in the path with a reservation's id", p.Key)
		}
	}
	assert.Equal(t, [][3]string{
		{"reservation-create", "POST", "/octotable-pms/api/v2/reservations"},
		{"reservation-read", "GET", "/octotable-pms/api/v2/reservations/{id}"},
		{"reservation-checkin", "PATCH", "/octotable-pms/api/v2/reservations/{id}/checkin"},
		{"reservation-delete", "DELETE", "/octotable-pms/api/v2/reservations/{id}"},
	}, got)
	assert.Equal(t, "/octotable-pms/api/v2/reservations/a%2Fb%20c", presets[1].WithID("a/b c").Path, "the id is escaped")
	assert.False(t, presets[1].WithID("x").NeedsID())
	assert.False(t, presets[0].NeedsID())
}
