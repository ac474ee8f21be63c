package deploy

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fallbackRoots are the CA roots the server carries for the scratch image.
const fallbackRoots = "golang.org/x/crypto/x509roots/fallback"

// The server links the CA roots, the Redis client and the Prometheus
// client, which the browser build must not (the browser verifies TLS
// itself, talks to neither, and every kB of wasm is downloaded), and
// neither links the Kubernetes API types that only the manifests' test
// uses.
func TestLinkedPackages(t *testing.T) {
	server := linkedPackages(t)
	wasm := linkedPackages(t, "GOOS=js", "GOARCH=wasm")
	assert.Contains(t, server, fallbackRoots, "a scratch image has no CA bundle")
	assert.NotContains(t, wasm, fallbackRoots)
	for _, serverOnly := range []string{"github.com/redis/go-redis/v9", "github.com/prometheus/client_golang/prometheus"} {
		assert.Contains(t, server, serverOnly)
		for _, p := range wasm {
			assert.False(t, strings.HasPrefix(p, "github.com/redis/") || strings.HasPrefix(p, "github.com/prometheus/"), "the wasm links %s", p)
		}
	}
	for build, pkgs := range map[string][]string{"server": server, "wasm": wasm} {
		for _, p := range pkgs {
			assert.False(t, strings.HasPrefix(p, "k8s.io/") || strings.HasPrefix(p, "sigs.k8s.io/"),
				"the %s links %s, which is for the manifests' test only", build, p)
		}
	}
}

// linkedPackages lists what the octoplay binary links, built with env.
func linkedPackages(t *testing.T, env ...string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "octoplay")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list %v", env)
	return strings.Fields(string(out))
}
