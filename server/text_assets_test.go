//go:build !js

package server

import (
	"bytes"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/web"
)

// webTextAssets are the project's own text assets as the binary embeds
// them, beside a stand-in wasm: what a browser downloads as text is the
// real thing, and the test needs no wasm build.
func webTextAssets(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := standInAssets()
	for _, name := range []string{"styles.css", "loader.js", "embed.js", "icons/icon.svg"} {
		b, err := fs.ReadFile(web.Assets, name)
		require.NoError(t, err)
		fsys[name] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// Every text file the page loads, its own and go-app's, comes brotli- or
// gzip-compressed as Accept-Encoding asks, as it is without, each coding
// with its own ETag that answers 304, and decodes to the plain bytes.
func TestTextAssetsAreServedCompressed(t *testing.T) {
	s := startServer(t, webTextAssets(t), nil)
	_, page := getRaw(t, s.URL+"/", "")
	linked := regexp.MustCompile(`(?:href|src)="(/[^"]+\.(?:css|js))"`)
	paths := []string{"/", "/manifest.webmanifest", "/app-worker.js", "/embed.js"}
	for _, m := range linked.FindAllStringSubmatch(string(page), -1) {
		paths = append(paths, m[1])
	}
	for _, want := range []string{`/web/styles\.css$`, `/web/loader\.js$`, `^/wasm_exec\.js$`, `^/app\.js$`} {
		assert.True(t, slices.ContainsFunc(paths, regexp.MustCompile(want).MatchString), "the page links %s: %q", want, paths)
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			res, plain := getRaw(t, s.URL+path, "")
			require.Equal(t, http.StatusOK, res.StatusCode)
			assert.Empty(t, res.Header.Get("Content-Encoding"), "identity without Accept-Encoding")
			etags := map[string]string{"": res.Header.Get("ETag")}
			for _, coding := range []string{"br", "gzip"} {
				res, body := getRaw(t, s.URL+path, coding)
				require.Equal(t, http.StatusOK, res.StatusCode, coding)
				assert.Equal(t, coding, res.Header.Get("Content-Encoding"))
				assert.Contains(t, res.Header.Values("Vary"), "Accept-Encoding", coding)
				assert.Less(t, len(body), len(plain), coding)
				assert.True(t, bytes.Equal(plain, decompress(t, coding, body)), "%s decodes to the plain bytes", coding)
				etags[coding] = res.Header.Get("ETag")
			}
			for coding, etag := range etags {
				require.Regexp(t, `^"[^"]+"$`, etag, "a strong ETag in %q", coding)
				assert.Equal(t, http.StatusNotModified, statusIfNoneMatch(t, s.URL+path, coding, etag), "If-None-Match in %q", coding)
			}
			assert.Len(t, map[string]bool{etags[""]: true, etags["br"]: true, etags["gzip"]: true}, 3, "each coding its own ETag")
		})
	}
}

// statusIfNoneMatch is the status of a GET with If-None-Match.
func statusIfNoneMatch(t *testing.T, url, acceptEncoding, etag string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	req.Header.Set("If-None-Match", etag)
	res, err := rawClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}
