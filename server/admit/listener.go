package admit

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"octoplay/internal/clientaddr"
)

// Listener caps the connections it hands out: per client address, and in
// all. Who can make it grow: anyone who connects. What bounds it: the caps;
// a connection over a cap is never handed to the server: it gets a minimal
// 503 and is closed, within a second, a bounded number at a time (see
// refuseConn). Before refusing, it closes an idle keep-alive connection if one can
// make room: the newcomer's own if it is at its cap, else one of the client
// holding the most. When more than three quarters of the total are open,
// connections that fall idle are closed rather than kept alive.
//
// Connections from the peers TrustProxies names (an HTTP proxy, which
// pools its connections for all the clients behind it) count in the total
// but not against a per-client cap: the requests on them count against the
// client the proxy forwards for.
//
// Pass its ConnState to http.Server.ConnState (that is how it knows which
// connections are idle), its ConnContext to http.Server.ConnContext, and
// wrap the server's handler with Served.
type Listener struct {
	net.Listener
	perClient, total int
	proxies          clientaddr.Proxies // peers exempt from the per-client cap
	closeOnce        sync.Once
	closeErr         error
	closing          atomic.Bool   // Close was called: new connections are refused
	released         atomic.Bool   // Release was called
	refusedAll       chan struct{} // closed when refuseAll returns
	acceptMu         sync.Mutex
	accepting        int        // callers inside the socket's Accept, through Accept
	acceptDone       *sync.Cond // signalled when accepting falls to zero

	// lingering holds a token per refused connection kept open a moment to
	// close cleanly: they hold descriptors too, so they are few. Release
	// waits for them (answering).
	lingering chan struct{}
	answering sync.WaitGroup

	mu      sync.Mutex
	flood   floodWatch
	open    int
	fresh   int // connections with no request served yet
	waiters []chan struct{}
	clients map[string]*clientConns
}

type clientConns struct {
	open int
	idle map[*conn]struct{}
}

// NewListener wraps ln with at most perClient connections per client
// address and total in all. afterFlood, if not nil, runs after the open
// connections fall under 1/16 of total having been over half of it (see
// floodWatch): each connection holds buffers and a goroutine.
func NewListener(ln net.Listener, perClient, total int, afterFlood func()) *Listener {
	l := &Listener{Listener: ln, perClient: perClient, total: total, clients: map[string]*clientConns{},
		lingering: make(chan struct{}, total/16+8), refusedAll: make(chan struct{}),
		flood: floodWatch{fn: afterFlood, high: int64(total / 2), low: int64(total / 16)}}
	l.acceptDone = sync.NewCond(&l.acceptMu)
	return l
}

// TrustProxies exempts connections from proxies from the per-client cap;
// call it before the first Accept.
func (l *Listener) TrustProxies(proxies clientaddr.Proxies) { l.proxies = proxies }

// Accept returns the next connection within the caps; it answers and
// closes the others itself.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		if !l.enterAccept() {
			return nil, net.ErrClosed
		}
		c, err := l.Listener.Accept()
		l.leaveAccept()
		if l.closing.Load() {
			if err == nil {
				l.refuseConn(c)
			}
			return nil, net.ErrClosed
		}
		if err != nil {
			return nil, err
		}
		remote := c.RemoteAddr().String()
		if admitted := l.admit(c, clientaddr.Key(remote), l.proxies.TrustsPeer(remote)); admitted != nil {
			return admitted, nil
		}
		l.refuseConn(c)
	}
}

// admit counts c for key, after closing an idle connection to make room if
// a cap is reached; nil when no room can be made. A proxy's connection
// meets the total cap only.
func (l *Listener) admit(c net.Conn, key string, proxy bool) *conn {
	l.mu.Lock()
	cc := l.clients[key]
	var victim *conn
	atCap := true
	switch {
	case cc != nil && cc.open >= l.perClient && !proxy:
		victim = anyIdle(cc)
	case l.open >= l.total:
		victim = l.idleOfBusiest()
	default:
		atCap = false
	}
	if atCap && victim == nil {
		l.mu.Unlock()
		return nil
	}
	if victim != nil {
		l.forget(victim)
	}
	if cc == nil {
		cc = &clientConns{idle: map[*conn]struct{}{}}
		l.clients[key] = cc
	}
	cc.open++
	l.open++
	l.flood.observe(int64(l.open))
	// Fresh from here, not from the server's StateNew: a stop between the
	// two must still wait for this connection's first request.
	l.fresh++
	l.mu.Unlock()
	if victim != nil {
		victim.Conn.Close()
	}
	admitted := &conn{Conn: c, l: l, key: key}
	admitted.fresh.Store(true)
	return admitted
}

func anyIdle(cc *clientConns) *conn {
	for c := range cc.idle {
		return c
	}
	return nil
}

// idleOfBusiest is an idle connection of the client with the most open
// connections that has one idle, or nil.
func (l *Listener) idleOfBusiest() *conn {
	var best *clientConns
	for _, cc := range l.clients {
		if len(cc.idle) > 0 && (best == nil || cc.open > best.open) {
			best = cc
		}
	}
	if best == nil {
		return nil
	}
	return anyIdle(best)
}

// forget uncounts c, once. The caller holds l.mu.
func (l *Listener) forget(c *conn) {
	if c.gone {
		return
	}
	l.unfresh(c)
	c.gone = true
	cc := l.clients[c.key]
	delete(cc.idle, c)
	if cc.open--; cc.open == 0 {
		delete(l.clients, c.key)
	}
	l.open--
	l.flood.observe(int64(l.open))
}

// ConnState tracks which connections are idle, and closes one that falls
// idle while the server is crowded.
func (l *Listener) ConnState(nc net.Conn, state http.ConnState) {
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	l.mu.Lock()
	if state != http.StateNew && state != http.StateActive {
		l.unfresh(c) // closed or hijacked; idle only after a request was served
	}
	crowded := l.open*4 > l.total*3
	if !c.gone {
		if state == http.StateIdle && !crowded {
			l.clients[c.key].idle[c] = struct{}{}
		} else {
			delete(l.clients[c.key].idle, c)
		}
	}
	l.mu.Unlock()
	if state == http.StateIdle && crowded {
		c.Close()
	}
}

// Open is how many connections are open now, and from how many client
// addresses.
func (l *Listener) Open() (conns, clients int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open, len(l.clients)
}

// conn is an admitted connection, uncounted when closed.
type conn struct {
	net.Conn
	l     *Listener
	key   string
	gone  bool        // uncounted; guarded by l.mu
	fresh atomic.Bool // no request of it served yet; changed under l.mu
}

func (c *conn) Close() error {
	c.l.mu.Lock()
	c.l.forget(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}
