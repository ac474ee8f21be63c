package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
	"octoplay/internal/wire"
	"octoplay/server/sandbox"
	"octoplay/server/state/redisstate"
)

// createRoom writes one room to the sandbox's demo property from hc with
// token, and returns the status.
func createRoom(hc *http.Client, base, token string, n int64) (int, error) {
	req, err := http.NewRequest(http.MethodPost, base+wire.SandboxMount+wire.PMSBase+"rooms",
		strings.NewReader(fmt.Sprintf(`{"name": "Room %d"}`, n)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Property", "1001")
	req.Header.Set("Content-Type", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// TestAttackSandboxWritesFromManyAddresses: 500 addresses × 100 objects
// filled the sandbox's 50 000 in about 20 s, and a newcomer then got 503
// for up to an hour. Now a range makes 500 at once (then 500 an hour), and
// the store's last tenth is kept for ranges new to it: 150 addresses of
// three /24s writing as fast as they may for 8 s store 1 500, and a user of
// another range meanwhile writes every time.
func TestAttackSandboxWritesFromManyAddresses(t *testing.T) {
	srv := startChild(t, 0)
	code, body := postToken(t, http.DefaultClient, srv.URL, sandbox.DemoClientSecret)
	require.Equal(t, http.StatusOK, code, body)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &tok))

	var stored, refused, failed, n atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 3 {
		for a := range 50 {
			hc := loopback.Client(loopback.Addr((400+r)<<8 + a))
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					switch status, err := createRoom(hc, srv.URL, tok.AccessToken, n.Add(1)); {
					case err != nil:
						failed.Add(1)
					case status == http.StatusCreated:
						stored.Add(1)
					case status == http.StatusTooManyRequests:
						refused.Add(1)
						time.Sleep(200 * time.Millisecond) // as a client told Retry-After would, roughly
					default:
						failed.Add(1)
					}
				}
			})
		}
	}
	user := loopback.Client(loopback.Addr(500 << 8))
	served, tries := 0, 0
	deadline := time.Now().Add(8 * time.Second)
	for time.Now().Before(deadline) {
		tries++
		if status, err := createRoom(user, srv.URL, tok.AccessToken, n.Add(1)); err == nil && status == http.StatusCreated {
			served++
		}
		time.Sleep(250 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("sandbox writes, 150 addresses of three /24s for 8 s: %d stored, %d refused 429, %d other; a user of another range: %d of %d written",
		stored.Load(), refused.Load(), failed.Load(), served, tries)
	assert.LessOrEqual(t, stored.Load(), int64(3*sandbox.RangeRecordsBurst+3*8), "each range stores its share, no more")
	assert.Equal(t, tries, served, "a user of another range writes every time")
}

// TestAttackRedisBurstFromManyAddresses: a burst of 6 000 sealed requests
// from 300 addresses (here 3 200 from 200, each address within its limits,
// all within the connection cap), timed out on Redis's pool,
// and one error marked the store away: about 1 200 honest requests got 503
// until the next probe. Now the pool is sized for the connection cap and a
// failed operation fails its own request only: a user meanwhile is served.
// Redis's dial, read and write timeouts are raised here from their second:
// on a starved machine (both cores busy with other work) the burst's new
// connections and operations can take longer, which fails those requests
// by design, and the user's share would measure the machine. The pool's
// wait stays 500 ms.
func TestAttackRedisBurstFromManyAddresses(t *testing.T) {
	r := testkit.StartRedis(t)
	// A Redis that has held the replay window for an hour: a new one
	// refuses requests for its first 40 s (see Many instances).
	_, err := r.Command("SET", redisstate.DefaultKeyPrefix+"epoch", strconv.FormatInt(time.Now().Add(-time.Hour).UnixMilli(), 10))
	require.NoError(t, err)
	srv := startChild(t, 0, "-redis-url", r.URL+"?dial_timeout=10s&read_timeout=10s&write_timeout=10s")
	const addresses, each = 200, 16 // each within its uploads at once and its burst, all within the connection cap
	clients := make([]*ohttp.Client, addresses)
	for i := range clients {
		clients[i] = sealedClient(t, srv.URL, loopback.Client(loopback.Addr((600+i)<<8)))
	}
	stop := make(chan struct{})
	took, failures := honestClient(t, srv.URL, 9400, 250*time.Millisecond, stop)
	var ok, refused atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for _, c := range clients {
		for range each {
			wg.Go(func() {
				if err := sendStep1(context.Background(), c, srv.URL); err != nil {
					refused.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					return
				}
				ok.Add(1)
			})
		}
	}
	wg.Wait()
	close(stop)
	honest := <-took
	errs := collect(failures)
	rate := float64(len(honest)) / float64(len(honest)+len(errs))
	t.Logf("a burst of %d sealed Step 1 from %d addresses on Redis: %d served, %d refused (%v); honest Step 1 during it: %s, %d failed (%.0f %% served)",
		addresses*each, addresses, ok.Load(), refused.Load(), firstErr.Load(), latency(honest), len(errs), 100*rate)
	assert.GreaterOrEqual(t, rate, 0.9, "a user is served during the burst: %v", errs)
}
