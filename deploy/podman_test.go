package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"octoplay/web"
)

// requireTool finds a command the test needs. Without it the test skips,
// except in CI, where .ci/run installs it and a skip would hide a broken
// image.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing: .ci/run installs it, and CI must build and run the image", name)
		}
		t.Skipf("%s is not installed: apt-get install podman runc to build and run the image", name)
	}
	return path
}

// requireBuiltWasm skips a test whose binary would embed no wasm, except in
// CI, where make test builds it first.
func requireBuiltWasm(t *testing.T) {
	t.Helper()
	if _, err := fs.Stat(web.Assets, "app.wasm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("web/app.wasm is not built (CI must run make test): %v", err)
		}
		t.Skip("web/app.wasm is not built: run make test")
	}
}

// podman runs Debian's podman as it works on a machine without systemd or
// a writable cgroup tree: cgroups managed by the runtime itself, no default
// ulimits to raise, runc as the runtime and the host's network.
type podman struct {
	path string
	env  []string
}

func newPodman(t *testing.T) podman {
	t.Helper()
	path := requireTool(t, "podman")
	requireTool(t, "runc")
	conf := filepath.Join(t.TempDir(), "containers.conf")
	err := os.WriteFile(conf, []byte("[engine]\ncgroup_manager = \"cgroupfs\"\n\n[containers]\ndefault_ulimits = []\n"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return podman{path: path, env: append(os.Environ(), "CONTAINERS_CONF="+conf)}
}

// command is podman with args, ended with ctx.
func (p podman) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, p.path, args...)
	cmd.Env = p.env
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// output runs podman with args and returns its standard output, failing the
// test with its standard error.
func (p podman) output(t *testing.T, ctx context.Context, args ...string) []byte {
	t.Helper()
	cmd := p.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// remove removes a container or an image when the test ends, whatever
// state the test left it in.
func (p podman) remove(t *testing.T, what, name string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if out, err := p.command(ctx, what, "--force", name).CombinedOutput(); err != nil {
			t.Logf("podman %s --force %s: %v\n%s", what, name, err, out)
		}
	})
}

// uniqueName names this run's image and containers, so that two runs on
// one machine never meet.
func uniqueName(what string) string {
	return fmt.Sprintf("octoplay-test-%s-%d-%d", what, os.Getpid(), time.Now().UnixNano())
}
