package admit

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"octoplay/internal/clientaddr"
)

// refusalBody says why a connection is refused: over its cap, or the
// server is closing.
const refusalBody = "too many connections, or closing: try again soon\n"

// refusal is the whole answer to such a connection: HTTP/1.1 a client
// understands, sent before any request is read.
var refusal = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n" +
	"Content-Length: " + strconv.Itoa(len(refusalBody)) + "\r\n\r\n" + refusalBody

// Listener caps the connections it hands out: per client address, and in
// all. Who can make it grow: anyone who connects. What bounds it: the caps;
// a connection over a cap is never handed to the server: it gets a minimal
// 503 and is closed, within a second, a bounded number at a time (see
// refuseConn). Before refusing, it closes an idle keep-alive connection if one can
// make room: the newcomer's own if it is at its cap, else one of the client
// holding the most. When more than three quarters of the total are open,
// connections that fall idle are closed rather than kept alive.
//
// Pass its ConnState to http.Server.ConnState (that is how it knows which
// connections are idle), its ConnContext to http.Server.ConnContext, and
// wrap the server's handler with Served.
type Listener struct {
	net.Listener
	perClient, total int
	closeOnce        sync.Once
	closeErr         error
	closing          atomic.Bool   // Close was called: new connections are refused
	released         atomic.Bool   // Release was called
	refusedAll       chan struct{} // closed when refuseAll returns
	acceptMu         sync.Mutex
	accepting        int        // callers inside the socket's Accept, through Accept
	acceptDone       *sync.Cond // signalled when accepting falls to zero

	// lingering holds a token per refused connection kept open a moment to
	// close cleanly: they hold descriptors too, so they are few.
	lingering chan struct{}

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
		key := clientaddr.Key(c.RemoteAddr().String())
		if admitted := l.admit(c, key); admitted != nil {
			return admitted, nil
		}
		l.refuseConn(c)
	}
}

// admit counts c for key, after closing an idle connection to make room if
// a cap is reached; nil when no room can be made.
func (l *Listener) admit(c net.Conn, key string) *conn {
	l.mu.Lock()
	cc := l.clients[key]
	var victim *conn
	atCap := true
	switch {
	case cc != nil && cc.open >= l.perClient:
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

type connKey struct{}

// ConnContext is for http.Server.ConnContext: it lets Served find the
// connection a request came on.
func (l *Listener) ConnContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// Served wraps the server's handler: a request that reaches it is one
// net/http will answer, so its connection no longer waits for its first
// request. (Not StateActive: net/http sets it before it checks whether it
// is shutting down, and drops the request if it is.)
func (l *Listener) Served(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(connKey{}).(*conn); ok && c.fresh.Load() {
			l.mu.Lock()
			l.unfresh(c)
			l.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// unfresh notes that c has had its first request served or is gone, and
// wakes AwaitFirstRequests when it was the last. The caller holds l.mu.
func (l *Listener) unfresh(c *conn) {
	if !c.fresh.Swap(false) {
		return
	}
	if l.fresh--; l.fresh == 0 {
		for _, w := range l.waiters {
			close(w)
		}
		l.waiters = nil
	}
}

// AwaitFirstRequests waits until every open connection has had its first
// request reach the handler Served wraps (or closed), or ctx is done. A server that stops should call
// Close, then this, then http.Server.Shutdown, then Release: net/http
// drops, unanswered, a request it reads once Shutdown has begun, though its
// client connected before. (The server's ReadHeaderTimeout bounds the wait.)
func (l *Listener) AwaitFirstRequests(ctx context.Context) {
	for {
		l.mu.Lock()
		if l.fresh == 0 {
			l.mu.Unlock()
			return
		}
		w := make(chan struct{})
		l.waiters = append(l.waiters, w)
		l.mu.Unlock()
		select {
		case <-w:
		case <-ctx.Done():
			return
		}
	}
}

// Open is how many connections are open now, and from how many client
// addresses.
func (l *Listener) Open() (conns, clients int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open, len(l.clients)
}

// Close stops handing out connections; closing again does nothing. The
// socket stays open: until Release, every new connection is answered a 503
// with Retry-After and closed. Closing the socket at once would reset the
// connections the kernel had already accepted, their requests lost without
// an answer, and those that keep coming while the server finishes its
// requests in flight.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		l.acceptMu.Lock()
		l.closing.Store(true)
		l.acceptMu.Unlock()
		dl, ok := l.Listener.(interface{ SetDeadline(time.Time) error })
		if !ok {
			l.closeErr = l.Listener.Close()
			close(l.refusedAll)
			return
		}
		// Wake whoever waits in Accept (the server's loop, which must
		// return), then take over the socket.
		dl.SetDeadline(time.Unix(1, 0))
		l.acceptMu.Lock()
		for l.accepting > 0 {
			l.acceptDone.Wait()
		}
		l.acceptMu.Unlock()
		dl.SetDeadline(time.Time{})
		go l.refuseAll()
	})
	return l.closeErr
}

func (l *Listener) enterAccept() bool {
	l.acceptMu.Lock()
	defer l.acceptMu.Unlock()
	if l.closing.Load() {
		return false
	}
	l.accepting++
	return true
}

func (l *Listener) leaveAccept() {
	l.acceptMu.Lock()
	defer l.acceptMu.Unlock()
	if l.accepting--; l.accepting == 0 {
		l.acceptDone.Broadcast()
	}
}

// refuseAll answers every connection until Release.
func (l *Listener) refuseAll() {
	defer close(l.refusedAll)
	for {
		c, err := l.Listener.Accept()
		if err == nil {
			l.refuseConn(c)
			continue
		}
		if l.released.Load() || errors.Is(err, net.ErrClosed) {
			return
		}
		time.Sleep(5 * time.Millisecond) // out of descriptors: wait, as net/http does
	}
}

// releaseAfter is how long Release keeps refusing before it closes the
// socket: clients whose requests were the last in flight may send the next
// one at once.
const releaseAfter = 50 * time.Millisecond

// Release closes the socket, after a last moment of refusals; from then on
// a connection is refused by the system. Call it once the server has shut
// down.
func (l *Listener) Release() error {
	if err := l.Close(); err != nil {
		return err
	}
	time.Sleep(releaseAfter)
	l.released.Store(true)
	err := l.Listener.Close()
	<-l.refusedAll
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
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

// refuseConn answers a connection over its cap, or that comes as the
// listener closes, and closes it; the accept loop never waits on it. The
// answer goes once the request has begun (a client reads a response that
// comes before its request as unsolicited, and drops it), then the client
// gets a moment to finish sending and close its side, as a careful server
// closes (RFC 9112 §9.6): closing a socket with unread data resets the
// connection, and the client may lose the answer. All this takes a
// descriptor for up to lingerFor, so only a few connections at a time get
// it; beyond those, a connection is closed with no answer.
func (l *Listener) refuseConn(c net.Conn) {
	select {
	case l.lingering <- struct{}{}:
		go func() {
			defer func() { <-l.lingering }()
			answerAndClose(c)
		}()
	default:
		c.Close()
	}
}

// lingerFor bounds how long a refused connection is kept.
const lingerFor = time.Second

// answerAndClose waits for the request to begin, answers the refusal,
// closes its sending side, reads until the client closes its own, and
// closes c, all within lingerFor.
func answerAndClose(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(lingerFor))
	var buf [4096]byte
	if _, err := c.Read(buf[:]); err != nil {
		return
	}
	if _, err := c.Write([]byte(refusal)); err != nil {
		return
	}
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	for {
		if _, err := c.Read(buf[:]); err != nil {
			return
		}
	}
}
