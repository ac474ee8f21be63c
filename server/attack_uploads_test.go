package server

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
	"octoplay/server/relay"
)

// TestAttackStalledUploads: 800 POST /relay from 40 addresses (20 each,
// within the rate limit), each declaring 256 KiB, sending 255 KiB and
// stalling. They were all read at once: 300 MB of memory, held for the
// minute's read timeout. Now only what fits the upload budget is read, the
// rest are refused at once (429 beyond an address's uploads, 503 beyond the
// budget), a user meanwhile still gets tokens, the stalled uploads are cut
// after 10 s, and the memory comes back.
func TestAttackStalledUploads(t *testing.T) {
	srv := startChild(t, 0)
	honestStep1Works(t, srv.URL) // warm up before the baseline
	before := srv.memory(t)

	const (
		addresses = 40
		each      = 20
		declared  = relay.MaxSealedRequest
		sent      = declared - 1<<10
	)
	host := strings.TrimPrefix(srv.URL, "http://")
	payload := bytes.Repeat([]byte{0xA5}, sent)
	head := fmt.Sprintf("POST /relay HTTP/1.1\r\nHost: %s\r\nContent-Type: message/ohttp-req\r\nContent-Length: %d\r\n\r\n", host, declared)

	var ended, refused atomic.Int64 // answered 429 or 503, or closed, before the stall ended
	var conns []net.Conn
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := make(chan struct{})
	took, failures := honestClient(t, srv.URL, 9000, 200*time.Millisecond, stop)
	start := time.Now()
	for a := range addresses {
		for range each {
			wg.Go(func() {
				c, err := loopback.Dialer(loopback.Addr(5000+a)).Dial("tcp", host)
				if err != nil {
					t.Errorf("dial: %v", err)
					return
				}
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
				c.Write([]byte(head))
				c.Write(payload) // fails once a refusal closed the connection
				c.SetReadDeadline(time.Now().Add(30 * time.Second))
				res, err := http.ReadResponse(bufio.NewReader(c), nil)
				if err == nil && (res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable) &&
					res.Header.Get("Retry-After") != "" && time.Since(start) < 5*time.Second {
					refused.Add(1)
				}
				ended.Add(1)
			})
		}
	}

	// Uploads over 16 KiB may use three quarters of the 32 MiB budget: 96 of
	// them. Every other is refused before it is read, within seconds.
	const mostRead = 32 << 20 * 3 / 4 / declared
	testkit.Eventually(8*time.Second, func() bool { return refused.Load() >= addresses*each-mostRead }) // asserted below
	peak := srv.memory(t).peak
	assert.GreaterOrEqual(t, refused.Load(), int64(addresses*each-mostRead), "uploads refused at once, before they were read")
	assert.Less(t, peak, before.rss+64<<20, "memory read into stalled uploads: peak %s, %s before", mb(peak), mb(before.rss))

	// The server cuts the stalled uploads after the body read timeout.
	wg.Wait()
	cut := time.Since(start)
	close(stop)
	for _, c := range conns {
		c.Close()
	}
	honest := <-took
	errs := collect(failures)
	assert.Empty(t, errs, "a user's Step 1 during the attack")
	assert.Less(t, cut, 20*time.Second, "every stalled upload ended")

	settled, after := srv.waitMemoryBelow(t, before.anon+8<<20, 30*time.Second)
	t.Logf("stalled uploads: %d sent, %d refused at once, all ended after %s; RSS %s before, peak %s; anonymous memory %s before, %s %s after; honest Step 1 during it: %s",
		addresses*each, refused.Load(), cut.Round(100*time.Millisecond), mb(before.rss), mb(peak),
		mb(before.anon), mb(settled), after.Round(100*time.Millisecond), latency(honest))
	assert.LessOrEqual(t, settled, before.anon+8<<20, "memory came back")
}

// honestStep1Works sends one sealed Step 1 from this machine's address.
func honestStep1Works(t *testing.T, base string) {
	t.Helper()
	require.NoError(t, sendStep1(t.Context(), sealedClient(t, base, http.DefaultClient), base))
}

// trickle holds n uploads from each address, each declaring size bytes of
// POST /relay and sending one every pause, starting another at once
// whenever the server ends one, until stop is closed.
func trickle(host string, from []string, n, size int, pause time.Duration, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	head := fmt.Sprintf("POST /relay HTTP/1.1\r\nHost: %s\r\nContent-Type: message/ohttp-req\r\nContent-Length: %d\r\n\r\n", host, size)
	for _, addr := range from {
		for range n {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					c, err := loopback.Dialer(addr).Dial("tcp", host)
					if err != nil {
						time.Sleep(pause)
						continue
					}
					c.Write([]byte(head))
					for {
						c.SetWriteDeadline(time.Now().Add(pause))
						if _, err := c.Write([]byte{0xA5}); err != nil {
							break
						}
						c.SetReadDeadline(time.Now().Add(pause))
						if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
							break // answered or closed: start another
						} else if err == nil {
							time.Sleep(pause) // refused: the answer came
							break
						}
						select {
						case <-stop:
							c.Close()
							return
						default:
						}
					}
					c.Close()
				}
			})
		}
	}
	return &wg
}

// TestAttackStalledSmallUploadsFromManyAddresses: 130 addresses × 16
// POST /relay declaring 16 KiB and sending a byte every 2 s, each address
// within its limits, held the whole 32 MiB upload budget: every honest
// upload got 503 for 10 s of every 11. Now the budget is shared out by
// address and range, the last eighth kept for ranges with little in
// flight, and the slowest uploads are cut first to make room: a user
// meanwhile is served.
func TestAttackStalledSmallUploadsFromManyAddresses(t *testing.T) {
	srv := startChild(t, 0)
	host := strings.TrimPrefix(srv.URL, "http://")
	var from []string
	for i := range 130 {
		from = append(from, loopback.Addr((20+i)<<8))
	}
	stop := make(chan struct{})
	attackers := trickle(host, from, 16, 16<<10, 2*time.Second, stop)
	time.Sleep(3 * time.Second)                                                  // the attack holds what it can
	took, failures := honestClient(t, srv.URL, 9200, 250*time.Millisecond, stop) // within its 5/s
	time.Sleep(8 * time.Second)
	close(stop)
	honest := <-took
	errs := collect(failures)
	attackers.Wait()
	rate := float64(len(honest)) / float64(len(honest)+len(errs))
	t.Logf("stalled 16 KiB uploads, 130 addresses × 16: honest Step 1 during it: %s, %d failed (%.0f %% served)",
		latency(honest), len(errs), 100*rate)
	assert.GreaterOrEqual(t, rate, 0.9, "a user is served during the attack: %v", errs)
}
