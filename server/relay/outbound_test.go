package relay

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
)

func TestAllowedAddress(t *testing.T) {
	tests := []struct {
		name string
		addr string
		want bool
	}{
		{"IPv4 loopback", "127.0.0.1", false},
		{"IPv4 loopback, elsewhere in 127/8", "127.255.0.9", false},
		{"IPv6 loopback", "::1", false},
		{"IPv4-mapped IPv6 loopback", "::ffff:127.0.0.1", false},
		{"IPv4-compatible IPv6 loopback", "::127.0.0.1", false},
		{"private 10/8", "10.1.2.3", false},
		{"private 172.16/12", "172.16.0.1", false},
		{"private 172.16/12, top", "172.31.255.254", false},
		{"private 192.168/16", "192.168.1.1", false},
		{"IPv4-mapped private", "::ffff:192.168.1.1", false},
		{"link-local, cloud metadata", "169.254.169.254", false},
		{"IPv6 link-local", "fe80::1", false},
		{"IPv6 link-local with a zone", "fe80::1%eth0", false},
		{"IPv6 unique local", "fd00::1", false},
		{"IPv6 site-local (deprecated)", "fec0::1", false},
		{"CGNAT 100.64/10", "100.64.0.1", false},
		{"CGNAT 100.64/10, top", "100.127.255.254", false},
		{"IPv4 multicast", "224.0.0.1", false},
		{"IPv6 multicast", "ff02::1", false},
		{"IPv4 unspecified", "0.0.0.0", false},
		{"this network 0/8", "0.1.2.3", false},
		{"IPv6 unspecified", "::", false},
		{"broadcast", "255.255.255.255", false},
		{"reserved 240/4", "240.0.0.1", false},
		{"documentation TEST-NET-1", "192.0.2.1", false},
		{"documentation TEST-NET-2", "198.51.100.1", false},
		{"documentation TEST-NET-3", "203.0.113.1", false},
		{"IPv6 documentation", "2001:db8::1", false},
		{"benchmarking 198.18/15", "198.19.0.1", false},
		{"NAT64 of loopback", "64:ff9b::7f00:1", false},
		{"6to4 of loopback", "2002:7f00:1::1", false},
		{"Teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2", false},
		{"IPv6 discard", "100::1", false},
		{"public IPv4", "93.184.216.34", true},
		{"public IPv4 next to CGNAT", "100.128.0.1", true},
		{"public IPv4 next to 172.16/12", "172.32.0.1", true},
		{"public IPv6", "2606:4700::1", true},
		{"IPv4-mapped public", "::ffff:93.184.216.34", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ip, err := netip.ParseAddr(tt.addr)
			require.NoError(t, err)
			assert.Equal(t, tt.want, allowedAddress(ip))
			ap := netip.AddrPortFrom(ip, 443).String()
			err = guardDial("tcp", ap, nil)
			assert.Equal(t, tt.want, err == nil, "guardDial(%s) = %v", ap, err)
			if !tt.want {
				assert.True(t, errors.Is(err, errDialRefused), "guardDial(%s) = %v", ap, err)
			}
		})
	}
	assert.False(t, allowedAddress(netip.Addr{}), "the zero Addr")
	assert.ErrorIs(t, guardDial("tcp", "api.octotable.com:443", nil), errDialRefused, "a name, not an address")
}

// TestUpstreamFaults: what the upstream does wrong comes back as a sealed
// problem the UI can explain, or, when it is an answer, as it came.
func TestUpstreamFaults(t *testing.T) {
	t.Run("redirect is returned, not followed", func(t *testing.T) {
		elsewhere := newUpstream(t, nil)
		up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+"/steal", http.StatusTemporaryRedirect)
		})
		h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
		answer := h.do(t, h.inner("POST", up.URL+"/auth/token", "content-type", "application/x-www-form-urlencoded"))
		assert.Equal(t, http.StatusTemporaryRedirect, answer.Status)
		assert.Equal(t, elsewhere.URL+"/steal", answer.Header.Get("location"))
		assert.Equal(t, 1, up.Hits())
		assert.Zero(t, elsewhere.Hits(), "the redirect was followed")
	})
	// The slow upstreams below answer only once the test is over (the
	// cleanup runs before the upstream's own, which waits for it): a relay
	// that waited for them would never answer.
	t.Run("slow headers", func(t *testing.T) {
		over := make(chan struct{})
		up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-over:
			}
		})
		t.Cleanup(func() { close(over) })
		h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)}, func(c *Config) {
			c.Timeouts = Timeouts{ResponseHeader: 200 * time.Millisecond}
		})
		assertProblem(t, h.do(t, h.inner("GET", up.URL+"/api/slow")), http.StatusGatewayTimeout, wire.ProblemUpstreamTimeout.URI)
	})
	t.Run("slow body", func(t *testing.T) {
		over := make(chan struct{})
		up := newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			w.Write([]byte("{"))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-over:
			}
		})
		t.Cleanup(func() { close(over) })
		h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)}, func(c *Config) {
			c.Timeouts = Timeouts{Overall: 300 * time.Millisecond}
		})
		assertProblem(t, h.do(t, h.inner("GET", up.URL+"/api/slow")), http.StatusGatewayTimeout, wire.ProblemUpstreamTimeout.URI)
	})
	for _, method := range []string{"GET", "POST"} {
		t.Run("connection closed by hijack, "+method, func(t *testing.T) {
			up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close()
				}
			})
			h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
			assertProblem(t, h.do(t, h.inner(method, up.URL+"/api/x")), http.StatusBadGateway, wire.ProblemUpstreamUnreachable.URI)
		})
	}
	t.Run("connection reset on accept", func(t *testing.T) {
		// SO_LINGER 0 makes Close send RST.
		h, base := rawEnv(t, rawListener(t, func(c net.Conn) { c.(*net.TCPConn).SetLinger(0) }))
		assertProblem(t, h.do(t, h.inner("GET", base+"/api/x")), http.StatusBadGateway, wire.ProblemUpstreamUnreachable.URI)
	})
	t.Run("status code outside 200..599", func(t *testing.T) {
		h, base := rawEnv(t, rawListener(t, func(c net.Conn) {
			bufio.NewReader(c).ReadString('\n')
			io.WriteString(c, "HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\n{}")
		}))
		assertProblem(t, h.do(t, h.inner("GET", base+"/api/x")), http.StatusBadGateway, wire.ProblemUpstreamUnreachable.URI)
	})
	t.Run("body one byte over the cap", func(t *testing.T) {
		up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(strings.Repeat("x", maxUpstreamBody+1)))
		})
		h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
		assertProblem(t, h.do(t, h.inner("GET", up.URL+"/api/big")), http.StatusBadGateway, wire.ProblemUpstreamTooLarge.URI)
	})
	t.Run("declared over the cap", func(t *testing.T) {
		h, base := rawEnv(t, rawListener(t, func(c net.Conn) {
			bufio.NewReader(c).ReadString('\n')
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n{}", maxUpstreamBody+1)
		}))
		assertProblem(t, h.do(t, h.inner("GET", base+"/api/x")), http.StatusBadGateway, wire.ProblemUpstreamTooLarge.URI)
	})
	t.Run("declared longer than sent", func(t *testing.T) {
		h, base := rawEnv(t, rawListener(t, func(c net.Conn) {
			bufio.NewReader(c).ReadString('\n')
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}")
		}))
		assertProblem(t, h.do(t, h.inner("GET", base+"/api/x")), http.StatusBadGateway, wire.ProblemUpstreamUnreachable.URI)
	})
	// A HEAD answer declares the length of the GET's body and has none.
	t.Run("HEAD with a declared length", func(t *testing.T) {
		up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "94")
			w.WriteHeader(http.StatusOK)
		})
		h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
		answer := h.do(t, h.inner("HEAD", up.URL+"/api/x"))
		assert.Equal(t, http.StatusOK, answer.Status, string(answer.Body))
		assert.Empty(t, answer.Body)
	})
	t.Run("body exactly at the cap", func(t *testing.T) {
		up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(strings.Repeat("x", maxUpstreamBody)))
		})
		h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
		answer := h.do(t, h.inner("GET", up.URL+"/api/big"))
		assert.Equal(t, http.StatusOK, answer.Status)
		assert.Len(t, answer.Body, maxUpstreamBody)
	})
	t.Run("HTML 500 passes through", func(t *testing.T) {
		const page = "<!doctype html>\n<title>500</title><h1>Internal Server Error</h1>\n"
		up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(page))
		})
		h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
		answer := h.do(t, h.inner("GET", up.URL+"/api/x"))
		assert.Equal(t, http.StatusInternalServerError, answer.Status)
		assert.Equal(t, "text/html; charset=iso-8859-1", answer.Header.Get("content-type"))
		assert.Equal(t, page, string(answer.Body))
		assert.Empty(t, answer.Header.Get("octoplay-problem"))
	})
}

// rawListener serves each connection with serve, for upstreams that
// misbehave below what net/http lets a handler do.
func rawListener(t *testing.T, serve func(net.Conn)) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			serve(c)
			c.Close()
		}
	}()
	return ln
}

// rawEnv is an environment on ln, and a harness over it.
func rawEnv(t *testing.T, ln net.Listener) (*harness, string) {
	t.Helper()
	base := "http://" + ln.Addr().String()
	env, err := NewEnvironment("raw", "", base+"/auth/token", []string{base + "/api/"}, nil)
	require.NoError(t, err)
	return newHarness(t, []*Environment{env}), base
}

// The guard's signature is what net.Dialer.Control takes.
var _ func(string, string, syscall.RawConn) error = guardDial
