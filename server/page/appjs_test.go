//go:build !js

package page

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServiceWorkerLetsRelayAndPostsPass(t *testing.T) {
	s := servePage(t, "")
	res, body := get(t, s.URL+"/app-worker.js", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, body, swFetchPassBy)
	assert.NotContains(t, body, swFetchListener)
	assert.Contains(t, body, `event.request.method !== "GET"`)
	assert.Contains(t, body, `url.pathname.startsWith("/relay/")`)
}

// The browser waits for the worker's install, which caches the page, before
// the worker may control it: a page under a worker has its offline stand-in.
func TestServiceWorkerInstallsBeforeItControls(t *testing.T) {
	s := servePage(t, "")
	_, body := get(t, s.URL+"/app-worker.js", nil)
	assert.Contains(t, body, `self.addEventListener("install", (event) => {
  event.waitUntil((async () => {`)
	assert.NotContains(t, body, `self.addEventListener("install", async (event) => {`)
	assert.Equal(t, 1, strings.Count(body, "await installWorker();"))
}

func TestAppJSIsCorrected(t *testing.T) {
	s := servePage(t, "")
	// The plain form: its length is the corrected script's.
	res, js := get(t, s.URL+"/app.js", map[string]string{"Accept-Encoding": "identity"})
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, strconv.Itoa(len(js)), res.Header.Get("Content-Length"))
	assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"), "go-app's headers stay")
	// go-app's template still has the lines: both corrections applied.
	require.Equal(t, 1, strings.Count(js, appJSWorkerNow), "the worker is registered once")
	assert.Contains(t, js, appJSRun+"    "+appJSWorkerNow, "registered right after go.run returns")
	assert.Contains(t, js, "async function goappInitServiceWorker()", "the function itself is go-app's")
	assert.NotContains(t, js, appJSFetchWasm, "the wasm's own Response goes to instantiateStreaming")
	assert.Regexp(t, `instantiateStreaming\(\s*octoplayFetchWasm\("/[0-9a-f]+/web/app\.wasm", showProgress\)`, js)
	assert.Contains(t, js, "    showProgress(100);\n"+appJSRun, "the bar is full once the wasm is compiled")
	assert.Contains(t, js, "async function octoplayFetchWasm(url, progress)")

	// A 304 (the browser's copy is current) passes as go-app answers it.
	req, err := http.NewRequest(http.MethodGet, s.URL+"/app.js", nil)
	require.NoError(t, err)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	req.Header.Set("Accept-Encoding", "identity") // the ETag is the plain form's
	notModified, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	notModified.Body.Close()
	assert.Equal(t, http.StatusNotModified, notModified.StatusCode)
}

func TestCorrectedAppJSLeavesAnUnknownAppJS(t *testing.T) {
	unknown := "navigator.serviceWorker.register('/sw.js');\n" + appJSRun
	assert.Equal(t, unknown, correctedAppJS(unknown))
	twice := appJSWorkerNow + appJSWorkerNow + appJSRun
	assert.Equal(t, twice, correctedAppJS(twice))
	fetchedTwice := appJSFetchWasm + appJSFetchWasm + appJSRun
	assert.Equal(t, fetchedTwice, correctedAppJS(fetchedTwice))
}

func TestPatchServiceWorkerRefusesUnknownTemplate(t *testing.T) {
	_, err := patchServiceWorker("self.addEventListener('fetch', e => e.respondWith(caches.match(e.request)))")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "patch service worker")
	_, err = patchServiceWorker(swFetchListener + "\nself.addEventListener('install', e => e.waitUntil(cacheAll()))")
	require.ErrorContains(t, err, "install listener")
}
