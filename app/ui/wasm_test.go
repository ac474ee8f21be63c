package ui

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The playground moves bytes with the browser's fetch: linking net/http's
// client would cost about 5 MB of wasm. go-app imports net/http itself, so
// the import graph cannot tell; the linked binary's symbol names can.
func TestWasmLinksNoHTTPClient(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm")
	}
	out := filepath.Join(t.TempDir(), "app.wasm")
	build := exec.Command("go", "build", "-o", out, "../..") // unstripped: names kept
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	msg, err := build.CombinedOutput()
	require.NoError(t, err, string(msg))
	wasm, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, bytes.Contains(wasm, []byte("runtime.gcStart")), "the build keeps function names, or the next check proves nothing")
	require.True(t, bytes.Contains(wasm, []byte("octoplay/internal/ohttp.(*Client).Do")), "the sealed channel's client is linked")
	assert.False(t, bytes.Contains(wasm, []byte("net/http.(*Client).do")), "net/http's client is linked into the wasm")
	assert.False(t, bytes.Contains(wasm, []byte("octoplay/server/")), "the sandbox or the relay reached the wasm")
}
