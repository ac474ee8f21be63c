// Package redisserver runs Debian's redis-server for the tests and the
// bench: on a loopback address, in a folder of its own, keeping nothing on
// disk (no snapshot, no append-only file), so that a restart is empty, as
// a crash with no persistence leaves it.
package redisserver

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Server is a redis-server this process started.
type Server struct {
	Addr string // 127.0.0.1:port

	bin, dir string
	args     []string // more of redis-server's options
	cmd      *exec.Cmd
	exited   chan struct{} // closed when cmd has exited
}

// Start runs bin (redis-server) on addr with dir as its folder, and waits
// until it answers PING. args are more of its options (a password, a
// socket, TLS); addr stays a plain TCP port.
func Start(bin, dir, addr string, args ...string) (*Server, error) {
	s := &Server{Addr: addr, bin: bin, dir: dir, args: args}
	return s, s.Start()
}

// URL is the server's redis:// URL, database 0.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Start runs the server (again, after Kill) on its address, and waits
// until it answers, for 10 s at most.
func (s *Server) Start() error {
	_, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("redisserver: %w", err)
	}
	logPath := filepath.Join(s.dir, "redis.log")
	log, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("redisserver: %w", err)
	}
	defer log.Close()
	args := append([]string{"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", s.dir}, s.args...)
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redisserver: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case <-exited:
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("redisserver: redis-server exited at start:\n%s", out)
		default:
		}
		if pong(s.Addr) {
			return nil
		}
	}
	s.Kill()
	return errors.New("redisserver: redis-server does not answer on " + s.Addr)
}

// PID is the running server's process id; 0 when it is not running.
func (s *Server) PID() int {
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Kill stops the server at once (SIGKILL), as a crash would; its data goes
// with it.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// pong says whether a Redis server answers PING on addr: PONG, or that it
// wants a password first.
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
	return err == nil && (strings.HasPrefix(line, "+PONG") || strings.HasPrefix(line, "-NOAUTH"))
}
