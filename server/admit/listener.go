package admit

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"octoplay/internal/clientaddr"
)

// Listener caps the connections it hands out: per client address, per
// address range (clientaddr.Range), and in all, with the last eighth of the
// total kept for ranges that hold few (newcomerConns), so that a party's
// share does not grow with the addresses it holds. Who can make it grow:
// anyone who connects. What bounds it: the caps; a connection over a cap is
// never handed to the server: it gets a minimal 503 and is closed, within a
// second, a bounded number at a time (see refuseConn). Before refusing, it
// closes a connection that can make room: an idle keep-alive one (the
// newcomer's own, or its range's, if it is at that cap, else one of the
// client holding the most), else the one that has waited longest, over
// headGrace, for its first request's head (a slow-header attack sends
// nothing else), of a range that would still hold more than the
// newcomer's. So however many ranges an attacker holds, each holds no more
// than a newcomer can take from, and the newcomer gets in. When more than
// three quarters of the total are open, connections that fall idle are
// closed rather than kept alive.
//
// Connections from the peers TrustProxies names (an HTTP proxy, which
// pools its connections for all the clients behind it) count in the total
// but not against a per-client or range cap or the reserve: the requests on them count against the
// client the proxy forwards for.
//
// Pass its ConnState to http.Server.ConnState (that is how it knows which
// connections are idle), its ConnContext to http.Server.ConnContext, and
// wrap the server's handler with Served.
type Listener struct {
	net.Listener
	perClient, total  int
	rangeCap, reserve int
	proxies           clientaddr.Proxies // peers exempt from the per-client and range caps
	now               func() time.Time
	closeOnce         sync.Once
	closeErr          error
	closing           atomic.Bool   // Close was called: new connections are refused
	released          atomic.Bool   // Release was called
	refusedAll        chan struct{} // closed when refuseAll returns
	acceptMu          sync.Mutex
	accepting         int        // callers inside the socket's Accept, through Accept
	acceptDone        *sync.Cond // signalled when accepting falls to zero

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
	ranges  map[string]int     // open connections per address range
	heads   map[*conn]struct{} // connections with no request served yet
}

type clientConns struct {
	open int
	idle map[*conn]struct{}
}

// A range that holds fewer than newcomerConns connections may take the
// reserve: a browser opens about six to a host.
const newcomerConns = 8

// headGrace is how long a new connection may take to send its first
// request's head before, on a crowded server, it may be closed to make
// room: a browser sends it at once, a slow-header attack never.
const headGrace = 2 * time.Second

// NewListener wraps ln with at most perClient connections per client
// address and total in all. afterFlood, if not nil, runs after the open
// connections fall under 1/16 of total having been over half of it (see
// floodWatch): each connection holds buffers and a goroutine.
func NewListener(ln net.Listener, perClient, total int, afterFlood func()) *Listener {
	l := &Listener{Listener: ln, perClient: perClient, total: total, rangeCap: max(total/8, perClient), reserve: total / 8, now: time.Now,
		clients: map[string]*clientConns{}, ranges: map[string]int{}, heads: map[*conn]struct{}{},
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

// admit counts c for key, after closing a connection to make room if a cap
// is reached (see victimFor); nil when no room can be made. A proxy's
// connection meets the total cap only.
func (l *Listener) admit(c net.Conn, key string, proxy bool) *conn {
	rng := clientaddr.Range(key)
	l.mu.Lock()
	victim, atCap := l.victimFor(key, rng, proxy)
	if atCap && victim == nil {
		l.mu.Unlock()
		return nil
	}
	if victim != nil {
		l.forget(victim)
	}
	cc := l.clients[key]
	if cc == nil {
		cc = &clientConns{idle: map[*conn]struct{}{}}
		l.clients[key] = cc
	}
	cc.open++
	l.ranges[rng]++
	l.open++
	l.flood.observe(int64(l.open))
	// Fresh from here, not from the server's StateNew: a stop between the
	// two must still wait for this connection's first request.
	l.fresh++
	admitted := &conn{Conn: c, l: l, key: key, rng: rng, since: l.now()}
	admitted.fresh.Store(true)
	l.heads[admitted] = struct{}{}
	l.mu.Unlock()
	if victim != nil {
		victim.Conn.Close()
	}
	return admitted
}

// victimFor says whether a connection for key in rng meets a cap, and
// which connection to close to make room (nil if none can be). The caller
// holds l.mu.
func (l *Listener) victimFor(key, rng string, proxy bool) (victim *conn, atCap bool) {
	cc, inRange := l.clients[key], l.ranges[rng]
	ours := func(c *conn) bool { return c.rng == rng }
	switch {
	case !proxy && cc != nil && cc.open >= l.perClient:
		return firstOf(anyIdle(cc), l.slowHead(func(c *conn) bool { return c.key == key })), true
	case !proxy && inRange >= l.rangeCap:
		return firstOf(l.idleOf(ours), l.slowHead(ours)), true
	case l.open >= l.total:
		// Room is made from a range that would still hold more than the
		// newcomer's: shares even out, and whoever holds least gets in.
		larger := func(c *conn) bool { return l.ranges[c.rng] > inRange+1 }
		return firstOf(l.idleOfBusiest(), l.slowHead(larger)), true
	case !proxy && l.open >= l.total-l.reserve && inRange >= newcomerConns:
		// The reserve is not for a range that holds many already: it
		// may only replace its own.
		return firstOf(l.idleOf(ours), l.slowHead(ours)), true
	}
	return nil, false
}

func firstOf(a, b *conn) *conn {
	if a != nil {
		return a
	}
	return b
}

// idleOf is an idle connection that match accepts, or nil. The caller
// holds l.mu.
func (l *Listener) idleOf(match func(*conn) bool) *conn {
	for _, cc := range l.clients {
		for c := range cc.idle {
			if !match(c) {
				break // a client's connections share a range
			}
			return c
		}
	}
	return nil
}

// slowHead is the connection, among those match accepts (nil: all), that
// has waited longest for its first request's head, if that is over
// headGrace; else nil. The caller holds l.mu.
func (l *Listener) slowHead(match func(*conn) bool) *conn {
	cutoff := l.now().Add(-headGrace)
	var oldest *conn
	for c := range l.heads {
		if c.since.After(cutoff) || match != nil && !match(c) {
			continue
		}
		if oldest == nil || c.since.Before(oldest.since) {
			oldest = c
		}
	}
	return oldest
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
	if l.ranges[c.rng]--; l.ranges[c.rng] <= 0 {
		delete(l.ranges, c.rng)
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
	rng   string      // clientaddr.Range of key
	since time.Time   // when it was admitted
	gone  bool        // uncounted; guarded by l.mu
	fresh atomic.Bool // no request of it served yet; changed under l.mu
}

func (c *conn) Close() error {
	c.l.mu.Lock()
	c.l.forget(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}
