package admit

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// How a server stops without losing a request: Close (new connections are
// refused, the socket stays open), AwaitFirstRequests, http.Server.Shutdown
// (requests in flight finish), Release (the socket closes).

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
	delete(l.heads, c)
	if l.fresh--; l.fresh == 0 {
		for _, w := range l.waiters {
			close(w)
		}
		l.waiters = nil
	}
}

// AwaitFirstRequests waits until every open connection has had its first
// request reach the handler Served wraps (or closed), or ctx is done. Call
// it after Close and before http.Server.Shutdown: net/http drops,
// unanswered, a request it reads once Shutdown has begun, though its client
// connected before. (The server's ReadHeaderTimeout bounds the wait.)
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
// a connection is refused by the system. It returns once the connections
// refused before have had their answer (lingerFor at most): a process that
// exits then cuts none of them short. Call it once the server has shut
// down.
func (l *Listener) Release() error {
	if err := l.Close(); err != nil {
		return err
	}
	time.Sleep(releaseAfter)
	l.released.Store(true)
	err := l.Listener.Close()
	<-l.refusedAll
	l.answering.Wait()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
