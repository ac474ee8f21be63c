// Command bench prints Octoplay's performance table (`make bench`). Every
// figure stands beside a reference measured in the same run, because this
// machine's absolute timings drift:
//
//   - the bytes over the wire of a first load and the time to interactive,
//     cold and warm, in headless Chromium, against a go-app hello world
//     (testdata/hello) built with the same flags and served the same way;
//   - sealed Step 1 token requests through the relay of the server, a
//     process of its own built as `make build` builds it but with -tags
//     octoplaybench (its relay may dial 127.0.0.1), with DHKEM(X25519) and
//     with X-Wing, one and 32 at a time, to a sandbox of its own process
//     over loopback TCP, against a bare httputil.ReverseProxy in front of
//     the same sandbox, and against the sandbox directly; each with the CPU
//     time of the process that forwards, per request; the server's peak RSS
//     meanwhile; and the relay to its in-process sandbox, as it runs by
//     default, against the relay over loopback;
//   - the same with the state in Redis (a redis-server the bench starts)
//     against the state in memory, and the state store's time per sealed
//     request, from each server's own metrics;
//   - the sealed channel's Go benchmarks, per suite;
//   - Lighthouse's performance figures (its mobile default) for the
//     playground, the hello world and the playground's page as a static
//     file, in turn, and the time until Step 1 can send under DevTools
//     throttling, when Lighthouse is installed (make test-deps).
//
// Load goes to 127.0.0.1 only and stops by itself: a fixed count of
// requests and loads, each run under a time limit. -short is CI's mode, a
// few requests and one load each, so that the bench cannot rot.
//
// What the relay and the page are measured against, the hello world and the
// reference servers, are programs of their own under testdata, built here:
// they import the server's packages, the bench does not.
//
//	go run ./internal/cmd/bench [-short] [-chromium PATH] [-lighthouse PATH] [-only loads|relay|lighthouse]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// config is what the flags set.
type config struct {
	short    bool
	chromium string        // the browser binary itself, not Debian's wrapper
	loads    int           // cold loads of each app
	requests int           // sealed or plain requests per relay run
	limit    time.Duration // the most any one relay run may take: less than the relay's Date skew (30 s), as requests are sealed before the run
	// cpuProfile, when set, is where the server's CPU profile during the
	// sealed X25519 run, 32 at a time, is written.
	cpuProfile string
	goCmd      string
	// only names the one part measured (-only): "loads", the browser
	// loads alone, since the relay runs take minutes and a page change is
	// judged in one; "relay", the relay runs alone, to judge a change to
	// the server. Empty: everything.
	only string
	// lighthouse is Lighthouse's command line (cli/index.js, run by
	// node); empty or absent, its rows are left out and the log says so.
	lighthouse string
	lhRuns     int // Lighthouse runs of each page, and throttled loads
}

func parseConfig(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&cfg.short, "short", false, "CI's mode: a few requests and one load of each app")
	fs.StringVar(&cfg.chromium, "chromium", envOr("OCTOPLAY_CHROMIUM", "/usr/lib/chromium/chromium"), "Chromium's binary")
	fs.IntVar(&cfg.loads, "loads", 0, "cold loads of each app (default 15, 1 with -short)")
	fs.IntVar(&cfg.lhRuns, "lighthouse-runs", 0, "Lighthouse runs of each page (default 5, 1 with -short)")
	fs.IntVar(&cfg.requests, "requests", 0, "requests per relay run (default 3000, 20 with -short)")
	fs.StringVar(&cfg.goCmd, "go", envOr("GO", "go"), "the go command")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write the server's CPU profile during the sealed X25519 run, 32 at a time, to `file` (go tool pprof reads it)")
	fs.StringVar(&cfg.only, "only", "", "measure one part alone: `part` is loads (the browser loads and their phases), relay (the relay runs) or lighthouse (the Lighthouse runs and the throttled ready to send), without the others or the Go benchmarks")
	fs.StringVar(&cfg.lighthouse, "lighthouse", os.Getenv("OCTOPLAY_LIGHTHOUSE"), "Lighthouse's cli/index.js (make test-deps installs it); without it, no Lighthouse rows")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	switch cfg.only {
	case "", onlyLoads, onlyRelay, onlyLighthouse:
	default:
		return config{}, fmt.Errorf("bench: -only %q: the parts that run alone are %s, %s and %s", cfg.only, onlyLoads, onlyRelay, onlyLighthouse)
	}
	if cfg.lighthouse != "" {
		if _, err := os.Stat(cfg.lighthouse); err != nil {
			cfg.lighthouse = ""
		}
	}
	if cfg.only == onlyLighthouse && cfg.lighthouse == "" {
		return config{}, errors.New("bench: -only lighthouse needs Lighthouse: make test-deps installs it, -lighthouse names its cli/index.js")
	}
	cfg.loads = orDefault(cfg.loads, cfg.short, 15, 1)
	cfg.requests = orDefault(cfg.requests, cfg.short, 3000, 20)
	cfg.lhRuns = orDefault(cfg.lhRuns, cfg.short, 5, 1)
	cfg.limit = 25 * time.Second
	if cfg.loads < 1 || cfg.requests < 1 || cfg.lhRuns < 1 {
		return config{}, errors.New("bench: -loads, -requests and -lighthouse-runs must be at least 1")
	}
	if _, err := os.Stat(cfg.chromium); err != nil {
		return config{}, fmt.Errorf("bench: no Chromium at %s (apt-get install chromium, or -chromium): %w", cfg.chromium, err)
	}
	return cfg, nil
}

// The parts -only measures alone.
const (
	onlyLoads = "loads"
	onlyRelay = "relay"
	// onlyLighthouse: the Lighthouse runs and the throttled ready to send.
	onlyLighthouse = "lighthouse"
)

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func orDefault(v int, short bool, full, shortDefault int) int {
	switch {
	case v != 0:
		return v
	case short:
		return shortDefault
	default:
		return full
	}
}

// run builds what it measures, starts the servers, measures, and prints
// the table to stdout; progress goes to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }
	root, err := moduleRoot(ctx, cfg.goCmd)
	if err != nil {
		return err
	}
	// Kept between runs: an unchanged hello world is not compressed again.
	work := filepath.Join(root, ".cache", "bench")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}

	logf("building the server, the hello world and the reference servers")
	bin, err := buildOctoplay(ctx, cfg, root, work)
	if err != nil {
		return err
	}
	helloDir, err := buildHello(ctx, cfg, root, work, stderr)
	if err != nil {
		return err
	}
	reference, err := buildReference(ctx, cfg, root, work)
	if err != nil {
		return err
	}

	// The upstream of every relay run, and the proxy in front of it.
	sb, err := startProcess(ctx, work, "sandbox", reference, "-serve", "sandbox",
		"-client-id", benchClientID, "-client-secret", benchClientSecret)
	if err != nil {
		return err
	}
	defer sb.stop()
	proxy, err := startProcess(ctx, work, "proxy", reference, "-serve", "proxy", "-upstream", sb.url)
	if err != nil {
		return err
	}
	defer proxy.stop()
	envFile, err := writeUpstreamConfig(work, sb.url)
	if err != nil {
		return err
	}

	// The server twice: its state in memory, and in a Redis of the bench's
	// own, each with its metrics (the state store's time per request).
	octoArgs := []string{bin, "-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0", "-config", envFile,
		"-relay-rate", "1000000", "-relay-burst", "1000000", "-uploads-per-client", "1000",
		"-sandbox-client-id", benchClientID, "-sandbox-client-secret", benchClientSecret}
	octo, err := startProcess(ctx, work, "octoplay", octoArgs...)
	if err != nil {
		return err
	}
	defer octo.stop()
	rd, err := startRedis(work)
	if err != nil {
		return err
	}
	defer rd.Kill()
	// A new Redis's replay window refuses the requests of its first 40 s
	// (it cannot tell them from copies of requests relayed before a
	// restart): the bench measures one in service.
	if _, err := rd.Command("SET", "octoplay:epoch", "0"); err != nil {
		return err
	}
	octoRedis, err := startProcess(ctx, work, "octoplay-redis", append(octoArgs, "-redis-url", rd.URL())...)
	if err != nil {
		return err
	}
	defer octoRedis.stop()
	hello, err := startProcess(ctx, work, "hello", filepath.Join(helloDir, "hello"),
		"-addr", "127.0.0.1:0", "-web", filepath.Join(helloDir, "web"))
	if err != nil {
		return err
	}
	defer hello.stop()

	var lhRows []row
	if cfg.lighthouse == "" {
		logf("Lighthouse is not installed (make test-deps installs it): its rows are left out")
	} else if cfg.only == "" || cfg.only == onlyLighthouse {
		logf("running Lighthouse, %d runs of each page in turn", cfg.lhRuns)
		lh, err := measureLighthouse(ctx, cfg, octo.url, hello.url)
		if err != nil {
			return err
		}
		lhRows = lighthouseRows(cfg, lh)
	}
	if cfg.only == onlyLighthouse {
		fmt.Fprintln(stdout, machine(ctx, cfg))
		fmt.Fprintln(stdout)
		writeTable(stdout, lhRows)
		return nil
	}

	relayProcs := relayProcesses{octo: octo, octoRedis: octoRedis, sandbox: sb, proxy: proxy, redisPID: rd.PID()}
	if cfg.only == onlyRelay {
		logf("loading the relay, %d requests per run", cfg.requests)
		relay, err := measureRelay(ctx, cfg, relayProcs)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, machine(ctx, cfg))
		fmt.Fprintln(stdout)
		writeTable(stdout, relayRows(relay, nil))
		return nil
	}
	logf("loading both apps in Chromium, %d cold loads each", cfg.loads)
	loads, err := measureLoads(ctx, cfg, octo.url, hello.url)
	if err != nil {
		return err
	}
	if cfg.only == onlyLoads {
		wasm, err := measureWasm(ctx, octo.url, hello.url)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, machine(ctx, cfg))
		fmt.Fprintln(stdout)
		writeTable(stdout, loadRows(cfg, wasm, loads))
		fmt.Fprintln(stdout)
		writePhases(stdout, loads)
		return nil
	}
	logf("loading the relay, %d requests per run", cfg.requests)
	relay, err := measureRelay(ctx, cfg, relayProcs)
	if err != nil {
		return err
	}
	logf("running the sealed channel's Go benchmarks")
	benches, err := goBenchmarks(ctx, cfg, root)
	if err != nil {
		return err
	}
	wasm, err := measureWasm(ctx, octo.url, hello.url)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, machine(ctx, cfg))
	fmt.Fprintln(stdout)
	writeTable(stdout, append(buildRows(cfg, wasm, loads, relay, benches), lhRows...))
	fmt.Fprintln(stdout)
	writePhases(stdout, loads)
	return nil
}

// moduleRoot is the folder of go.mod, wherever the bench runs from.
func moduleRoot(ctx context.Context, goCmd string) (string, error) {
	out, err := exec.CommandContext(ctx, goCmd, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("bench: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("bench: run it inside the octoplay module")
	}
	return filepath.Dir(gomod), nil
}
