package deploy

import (
	"archive/tar"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/web"
)

// nonRoot is the image's user and group: numeric, so that no /etc/passwd is
// needed, and the number distroless images use for "nonroot".
const nonRoot = "65532:65532"

// sizeOverBinary bounds the image: a scratch image is the binary plus a
// layer's tar headers and a configuration of a few kB. A MiB more means
// something else got in (a base image, a second copy, a cache).
const sizeOverBinary = 1 << 20

// imageInspect is what the test reads of `podman image inspect`.
type imageInspect struct {
	Size   int64
	Config struct {
		User         string
		Env          []string
		Entrypoint   []string
		Cmd          []string
		ExposedPorts map[string]struct{}
		StopSignal   string
	}
	Healthcheck json.RawMessage
}

// The image is built once, as make image builds it, then checked as an
// orchestrator would run it: read-only, as a non-root user, with no
// capabilities, and stopped with SIGTERM.
func TestImage(t *testing.T) {
	pm := newPodman(t)
	testkit.NeedBuiltWasm(t, web.Assets)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()

	contextDir := t.TempDir()
	bin := filepath.Join(contextDir, "octoplay")
	buildStatic(t, ctx, bin)
	image := "localhost/" + uniqueName("image")
	start := time.Now()
	// --layers=false: no intermediate images left behind in the store.
	pm.output(t, ctx, "build", "--layers=false", "--file", "Containerfile", "--tag", image, contextDir)
	pm.remove(t, "rmi", image)
	t.Logf("podman build took %s", time.Since(start).Round(time.Millisecond))

	var inspected []imageInspect
	require.NoError(t, json.Unmarshal(pm.output(t, ctx, "image", "inspect", image), &inspected))
	require.Len(t, inspected, 1)
	img := inspected[0]

	t.Run("binary is static", func(t *testing.T) { checkStaticBinary(t, bin) })

	t.Run("configuration", func(t *testing.T) {
		c := img.Config
		assert.Equal(t, nonRoot, c.User, "USER must be numeric and non-root")
		assert.Equal(t, []string{"/octoplay"}, c.Entrypoint)
		assert.Empty(t, c.Cmd)
		assert.Contains(t, c.Env, "OCTOPLAY_ADDR=:8080", "the image must listen on every interface")
		assert.Contains(t, c.ExposedPorts, "8080/tcp")
		assert.Contains(t, c.ExposedPorts, "9090/tcp")
		assert.Equal(t, "SIGTERM", c.StopSignal)
		assert.True(t, len(img.Healthcheck) == 0 || string(img.Healthcheck) == "null",
			"no HEALTHCHECK: the orchestrator probes; got %s", img.Healthcheck)
	})

	t.Run("size", func(t *testing.T) {
		info, err := os.Stat(bin)
		require.NoError(t, err)
		t.Logf("image %.1f MB, binary %.1f MB", float64(img.Size)/1e6, float64(info.Size())/1e6)
		assert.LessOrEqual(t, img.Size, info.Size()+sizeOverBinary,
			"the image should be the binary and little more")
	})

	t.Run("holds only the binary", func(t *testing.T) { checkOnlyBinary(t, ctx, pm, image) })

	t.Run("runs read-only as non-root and stops on SIGTERM", func(t *testing.T) {
		checkRuns(t, ctx, pm, image)
	})
}

// buildStatic builds the server as make build does: no cgo, so that it
// needs no libc in a scratch image.
func buildStatic(t *testing.T, ctx context.Context, out string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "octoplay")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
}

// checkStaticBinary reads the shipped binary: no dynamic loader, built
// without cgo and without this machine's paths.
func checkStaticBinary(t *testing.T, bin string) {
	f, err := elf.Open(bin)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "the binary asks for a dynamic loader, which a scratch image lacks")
	}

	info, err := buildinfo.ReadFile(bin)
	require.NoError(t, err)
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	assert.Equal(t, "0", settings["CGO_ENABLED"])
	assert.Equal(t, "true", settings["-trimpath"])
}

// checkOnlyBinary lists the filesystem of a container made from the image:
// the binary is the only file with content (no shell, no base image). The
// engine adds empty mount points (/etc/hosts, /proc and the like).
func checkOnlyBinary(t *testing.T, ctx context.Context, pm podman, image string) {
	name := uniqueName("export")
	pm.output(t, ctx, "create", "--name", name, image)
	pm.remove(t, "rm", name)
	export := pm.command(ctx, "export", name)
	out, err := export.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, export.Start())
	var withContent []string
	tr := tar.NewReader(out)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if h.Size > 0 {
			withContent = append(withContent, h.Name)
		}
		assert.NotRegexp(t, `(^|/)(sh|bash|busybox)$`, h.Name, "the image must have no shell")
	}
	require.NoError(t, export.Wait())
	assert.Equal(t, []string{"octoplay"}, withContent)
}

// checkRuns runs the image as the Kubernetes manifests do, on the host's
// network (the only one this machine gives containers) at a free loopback
// port, with the relay key made by the image itself.
func checkRuns(t *testing.T, ctx context.Context, pm podman, image string) {
	keyLine := strings.TrimSpace(string(pm.output(t, ctx, "run", "--rm", "--runtime", "runc", "--network", "none",
		"--read-only", image, "-new-relay-key")))
	wantKeys := publishedKeys(t, keyLine)

	name := uniqueName("run")
	addr, metricsAddr := testkit.FreeAddr(t), testkit.FreeAddr(t)
	run := pm.command(ctx, "run", "--name", name, "--runtime", "runc", "--network", "host",
		"--read-only", "--user", nonRoot, "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"--env", "OCTOPLAY_ADDR="+addr, "--env", "OCTOPLAY_METRICS_ADDR="+metricsAddr, "--env", "OCTOPLAY_RELAY_KEY", image)
	run.Env = append(run.Env, "OCTOPLAY_RELAY_KEY="+keyLine) // passed by name: never on a command line
	require.NoError(t, run.Start())
	pm.remove(t, "rm", name)
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	t.Cleanup(func() { // before the container is removed
		if t.Failed() {
			logs, _ := pm.command(context.Background(), "logs", name).CombinedOutput()
			t.Logf("container output:\n%s", logs)
		}
	})

	base := "http://" + addr
	testkit.WaitHealthy(t, client, base+"/healthz", exited, time.Minute)

	res, body := get(t, base+"/")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.Header.Get("Content-Type"), "text/html")
	res, body = get(t, base+"/app.js") // it fetches the wasm
	assert.Equal(t, http.StatusOK, res.StatusCode)
	wasm := regexp.MustCompile(`"(/[^"]+/web/app\.wasm)"`).FindStringSubmatch(string(body))
	require.NotNil(t, wasm, "app.js names no app.wasm:\n%s", body)
	res, body = get(t, base+wasm[1])
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.True(t, strings.HasPrefix(string(body), "\x00asm"), "the image must serve the real wasm")

	res, body = get(t, base+"/relay/keys")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/ohttp-keys", res.Header.Get("Content-Type"))
	assert.Equal(t, wantKeys, body, "the relay must publish the keys of OCTOPLAY_RELAY_KEY")

	res, body = get(t, base+"/readyz")
	assert.Equal(t, http.StatusOK, res.StatusCode, "ready: %s", body)
	res, body = get(t, "http://"+metricsAddr+"/metrics")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, string(body), "\noctoplay_state_up 1\n", "the metrics on their own port")

	var state struct{ Pid int }
	stateJSON := pm.output(t, ctx, "container", "inspect", "--format", "{{json .State}}", name)
	require.NoError(t, json.Unmarshal(stateJSON, &state))
	checkProcess(t, state.Pid)

	start := time.Now()
	pm.output(t, ctx, "stop", "--time", "40", name) // SIGTERM, then SIGKILL after 40 s
	select {
	case err := <-exited:
		assert.NoError(t, err, "the server must exit 0 on SIGTERM")
	case <-ctx.Done():
		t.Fatal("podman run did not return after the container stopped")
	}
	code := strings.TrimSpace(string(pm.output(t, ctx, "container", "inspect", "--format", "{{.State.ExitCode}}", name)))
	assert.Equal(t, "0", code, "exit code after SIGTERM (137 would mean it was killed)")
	t.Logf("stopped in %s", time.Since(start).Round(time.Millisecond))
}

// publishedKeys is the key configuration list a relay given keyLine must
// publish.
func publishedKeys(t *testing.T, keyLine string) []byte {
	t.Helper()
	var configs []ohttp.KeyConfig
	for text := range strings.SplitSeq(keyLine, ",") {
		k, err := ohttp.ParsePrivateKey(text)
		require.NoError(t, err, "-new-relay-key printed something else than keys")
		configs = append(configs, k.Config())
	}
	b, err := ohttp.MarshalKeyConfigs(configs)
	require.NoError(t, err)
	return b
}

// checkProcess reads the server's process as the kernel sees it: running as
// the non-root user, with no capability and no way to gain privileges.
func checkProcess(t *testing.T, pid int) {
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	require.NoError(t, err)
	fields := map[string]string{}
	for line := range strings.Lines(string(status)) {
		k, v, _ := strings.Cut(line, ":")
		fields[k] = strings.Join(strings.Fields(v), " ")
	}
	assert.Equal(t, "65532 65532 65532 65532", fields["Uid"], "real, effective, saved and filesystem uid")
	assert.Equal(t, "65532 65532 65532 65532", fields["Gid"])
	assert.Equal(t, "0000000000000000", fields["CapEff"], "effective capabilities")
	assert.Equal(t, "1", fields["NoNewPrivs"])
	t.Logf("server RSS in the container after the checks: %s", fields["VmRSS"])
}

// client never decompresses, so the wasm is read as it is stored.
var client = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{DisableCompression: true},
}

func get(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	res, err := client.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, body
}
