package testkit

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// HAProxy says how a test's haproxy forwards to one server.
type HAProxy struct {
	Mode     string   // "tcp" or "http"
	Frontend []string // more lines of the frontend, such as "option forwardfor"
	Server   string   // host:port of the one server behind it
	// ServerOptions follow the server line, such as "send-proxy-v2" or
	// "source 127.0.0.9" (the address haproxy connects from).
	ServerOptions string
}

// StartHAProxy runs Debian's haproxy in the foreground with p's
// configuration, written to a temporary folder, listening on a free
// loopback port; it returns that host:port once it accepts connections,
// and kills haproxy when the test ends. Without haproxy, t fails in CI and
// is skipped elsewhere.
func StartHAProxy(t testing.TB, p HAProxy) string {
	t.Helper()
	bin := NeedCommand(t, "haproxy", "apt-get install haproxy")
	addr := FreeAddr(t)
	config := strings.Join([]string{
		"global",
		"  maxconn 256",
		"defaults",
		"  mode " + p.Mode,
		"  timeout connect 5s",
		"  timeout client 30s",
		"  timeout server 30s",
		"frontend in",
		"  bind " + addr,
		"  default_backend out",
		"  " + strings.Join(p.Frontend, "\n  "),
		"backend out",
		"  server s1 " + p.Server + " " + p.ServerOptions,
		"",
	}, "\n")
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatalf("start haproxy: %v", err)
	}
	var out SyncBuffer
	cmd := exec.Command(bin, "-db", "-f", path)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start haproxy: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	listening := func() bool {
		select {
		case <-exited:
			t.Fatalf("haproxy exited before it listened:\n%s\n%s", out.String(), config)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return false
		}
		c.Close()
		return true
	}
	WaitFor(t, 10*time.Second, listening, fmt.Sprintf("haproxy listened on %s", addr))
	return addr
}
