package admit

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"

	"github.com/pires/go-proxyproto"

	"octoplay/internal/clientaddr"
)

// ProxyHeaderTimeout bounds how long a peer has to send its PROXY header:
// a silent one is closed then, and holds no more than its descriptor and a
// goroutine until it is.
const ProxyHeaderTimeout = 10 * time.Second

// ProxyProtocol is a listener whose connections begin with a PROXY protocol
// header (v1 or v2): their RemoteAddr is the client the header names, so
// whatever keys on it (the connection caps, every per-address limit) counts
// the client behind a TCP load balancer rather than the balancer. A
// connection that sends no header, or a malformed one, within
// ProxyHeaderTimeout is closed unserved.
//
// When trusted lists peers, only their connections must send a header;
// those of any other peer are served as they come, and a PROXY header from
// them is not read as one (the server sees a malformed request). When it
// lists none, every connection must send one: only a listener that every
// connection reaches through the proxy should be one.
//
// Headers are read beside the accept loop, one goroutine each, so a silent
// peer delays nobody; at most pending are read at once, and a connection
// beyond those is closed at once. Who can make it grow: anyone who
// connects, up to pending, each for ProxyHeaderTimeout at most.
type ProxyProtocol struct {
	inner   net.Listener
	trusted clientaddr.Proxies
	timeout time.Duration
	pending chan struct{}
	ready   chan accepted
	done    chan struct{}
	once    sync.Once

	mu         sync.Mutex
	expired    chan struct{} // closed once the deadline SetDeadline set passes
	isExpired  bool          // expired is closed
	generation int           // of the deadline; a timer of an older one does nothing
	timer      *time.Timer
}

type accepted struct {
	c   net.Conn
	err error
}

// NewProxyProtocol starts taking ln's connections, reading their headers
// within timeout, at most pending at once.
func NewProxyProtocol(ln net.Listener, trusted clientaddr.Proxies, timeout time.Duration, pending int) *ProxyProtocol {
	p := &ProxyProtocol{inner: ln, trusted: trusted, timeout: timeout, pending: make(chan struct{}, pending),
		ready: make(chan accepted), done: make(chan struct{}), expired: make(chan struct{})}
	go p.acceptLoop()
	return p
}

func (p *ProxyProtocol) acceptLoop() {
	for {
		c, err := p.inner.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				p.once.Do(func() { close(p.done) })
				return
			}
			// Out of descriptors, say: the server's loop backs off.
			if !p.hand(accepted{err: err}) {
				return
			}
			continue
		}
		if !p.needsHeader(c.RemoteAddr()) {
			if !p.hand(accepted{c: c}) {
				c.Close()
				return
			}
			continue
		}
		select {
		case p.pending <- struct{}{}:
			go p.readHeader(c)
		default:
			c.Close()
		}
	}
}

// needsHeader says whether a connection from addr must begin with a header.
func (p *ProxyProtocol) needsHeader(addr net.Addr) bool {
	return !p.trusted.Any() || p.trusted.TrustsPeer(addr.String())
}

// readHeader hands c on once its header is read, or closes it.
func (p *ProxyProtocol) readHeader(c net.Conn) {
	defer func() { <-p.pending }()
	pc := proxyproto.NewConn(c, proxyproto.WithPolicy(proxyproto.REQUIRE), proxyproto.SetReadHeaderTimeout(p.timeout))
	if pc.ProxyHeader() == nil || !p.hand(accepted{c: pc}) {
		c.Close()
	}
}

// hand gives a to Accept; false once the listener is closed.
func (p *ProxyProtocol) hand(a accepted) bool {
	select {
	case p.ready <- a:
		return true
	case <-p.done:
		return false
	}
}

// Accept returns the next connection whose header is read (or that needs
// none).
func (p *ProxyProtocol) Accept() (net.Conn, error) {
	p.mu.Lock()
	expired := p.expired
	p.mu.Unlock()
	select {
	case a := <-p.ready:
		return a.c, a.err
	case <-expired:
		return nil, os.ErrDeadlineExceeded
	case <-p.done:
		return nil, net.ErrClosed
	}
}

// SetDeadline makes Accept return os.ErrDeadlineExceeded from t on, until
// another deadline is set; the zero time means none. (admit.Listener's
// Close wakes the server's Accept so.)
func (p *ProxyProtocol) SetDeadline(t time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
	}
	p.generation++
	if p.isExpired {
		p.expired, p.isExpired = make(chan struct{}), false
	}
	if !t.IsZero() {
		// Those in Accept wait on this channel: it is the one to close.
		generation := p.generation
		p.timer = time.AfterFunc(time.Until(t), func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.generation == generation && !p.isExpired {
				close(p.expired)
				p.isExpired = true
			}
		})
	}
	return nil
}

// Close closes the socket; headers being read are abandoned.
func (p *ProxyProtocol) Close() error {
	err := p.inner.Close()
	p.once.Do(func() { close(p.done) })
	return err
}

// Addr is the socket's address.
func (p *ProxyProtocol) Addr() net.Addr { return p.inner.Addr() }
