package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/web"
)

// childEnv makes the test binary a server: the tests that need one in its
// own process (its memory measured, its descriptor limit low, SIGTERM sent
// to it) start it with startChild.
const childEnv = "OCTOPLAY_TEST_CHILD"

type childSpec struct {
	Args   []string `json:"args"`
	NoFile uint64   `json:"nofile"` // descriptor limit; 0 leaves it
	// Built serves the built web assets, the wasm a browser runs; false
	// serves stand-ins.
	Built bool `json:"built"`
	// HoldLimitClock stops the rate limits' clock at the start: a limit is
	// then met by a count of requests, however slowly the machine sends
	// them.
	HoldLimitClock bool `json:"hold_limit_clock"`
}

// serveAsChild runs the server as the binary does, with the stand-in
// assets, and returns its exit code.
func serveAsChild(spec string) int {
	var s childSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	if s.NoFile > 0 {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: s.NoFile, Max: s.NoFile}); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 2
		}
	}
	var assets fs.FS = standInAssets()
	if s.Built {
		assets = web.Assets
	}
	sw := swaps{assets: assets}
	if s.HoldLimitClock {
		start := time.Now()
		sw.limitClock = func() time.Time { return start }
	}
	if err := run(context.Background(), append([]string{"octoplay"}, s.Args...), os.Getenv, os.Stdout, os.Stderr, sw); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// child is a server in its own process.
type child struct {
	URL    string
	cmd    *exec.Cmd
	Stderr *testkit.SyncBuffer
	exited chan error
}

// startChild starts a server process with args and the descriptor limit
// nofile (0: the test's), waits until it is healthy, and kills it if the
// test ends first.
func startChild(t *testing.T, nofile uint64, args ...string) *child {
	t.Helper()
	return startChildSpec(t, childSpec{Args: args, NoFile: nofile})
}

// startChildSpec is startChild with the whole spec, on an address of its
// own.
func startChildSpec(t *testing.T, s childSpec) *child {
	t.Helper()
	addr := testkit.FreeAddr(t)
	s.Args = append([]string{"-addr", addr}, s.Args...)
	spec, err := json.Marshal(s)
	require.NoError(t, err)
	self, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	c := &child{URL: "http://" + addr, cmd: cmd, Stderr: &testkit.SyncBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = c.Stderr
	require.NoError(t, cmd.Start())
	go func() { c.exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	waitHealthy(t, c.URL, c.exited)
	return c
}

// memUse is a process's memory in bytes, from /proc/<pid>/status: anon is
// what it allocated and holds (RssAnon: what a flood leaves behind; the rest
// of the resident set is the binary's own pages), rss all it holds
// resident (VmRSS), peak the most it ever held resident (VmHWM).
type memUse struct{ anon, rss, peak int64 }

func (c *child) memory(t *testing.T) memUse {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	require.NoError(t, err)
	defer f.Close()
	var m memUse
	fields := map[string]*int64{"RssAnon": &m.anon, "VmRSS": &m.rss, "VmHWM": &m.peak}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, _ := strings.Cut(sc.Text(), ":")
		if p, ok := fields[name]; ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			require.NoError(t, err, sc.Text())
			*p = kb << 10
		}
	}
	require.NotZero(t, m.anon, "no RssAnon in /proc")
	return m
}

// waitMemoryBelow polls the child's anonymous resident memory until it is
// at most limit or timeout passes, and returns the last reading and when
// it came.
func (c *child) waitMemoryBelow(t *testing.T, limit int64, timeout time.Duration) (int64, time.Duration) {
	t.Helper()
	start := time.Now()
	var anon int64
	testkit.Eventually(timeout, func() bool {
		anon = c.memory(t).anon
		return anon <= limit
	})
	return anon, time.Since(start)
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

// memoryAfter describes the child's memory around an attack that began
// with before: its resident set then and at its peak, and its anonymous
// memory then and once it came back within 8 MB (or five seconds later).
func (c *child) memoryAfter(t *testing.T, before memUse) string {
	t.Helper()
	peak := c.memory(t).peak
	anon, after := c.waitMemoryBelow(t, before.anon+8<<20, 5*time.Second)
	return fmt.Sprintf("RSS %s before, peak %s; anonymous memory %s before, %s %s after",
		mb(before.rss), mb(peak), mb(before.anon), mb(anon), after.Round(100*time.Millisecond))
}
