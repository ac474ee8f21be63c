package server

import (
	"context"
	"io/fs"
	"net/http"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/web"
)

// standInAssets stand in for the built web assets where a test only needs
// the server's behaviour, not a wasm that runs.
func standInAssets() fstest.MapFS { return testkit.StandInWeb() }

// requireBuiltWasm stops a test that needs the real wasm when it was not
// built: a failure in CI, a skip elsewhere.
func requireBuiltWasm(t *testing.T) {
	t.Helper()
	testkit.NeedBuiltWasm(t, web.Assets)
}

// testServer is a running server and what it printed.
type testServer struct {
	URL    string
	Stdout *testkit.SyncBuffer
	Stderr *testkit.SyncBuffer
	stop   context.CancelFunc
	done   chan struct{} // closed when run returns, with err set
	err    error
}

// startServer runs the real server on a free loopback port with the given
// assets and flags, waits for /healthz, and stops it when the test ends.
func startServer(t *testing.T, assets fs.FS, env map[string]string, args ...string) *testServer {
	t.Helper()
	return startServerWith(t, swaps{assets: assets}, env, args...)
}

// startServerWith is startServer with what sw swaps in, such as a clock of
// the test's for the rate limits.
func startServerWith(t *testing.T, sw swaps, env map[string]string, args ...string) *testServer {
	t.Helper()
	return launchServer(t, testkit.FreeAddr(t), sw, env, args...)
}

// startServerAt is startServer on a given address: a second server on the
// address of a stopped one is that server restarted.
func startServerAt(t *testing.T, addr string, assets fs.FS, env map[string]string, args ...string) *testServer {
	t.Helper()
	return launchServer(t, addr, swaps{assets: assets}, env, args...)
}

// launchServer runs the server on addr with sw, as startServer says.
func launchServer(t *testing.T, addr string, sw swaps, env map[string]string, args ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{
		URL:    "http://" + addr,
		Stdout: &testkit.SyncBuffer{},
		Stderr: &testkit.SyncBuffer{},
		stop:   cancel,
		done:   make(chan struct{}),
	}
	getenv := func(k string) string { return env[k] }
	argv := append([]string{"octoplay", "-addr", addr}, args...)
	go func() {
		s.err = run(ctx, argv, getenv, s.Stdout, s.Stderr, sw)
		close(s.done)
	}()
	t.Cleanup(func() { require.NoError(t, s.Stop()) })
	exited := make(chan error, 1)
	go func() { <-s.done; exited <- s.err }()
	waitHealthy(t, s.URL, exited)
	return s
}

// Stop shuts the server down and returns what run returned.
func (s *testServer) Stop() error {
	s.stop()
	select {
	case <-s.done:
		return s.err
	case <-time.After(40 * time.Second):
		return context.DeadlineExceeded
	}
}

// waitHealthy waits until /healthz answers 200, failing if the server
// exits first or ten seconds pass.
func waitHealthy(t *testing.T, base string, exited <-chan error) {
	t.Helper()
	testkit.WaitHealthy(t, http.DefaultClient, base+"/healthz", exited, 10*time.Second)
}
