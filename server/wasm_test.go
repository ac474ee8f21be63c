package server

import (
	"bytes"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/precompress"
	"octoplay/internal/testkit"
	"octoplay/server/assets"
	"octoplay/web"
)

// rawClient sends Accept-Encoding only when the test sets it, and never
// decompresses: what the server sent is what the test reads.
var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

func getRaw(t *testing.T, url, acceptEncoding string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	res, err := rawClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, body
}

func decompress(t *testing.T, coding string, b []byte) []byte {
	return testkit.Decompress(t, coding, b)
}

// compressedStandIn is standInAssets with a wasm large enough to shrink,
// precompressed by the build's own code.
func compressedStandIn(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := standInAssets()
	fsys["app.wasm"].Data = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("stand-in "), 5000)...)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.wasm"), fsys["app.wasm"].Data, 0o644))
	require.NoError(t, precompress.File(filepath.Join(dir, "app.wasm"), io.Discard))
	for _, ext := range precompress.Extensions() {
		b, err := os.ReadFile(filepath.Join(dir, "app.wasm"+ext))
		require.NoError(t, err)
		fsys["app.wasm"+ext] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// wasmURL is where the page's app.js fetches the wasm from.
func wasmURL(t *testing.T, base string) string {
	t.Helper()
	_, appJS := get(t, base+"/app.js", nil)
	m := regexp.MustCompile(`octoplayFetchWasm\("([^"]+)"`).FindStringSubmatch(appJS)
	require.NotNil(t, m, "app.js fetches the wasm")
	return base + m[1]
}

// checkWasmServing fetches the wasm as each browser would ask for it and
// checks the coding, the headers, and that it decodes to raw.
func checkWasmServing(t *testing.T, url string, raw []byte) {
	t.Helper()
	for _, tt := range []struct{ acceptEncoding, coding string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"br;q=0.1, gzip;q=0.9", "gzip"},
		{"identity", ""},
		{"", ""},
	} {
		t.Run("Accept-Encoding "+tt.acceptEncoding, func(t *testing.T) {
			res, body := getRaw(t, url, tt.acceptEncoding)
			require.Equal(t, http.StatusOK, res.StatusCode)
			assert.Equal(t, tt.coding, res.Header.Get("Content-Encoding"))
			assert.Equal(t, "Accept-Encoding", res.Header.Get("Vary"))
			assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"))
			assert.Equal(t, strconv.Itoa(len(body)), res.Header.Get("Content-Length"))
			assert.Equal(t, int64(len(body)), res.ContentLength)
			assert.Equal(t, strconv.Itoa(len(raw)), res.Header.Get(assets.RawLengthHeader))
			assert.Equal(t, contentSecurityPolicy(nil), res.Header.Get("Content-Security-Policy"), "the security headers stay")
			if tt.coding != "" {
				assert.Less(t, len(body), len(raw))
			}
			assert.True(t, bytes.Equal(raw, decompress(t, tt.coding, body)), "the decoded wasm is the build's")
		})
	}
}

func TestWasmServedCompressedOrPlain(t *testing.T) {
	fsys := compressedStandIn(t)
	s := startServer(t, fsys, nil)
	url := wasmURL(t, s.URL)
	assert.Regexp(t, `/[0-9a-f]{20}/web/app\.wasm$`, url)
	checkWasmServing(t, url, fsys["app.wasm"].Data)
	checkWasmServing(t, s.URL+"/web/app.wasm", fsys["app.wasm"].Data)
}

// The files `make wasm` wrote, as the binary embeds them.
func TestBuiltWasmServedCompressed(t *testing.T) {
	requireBuiltWasm(t)
	for _, name := range []string{"app.wasm.br", "app.wasm.gz"} {
		_, err := fs.Stat(web.Assets, name)
		testkit.Need(t, "web/"+name, err, "make wasm builds it")
	}
	raw, err := fs.ReadFile(web.Assets, "app.wasm")
	require.NoError(t, err)
	s := startServer(t, web.Assets, nil)
	checkWasmServing(t, wasmURL(t, s.URL), raw)
	assert.NotContains(t, s.Stderr.String(), "precompressed asset left out", "make wasm left a stale variant")
}

func TestCachingVersionedAssetsAndPage(t *testing.T) {
	fsys := compressedStandIn(t)
	s := startServer(t, fsys, nil)
	st, err := assets.NewServer(fsys, newLogger(Config{}, io.Discard))
	require.NoError(t, err)
	version := st.Version()

	_, page := get(t, s.URL+"/", nil)
	_, appJS := get(t, s.URL+"/app.js", nil)
	_, worker := get(t, s.URL+"/app-worker.js", nil)
	assert.Contains(t, appJS, `"GOAPP_VERSION":"`+version+`"`)
	assert.Contains(t, worker, `const cacheName = "app-" + "`+version+`"`)

	// Everything the page, app.js and the worker point at in web/ names the version.
	linked := regexp.MustCompile(`["(]((?:/[0-9a-f]{20})?/web/[^"]+)"`)
	var found []string
	for _, doc := range []string{page, appJS, worker} {
		for _, m := range linked.FindAllStringSubmatch(doc, -1) {
			found = append(found, m[1])
		}
	}
	require.GreaterOrEqual(t, len(found), 5, "styles, icons and the wasm")
	for _, path := range found {
		assert.True(t, strings.HasPrefix(path, "/"+version+"/web/"), "%s names no version", path)
	}
	assert.Contains(t, found, "/"+version+"/web/app.wasm")
	assert.Contains(t, found, "/"+version+"/web/styles.css")
	// The head asks for the wasm (rawHeaders) at its versioned URL.
	assert.Contains(t, page, `<link rel="preload" href="/`+version+`/web/app.wasm" as="fetch" crossorigin="anonymous">`)

	const immutable = "public, max-age=31536000, immutable"
	for _, tt := range []struct{ path, cache string }{
		{"/" + version + "/web/app.wasm", immutable},
		{"/" + version + "/web/styles.css", immutable},
		{"/" + version + "/web/icons/icon-192.png", immutable},
		{"/web/app.wasm", "no-cache"},
		{"/web/styles.css", "no-cache"},
		{"/", "no-cache"},
		{"/app.js", "no-cache"},
		{"/app-worker.js", "no-cache"},
		{"/manifest.webmanifest", "no-cache"},
		{"/wasm_exec.js", "no-cache"},
	} {
		res, _ := getRaw(t, s.URL+tt.path, "br")
		assert.Equal(t, http.StatusOK, res.StatusCode, tt.path)
		assert.Equal(t, tt.cache, res.Header.Get("Cache-Control"), tt.path)
		assert.NotEmpty(t, res.Header.Get("ETag"), tt.path)
	}

	// A previous build's URL is not answered with this build's bytes.
	res, _ := getRaw(t, s.URL+"/0123456789abcdef0123/web/app.wasm", "")
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
}

// progressRecorder runs before the page's scripts and keeps every text the
// loader's label shows: go-app removes the label once the wasm runs, so
// the last value must be caught as it is written.
const progressRecorder = `window.__progress = [];
new MutationObserver(records => {
	for (const r of records) {
		const label = r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement;
		if (!label || label.id !== "app-wasm-loader-label") continue;
		if (r.type === "characterData") { window.__progress.push(r.target.data); continue; }
		for (const n of r.addedNodes) window.__progress.push(n.textContent);
	}
}).observe(document, {subtree: true, childList: true, characterData: true});`

// The wasm comes brotli-compressed, and the bar still counts to 100 %
// against its raw size, never NaN % or past 100.
func TestLoadingLabelCountsTo100(t *testing.T) {
	requireBuiltWasm(t)
	s := startServer(t, web.Assets, nil)
	ctx, msgs := newBrowser(t)
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: progressRecorder})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/"), waitMounted()))
	shown := runAction(t, ctx, chromedp.Evaluate[[]string](`window.__progress`))

	label := regexp.MustCompile(`^Loading the playground: (\d+)%$`)
	var progress []int
	for _, text := range shown {
		m := label.FindStringSubmatch(text)
		require.NotNil(t, m, "the label showed %q", text)
		p, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		progress = append(progress, p)
	}
	require.GreaterOrEqual(t, len(progress), 3, "the bar moved: %v", shown)
	assert.Equal(t, 0, progress[0])
	assert.Equal(t, 100, progress[len(progress)-1], "the bar ends at 100 %%: %v", progress)
	assert.IsNonDecreasing(t, progress)
	assert.LessOrEqual(t, slices.Max(progress), 100)
	assert.Empty(t, msgs.all(), "console errors")

	// The wasm is downloaded once.
	downloads := runAction(t, ctx, chromedp.Evaluate[int](`performance.getEntriesByType("resource").filter(e => e.name.endsWith("/web/app.wasm")).length`))
	assert.Equal(t, 1, downloads)
	assert.NotContains(t, strings.Join(msgs.everything(), "\n"), "preload")
}
