// Package redisserver runs Debian's redis-server for the tests and the
// bench: on a loopback address, in a folder of its own, keeping nothing on
// disk (no snapshot, no append-only file), so that a restart is empty, as
// a crash with no persistence leaves it.
package redisserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// Command sends one command to the server on a connection of its own and
// returns its answer: a simple string, an integer or a bulk string as
// text, "" for a nil one; an error answer is an error. It is for what a
// test or the bench does to the server itself (CONFIG SET, a marker key),
// without a Redis client.
func (s *Server) Command(args ...string) (string, error) {
	c, err := net.DialTimeout("tcp", s.Addr, time.Second)
	if err != nil {
		return "", fmt.Errorf("redisserver: command: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	req := fmt.Appendf(nil, "*%d\r\n", len(args))
	for _, a := range args {
		req = fmt.Appendf(req, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.Write(req); err != nil {
		return "", fmt.Errorf("redisserver: command: %w", err)
	}
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("redisserver: command: %w", err)
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch {
	case line == "":
		return "", errors.New("redisserver: command: an empty answer")
	case line[0] == '+' || line[0] == ':':
		return line[1:], nil
	case line[0] == '-':
		return "", fmt.Errorf("redisserver: command %s: %s", args[0], line[1:])
	case line[0] == '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("redisserver: command: %w", err)
		}
		return string(buf[:n]), nil
	default:
		return "", fmt.Errorf("redisserver: command %s: an answer of a kind this does not read: %q", args[0], line)
	}
}
