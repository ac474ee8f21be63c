package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"octoplay/internal/testkit"
)

// podman runs Debian's podman as it works on a machine without systemd or
// a writable cgroup tree: cgroups managed by the runtime itself, no default
// ulimits to raise, runc as the runtime and the host's network.
type podman struct {
	path string
	env  []string
}

func newPodman(t *testing.T) podman {
	t.Helper()
	path := testkit.NeedCommand(t, "podman", "apt-get install podman runc to build and run the image")
	testkit.NeedCommand(t, "runc", "apt-get install runc")
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
