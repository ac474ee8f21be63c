package precompress_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/precompress"
)

// standInWasm is large and repetitive enough that both codings shrink it.
var standInWasm = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("stand-in wasm "), 4000)...)

func TestFileWritesAndKeepsForms(t *testing.T) {
	dir := t.TempDir()
	wasm := filepath.Join(dir, "app.wasm")
	require.NoError(t, os.WriteFile(wasm, standInWasm, 0o644))

	var log strings.Builder
	require.NoError(t, precompress.File(wasm, &log))
	for _, c := range precompress.Codings() {
		written, err := os.ReadFile(wasm + c.Ext)
		require.NoError(t, err)
		assert.Less(t, len(written), len(standInWasm), c.Name)
		assert.NoError(t, c.Matches(os.DirFS(dir), "app.wasm"+c.Ext, sha256.Sum256(standInWasm)), c.Name)
	}
	assert.NotContains(t, log.String(), "up to date")

	log.Reset()
	require.NoError(t, precompress.File(wasm, &log))
	assert.Equal(t, 2, strings.Count(log.String(), "up to date"), log.String())

	// A new build: both are made again.
	newBuild := append(bytes.Clone(standInWasm), '!')
	require.NoError(t, os.WriteFile(wasm, newBuild, 0o644))
	log.Reset()
	require.NoError(t, precompress.File(wasm, &log))
	assert.NotContains(t, log.String(), "up to date")
	for _, c := range precompress.Codings() {
		assert.NoError(t, c.Matches(os.DirFS(dir), "app.wasm"+c.Ext, sha256.Sum256(newBuild)), c.Name)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	assert.Empty(t, leftovers)
}

func TestMatchesRefusesAnotherBuildAndGarbage(t *testing.T) {
	dir := t.TempDir()
	wasm := filepath.Join(dir, "app.wasm")
	require.NoError(t, os.WriteFile(wasm, standInWasm, 0o644))
	require.NoError(t, precompress.File(wasm, &strings.Builder{}))
	for _, c := range precompress.Codings() {
		assert.ErrorIs(t, c.Matches(os.DirFS(dir), "app.wasm"+c.Ext, sha256.Sum256([]byte("another build"))), precompress.ErrStale, c.Name)
		assert.Error(t, c.Matches(os.DirFS(dir), "app.wasm", sha256.Sum256(standInWasm)), "%s: the raw file is not %s", c.Name, c.Name)
	}
	assert.Equal(t, []string{"br", "gzip"}, []string{precompress.Codings()[0].Name, precompress.Codings()[1].Name}, "brotli first")
}

// File writes the digest the server's start checks the forms by; a form
// that is not the one it names, or a file of other content, is refused.
func TestCheckByTheDigest(t *testing.T) {
	dir := t.TempDir()
	wasm := filepath.Join(dir, "app.wasm")
	require.NoError(t, os.WriteFile(wasm, standInWasm, 0o644))
	require.NoError(t, precompress.File(wasm, io.Discard))
	fsys := os.DirFS(dir)
	for _, c := range precompress.Codings() {
		assert.NoError(t, c.Check(fsys, "app.wasm", sha256.Sum256(standInWasm)), c.Name)
		assert.ErrorIs(t, c.Check(fsys, "app.wasm", sha256.Sum256([]byte("another build"))), precompress.ErrStale, c.Name)
	}
	require.NoError(t, os.WriteFile(wasm+".br", []byte("an older form"), 0o644))
	assert.ErrorIs(t, precompress.Codings()[0].Check(fsys, "app.wasm", sha256.Sum256(standInWasm)), precompress.ErrStale)
}
