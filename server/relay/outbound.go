package relay

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"syscall"
	"time"

	"octoplay/internal/wire"
)

// Timeouts bound each stage of an upstream exchange.
type Timeouts struct {
	Connect        time.Duration // TCP connect and TLS handshake; zero means 5 s
	ResponseHeader time.Duration // from the request sent to the answer's headers; zero means 10 s
	Overall        time.Duration // the whole exchange, body included; zero means 20 s
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Connect == 0 {
		t.Connect = 5 * time.Second
	}
	if t.ResponseHeader == 0 {
		t.ResponseHeader = 10 * time.Second
	}
	if t.Overall == 0 {
		t.Overall = 20 * time.Second
	}
	return t
}

// maxUpstreamBody caps what the gateway reads back.
const maxUpstreamBody = wire.MaxAnswerBytes

// errDialRefused is what the dial guard answers for a forbidden address.
var errDialRefused = errors.New("relay: address not allowed")

// refusedPrefixes are the addresses no upstream may resolve to: loopback,
// private, link-local, CGNAT (RFC 6598), multicast, unspecified, and the
// other special-purpose ranges (RFC 6890) an attacker could point a name at.
var refusedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("192.88.99.0/24"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("224.0.0.0/4"),
	netip.MustParsePrefix("240.0.0.0/4"),
	// Unspecified, loopback and the deprecated IPv4-compatible ::a.b.c.d.
	netip.MustParsePrefix("::/96"),
	// NAT64 (RFC 6052, RFC 8215), 6to4 and Teredo embed an IPv4 address
	// that a translator or relay would reach for us: 2002:7f00:1:: is 127.0.0.1.
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001::/23"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("fec0::/10"),
	netip.MustParsePrefix("ff00::/8"),
}

// allowedAddress says whether the dial guard lets a connection go to ip.
func allowedAddress(ip netip.Addr) bool {
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	for _, p := range refusedPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// guardDial refuses, after DNS resolution and before connecting, every
// address allowedAddress refuses; a name that resolves to 127.0.0.1 is
// caught here, not by looking at the name.
func guardDial(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", errDialRefused, address)
	}
	if !allowedAddress(ap.Addr()) {
		return fmt.Errorf("%w: %s", errDialRefused, ap.Addr())
	}
	return nil
}

// newOutboundClient is the one client the gateway sends upstream with. It
// never follows redirects (RFC 9700 §4.12: a 307 re-sends the credentials
// wherever it points), ignores proxy settings from the environment, pools
// connections, and dials only what control allows; tests that run an
// upstream on loopback pass their own control.
func newOutboundClient(control func(network, address string, c syscall.RawConn) error, t Timeouts) *http.Client {
	dialer := &net.Dialer{Timeout: t.Connect, KeepAlive: 30 * time.Second, Control: control}
	transport := &http.Transport{
		Proxy:             nil,
		DialContext:       dialer.DialContext,
		ForceAttemptHTTP2: true,
		// The answer goes back as it came: no Accept-Encoding added, nothing
		// decompressed behind the sender's back.
		DisableCompression:     true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    32,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    t.Connect,
		ResponseHeaderTimeout:  t.ResponseHeader,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	// No Client.Timeout: forward bounds the whole exchange, body included,
	// with its context.
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// handlerTransport reaches an http.Handler in-process, as the sandbox is
// reached: no socket, so the dial guard needs no exception for loopback.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	res := rec.Result()
	if req.Method == http.MethodHead {
		// An HTTP server sends no body with a HEAD answer, whatever its
		// handler wrote (RFC 9110 §9.3.2): the recorder keeps it all.
		res.Body = http.NoBody
	}
	return res, nil
}

// NewHandlerTransport returns a RoundTripper that serves requests with h,
// in-process.
func NewHandlerTransport(h http.Handler) http.RoundTripper { return handlerTransport{h: h} }
