package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
	"octoplay/server/assets"
)

// Every answer under /relay is no-store, its errors included: go-app's page
// handler once answered the unknown ones 404 with no-cache.
func TestRelayAnswersAreNeverCached(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	tests := []struct {
		method, path string
		status       int
		allow        string // for a 405
	}{
		{"GET", "/relay", http.StatusMethodNotAllowed, "POST"},
		{"PUT", "/relay", http.StatusMethodNotAllowed, "POST"},
		{"GET", "/relay/x", http.StatusNotFound, ""},
		{"GET", "/relay/keys/", http.StatusNotFound, ""},
		{"POST", "/relay/keys", http.StatusMethodNotAllowed, "GET, HEAD"},
		{"GET", "/relay/environments/x", http.StatusNotFound, ""},
		{"GET", "/relay/keys", http.StatusOK, ""},
		{"GET", "/relay/environments", http.StatusOK, ""},
		{"POST", "/relay", http.StatusUnsupportedMediaType, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, s.URL+tt.path, strings.NewReader("x"))
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			assert.Equal(t, tt.status, res.StatusCode, string(body))
			assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
			if tt.status >= 400 {
				assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
			}
			if tt.status == http.StatusMethodNotAllowed {
				assert.Equal(t, tt.allow, res.Header.Get("Allow"))
			}
		})
	}
}

// go-app strips the build's version from a path, so /<version>/robots.txt
// reached its proxy too: 500 and an error in the log, whatever the Host.
// They are a plain 404 now.
func TestVersionedCrawlerFilesAreNotFound(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	st, err := assets.NewServer(standInAssets(), newLogger(Config{}, io.Discard))
	require.NoError(t, err)
	for _, name := range []string{"robots.txt", "sitemap.xml", "ads.txt"} {
		t.Run(name, func(t *testing.T) {
			res, body := get(t, s.URL+"/"+st.Version()+"/"+name, map[string]string{"Host": "attacker.invalid:9"})
			assert.Equal(t, http.StatusNotFound, res.StatusCode, body)
		})
	}
	require.NoError(t, s.Stop())
	assert.NotContains(t, s.Stderr.String(), "level=ERROR")
	assert.NotContains(t, s.Stderr.String(), "status=500")
}

// The sandbox reached directly has the relay's per-address request limit:
// a burst of 20, then 429 with Retry-After, for that address alone. The
// limits' clock stands still: no request comes back while the 21 are sent.
func TestSandboxIsLimitedPerAddress(t *testing.T) {
	clock := testkit.NewClock(time.Now())
	s := startServerWith(t, swaps{assets: standInAssets(), limitClock: clock.Now}, nil, "-sandbox-rate", "1", "-sandbox-burst", "20")
	busy, other := loopback.Client(loopback.Addr(400)), loopback.Client(loopback.Addr(401))
	call := func(hc *http.Client) *http.Response {
		res, err := hc.Get(s.URL + "/sandbox/api/v2/")
		require.NoError(t, err)
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	for i := range 20 {
		require.Equal(t, http.StatusUnauthorized, call(busy).StatusCode, "request %d reaches the sandbox", i+1)
	}
	refused := call(busy)
	assert.Equal(t, http.StatusTooManyRequests, refused.StatusCode)
	assert.Equal(t, "1", refused.Header.Get("Retry-After"))
	assert.Equal(t, "application/problem+json", refused.Header.Get("Content-Type"))
	assert.Equal(t, http.StatusUnauthorized, call(other).StatusCode, "another address")
}
