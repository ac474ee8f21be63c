package testkit

import (
	"io/fs"
	"net/http"
	"testing"
	"time"
)

// pollEvery is how often Eventually asks again: often enough that a test
// waits little past the moment, seldom enough to leave the CPU to what it
// waits for.
const pollEvery = 10 * time.Millisecond

// Eventually asks cond until it holds, for limit at most, and says whether
// it came to hold. The one way the module's tests poll: limit is how long
// the behaviour may take on a busy machine, never a measure of speed.
func Eventually(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollEvery)
	}
	return true
}

// WaitFor fails t unless cond comes to hold within limit; what says what
// was awaited.
func WaitFor(t testing.TB, limit time.Duration, cond func() bool, what string) {
	t.Helper()
	if !Eventually(limit, cond) {
		t.Fatalf("waited %s, in vain, until %s", limit, what)
	}
}

// WaitHealthy waits until url answers 200 through client, failing t if
// exited says the server stopped first or limit passes.
func WaitHealthy(t testing.TB, client *http.Client, url string, exited <-chan error, limit time.Duration) {
	t.Helper()
	var last error
	healthy := func() bool {
		select {
		case err := <-exited:
			t.Fatalf("the server exited before %s answered: %v", url, err)
		default:
		}
		res, err := client.Get(url)
		if err != nil {
			last = err
			return false
		}
		res.Body.Close()
		last = nil
		return res.StatusCode == http.StatusOK
	}
	if !Eventually(limit, healthy) {
		t.Fatalf("%s did not answer 200 within %s (last error: %v)", url, limit, last)
	}
}

// NeedBuiltWasm stops a test that needs the real wasm in assets (the web
// package's files) when it was not built: a failure in CI, a skip elsewhere.
func NeedBuiltWasm(t testing.TB, assets fs.FS) {
	t.Helper()
	_, err := fs.Stat(assets, "app.wasm")
	Need(t, "web/app.wasm", err, "make wasm builds it")
}
