package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
	"octoplay/internal/testkit"
	"octoplay/internal/wire"
)

// The banner's curl line is the quickstart's Step 1; run it as printed.
func TestBannerCurlWorksAsPrinted(t *testing.T) {
	testkit.NeedCommand(t, "curl", "apt-get install curl")
	s := startServer(t, standInAssets(), nil, "-sandbox-client-secret", "it's a $ecret")
	out := s.Stdout.String()
	assert.Contains(t, out, "OctoTable token playground: "+s.URL+"/\n")
	assert.Contains(t, out, "sandbox client id: octoplay-demo\n")
	assert.Contains(t, out, "sandbox client secret: it's a $ecret\n")
	assert.Regexp(t, `(?m)^property id: \S+$`, out)

	// Step 1 is the playground's own curl snippet, after the line that
	// exports the credentials it reads; the lines run as printed.
	_, block, found := strings.Cut(out, "Step 1 with curl:\n")
	require.True(t, found, "banner has no curl block:\n%s", out)
	var script strings.Builder
	for line := range strings.Lines(block) {
		code, ok := strings.CutPrefix(line, "  ")
		if !ok {
			break
		}
		script.WriteString(code)
	}
	require.Contains(t, script.String(), "export OCTOTABLE_CLIENT_ID=")
	snippet, err := snippets.Generate(snippets.Step1, snippets.Curl, snippets.Options{
		Env:  quickstart.Environment{TokenURL: s.URL + wire.SandboxMount + wire.TokenPath},
		Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm,
	})
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(script.String(), snippet), "the snippet, as the playground shows it:\n%s", script.String())
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Env = append(os.Environ(), "OCTOTABLE_CLIENT_ID=", "OCTOTABLE_CLIENT_SECRET=") // none from outside
	got, err := cmd.Output()
	require.NoError(t, err, script.String())
	var token struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		Type        string `json:"type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	require.NoError(t, json.Unmarshal(got, &token), string(got))
	assert.NotEmpty(t, token.AccessToken)
	assert.Equal(t, "Bearer", token.Type)
	assert.Equal(t, 1440, token.ExpiresIn)
}

// The built binary carries its assets (it runs from an empty directory),
// and SIGTERM lets a request still uploading its body finish, then exits 0.
func TestBinaryDrainsOnSIGTERM(t *testing.T) {
	requireBuiltWasm(t)
	bin := filepath.Join(t.TempDir(), "octoplay")
	build := exec.Command("go", "build", "-o", bin, "..")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	addr := testkit.FreeAddr(t)
	cmd := exec.Command(bin, "-addr", addr)
	cmd.Dir = t.TempDir()
	// A short drain, so that the binary goes through it (TestSIGTERMDrains
	// says what it does) and the test does not wait long.
	cmd.Env = append(os.Environ(), "OCTOPLAY_LOG_LEVEL=debug", "OCTOPLAY_DRAIN_DELAY=1s")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr testkit.SyncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() {
		io.Copy(io.Discard, bufio.NewReader(stdout))
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	base := "http://" + addr
	waitHealthy(t, base, exited)

	res, err := http.Get(base + "/web/app.wasm")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the wasm is embedded")

	// A token request whose body arrives in two halves, SIGTERM between
	// them. With Expect: 100-continue the server says when its handler
	// starts reading the body: the request is then in flight for certain.
	body := "grant_type=client_credentials&client_id=octoplay-demo&client_secret=octoplay-demo-secret"
	pr, pw := io.Pipe()
	reading := make(chan struct{})
	trace := &httptrace.ClientTrace{Got100Continue: func() { close(reading) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace),
		http.MethodPost, base+"/sandbox/octotable-auth/api/v2/oauth2/token", pr)
	require.NoError(t, err)
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Expect", "100-continue")
	answered := make(chan *http.Response, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("slow request: %v", err)
			close(answered)
			return
		}
		answered <- res
	}()
	select {
	case <-reading:
	case <-time.After(10 * time.Second):
		t.Fatal("the server never asked for the body")
	}
	_, err = io.WriteString(pw, body[:20])
	require.NoError(t, err)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	waitFor(t, func() bool { return strings.Contains(stderr.String(), "shutting down") }, "the server saw SIGTERM")
	// Shutting down, the server answers every new connection 503 with
	// Retry-After and serves no more: once one is, it is draining, and must
	// not have exited.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	waitFor(t, func() bool {
		res, err := fresh.Get(base + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != ""
	}, "the server refuses new connections")
	select {
	case err := <-exited:
		t.Fatalf("exited with a request in flight: %v", err)
	default:
	}

	_, err = io.WriteString(pw, body[20:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	res = <-answered
	require.NotNil(t, res)
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, string(got))
	assert.Contains(t, string(got), `"access_token"`)

	select {
	case err := <-exited:
		assert.NoError(t, err, "exit status 0 after draining\n%s", stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatal("server did not exit after draining")
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	testkit.WaitFor(t, 10*time.Second, cond, what)
}
