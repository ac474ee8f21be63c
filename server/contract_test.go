package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

// The browser reads the relay's real list of environments with its own
// code, and the requests it builds from it go through the real relay: a
// field the relay renamed or dropped fails here, not in a browser.
func TestTheBrowserReadsTheRelaysEnvironments(t *testing.T) {
	s := startServer(t, standInAssets(), nil, "-octotable")
	res, body := get(t, s.URL+wire.RelayEnvironmentsPath, nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	envs, err := quickstart.ParseEnvironments([]byte(body))
	require.NoError(t, err)
	require.Len(t, envs, 2)

	sandbox, octotable := envs[0], envs[1]
	assert.Equal(t, wire.SandboxEnvironment, sandbox.Name)
	assert.Equal(t, "Sandbox (built in)", sandbox.Title)
	assert.Equal(t, s.URL+wire.SandboxMount, sandbox.Origin())
	assert.Equal(t, []string{wire.SandboxProfile}, sandbox.Profiles)
	assert.Len(t, sandbox.Presets(), 4, "the API root and the property resources")
	assert.Equal(t, "octotable", octotable.Name)
	assert.Equal(t, "https://api.octotable.com", octotable.Origin())
	assert.Empty(t, octotable.Profiles)

	client := newRelayClient(t, s.URL)
	send := func(req *bhttp.Request, err error) quickstart.Answer {
		t.Helper()
		require.NoError(t, err)
		res, err := client.Do(context.Background(), req)
		require.NoError(t, err)
		return quickstart.Answer{Status: res.Status, Header: res.Header, Body: res.Body}
	}
	step1 := send(quickstart.TokenRequest{Env: sandbox, Profile: wire.SandboxProfile, Auth: quickstart.AuthBasic, Encoding: quickstart.EncodingJSON}.Build(time.Now()))
	require.Equal(t, http.StatusOK, step1.Status, string(step1.Body))
	token, err := quickstart.ParseToken(step1.Body, time.Now())
	require.NoError(t, err)
	for _, preset := range sandbox.Presets() {
		property := ""
		if preset.Property {
			property = wire.SandboxProperty
		}
		r := quickstart.APIRequest{Env: sandbox, Method: preset.Method, Path: preset.Path, Property: property, Token: token.AccessToken}
		step2 := send(r.Build(time.Now()))
		assert.Equal(t, http.StatusOK, step2.Status, "%s: %s", preset.Path, step2.Body)
		assert.Nil(t, quickstart.ExplainAPI(step2, r), preset.Path)
	}

	// A write with fields to fix: the sandbox's validation error is read
	// as OctoTable sends it, every field named.
	r := quickstart.APIRequest{Env: sandbox, Method: http.MethodPost, Path: wire.ReservationsPath, Property: wire.SandboxProperty, Token: token.AccessToken,
		Body: `{"start_day": "soon", "pax": 0}`}
	bad := send(r.Build(time.Now()))
	require.Equal(t, http.StatusBadRequest, bad.Status, string(bad.Body))
	explained := quickstart.ExplainAPI(bad, r)
	require.NotNil(t, explained, string(bad.Body))
	assert.Equal(t, "400: fields to fix", explained.Title)
	for _, field := range []string{"start_day", "pax"} {
		assert.Contains(t, explained.Text, field, "every field the sandbox names")
	}
}

// The relay's own problems, as it seals them, are the ones the browser
// explains by name.
func TestTheBrowserExplainsTheRelaysProblems(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	client := newRelayClient(t, s.URL)
	for _, tt := range []struct {
		name  string
		req   *bhttp.Request
		title string
	}{
		{
			name:  wire.ProblemTargetNotAllowed.URI,
			req:   innerRequest(t, s.URL, "GET", "/healthz", nil, ""),
			title: "The relay refused this target",
		},
		{
			name:  wire.ProblemProfile.URI,
			req:   innerRequest(t, s.URL, "POST", wire.SandboxMount+wire.TokenPath, map[string]string{"Content-Type": "application/x-www-form-urlencoded", wire.HeaderProfile: "nobody"}, "grant_type=client_credentials"),
			title: "The saved credentials could not be used",
		},
		{
			name: wire.ProblemStaleDate.URI,
			req: func() *bhttp.Request {
				req := innerRequest(t, s.URL, "GET", wire.SandboxMount+wire.APIBase, nil, "")
				req.Header.Set("date", time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat))
				return req
			}(),
			title: "Your clock is off",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := client.Do(context.Background(), tt.req)
			require.NoError(t, err)
			a := quickstart.Answer{Status: res.Status, Header: res.Header, Body: res.Body}
			assert.Equal(t, tt.name, res.Header.Get(wire.HeaderProblem))
			explained := quickstart.ExplainRelay(a)
			require.NotNil(t, explained, string(res.Body))
			assert.Equal(t, tt.title, explained.Title)
		})
	}
}
