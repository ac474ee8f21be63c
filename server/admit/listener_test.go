package admit

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit/loopback"
)

// connServer serves through a Listener of perClient and total connections;
// GET /hold waits until release is closed, anything else answers at once.
func connServer(t *testing.T, perClient, total int) (*Listener, string, chan struct{}) {
	t.Helper()
	return connServerWatched(t, perClient, total, nil)
}

// connServerWatched is connServer with afterFlood.
func connServerWatched(t *testing.T, perClient, total int, afterFlood func()) (*Listener, string, chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l := NewListener(ln, perClient, total, afterFlood)
	release := make(chan struct{})
	srv := &http.Server{
		Handler: l.Served(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/hold" {
				<-release
			}
			io.WriteString(w, "ok")
		})),
		ConnState:   l.ConnState,
		ConnContext: l.ConnContext,
	}
	go srv.Serve(l)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
		srv.Close()
		l.Release()
	})
	return l, ln.Addr().String(), release
}

// client is one raw keep-alive connection from an address.
type client struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, from, addr string) *client {
	t.Helper()
	c, err := loopback.Dialer(from).Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &client{Conn: c, r: bufio.NewReader(c)}
}

// send writes a GET for path; get reads its answer.
func (c *client) send(t *testing.T, path string) {
	t.Helper()
	_, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: test\r\n\r\n")
	require.NoError(t, err)
}

func (c *client) get(t *testing.T) (*http.Response, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(c.r, nil)
	if err == nil {
		io.ReadAll(res.Body)
		res.Body.Close()
	}
	return res, err
}

// idle makes a request on c and leaves the connection open, idle.
func (c *client) idle(t *testing.T) {
	t.Helper()
	c.send(t, "/")
	res, err := c.get(t)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
}

// closedOf counts the connections the server closed: a request on one
// fails at once, on the others it is answered.
func closedOf(t *testing.T, conns ...*client) int {
	t.Helper()
	closed := 0
	for _, c := range conns {
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
			closed++
			continue
		}
		if _, err := c.get(t); err != nil {
			closed++
		}
	}
	return closed
}

func waitIdle(t *testing.T, l *Listener, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.mu.Lock()
		n := 0
		for _, cc := range l.clients {
			n += len(cc.idle)
		}
		l.mu.Unlock()
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections idle, want %d", n, want)
		}
		time.Sleep(time.Millisecond)
	}
}

func waitOpen(t *testing.T, l *Listener, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, _ := l.Open()
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open, want %d", n, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertRefusedConn: over its cap, a connection that sent its request gets
// a 503 and is closed.
func assertRefusedConn(t *testing.T, c *client) {
	t.Helper()
	res, err := c.get(t)
	require.NoError(t, err, "a refused connection is told why")
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
	assert.True(t, res.Close, "Connection: close")
	_, err = c.r.ReadByte()
	assert.ErrorIs(t, err, io.EOF, "then closed")
}

func TestListenerPerClient(t *testing.T) {
	l, addr, _ := connServer(t, 3, 100)
	a, b := loopback.Addr(0), loopback.Addr(1)
	for range 3 {
		dial(t, a, addr).send(t, "/hold")
	}
	waitOpen(t, l, 3)
	over := dial(t, a, addr)
	over.send(t, "/")
	assertRefusedConn(t, over)
	other := dial(t, b, addr)
	other.idle(t)
	n, clients := l.Open()
	assert.Equal(t, 4, n)
	assert.Equal(t, 2, clients)
}

// At its cap, an address that opens another connection loses one of its
// own idle ones rather than be refused: a browser may open a new one while
// the server still keeps an old one alive.
func TestListenerClosesOwnIdleAtCap(t *testing.T) {
	l, addr, _ := connServer(t, 2, 100)
	a := loopback.Addr(0)
	first, second := dial(t, a, addr), dial(t, a, addr)
	first.idle(t)
	second.idle(t)
	waitIdle(t, l, 2)
	third := dial(t, a, addr)
	third.idle(t)
	waitOpen(t, l, 2)
	assert.Equal(t, 1, closedOf(t, first, second), "one idle connection made room")
}

// At the total cap, a newcomer gets room by closing an idle connection of
// the address holding the most; when none is idle, it is refused.
func TestListenerTotal(t *testing.T) {
	l, addr, release := connServer(t, 10, 5)
	hog, modest, newcomer := loopback.Addr(0), loopback.Addr(1), loopback.Addr(2)
	var hogs []*client
	for range 3 {
		c := dial(t, hog, addr)
		c.idle(t)
		hogs = append(hogs, c)
	}
	waitIdle(t, l, 3) // the server marks them idle just after answering
	// Two at work: now crowded, so no more connections stay idle.
	held := dial(t, modest, addr)
	held.send(t, "/hold")
	dial(t, modest, addr).send(t, "/hold")
	waitOpen(t, l, 5)

	c := dial(t, newcomer, addr)
	c.idle(t)
	assert.Equal(t, 1, closedOf(t, hogs...), "the address holding the most lost an idle connection")

	// When every connection is at work, there is nothing to close: refused.
	close(release)
	res, err := held.get(t)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode, "connections at work were never cut")
}

func TestListenerRefusesWhenAllAreBusy(t *testing.T) {
	l, addr, release := connServer(t, 10, 3)
	var busy []*client
	for i := range 3 {
		b := dial(t, loopback.Addr(i), addr)
		b.send(t, "/hold")
		busy = append(busy, b)
	}
	waitOpen(t, l, 3)
	over := dial(t, loopback.Addr(3), addr)
	over.send(t, "/")
	assertRefusedConn(t, over)
	close(release)
	for _, b := range busy {
		res, err := b.get(t)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode)
	}
}

// When crowded (over three quarters of the total open), a connection that
// falls idle is closed instead of kept alive.
func TestListenerClosesIdleWhenCrowded(t *testing.T) {
	l, addr, _ := connServer(t, 10, 4)
	for i := range 3 {
		dial(t, loopback.Addr(i), addr).send(t, "/hold")
	}
	waitOpen(t, l, 3)
	c := dial(t, loopback.Addr(3), addr)
	c.send(t, "/")
	res, err := c.get(t)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	waitOpen(t, l, 3)
	_, err = c.r.ReadByte()
	assert.ErrorIs(t, err, io.EOF)
}

// Once closed, the listener answers connections 503, those the kernel
// accepted before and those that come after, rather than reset them with
// their requests unanswered; after Release nothing listens.
func TestListenerCloseAnswersWaitingConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l := NewListener(ln, 10, 10, nil) // nothing calls Accept: connections wait in the backlog
	var waiting []*client
	for i := range 3 {
		c := dial(t, loopback.Addr(i), ln.Addr().String())
		c.send(t, "/")
		waiting = append(waiting, c)
	}
	require.NoError(t, l.Close())
	later := dial(t, loopback.Addr(3), ln.Addr().String())
	later.send(t, "/")
	for _, c := range append(waiting, later) {
		assertRefusedConn(t, c)
	}
	_, err = l.Accept()
	assert.ErrorIs(t, err, net.ErrClosed)
	require.NoError(t, l.Release())
	_, err = net.Dial("tcp", ln.Addr().String())
	assert.Error(t, err, "then nothing listens")
}

// Release returns only once a connection refused before has had its
// answer: a server that exits then, under a load that slows its clients,
// would cut it with no answer.
func TestListenerReleaseWaitsForTheRefusedToBeAnswered(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	l := NewListener(ln, 10, 10, nil)
	require.NoError(t, l.Close())
	slow := dial(t, loopback.Addr(0), ln.Addr().String()) // its request is late
	for deadline := time.Now().Add(5 * time.Second); len(l.lingering) == 0; time.Sleep(time.Millisecond) {
		require.True(t, time.Now().Before(deadline), "the connection is never taken to be refused")
	}
	released := make(chan error, 1)
	go func() { released <- l.Release() }()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break // the socket is closed
		}
		c.Close()
		require.True(t, time.Now().Before(deadline), "the socket is never closed")
	}
	select {
	case err := <-released:
		t.Fatalf("Release returned (%v) while a refused connection waited for its request", err)
	default:
	}
	slow.send(t, "/")
	assertRefusedConn(t, slow)
	require.NoError(t, <-released)
}

// Once a flood of connections is over, the listener says so (the server
// gives the memory they held back then).
func TestListenerReportsTheEndOfAFlood(t *testing.T) {
	ended := make(chan struct{}, 4)
	l, addr, _ := connServerWatched(t, 10, 8, func() { ended <- struct{}{} })
	var conns []*client
	for i := range 5 {
		c := dial(t, loopback.Addr(i), addr)
		c.idle(t)
		conns = append(conns, c)
	}
	waitOpen(t, l, 5)
	assert.Empty(t, ended, "not while it lasts")
	for _, c := range conns {
		c.Close()
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the end of the flood was not reported")
	}
}

// stopListenerClock holds l's time still, so that no connection's head is
// late until the test says; advance moves it on.
func stopListenerClock(l *Listener) (advance func(time.Duration)) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l.mu.Lock()
	l.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	l.mu.Unlock()
	return func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
}

// TestListenerSharesByRange: the addresses of one range share one range's
// cap, however many they are; another range still gets in.
func TestListenerSharesByRange(t *testing.T) {
	l, addr, _ := connServer(t, 4, 64) // a range's cap: 8
	for i := range 8 {
		dial(t, loopback.Addr(i), addr).send(t, "/hold")
	}
	waitOpen(t, l, 8)
	over := dial(t, loopback.Addr(8), addr)
	over.send(t, "/")
	assertRefusedConn(t, over)
	dial(t, loopback.Addr(1<<8), addr).idle(t)
}

// TestListenerReserveForNewcomers: once ranges that hold many connections
// fill all but the reserve, another of theirs is refused while a range that
// holds none still gets in.
func TestListenerReserveForNewcomers(t *testing.T) {
	l, addr, _ := connServer(t, 8, 128) // range cap 16, the reserve 16
	for r := range 14 {
		for range newcomerConns {
			dial(t, loopback.Addr(r<<8), addr).send(t, "/hold")
		}
	}
	waitOpen(t, l, 112)
	over := dial(t, loopback.Addr(1), addr) // a range holding 8, under its cap
	over.send(t, "/")
	assertRefusedConn(t, over)
	dial(t, loopback.Addr(20<<8), addr).idle(t)
}

// TestListenerClosesSlowHeadsFirst: on a full server with no idle
// connection, the connection that has waited longest for a request head,
// past headGrace, of a range holding more than the newcomer's, is closed to
// let the newcomer in; before that, the newcomer is refused. Connections at
// work are never cut.
func TestListenerClosesSlowHeadsFirst(t *testing.T) {
	l, addr, release := connServer(t, 4, 8)
	advance := stopListenerClock(l)
	var slow []*client
	for i := range 4 { // connect, send nothing: a slow header, from one range
		slow = append(slow, dial(t, loopback.Addr(i), addr))
		waitOpen(t, l, i+1)
		advance(time.Millisecond) // each its own time: the first is the oldest
	}
	var busy []*client
	for i := range 4 {
		b := dial(t, loopback.Addr((10+i)<<8), addr)
		b.send(t, "/hold")
		busy = append(busy, b)
	}
	waitOpen(t, l, 8)

	early := dial(t, loopback.Addr(20<<8), addr)
	early.send(t, "/")
	assertRefusedConn(t, early)

	advance(headGrace)
	dial(t, loopback.Addr(21<<8), addr).idle(t)
	_, err := slow[0].r.ReadByte()
	assert.Error(t, err, "the oldest slow head was closed")
	l.mu.Lock()
	heads := len(l.heads)
	l.mu.Unlock()
	assert.Equal(t, 3, heads, "the other slow heads stay")

	close(release)
	for _, b := range busy {
		res, err := b.get(t)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode, "connections at work were never cut")
	}
}
