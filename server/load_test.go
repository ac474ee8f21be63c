package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
)

// loadClients are the sealed clients of a load: workers spread over
// addresses, as browsers behind a few networks would be.
func loadClients(t *testing.T, base string, addresses int, keepAlive bool) ([]*ohttp.Client, []*http.Client) {
	t.Helper()
	var sealed []*ohttp.Client
	var plain []*http.Client
	for i := range addresses {
		hc := loopback.Client(loopback.Addr(8000 + i))
		hc.Transport.(*http.Transport).DisableKeepAlives = !keepAlive
		plain = append(plain, hc)
		sealed = append(sealed, sealedClient(t, base, hc))
	}
	return sealed, plain
}

// TestLoadSealedStep1: 10 000 sealed Step 1 requests, 64 at a time from 8
// addresses, all answered 200, and no goroutine left behind.
func TestLoadSealedStep1(t *testing.T) {
	const total, concurrency, addresses = 10_000, 64, 8
	s := startServer(t, standInAssets(), nil, "-relay-rate", "100000", "-relay-burst", "100000")
	sealed, plain := loadClients(t, s.URL, addresses, true)
	for _, hc := range plain {
		hc.CloseIdleConnections()
	}
	waitGoroutines(t, runtime.NumGoroutine()) // the keys' connections closed
	start := runtime.NumGoroutine()

	var next atomic.Int64
	var mu sync.Mutex
	var failures []error
	took := make([]time.Duration, 0, total)
	var wg sync.WaitGroup
	begin := time.Now()
	for w := range concurrency {
		c := sealed[w%addresses]
		wg.Go(func() {
			for next.Add(1) <= total {
				t0 := time.Now()
				err := sendStep1(context.Background(), c, s.URL)
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					failures = append(failures, err)
				} else {
					took = append(took, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(begin)
	require.Empty(t, failures, "%d of %d failed", len(failures), total)
	require.Len(t, took, total)
	slices.Sort(took)
	t.Logf("load: %d sealed Step 1 (X-Wing), %d at a time from %d addresses, in %s: %.0f req/s, p50 %s, p99 %s",
		total, concurrency, addresses, elapsed.Round(10*time.Millisecond), total/elapsed.Seconds(),
		took[total/2].Round(10*time.Microsecond), took[total*99/100].Round(10*time.Microsecond))

	for _, hc := range plain {
		hc.CloseIdleConnections()
	}
	waitGoroutines(t, start)
}

// waitGoroutines waits until at most want goroutines run, for ten seconds.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	if !testkit.Eventually(10*time.Second, func() bool { return runtime.NumGoroutine() <= want }) {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
	}
}

// TestSIGTERMUnderLoad: SIGTERM in the middle of a load lets every request
// in flight finish, refuses new ones cleanly (a 503 with Retry-After while
// the listener closes, then connection refused: never a request cut or
// reset), and the server exits 0.
func TestSIGTERMUnderLoad(t *testing.T) {
	const concurrency, addresses = 64, 8
	// No drain: TestSIGTERMDrains covers it; this is about what follows.
	srv := startChild(t, 0, "-relay-rate", "100000", "-relay-burst", "100000", "-drain-delay", "0")
	// A connection per request, so that every request after the signal
	// meets the listener: none waits on a connection kept alive.
	sealed, _ := loadClients(t, srv.URL, addresses, false)

	var served, servedAfter, refused atomic.Int64
	var signalled atomic.Bool
	var mu sync.Mutex
	var failures []string
	var wg sync.WaitGroup
	for w := range concurrency {
		c := sealed[w%addresses]
		wg.Go(func() {
			for {
				err := sendStep1(context.Background(), c, srv.URL)
				var refusal *relayRefusal
				switch {
				case err == nil:
					served.Add(1)
					if signalled.Load() {
						servedAfter.Add(1)
					}
					continue
				case errors.Is(err, syscall.ECONNREFUSED),
					errors.As(err, &refusal) && refusal.status == http.StatusServiceUnavailable && refusal.retryAfter != "":
					refused.Add(1)
				default:
					mu.Lock()
					failures = append(failures, fmt.Sprintf("signalled %v: %v", signalled.Load(), err))
					mu.Unlock()
				}
				return
			}
		})
	}
	testkit.WaitFor(t, time.Minute, func() bool { return served.Load() >= 1000 }, "1000 requests were served")
	signalled.Store(true)
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	wg.Wait()

	select {
	case err := <-srv.exited:
		assert.NoError(t, err, "exit status 0\n%s", srv.Stderr.String())
	case <-time.After(40 * time.Second):
		t.Fatal("the server did not exit")
	}
	assert.Empty(t, failures, "every request was served or refused cleanly")
	assert.Positive(t, servedAfter.Load(), "requests in flight at the signal were served")
	assert.Contains(t, srv.Stderr.String(), "stopped")
	t.Logf("SIGTERM under load: %d served, %d of them after the signal, %d refused cleanly", served.Load(), servedAfter.Load(), refused.Load())
}
