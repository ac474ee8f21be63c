//go:build !octoplaybench

package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/wire"
)

// The server as shipped never dials loopback, whatever its configuration
// says: an environment of the config file on 127.0.0.1 is refused after
// DNS resolution, sealed, and its upstream never hears a thing. Only the
// bench's build (-tags octoplaybench) reaches 127.0.0.1.
func TestShippedServerRefusesLoopbackUpstreams(t *testing.T) {
	var hits atomic.Int32
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer up.Close()
	config := writeConfig(t, fmt.Sprintf(`{"environments": [{"name": "upstream", "token_url": "%s%s", "api_bases": ["%s%s"]}]}`,
		up.URL, wire.TokenPath, up.URL, wire.APIBase))
	s := startServer(t, standInAssets(), nil, "-config", config)

	req := innerRequest(t, up.URL, http.MethodPost, wire.TokenPath, map[string]string{"content-type": "application/x-www-form-urlencoded"}, demoForm)
	res, err := newRelayClient(t, s.URL).Do(t.Context(), req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, res.Status)
	assert.Equal(t, wire.ProblemTargetNotAllowed.URI, res.Header.Get("octoplay-problem"))
	assert.Contains(t, string(res.Body), "address is not allowed")
	assert.Zero(t, hits.Load(), "the upstream on loopback was reached")
}

// The shipped server serves no Go profile, on its metrics listener or its
// public one: only the bench's build adds /debug/pprof/ (profile_bench.go),
// which would tell a stranger how the server spends its time and memory.
func TestShippedServerServesNoProfiles(t *testing.T) {
	metricsAddr := testkit.FreeAddr(t)
	s := startServer(t, standInAssets(), nil, "-metrics-addr", metricsAddr)
	res, _ := get(t, "http://"+metricsAddr+"/metrics", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "the metrics listener answers")
	for _, base := range []string{"http://" + metricsAddr, s.URL} {
		for _, path := range []string{"/debug/pprof/", "/debug/pprof/profile?seconds=1", "/debug/pprof/heap"} {
			res, body := get(t, base+path, nil)
			assert.NotContains(t, body, "Types of profiles available", base+path)
			assert.NotEqual(t, "application/octet-stream", res.Header.Get("Content-Type"), base+path)
			if base != s.URL {
				assert.Equal(t, http.StatusNotFound, res.StatusCode, base+path)
			}
		}
	}
}
