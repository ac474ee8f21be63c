package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"octoplay/internal/precompress"
)

// wasmBuildFlags are the Makefile's wasm flags, which its server build
// uses too; bench_test.go checks that the Makefile still says the same.
var wasmBuildFlags = []string{"-trimpath", "-ldflags=-s -w"}

// benchTag builds the server whose relay may dial 127.0.0.1 (see
// server/relay's dialcontrol_bench.go); the shipped build never can.
const benchTag = "octoplaybench"

// buildOctoplay builds the server to measure as `make build` does, with the
// web assets as they are, and with -tags octoplaybench: the one difference,
// which lets its relay dial the bench's upstream on 127.0.0.1.
func buildOctoplay(ctx context.Context, cfg config, root, work string) (string, error) {
	if _, err := os.Stat(filepath.Join(root, "web", "app.wasm")); err != nil {
		return "", fmt.Errorf("bench: %w (make wasm builds it)", err)
	}
	bin := filepath.Join(work, "octoplay-bench")
	args := append(append([]string{"-tags", benchTag}, wasmBuildFlags...), "-o", bin, ".")
	return bin, goBuild(ctx, cfg, root, []string{"CGO_ENABLED=0"}, args...)
}

// buildHello builds the hello world as the Makefile builds the playground:
// the wasm with the same flags, precompressed by the same code, beside the
// playground's icons; and its server. It returns the folder.
func buildHello(ctx context.Context, cfg config, root, work string, log io.Writer) (string, error) {
	dir := filepath.Join(work, "hello")
	web := filepath.Join(dir, "web")
	const pkg = "./internal/cmd/bench/testdata/hello"
	args := append(append([]string{}, wasmBuildFlags...), "-o", filepath.Join(web, "app.wasm"), pkg)
	if err := goBuild(ctx, cfg, root, []string{"GOOS=js", "GOARCH=wasm"}, args...); err != nil {
		return "", err
	}
	if err := precompress.File(filepath.Join(web, "app.wasm"), log); err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	icons := filepath.Join(web, "icons")
	if err := os.RemoveAll(icons); err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	if err := os.CopyFS(icons, os.DirFS(filepath.Join(root, "web", "icons"))); err != nil {
		return "", fmt.Errorf("bench: icons: %w", err)
	}
	return dir, goBuild(ctx, cfg, root, nil, "-trimpath", "-o", filepath.Join(dir, "hello"), pkg)
}

// buildReference builds the sandbox and the proxy the relay is measured
// against (one program, a process for each).
func buildReference(ctx context.Context, cfg config, root, work string) (string, error) {
	bin := filepath.Join(work, "reference")
	return bin, goBuild(ctx, cfg, root, nil, "-trimpath", "-o", bin, "./internal/cmd/bench/testdata/reference")
}

func goBuild(ctx context.Context, cfg config, root string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, cfg.goCmd, append([]string{"build"}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("bench: go build %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// process is a server the bench started: it printed the URLs it serves on.
type process struct {
	name  string
	cmd   *exec.Cmd
	url   string   // the first URL it printed
	urls  []string // every URL on that line
	lines *urlWatcher
	done  chan struct{}
}

var loopbackURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// startProcess runs a server, waits for the line that names its
// loopback URLs and for its first answer there. Its log goes to
// work/name.log.
func startProcess(ctx context.Context, work, name string, argv ...string) (*process, error) {
	logFile, err := os.Create(filepath.Join(work, name+".log"))
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	found := &urlWatcher{found: make(chan []string, 1)}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = found, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("bench: start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, lines: found, done: make(chan struct{})}
	go func() { cmd.Wait(); logFile.Close(); close(p.done) }()
	select {
	case p.urls = <-found.found:
		p.url = p.urls[0]
	case <-p.done:
		return nil, fmt.Errorf("bench: %s exited at start; see %s.log", name, filepath.Join(work, name))
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("bench: %s printed no URL in 30s", name)
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
	return p, p.waitAnswering(ctx)
}

// urlWatcher reads a server's output and hands over the loopback URLs of
// the first line that has any; it keeps the first lines, for what comes
// after.
type urlWatcher struct {
	mu    sync.Mutex
	line  []byte
	lines []string
	found chan []string // gets one value
	sent  bool
}

// after is the rest of the first line that starts with prefix, or "".
func (u *urlWatcher) after(prefix string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, l := range u.lines {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return rest
		}
	}
	return ""
}

func (u *urlWatcher) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, b := range p {
		if b != '\n' {
			u.line = append(u.line, b)
			continue
		}
		if len(u.lines) < 100 {
			u.lines = append(u.lines, string(u.line))
		}
		if urls := loopbackURL.FindAllString(string(u.line), -1); urls != nil && !u.sent {
			u.found <- urls
			u.sent = true
		}
		u.line = u.line[:0]
	}
	return len(p), nil
}

func (p *process) waitAnswering(ctx context.Context) error {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		res, err := rawClient.Get(p.url + "/")
		if err == nil {
			res.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	p.stop()
	return fmt.Errorf("bench: %s does not answer at %s", p.name, p.url)
}

// stop asks the server to finish (SIGTERM), then kills it after 10 s.
func (p *process) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// resetPeakRSS starts VmHWM afresh (proc(5), clear_refs "5"), so the peak
// read later is the load's, not the start's.
func (p *process) resetPeakRSS() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.cmd.Process.Pid), []byte("5"), 0)
}

// cpuTime is the CPU time the process has used.
func (p *process) cpuTime() (time.Duration, error) { return cpuTimeOf(p.name, p.cmd.Process.Pid) }

// cpuTimeOf is the CPU time process pid (name, for errors) has used, user
// and system, all its threads (proc(5): utime and stime, in clock ticks of
// 1/100 s).
func cpuTimeOf(name string, pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("bench: %s's CPU time: %w", name, err)
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	i := strings.LastIndexByte(string(stat), ')')
	fields := strings.Fields(string(stat[i+1:]))
	if i < 0 || len(fields) < 13 {
		return 0, fmt.Errorf("bench: %s's /proc/PID/stat is not as proc(5) says", name)
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime, stime: fields 14 and 15 of the line
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bench: %s's CPU time: %w", name, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// peakRSS is the process's VmHWM in bytes.
func (p *process) peakRSS() (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("bench: %s's RSS: %w", p.name, err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("bench: no VmHWM in /proc/PID/status")
}
