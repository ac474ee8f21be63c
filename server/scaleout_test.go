package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/ui"
	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
	"octoplay/internal/wire"
)

// scaleOutBurst is the relay's burst in the scale-out test: small, so that
// three instances' worth of it is easy to tell from one.
const scaleOutBurst = 30

// TestScaleOut runs the playground as a cluster would: three server
// processes with one relay key and one Redis, behind a round-robin front
// (front_test.go says how it keeps client addresses), and checks that they
// act as one playground, fail closed without Redis and recover alone, lose
// only what was in flight on an instance killed under load, and drain on
// SIGTERM.
func TestScaleOut(t *testing.T) {
	requireBuiltWasm(t)
	began := time.Now()
	rd := testkit.StartRedis(t)
	seedReplayEpoch(t, rd)
	fr := startFront(t)
	var key bytes.Buffer
	require.NoError(t, printNewRelayKeys(&key))
	var instances []*child
	var urls []string
	for range 3 {
		c := startChildSpec(t, childSpec{Built: true, Args: []string{
			"-relay-key", strings.TrimSpace(key.String()), "-redis-url", rd.URL, "-public-url", fr.URL,
			"-relay-burst", fmt.Sprint(scaleOutBurst), "-drain-delay", "2s",
		}})
		instances, urls = append(instances, c), append(urls, c.URL)
	}
	fr.serve(t, urls)
	ctx := context.Background()

	t.Run("the browser: Step 1 on one instance, Step 2 on another; Redis away and back", func(t *testing.T) {
		bctx, msgs := newBrowser(t)
		openPlayground(t, bctx, fr.URL+"/")
		require.NoError(t, chromedp.Do(bctx,
			step1("octoplay-demo", "octoplay-demo-secret"),
			waitSel(byID(ui.IDTokenStatus)+`[data-state="valid"]`),
			chromedp.Click(byID(ui.IDSend)),
			waitSel(byID(ui.Step2.Status())+`[data-status="200"]`),
		))
		served := fr.relaysOf("127.0.0.1")
		require.Len(t, served, 2, "Step 1 and Step 2, one relayed request each")
		assert.NotEqual(t, served[0], served[1], "the token from one instance was accepted by another")

		// Redis goes: every instance refuses, /readyz turns 503 on each
		// within 10 s, and the page says what happened.
		rd.Kill()
		waitWithin(t, 10*time.Second, "every /readyz says 503", func() bool { return allReadyz(urls, http.StatusServiceUnavailable) })
		require.NoError(t, chromedp.Do(bctx,
			chromedp.Click(byID(ui.IDRequestToken)),
			waitSel(byID(ui.Step1.Status())+`[data-status="503"]`),
		))
		assert.Contains(t, textOf(t, bctx, byID(ui.IDStep1)+" .explain"), "briefly unavailable")

		// Redis comes back, empty: within 15 s everything works again.
		rd.Start()
		// As if it had come back long ago: the refusals right after an
		// empty restart are TestRedisAwayFailsClosedAndRecovers's.
		seedReplayEpoch(t, rd)
		waitWithin(t, 15*time.Second, "every /readyz says 200", func() bool { return allReadyz(urls, http.StatusOK) })
		require.NoError(t, chromedp.Do(bctx,
			// The page holds the button for the refusal's Retry-After.
			waitSel(byID(ui.IDRequestToken)+`[aria-disabled="false"]`),
			chromedp.Click(byID(ui.IDRequestToken)),
			waitSel(byID(ui.Step1.Status())+`[data-status="200"]`),
		))
		for _, m := range msgs.all() { // Chromium logs each failed request itself
			assert.Contains(t, m, "status of 503", "the only console errors are the refusals while Redis was away")
		}
		for _, c := range instances {
			assert.Equal(t, 1, strings.Count(c.Stderr.String(), "state store unavailable"), "one line per instance for the outage")
		}
	})

	t.Run("a token and a reservation from one instance work on another", func(t *testing.T) {
		a, b := sealedClient(t, urls[0], http.DefaultClient), sealedClient(t, urls[1], http.DefaultClient)
		res, err := a.Do(ctx, sealedStep1(fr.URL, ""))
		require.NoError(t, err)
		var tok tokenAnswer
		require.NoError(t, json.Unmarshal(res.Body, &tok))
		bearer := map[string]string{"Authorization": "Bearer " + tok.AccessToken, "Property": wire.SandboxProperty}
		res, err = b.Do(ctx, innerRequest(t, fr.URL, "GET", "/sandbox/api/v2/", bearer, ""))
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.Status, string(res.Body))

		// The sandbox's writes are in Redis: written through one instance,
		// read, changed and removed through the others.
		bearer["Content-Type"] = "application/json"
		res, err = a.Do(ctx, innerRequest(t, fr.URL, "POST", "/sandbox"+wire.ReservationsPath, bearer,
			`{"start_date": "`+wire.ExampleDay(time.Now())+`", "start_hour": "13:00:00", "pax": 2, "customer": {"first_name": "Ana", "last_name": "Lopes"}, "service_id": 33840, "room_id": 23289}`))
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var created struct{ Data []struct{ ID int } }
		require.NoError(t, json.Unmarshal(res.Body, &created), string(res.Body))
		require.Len(t, created.Data, 1)
		one := "/sandbox" + wire.ReservationsPath + "/" + strconv.Itoa(created.Data[0].ID)
		res, err = b.Do(ctx, innerRequest(t, fr.URL, "GET", one, bearer, ""))
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.Status, string(res.Body))
		assert.Contains(t, string(res.Body), `"last_name":"Lopes"`)
		c := sealedClient(t, urls[2], http.DefaultClient)
		res, err = c.Do(ctx, innerRequest(t, fr.URL, "DELETE", one, bearer, ""))
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.Status, string(res.Body))
		res, err = a.Do(ctx, innerRequest(t, fr.URL, "GET", one, bearer, ""))
		require.NoError(t, err)
		assert.Contains(t, string(res.Body), `"status":"CANCELLED"`, "cancelled on every instance: %s", res.Body)
	})

	t.Run("a sealed request replayed to another instance is refused", func(t *testing.T) {
		_, keys := get(t, urls[0]+wire.RelayKeysPath, nil)
		configs, err := ohttp.ParseKeyConfigs([]byte(keys))
		require.NoError(t, err)
		plain, err := sealedStep1(fr.URL, "").MarshalBinary()
		require.NoError(t, err)
		sealed, cc, err := ohttp.SealRequest(configs[0], plain)
		require.NoError(t, err)
		first, err := sealedTransport(urls[0], http.DefaultClient)(ctx, sealed)
		require.NoError(t, err)
		assert.Empty(t, sealedProblemOf(first, cc), "relayed once")
		for _, other := range urls[1:] {
			again, err := sealedTransport(other, http.DefaultClient)(ctx, sealed)
			require.NoError(t, err)
			assert.Equal(t, wire.ProblemReplayed.URI, sealedProblemOf(again, cc))
		}
	})

	t.Run("one rate limit across the instances", func(t *testing.T) {
		hc := loopback.Client(loopback.Addr(2000))
		start, allowed := time.Now(), 0
		for range 3 * scaleOutBurst {
			if postSealed(t, hc, fr.URL, []byte("junk")) != http.StatusTooManyRequests {
				allowed++
			}
		}
		// The default 5 a second comes back meanwhile; three limits would
		// have let three bursts through.
		most := scaleOutBurst + int(5*time.Since(start).Seconds()) + 1
		assert.GreaterOrEqual(t, allowed, scaleOutBurst)
		assert.LessOrEqual(t, allowed, most, "the burst of %d is counted once across the three instances", scaleOutBurst)
	})

	t.Run("an instance killed under load", func(t *testing.T) {
		l := startScaleOutLoad(t, fr.URL, 16)
		l.waitServed(t, 40)
		require.NoError(t, instances[2].cmd.Process.Kill())
		killedAt := l.served.Load()
		l.waitServed(t, killedAt+80) // the two others serve on through the front
		failed := l.stop()
		assert.LessOrEqual(t, len(failed), 16, "at most the requests in flight on the killed instance failed: %v", failed)
		t.Logf("SIGKILL under load: %d served, %d failed (in flight on the killed instance): %.300v", l.served.Load(), len(failed), failed)
	})

	t.Run("SIGTERM drains", func(t *testing.T) {
		l := startScaleOutLoad(t, fr.URL, 8)
		l.waitServed(t, 20)
		require.NoError(t, instances[1].cmd.Process.Signal(syscall.SIGTERM))
		select {
		case err := <-instances[1].exited:
			assert.NoError(t, err, "exit status 0\n%s", instances[1].Stderr.String())
		case <-time.After(40 * time.Second):
			t.Fatal("the instance did not exit")
		}
		stopped := l.served.Load()
		l.waitServed(t, stopped+20) // the last one serves on
		assert.Empty(t, l.stop(), "the front stopped routing to the draining instance before it closed")
		assert.Contains(t, instances[1].Stderr.String(), "draining")
	})
	t.Logf("scale-out test: %s", time.Since(began).Round(100*time.Millisecond))
}

// allReadyz says whether /readyz answers status on every instance.
func allReadyz(urls []string, status int) bool {
	for _, u := range urls {
		if readyz(u) != status {
			return false
		}
	}
	return true
}

// waitWithin polls cond until it holds, failing the test after limit: a
// deadline the server promises (the README says it), not a measure of
// speed.
func waitWithin(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	if !testkit.Eventually(limit, cond) {
		t.Fatalf("not within %s: %s", limit, what)
	}
}

// scaleOutLoad is browsers using the playground through the front: each
// from its own address, a sealed Step 1 every 250 ms (within the relay's
// and the sandbox's 5 a second).
type scaleOutLoad struct {
	served   atomic.Int64
	mu       sync.Mutex
	failures []string
	stopped  chan struct{}
	wg       sync.WaitGroup
}

func startScaleOutLoad(t *testing.T, base string, workers int) *scaleOutLoad {
	t.Helper()
	l := &scaleOutLoad{stopped: make(chan struct{})}
	for w := range workers {
		c := sealedClient(t, base, loopback.Client(loopback.Addr(3000+w)))
		l.wg.Go(func() {
			for {
				if err := sendStep1(context.Background(), c, base); err != nil {
					l.mu.Lock()
					l.failures = append(l.failures, err.Error())
					l.mu.Unlock()
				} else {
					l.served.Add(1)
				}
				select {
				case <-l.stopped:
					return
				case <-time.After(250 * time.Millisecond):
				}
			}
		})
	}
	return l
}

// waitServed waits until n requests were served, for 30 s at most.
func (l *scaleOutLoad) waitServed(t *testing.T, n int64) {
	t.Helper()
	waitWithin(t, 30*time.Second, fmt.Sprintf("%d requests served", n), func() bool { return l.served.Load() >= n })
}

// stop ends the load and returns its failures.
func (l *scaleOutLoad) stop() []string {
	close(l.stopped)
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failures
}
