package admit

import (
	"net"
	"strconv"
	"time"
)

// refusalBody says why a connection is refused: over its cap, or the
// server is closing.
const refusalBody = "too many connections, or closing: try again soon\n"

// refusal is the whole answer to such a connection: HTTP/1.1 any client
// understands, whatever it asked.
var refusal = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\n" +
	"Content-Length: " + strconv.Itoa(len(refusalBody)) + "\r\n\r\n" + refusalBody

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
		l.answering.Go(func() {
			defer func() { <-l.lingering }()
			answerAndClose(c)
		})
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
