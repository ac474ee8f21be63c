package testkit

import (
	"bufio"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Redis is a redis-server of a test's own: Debian's, on a free loopback
// port, in a temporary directory, with nothing written to disk, killed
// when the test ends. Kill and Start take it away and bring it back on the
// same port, empty, as a crash and a restart would.
type Redis struct {
	Addr string // host:port
	URL  string // redis://host:port/0

	t      testing.TB
	bin    string
	dir    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
}

// StartRedis starts a redis-server for t; without one, t fails in CI and
// is skipped elsewhere.
func StartRedis(t testing.TB) *Redis {
	t.Helper()
	bin := NeedCommand(t, "redis-server", "apt-get install redis-server")
	addr := FreeAddr(t)
	r := &Redis{Addr: addr, URL: "redis://" + addr + "/0", t: t, bin: bin, dir: t.TempDir()}
	r.Start()
	t.Cleanup(r.Kill)
	return r
}

// Start runs the server (again) on its address and waits until it answers.
func (r *Redis) Start() {
	r.t.Helper()
	_, port, _ := net.SplitHostPort(r.Addr)
	cmd := exec.Command(r.bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", r.dir)
	var out SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("redis-server: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	r.cmd, r.exited = cmd, exited
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case <-exited:
			r.t.Fatalf("redis-server exited at start:\n%s", out.String())
		default:
		}
		if pong(r.Addr) {
			return
		}
	}
	r.t.Fatalf("redis-server does not answer on %s:\n%s", r.Addr, out.String())
}

// Kill stops the server at once (SIGKILL), as a crash would; the data goes
// with it.
func (r *Redis) Kill() {
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Kill()
	<-r.exited
	r.cmd = nil
}

// pong says whether a Redis server answers PING on addr.
func pong(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}
