package assets

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/precompress"
	"octoplay/internal/testkit"
)

// standInWasm is large and repetitive enough that both codings shrink it.
var standInWasm = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("stand-in wasm "), 4000)...)

// standIn is a build's assets with the wasm precompressed by the build's
// own code.
func standIn(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{
		"app.wasm":       {Data: standInWasm},
		"styles.css":     {Data: []byte("body{}")},
		"icons/icon.svg": {Data: []byte("<svg/>")},
		"embed.go":       {Data: []byte("package web")},
	}
	for ext, b := range precompressed(t, standInWasm) {
		fsys["app.wasm"+ext] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// precompressed is what the build writes beside a file of content raw,
// by extension.
func precompressed(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "app.wasm")
	require.NoError(t, os.WriteFile(path, raw, 0o644))
	require.NoError(t, precompress.File(path, io.Discard))
	out := map[string][]byte{}
	for _, ext := range precompress.Extensions() {
		b, err := os.ReadFile(path + ext)
		require.NoError(t, err)
		out[ext] = b
	}
	return out
}

func newTestServer(t *testing.T, fsys fstest.MapFS) (*Server, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	s, err := NewServer(fsys, slog.New(slog.NewTextHandler(&log, nil)))
	require.NoError(t, err)
	return s, &log
}

func serve(s *Server, method, path string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, coding string, b []byte) []byte { return testkit.Decompress(t, coding, b) }

func TestWasmIsNegotiated(t *testing.T) {
	fsys := standIn(t)
	s, _ := newTestServer(t, fsys)
	tests := []struct {
		acceptEncoding string
		want           string // Content-Encoding; "" for the raw wasm
	}{
		{"gzip, deflate, br, zstd", "br"}, // Chromium's
		{"br", "br"},
		{"gzip", "gzip"},
		{"x-gzip", "gzip"},
		{"GZIP;Q=1", "gzip"},
		{"", ""},
		{"identity", ""},
		{"deflate, zstd", ""},
		{"br;q=0.5, gzip", "gzip"},
		{"br;q=0, gzip;q=0.1", "gzip"},
		{"br;q=0, gzip;q=0", ""},
		{"br;q=0.5", "br"},                 // identity unlisted: the coding asked for
		{"br;q=0.5, identity", ""},         // identity asked for more
		{"br;q=0.5, *;q=0.9", "gzip"},      // gzip through "*"
		{"*", "br"},                        // anything: our preference
		{"*;q=0", ""},                      // nothing but identity
		{"br;q=abc, gzip;q=0.2", "gzip"},   // a malformed q is refused
		{"br;q=1.5, gzip;q=0.2", "gzip"},   // so is one out of range
		{" br ; q = 0.9 , gzip", "gzip"},   // white space
		{"br;level=5;q=0.3, gzip", "gzip"}, // other parameters
	}
	for _, tt := range tests {
		t.Run(tt.acceptEncoding, func(t *testing.T) {
			rec := serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": tt.acceptEncoding})
			require.Equal(t, http.StatusOK, rec.Code)
			h := rec.Header()
			assert.Equal(t, tt.want, h.Get("Content-Encoding"))
			assert.Equal(t, "application/wasm", h.Get("Content-Type"))
			assert.Equal(t, "Accept-Encoding", h.Get("Vary"))
			assert.Equal(t, strconv.Itoa(len(standInWasm)), h.Get(RawLengthHeader))
			assert.Equal(t, strconv.Itoa(rec.Body.Len()), h.Get("Content-Length"))
			sent := fsys["app.wasm"].Data
			if tt.want != "" {
				sent = fsys["app.wasm."+map[string]string{"br": "br", "gzip": "gz"}[tt.want]].Data
				assert.Less(t, rec.Body.Len(), len(standInWasm)/10)
			}
			assert.Equal(t, sent, rec.Body.Bytes())
			assert.Equal(t, standInWasm, decode(t, tt.want, rec.Body.Bytes()))
		})
	}
}

func TestWithoutVariantsTheRawWasmIsServed(t *testing.T) {
	fsys := standIn(t)
	delete(fsys, "app.wasm.br")
	delete(fsys, "app.wasm.gz")
	s, log := newTestServer(t, fsys)
	rec := serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": "gzip, br"})
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, rec.Header().Get("Content-Encoding"))
	assert.Empty(t, rec.Header().Get("Vary"))
	assert.Equal(t, strconv.Itoa(len(standInWasm)), rec.Header().Get("Content-Length"))
	assert.Equal(t, standInWasm, rec.Body.Bytes())
	assert.Empty(t, log.String())

	// Only gzip made: br is asked for first but gzip is what there is.
	fsys = standIn(t)
	delete(fsys, "app.wasm.br")
	s, _ = newTestServer(t, fsys)
	rec = serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": "br, gzip"})
	assert.Equal(t, "gzip", rec.Header().Get("Content-Encoding"))
}

// A variant left by an older build must never reach a browser: it would
// run the old code under the new version's URL, cached for a year.
func TestStaleVariantIsNeverServed(t *testing.T) {
	fsys := standIn(t)
	old := precompressed(t, []byte("\x00asm\x01\x00\x00\x00the previous build"))
	fsys["app.wasm.br"] = &fstest.MapFile{Data: old[".br"]}
	fsys["app.wasm.gz"] = &fstest.MapFile{Data: []byte("not gzip at all")}
	s, log := newTestServer(t, fsys)
	for _, ae := range []string{"br", "gzip"} {
		rec := serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": ae})
		assert.Empty(t, rec.Header().Get("Content-Encoding"), ae)
		assert.Equal(t, standInWasm, rec.Body.Bytes(), ae)
	}
	assert.Contains(t, log.String(), "file=app.wasm.br")
	assert.Contains(t, log.String(), "file=app.wasm.gz")
}

// The start checks the forms by the build's digest: a digest of another
// build, or none, leaves every form out with the reason, and the wasm is
// served as it is.
func TestFormsWithoutTheirBuildsDigestAreLeftOut(t *testing.T) {
	for name, digest := range map[string][]byte{
		"another build's": precompressed(t, []byte("\x00asm\x01\x00\x00\x00the previous build"))[precompress.DigestExt],
		"none":            nil,
		"not a digest":    []byte("app.wasm is fine\n"),
	} {
		fsys := standIn(t)
		if digest == nil {
			delete(fsys, "app.wasm"+precompress.DigestExt)
		} else {
			fsys["app.wasm"+precompress.DigestExt] = &fstest.MapFile{Data: digest}
		}
		s, log := newTestServer(t, fsys)
		for _, ae := range []string{"br", "gzip"} {
			rec := serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": ae})
			assert.Empty(t, rec.Header().Get("Content-Encoding"), "%s: %s", name, ae)
			assert.Equal(t, standInWasm, rec.Body.Bytes(), "%s: %s", name, ae)
		}
		assert.Contains(t, log.String(), "precompressed asset left out: rebuild the assets", name)
		assert.Contains(t, log.String(), "app.wasm.sha256", name)
	}
}

func TestCachingByURL(t *testing.T) {
	s, _ := newTestServer(t, standIn(t))
	versioned := s.VersionedPrefix()
	assert.Regexp(t, `^/[0-9a-f]{20}/web/$`, versioned)
	for _, tt := range []struct{ path, cache string }{
		{versioned + "app.wasm", "public, max-age=31536000, immutable"},
		{versioned + "styles.css", "public, max-age=31536000, immutable"},
		{versioned + "icons/icon.svg", "public, max-age=31536000, immutable"},
		{"/web/app.wasm", "no-cache"},
		{"/web/styles.css", "no-cache"},
	} {
		rec := serve(s, http.MethodGet, tt.path, map[string]string{"Accept-Encoding": "br"})
		assert.Equal(t, http.StatusOK, rec.Code, tt.path)
		assert.Equal(t, tt.cache, rec.Header().Get("Cache-Control"), tt.path)
		assert.Regexp(t, `^"[0-9a-f]{24}(-br)?"$`, rec.Header().Get("ETag"), tt.path)
	}
	// Another build's version is not this build's: never served as if it were.
	rec := serve(s, http.MethodGet, "/00000000000000000000/web/app.wasm", nil)
	assert.Equal(t, http.StatusNotFound, rec.Code)
}

func TestNotServed(t *testing.T) {
	s, _ := newTestServer(t, standIn(t))
	for _, p := range []string{"/web/embed.go", "/web/", "/web/icons", "/web/icons/", "/web/app.wasm.br", "/web/app.wasm.gz", "/web/app.wasm.sha256", "/web/nothing", "/web/../web/app.wasm", "/elsewhere/app.wasm", s.VersionedPrefix() + "embed.go"} {
		assert.Equal(t, http.StatusNotFound, serve(s, http.MethodGet, p, nil).Code, p)
	}
}

func TestRevalidationAndRanges(t *testing.T) {
	fsys := standIn(t)
	s, _ := newTestServer(t, fsys)
	first := serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": "br"})
	etag := first.Header().Get("ETag")
	gz := serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": "gzip"})
	raw := serve(s, http.MethodGet, "/web/app.wasm", nil)
	assert.NotEqual(t, etag, gz.Header().Get("ETag"), "each coding is its own representation")
	assert.NotEqual(t, etag, raw.Header().Get("ETag"))

	again := serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": "br", "If-None-Match": etag})
	assert.Equal(t, http.StatusNotModified, again.Code)
	assert.Empty(t, again.Body.Bytes())
	assert.Equal(t, "Accept-Encoding", again.Header().Get("Vary"))

	part := serve(s, http.MethodGet, "/web/app.wasm", map[string]string{"Accept-Encoding": "br", "Range": "bytes=0-9"})
	assert.Equal(t, http.StatusPartialContent, part.Code)
	assert.Equal(t, "10", part.Header().Get("Content-Length"))
	assert.Equal(t, fsys["app.wasm.br"].Data[:10], part.Body.Bytes())

	head := serve(s, http.MethodHead, "/web/app.wasm", map[string]string{"Accept-Encoding": "gzip"})
	assert.Equal(t, http.StatusOK, head.Code)
	assert.Equal(t, strconv.Itoa(len(fsys["app.wasm.gz"].Data)), head.Header().Get("Content-Length"))
	assert.Empty(t, head.Body.Bytes())
}

func TestVersionNamesEveryAsset(t *testing.T) {
	base, _ := newTestServer(t, standIn(t))
	version := func(change func(fstest.MapFS)) string {
		fsys := standIn(t)
		change(fsys)
		s, _ := newTestServer(t, fsys)
		return s.Version()
	}
	assert.Regexp(t, `^[0-9a-f]{20}$`, base.Version())
	assert.Equal(t, base.Version(), version(func(fstest.MapFS) {}), "the same build, the same version")
	assert.NotEqual(t, base.Version(), version(func(f fstest.MapFS) { f["styles.css"] = &fstest.MapFile{Data: []byte("p{}")} }), "styles")
	assert.NotEqual(t, base.Version(), version(func(f fstest.MapFS) { f["icons/new.png"] = &fstest.MapFile{Data: []byte("png")} }), "a new icon")
	assert.Equal(t, base.Version(), version(func(f fstest.MapFS) { delete(f, "app.wasm.br") }), "variants add nothing the wasm does not say")
	assert.Equal(t, base.Version(), version(func(f fstest.MapFS) { f["embed.go"] = &fstest.MapFile{Data: []byte("package web // changed")} }), "Go sources are not assets")
	changed := version(func(f fstest.MapFS) {
		wasm := append(bytes.Clone(standInWasm), '!')
		f["app.wasm"] = &fstest.MapFile{Data: wasm}
		delete(f, "app.wasm.br")
		delete(f, "app.wasm.gz")
	})
	assert.NotEqual(t, base.Version(), changed, "the wasm")
}

func TestResolver(t *testing.T) {
	s, _ := newTestServer(t, standIn(t))
	v := s.Version()
	r := s.Resolver()
	for in, want := range map[string]string{
		"/web/app.wasm":         "/" + v + "/web/app.wasm",
		"web/styles.css":        "/" + v + "/web/styles.css",
		"/web":                  "/" + v + "/web",
		"/":                     "/",
		"":                      "/",
		"/app.js":               "/app.js",
		"/webmanifest":          "/webmanifest",
		"https://example.com/x": "https://example.com/x",
	} {
		assert.Equal(t, want, r.Resolve(in), in)
	}
	_, isHandler := any(r).(http.Handler)
	assert.False(t, isHandler, "go-app would serve files itself through a resolver that is an http.Handler")
}
