package testkit

import (
	"testing"

	"octoplay/internal/redisserver"
)

// Redis is a redis-server of a test's own: Debian's, on a free loopback
// port, in a temporary folder, keeping nothing on disk, killed when the
// test ends. Kill and Start take it away and bring it back on the same
// port, empty, as a crash and a restart would.
type Redis struct {
	Addr string // host:port
	URL  string // redis://host:port/0

	t      testing.TB
	server *redisserver.Server
}

// StartRedis starts a redis-server for t, with args as more of its
// options; without one, t fails in CI and is skipped elsewhere.
func StartRedis(t testing.TB, args ...string) *Redis {
	t.Helper()
	bin := NeedCommand(t, "redis-server", "apt-get install redis-server")
	s, err := redisserver.Start(bin, t.TempDir(), FreeAddr(t), args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	return &Redis{Addr: s.Addr, URL: s.URL(), t: t, server: s}
}

// Start runs the server again on its address and waits until it answers.
func (r *Redis) Start() {
	r.t.Helper()
	if err := r.server.Start(); err != nil {
		r.t.Fatal(err)
	}
}

// Kill stops the server at once (SIGKILL), as a crash would.
func (r *Redis) Kill() { r.server.Kill() }

// Command sends one command to the server and returns its answer as text
// (redisserver.Server.Command says how).
func (r *Redis) Command(args ...string) (string, error) { return r.server.Command(args...) }
