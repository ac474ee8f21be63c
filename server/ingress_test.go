package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
	"octoplay/internal/wire"
	"octoplay/server/admit"
)

// proxyPeer is the address the tests' haproxy connects to the server from,
// the one -trusted-proxies names; the server's own health check comes from
// 127.0.0.1, and the clients from loopback.Addr, none of them trusted.
const proxyPeer = "127.255.0.1"

// ingressServer runs the server with the sandbox's rate at a burst of 3
// on a clock that stands still, and args.
func ingressServer(t *testing.T, args ...string) *testServer {
	t.Helper()
	clock := testkit.NewClock(time.Now())
	args = append([]string{"-trusted-proxies", proxyPeer, "-sandbox-rate", "1", "-sandbox-burst", "3"}, args...)
	return startServerWith(t, swaps{assets: standInAssets(), limitClock: clock.Now}, nil, args...)
}

// sandboxGet is the status of a request to the sandbox at base from the
// client address from, with header's fields.
func sandboxGet(t *testing.T, base, from string, header ...string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/sandbox/api/v2/", nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	hc := loopback.Client(from)
	defer hc.CloseIdleConnections()
	res, err := hc.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// exhaust spends the sandbox burst of the client at from (3 requests that
// reach the sandbox, 401 without a token), and checks that the next is
// refused 429.
func exhaust(t *testing.T, base, from string, header ...string) {
	t.Helper()
	for i := range 3 {
		require.Equal(t, http.StatusUnauthorized, sandboxGet(t, base, from, header...), "request %d from %s reaches the sandbox", i+1, from)
	}
	require.Equal(t, http.StatusTooManyRequests, sandboxGet(t, base, from, header...), "%s's burst is spent", from)
}

func hostOf(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	require.NoError(t, err)
	return u.Host
}

// Behind a TCP load balancer that sends the PROXY protocol (haproxy,
// send-proxy-v2), each client keeps its own rate limit: one that spends
// its burst is refused while another, on another address behind the same
// balancer, is still served.
func TestBehindHAProxyWithProxyProtocol(t *testing.T) {
	s := ingressServer(t, "-proxy-protocol")
	front := "http://" + testkit.StartHAProxy(t, testkit.HAProxy{Mode: "tcp", Server: hostOf(t, s.URL), ServerOptions: "send-proxy-v2 source " + proxyPeer})
	busy, other := loopback.Addr(900), loopback.Addr(901)
	exhaust(t, front, busy)
	assert.Equal(t, http.StatusUnauthorized, sandboxGet(t, front, other), "another client behind the same balancer")
}

// The per-client connection cap counts the client the PROXY header names:
// one that holds its cap is refused another connection, while another
// client behind the same balancer connects.
func TestBehindHAProxyConnectionCapPerClient(t *testing.T) {
	metricsAddr := testkit.FreeAddr(t)
	s := ingressServer(t, "-proxy-protocol", "-conns-per-client", "2", "-metrics-addr", metricsAddr)
	front := testkit.StartHAProxy(t, testkit.HAProxy{Mode: "tcp", Server: hostOf(t, s.URL), ServerOptions: "send-proxy-v2 source " + proxyPeer})
	busy, other := loopback.Addr(910), loopback.Addr(911)
	for range 2 {
		c, err := loopback.Dialer(busy).Dial("tcp", front)
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		// A request begun, never finished: the connection is not idle.
		_, err = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
		require.NoError(t, err)
	}
	testkit.WaitFor(t, 10*time.Second, func() bool {
		m, _ := scrape(t, "http://"+metricsAddr)
		return m["octoplay_connections_open"] == 2
	}, "the server holds the two connections")
	assert.Equal(t, http.StatusServiceUnavailable, rawGet(t, busy, front), "a third connection from the client at its cap")
	assert.Equal(t, http.StatusOK, rawGet(t, other, front), "another client behind the same balancer")
}

// rawGet sends GET /healthz on a new connection from the address from to
// addr and returns the status; the connection is closed after.
func rawGet(t *testing.T, from, addr string) int {
	t.Helper()
	c, err := loopback.Dialer(from).Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	_, err = io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

// Behind an HTTP proxy that appends X-Forwarded-For (haproxy, option
// forwardfor), each client keeps its own rate limit, and a client that
// sends an X-Forwarded-For of its own still counts as itself: the server
// takes the rightmost address, the one the proxy appended.
func TestBehindHAProxyWithForwardedFor(t *testing.T) {
	s := ingressServer(t)
	front := "http://" + testkit.StartHAProxy(t, testkit.HAProxy{Mode: "http", Frontend: []string{"option forwardfor"}, Server: hostOf(t, s.URL), ServerOptions: "source " + proxyPeer})
	busy, other := loopback.Addr(920), loopback.Addr(921)
	exhaust(t, front, busy)
	assert.Equal(t, http.StatusUnauthorized, sandboxGet(t, front, other), "another client behind the same proxy")

	forger, victim := loopback.Addr(922), loopback.Addr(923)
	exhaust(t, front, forger, "X-Forwarded-For", "1.2.3.4")
	assert.Equal(t, http.StatusUnauthorized, sandboxGet(t, front, victim, "X-Forwarded-For", "1.2.3.4"),
		"the forger's requests counted against the forger, not the address it named")
}

// Behind an HTTP proxy, which carries many clients' requests on its pooled
// connections: the per-client connection cap does not refuse the proxy's
// connections, and the uploads at once per client count the client it
// forwards for. One client's upload stalls on one of the proxy's
// connections; another client's upload, on a second one, is served.
func TestBehindHAProxyUploadsAndConnectionsPerClient(t *testing.T) {
	metricsAddr := testkit.FreeAddr(t)
	s := ingressServer(t, "-conns-per-client", "1", "-uploads-per-client", "1", "-metrics-addr", metricsAddr)
	front := testkit.StartHAProxy(t, testkit.HAProxy{Mode: "http", Frontend: []string{"option forwardfor"}, Server: hostOf(t, s.URL), ServerOptions: "source " + proxyPeer})
	staller, other := loopback.Addr(930), loopback.Addr(931)
	tokenPath := wire.SandboxMount + wire.TokenPath

	c, err := loopback.Dialer(staller).Dial("tcp", front)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	_, err = io.WriteString(c, "POST "+tokenPath+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=")
	require.NoError(t, err)
	testkit.WaitFor(t, 10*time.Second, func() bool {
		m, _ := scrape(t, "http://"+metricsAddr)
		return m["octoplay_uploads_in_flight"] == 1
	}, "the stalled upload is in flight")

	hc := loopback.Client(other)
	defer hc.CloseIdleConnections()
	res, err := hc.Post("http://"+front+tokenPath, "application/x-www-form-urlencoded",
		strings.NewReader("grant_type=client_credentials&client_id=nobody&client_secret=wrong"))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "another client's upload reaches the sandbox: %s", body)
}

// A connection straight to the server, not through the proxy, is not
// believed: a PROXY header from a peer -trusted-proxies does not list is
// not read as one (the server sees a malformed request), and its
// X-Forwarded-For is ignored.
func TestDirectConnectionsAreNotBelieved(t *testing.T) {
	s := ingressServer(t, "-proxy-protocol")
	addr := hostOf(t, s.URL)
	c, err := loopback.Dialer(loopback.Addr(940)).Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	_, err = fmt.Fprintf(c, "PROXY TCP4 1.2.3.4 %s 5555 80\r\nGET /sandbox/api/v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", strings.Split(addr, ":")[0])
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "a PROXY header from an untrusted peer is a malformed request")

	forger, victim := loopback.Addr(941), loopback.Addr(942)
	exhaust(t, s.URL, forger, "X-Forwarded-For", "1.2.3.4")
	assert.Equal(t, http.StatusUnauthorized, sandboxGet(t, s.URL, victim, "X-Forwarded-For", "1.2.3.4"),
		"a direct client's X-Forwarded-For counted against itself")
}

// From the proxy's own address, a connection without a PROXY header is
// closed unserved, and one that sends nothing is closed once the header's
// time is up, without holding up the connections that do send one.
func TestProxyProtocolRefusesMissingHeaders(t *testing.T) {
	s := ingressServer(t, "-proxy-protocol")
	addr := hostOf(t, s.URL)
	front := testkit.StartHAProxy(t, testkit.HAProxy{Mode: "tcp", Server: addr, ServerOptions: "send-proxy-v2 source " + proxyPeer})

	silent, err := loopback.Dialer(proxyPeer).Dial("tcp", addr)
	require.NoError(t, err)
	defer silent.Close()

	noHeader, err := loopback.Dialer(proxyPeer).Dial("tcp", addr)
	require.NoError(t, err)
	defer noHeader.Close()
	noHeader.SetDeadline(time.Now().Add(20 * time.Second))
	_, err = io.WriteString(noHeader, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	n, err := noHeader.Read(make([]byte, 1))
	assert.Equal(t, 0, n, "no answer without a header")
	assert.Error(t, err, "closed")

	assert.Equal(t, http.StatusOK, rawGet(t, loopback.Addr(950), front), "a connection through the proxy is served meanwhile")
	// The silent one is still open: the others were not served after its
	// time ran out (ProxyHeaderTimeout, far longer than they took), but
	// beside it.
	silent.SetReadDeadline(time.Now().Add(time.Millisecond))
	_, err = silent.Read(make([]byte, 1))
	var ne net.Error
	require.ErrorAs(t, err, &ne, "the silent connection is still open")
	require.True(t, ne.Timeout())

	silent.SetReadDeadline(time.Now().Add(2 * admit.ProxyHeaderTimeout))
	_, err = silent.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "the server closed the silent connection once its time was up")
}

// proxiedGet sends, from the proxy's address straight to the server at
// addr, a PROXY header (v1, as text) naming client, then a request to the
// sandbox, and returns the status; 0 when the connection closes unanswered.
func proxiedGet(t *testing.T, addr, header string) int {
	t.Helper()
	c, err := loopback.Dialer(proxyPeer).Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	_, err = io.WriteString(c, header+"GET /sandbox/api/v2/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// The PROXY protocol's text form (v1) names the client as its binary
// form (v2, which haproxy sent above) does; a malformed header closes the
// connection unanswered.
func TestProxyProtocolVersion1(t *testing.T) {
	s := ingressServer(t, "-proxy-protocol")
	addr := hostOf(t, s.URL)
	v1 := func(client string) string { return fmt.Sprintf("PROXY TCP4 %s 127.0.0.1 5555 80\r\n", client) }
	busy, other := loopback.Addr(960), loopback.Addr(961)
	for i := range 3 {
		require.Equal(t, http.StatusUnauthorized, proxiedGet(t, addr, v1(busy)), "request %d", i+1)
	}
	assert.Equal(t, http.StatusTooManyRequests, proxiedGet(t, addr, v1(busy)), "the client the header names spent its burst")
	assert.Equal(t, http.StatusUnauthorized, proxiedGet(t, addr, v1(other)), "another client named by another header")
	assert.Equal(t, 0, proxiedGet(t, addr, "PROXY TCP4 not-an-address 127.0.0.1 5555 80\r\n"), "a malformed header")
}
