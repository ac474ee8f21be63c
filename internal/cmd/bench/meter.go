package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"
)

// meter is a TCP relay on 127.0.0.1 in front of a server that counts the
// bytes the server sends: what went over the wire to the browser, headers
// included, whether the page or its service worker asked.
type meter struct {
	ln       net.Listener
	target   string // host:port
	received atomic.Int64
	last     atomic.Int64 // unix nanoseconds of the last byte
}

// startMeter listens in front of the server at base ("http://host:port").
func startMeter(base string) (*meter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: meter: %w", err)
	}
	m := &meter{ln: ln, target: strings.TrimPrefix(base, "http://")}
	go m.accept()
	return m, nil
}

// url is where the browser goes instead of the server.
func (m *meter) url() string { return "http://" + m.ln.Addr().String() }

func (m *meter) accept() {
	for {
		client, err := m.ln.Accept()
		if err != nil {
			return
		}
		go m.pipe(client)
	}
}

func (m *meter) pipe(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", m.target)
	if err != nil {
		return
	}
	defer server.Close()
	go func() {
		io.Copy(server, client)
		server.(*net.TCPConn).CloseWrite()
	}()
	// A writer of our own: io.Copy would otherwise splice, uncounted.
	io.Copy(countingWriter{client, m}, server)
}

type countingWriter struct {
	w io.Writer
	m *meter
}

func (c countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.m.received.Add(int64(n))
	c.m.last.Store(time.Now().UnixNano())
	return n, err
}

// reset starts the count afresh.
func (m *meter) reset() { m.received.Store(0) }

// waitQuiet returns the count once nothing has been received for quiet,
// or when ctx ends.
func (m *meter) waitQuiet(ctx context.Context, quiet time.Duration) int64 {
	for {
		idle := time.Since(time.Unix(0, m.last.Load()))
		if idle >= quiet || ctx.Err() != nil {
			return m.received.Load()
		}
		select {
		case <-ctx.Done():
		case <-time.After(quiet - idle):
		}
	}
}

func (m *meter) close() { m.ln.Close() }
