// Package testkit is what the module's tests share: requiring a tool that a
// test runs (Chromium, curl, Node…), a clock that moves only when a test
// moves it, and a buffer a server and a test may share.
package testkit

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// Need stops a test whose tool is missing: err says why it was not found,
// how says how to get it. In CI (CI set, as .ci/run sets it) the test
// fails, since a skip there would hide what it checks; elsewhere it is
// skipped, saying what did not run. A nil err lets the test go on.
func Need(t testing.TB, what string, err error, how string) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing (%s), and CI runs every test: %v", what, how, err)
		return
	}
	t.Skipf("%s is missing, so this test did not run (%s): %v", what, how, err)
}

// NeedCommand requires a command on PATH and returns its path.
func NeedCommand(t testing.TB, name, how string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	Need(t, name, err, how)
	return path
}

// NeedFile requires a file and returns its path.
func NeedFile(t testing.TB, path, how string) string {
	t.Helper()
	_, err := os.Stat(path)
	Need(t, path, err, how)
	return path
}

// Clock is a clock that moves only when a test says so; its Now goes where
// the code under test takes a func() time.Time. It is safe for concurrent
// use, as a server under test reads it from its own goroutines.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a clock that stands at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// SyncBuffer is a bytes.Buffer that a server may write while a test reads it.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// FreeAddr is a loopback host:port that was free a moment ago, for a server
// a test starts on its own (a process that takes an address, not a listener).
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free address: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
