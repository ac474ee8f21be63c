package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit/loopback"
)

// idleConn is a keep-alive connection an attacker holds after one request.
type idleConn struct {
	net.Conn
	r *bufio.Reader
}

// request sends GET /healthz on c and says whether it was answered 200.
func (c *idleConn) request(host string) bool {
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: "+host+"\r\n\r\n"); err != nil {
		return false
	}
	res, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode == http.StatusOK && !res.Close
}

// holdIdle opens n connections from each address, one request each, and
// keeps every one open, answered or not; it returns them and how many
// requests were answered.
func holdIdle(t *testing.T, host string, from []string, n int) ([]*idleConn, int) {
	t.Helper()
	var mu sync.Mutex
	var conns []*idleConn
	answered := 0
	var wg sync.WaitGroup
	for _, addr := range from {
		wg.Go(func() {
			for range n {
				nc, err := loopback.Dialer(addr).Dial("tcp", host)
				if err != nil {
					continue
				}
				c := &idleConn{Conn: nc, r: bufio.NewReader(nc)}
				ok := c.request(host)
				mu.Lock()
				conns = append(conns, c)
				if ok {
					answered++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	return conns, answered
}

// stillOpen counts the connections the server keeps: a request on them is
// answered.
func stillOpen(conns []*idleConn, host string) int {
	open := 0
	for _, c := range conns {
		if c.request(host) {
			open++
		}
	}
	return open
}

// honestGet is someone else loading the page's health check: it must be
// answered within five seconds.
func honestGet(t *testing.T, base string, addr int) time.Duration {
	t.Helper()
	hc := loopback.Client(loopback.Addr(addr))
	hc.Timeout = 5 * time.Second
	start := time.Now()
	res, err := hc.Get(base + "/healthz")
	require.NoError(t, err, "someone else is served")
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	hc.CloseIdleConnections()
	return time.Since(start)
}

// TestAttackIdleConnections: one address held ~1000 idle keep-alive
// connections against a server with 1024 descriptors, and nobody else was
// served until it let go (here it tries 1100: more than the server has). Now an address holds at most 64 (each new one
// closes one of its own idle ones), the total stays under half the
// descriptors, and a crowded server closes connections that fall idle.
func TestAttackIdleConnections(t *testing.T) {
	srv := startChild(t, 1024)
	host := strings.TrimPrefix(srv.URL, "http://")
	before := srv.memory(t)

	first, answered := holdIdle(t, host, []string{loopback.Addr(7000)}, 1100)
	served := honestGet(t, srv.URL, 7999)
	held := stillOpen(first, host)
	assert.LessOrEqual(t, held, defaultConnsPerClient, "connections one address keeps")
	t.Logf("idle connections, one address: %d opened, %d answered, %d kept open; someone else served in %s",
		len(first), answered, held, served.Round(100*time.Microsecond))

	// Many addresses together: 16 × 64 would be 1024 connections.
	var many []string
	for i := range 16 {
		many = append(many, loopback.Addr(7100+i))
	}
	second, answered := holdIdle(t, host, many, defaultConnsPerClient)
	served = honestGet(t, srv.URL, 7998)
	kept := stillOpen(second, host)
	assert.Less(t, kept, (1024-descriptorHeadroom)/2, "connections kept in all")
	t.Logf("idle connections, 16 addresses: %d opened, %d answered, %d kept open; someone else served in %s",
		len(second), answered, kept, served.Round(100*time.Microsecond))
	for _, c := range append(first, second...) {
		c.Close()
	}
	t.Logf("idle connections: %s", srv.memoryAfter(t, before))
}

// slowHeads holds n connections from each address that send a request
// head one byte every pause and never finish it, opening another at once
// whenever the server closes one, until stop is closed; it returns how
// many connections it opened in all.
func slowHeads(host string, from []string, n int, pause time.Duration, stop <-chan struct{}) <-chan int {
	opened := make(chan int, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
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
					mu.Lock()
					total++
					mu.Unlock()
					head := "GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nX-Slow: "
					for i := 0; ; i++ {
						c.SetWriteDeadline(time.Now().Add(pause))
						if _, err := io.WriteString(c, string(head[i%len(head)])); err != nil {
							break
						}
						c.SetReadDeadline(time.Now().Add(pause))
						if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
							break // closed by the server: connect again
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
	go func() { wg.Wait(); opened <- total }()
	return opened
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestAttackSlowHeadersFromManyAddresses: 64 addresses, each in a /24 of
// its own and each within its cap of 64 connections, sent their request
// heads a byte every 2 s and took every connection the server would open:
// honest requests got 503 for 9 s of every 10. Now a crowded server
// closes the connection that has waited longest for its head, past 2 s,
// before it refuses a newcomer, and the last eighth of the connections is
// kept for ranges that hold few; so a user meanwhile is served.
func TestAttackSlowHeadersFromManyAddresses(t *testing.T) {
	srv := startChild(t, 1024) // at most 448 connections
	host := strings.TrimPrefix(srv.URL, "http://")
	var from []string
	for i := range 64 {
		from = append(from, loopback.Addr((100+i)<<8))
	}
	stop := make(chan struct{})
	opened := slowHeads(host, from, 8, 2*time.Second, stop)
	time.Sleep(3 * time.Second) // the heads are older than the grace
	took, failures := honestClient(t, srv.URL, 9100, 100*time.Millisecond, stop)
	time.Sleep(8 * time.Second)
	close(stop)
	honest := <-took
	errs := collect(failures)
	n := <-opened
	rate := float64(len(honest)) / float64(len(honest)+len(errs))
	t.Logf("slow headers, 64 addresses × 8 held (the server's cap: 448): %d connections opened in all; honest Step 1 during it: %s, %d failed (%.0f %% served)",
		n, latency(honest), len(errs), 100*rate)
	assert.GreaterOrEqual(t, rate, 0.9, "a user is served during the attack: %v", errs)
}

// pageLoads loads the page in a loop from each address, conns at a time,
// until stop is closed; it returns how many were served and how many were
// refused 429.
func pageLoads(base string, from []string, conns int, stop <-chan struct{}) <-chan [2]int {
	out := make(chan [2]int, 1)
	var served, refused atomic.Int64
	var wg sync.WaitGroup
	for _, addr := range from {
		hc := loopback.Client(addr)
		for range conns {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					req, _ := http.NewRequest(http.MethodGet, base+"/", nil)
					req.Header.Set("Accept-Encoding", "br")
					res, err := hc.Do(req)
					if err != nil {
						time.Sleep(100 * time.Millisecond)
						continue
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					switch res.StatusCode {
					case http.StatusOK:
						served.Add(1)
					case http.StatusTooManyRequests:
						refused.Add(1)
					}
				}
			})
		}
	}
	go func() { wg.Wait(); out <- [2]int{int(served.Load()), int(refused.Load())} }()
	return out
}

// TestAttackPageLoadsFromManyAddresses: the page was prerendered for every
// request (about 1 ms of CPU each), with no limit: one address with 64
// connections took 1.57 of 2 cores and a user's Step 1 went from 0.9 ms to
// 32 ms at p50. Now the page comes from memory and each address may load
// it 20 times a second; 64 addresses loading it as fast as they can, 4
// connections each, leave a user served. The limits' clock stands still,
// so an address meets its limit by a count of loads, however few a loaded
// machine makes in the time (the user sends few enough for its own).
func TestAttackPageLoadsFromManyAddresses(t *testing.T) {
	srv := startChildSpec(t, childSpec{HoldLimitClock: true})
	var from []string
	for i := range 64 {
		from = append(from, loopback.Addr((300+i)<<8))
	}
	stop := make(chan struct{})
	loads := pageLoads(srv.URL, from, 4, stop)
	took, failures := honestClient(t, srv.URL, 9300, time.Second, stop) // fewer than the relay's burst
	time.Sleep(8 * time.Second)
	close(stop)
	honest := <-took
	errs := collect(failures)
	got := <-loads
	rate := float64(len(honest)) / float64(len(honest)+len(errs))
	t.Logf("page loads, 64 addresses × 4 connections for 8 s: %d served, %d refused 429; honest Step 1 during it: %s, %d failed (%.0f %% served)",
		got[0], got[1], latency(honest), len(errs), 100*rate)
	assert.GreaterOrEqual(t, rate, 0.9, "a user is served during the attack: %v", errs)
	// One of the addresses goes on until it meets its limit: within its
	// burst, whatever it loaded during the attack.
	flooder, limited := loopback.Client(from[0]), false
	for range pageBurst + 1 {
		res, err := flooder.Get(srv.URL + "/")
		require.NoError(t, err)
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if limited = res.StatusCode == http.StatusTooManyRequests; limited {
			break
		}
	}
	assert.True(t, limited, "the addresses meet their page limit")
}
