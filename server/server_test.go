package server

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
)

func get(t *testing.T, url string, header map[string]string) (*http.Response, string) {
	return testkit.Get(t, url, header)
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	tests := []struct {
		name        string
		path        string
		status      int
		contentType string
	}{
		{name: "page", path: "/", status: 200, contentType: "text/html"},
		{name: "wasm", path: "/web/app.wasm", status: 200, contentType: "application/wasm"},
		{name: "healthz", path: "/healthz", status: 200, contentType: "application/json"},
		{name: "service worker", path: "/app-worker.js", status: 200, contentType: "application/javascript"},
		{name: "unknown page", path: "/nowhere", status: 404, contentType: "text/plain; charset=utf-8"},
		{name: "sandbox", path: "/sandbox/api/v2/", status: 401, contentType: "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := get(t, s.URL+tt.path, nil)
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, tt.contentType, res.Header.Get("Content-Type"))
			assert.Equal(t, contentSecurityPolicy(nil), res.Header.Get("Content-Security-Policy"))
			assert.Contains(t, res.Header.Get("Content-Security-Policy"), "script-src 'self' 'wasm-unsafe-eval'")
			assert.True(t, strings.HasSuffix(res.Header.Get("Content-Security-Policy"), "; frame-ancestors 'none'"))
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"))
		})
	}
}

func TestHealthz(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	res, body := get(t, s.URL+"/healthz", nil)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	assert.JSONEq(t, `{"status":"ok"}`, body)
}

// go-app would fetch these from "http://" + Host and cache the first
// answer forever; with a Host that resolves nowhere it would answer 500
// after a failed dial. Ours answers at once, whatever the Host says.
func TestCrawlerFilesIgnoreForgedHost(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{path: "/robots.txt", status: 200, body: robotsTXT},
		{path: "/sitemap.xml", status: 404, body: "404 page not found\n"},
		{path: "/ads.txt", status: 404, body: "404 page not found\n"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			start := time.Now()
			res, body := get(t, s.URL+tt.path, map[string]string{"Host": "attacker.invalid:9"})
			assert.Equal(t, tt.status, res.StatusCode)
			assert.Equal(t, tt.body, body)
			assert.Equal(t, contentSecurityPolicy(nil), res.Header.Get("Content-Security-Policy"))
			// Not a timing assertion on our speed: a dial through go-app
			// would take the resolver's timeout, many seconds.
			assert.Less(t, time.Since(start), 5*time.Second)
		})
	}
	// Nothing in the log says a fetch was attempted.
	assert.NotContains(t, s.Stderr.String(), "attacker.invalid")
}

func TestMissingWasmIsAClearError(t *testing.T) {
	assets := standInAssets()
	delete(assets, "app.wasm")
	_, err := NewServer(newLogger(Config{}, io.Discard), Config{}, assets, Parts{Sandbox: http.NotFoundHandler()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "make wasm")
}

func TestStaticServesNoGoSourceNorListing(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	for _, path := range []string{"/web/embed.go", "/web/", "/web/icons/"} {
		res, _ := get(t, s.URL+path, nil)
		assert.Equal(t, http.StatusNotFound, res.StatusCode, path)
	}
	res, body := get(t, s.URL+"/web/styles.css", nil)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "body{}", body)
	assert.Equal(t, "text/css; charset=utf-8", res.Header.Get("Content-Type"))
}

// Every resource the page, its scripts and its manifest point at is on
// this server: nothing loads from elsewhere (go-app's default icons do).
func TestPageLoadsNothingFromElsewhere(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	_, page := get(t, s.URL+"/", nil)
	assert.Contains(t, page, "<title>OctoTable token playground</title>")

	resource := regexp.MustCompile(`<(?:link|script|img)\b[^>]*?\s(?:href|src)="([^"]*)"`)
	found := resource.FindAllStringSubmatch(page, -1)
	require.GreaterOrEqual(t, len(found), 6, "the page links its scripts, styles, icons and manifest")
	for _, m := range found {
		assert.True(t, isLocalPath(m[1]), "page resource %q is not local", m[1])
	}

	_, manifest := get(t, s.URL+"/manifest.webmanifest", nil)
	var m struct {
		Icons []struct{ Src string } `json:"icons"`
	}
	require.NoError(t, json.Unmarshal([]byte(manifest), &m))
	require.NotEmpty(t, m.Icons)
	for _, icon := range m.Icons {
		assert.True(t, isLocalPath(icon.Src), "manifest icon %q is not local", icon.Src)
	}

	_, worker := get(t, s.URL+"/app-worker.js", nil)
	assert.NotRegexp(t, `https?://`, worker)
	_, appJS := get(t, s.URL+"/app.js", nil)
	assert.NotRegexp(t, `"https?://`, appJS)
}

func isLocalPath(u string) bool {
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")
}

func TestBaseURL(t *testing.T) {
	assert.Equal(t, "http://127.0.0.1:8080", baseURL(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))
	assert.Equal(t, "http://localhost:8080", baseURL(&net.TCPAddr{IP: net.IPv4zero, Port: 8080}))
	assert.Equal(t, "http://[::1]:9000", baseURL(&net.TCPAddr{IP: net.IPv6loopback, Port: 9000}))
}

func TestRequestLogHasNoSecrets(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			s := startServer(t, standInAssets(), nil, "-log-level", "debug", "-log-format", format)
			req, err := http.NewRequest(http.MethodPost, s.URL+"/sandbox/octotable-auth/api/v2/oauth2/token?client_secret=QUERYSECRET",
				strings.NewReader("grant_type=client_credentials&client_id=octoplay-demo&client_secret=BODYSECRET"))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Basic SEVBREVSU0VDUkVU")
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.NoError(t, s.Stop())

			log := s.Stderr.String()
			for _, secret := range []string{"QUERYSECRET", "BODYSECRET", "SEVBREVSU0VDUkVU", "octoplay-demo-secret"} {
				assert.NotContains(t, log, secret)
			}
			var line string
			for _, l := range strings.Split(log, "\n") {
				if strings.Contains(l, "oauth2/token") {
					line = l
				}
			}
			require.NotEmpty(t, line, "one line for the request:\n%s", log)
			if format == "text" {
				assert.Regexp(t, `msg=request method=POST path=/sandbox/octotable-auth/api/v2/oauth2/token status=\d{3} duration=\S+$`, line)
				return
			}
			var entry map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &entry))
			assert.Equal(t, "POST", entry["method"])
			assert.Equal(t, "/sandbox/octotable-auth/api/v2/oauth2/token", entry["path"])
			assert.Contains(t, entry, "status")
			assert.Contains(t, entry, "duration")
		})
	}
}

// Documentation pages include /embed.js at an address that does not move
// with the build.
func TestEmbedScriptIsServed(t *testing.T) {
	s := startServer(t, standInAssets(), nil)
	res, body := get(t, s.URL+"/embed.js", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "// embed", body)
	assert.Contains(t, res.Header.Get("Content-Type"), "javascript")
	assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
}
