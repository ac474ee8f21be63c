package admit

import (
	"net"
	"net/http"
	"strconv"
	"sync"
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
// a connection over a cap gets a minimal 503 and is closed at once, never
// held. Before refusing, it closes an idle keep-alive connection if one can
// make room: the newcomer's own if it is at its cap, else one of the client
// holding the most. When more than three quarters of the total are open,
// connections that fall idle are closed rather than kept alive.
//
// Pass its ConnState to http.Server.ConnState: that is how it knows which
// connections are idle.
type Listener struct {
	net.Listener
	perClient, total int

	mu      sync.Mutex
	open    int
	clients map[string]*clientConns
}

type clientConns struct {
	open int
	idle map[*conn]struct{}
}

// NewListener wraps ln with at most perClient connections per client
// address and total in all.
func NewListener(ln net.Listener, perClient, total int) *Listener {
	return &Listener{Listener: ln, perClient: perClient, total: total, clients: map[string]*clientConns{}}
}

// Accept returns the next connection within the caps; it answers and
// closes the others itself.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := clientaddr.Key(c.RemoteAddr().String())
		if admitted := l.admit(c, key); admitted != nil {
			return admitted, nil
		}
		refuseConn(c)
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
	l.mu.Unlock()
	if victim != nil {
		victim.Conn.Close()
	}
	return &conn{Conn: c, l: l, key: key}
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
	c.gone = true
	cc := l.clients[c.key]
	delete(cc.idle, c)
	if cc.open--; cc.open == 0 {
		delete(l.clients, c.key)
	}
	l.open--
}

// ConnState tracks which connections are idle, and closes one that falls
// idle while the server is crowded.
func (l *Listener) ConnState(nc net.Conn, state http.ConnState) {
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	l.mu.Lock()
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

// drainFor is how long Close goes on accepting what is already waiting.
const drainFor = 50 * time.Millisecond

// Close stops listening. Connections the kernel already accepted but the
// server had not taken yet would be reset, a request on them lost without
// an answer: Close takes them first, for a moment, and answers each a 503
// with Retry-After, so that a client told nothing else knows to come back.
func (l *Listener) Close() error {
	if dl, ok := l.Listener.(interface{ SetDeadline(time.Time) error }); ok && dl.SetDeadline(time.Now().Add(drainFor)) == nil {
		for {
			c, err := l.Listener.Accept()
			if err != nil {
				break
			}
			refuseConn(c)
		}
	}
	return l.Listener.Close()
}

// conn is an admitted connection, uncounted when closed.
type conn struct {
	net.Conn
	l    *Listener
	key  string
	gone bool // uncounted; guarded by l.mu
}

func (c *conn) Close() error {
	c.l.mu.Lock()
	c.l.forget(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// refuseConn answers a connection over its cap and closes it, without ever
// waiting on the client. What the client already sent is read first, so
// that the close is an orderly one (closing with unread data would reset
// the connection, and the client could lose the 503).
func refuseConn(c net.Conn) {
	c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	c.Write([]byte(refusal))
	discardBuffered(c)
	c.Close()
}
