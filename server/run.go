//go:build !js

// Package server is Octoplay's native side, one binary that wires the
// parts: the playground's page (server/page) and its assets
// (server/assets); the sealed relay that opens the browser's requests and
// sends them on (server/relay); the OctoTable sandbox under /sandbox/
// (server/sandbox); the limits a stranger's traffic meets before any work
// (limits.go, server/admit); and the state that instances share, in memory
// or in Redis (stores.go, server/state). The flags are in flags.go, the
// routes in routes.go, the start and the shutdown in run.go.
package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"octoplay/app/quickstart"
	"octoplay/app/snippets"
	"octoplay/internal/wire"
	"octoplay/server/metrics"
	"octoplay/server/relay"
	"octoplay/server/sandbox"
	"octoplay/web"
)

// shutdownGrace is how long in-flight requests get to finish after SIGINT
// or SIGTERM.
const shutdownGrace = 30 * time.Second

// Main runs the server with the process's arguments and environment and
// returns the exit code.
func Main() int {
	if err := Run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// Run serves until ctx is done or the process gets SIGINT or SIGTERM, then
// lets in-flight requests finish and returns nil. After SIGTERM, what
// orchestrators send, it first drains: /readyz answers 503 for the drain
// delay while requests are still served, so that load balancers stop
// sending traffic before the listener closes. SIGINT (Ctrl-C) and ctx skip
// the drain.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return run(ctx, args, getenv, stdout, stderr, swaps{assets: web.Assets})
}

// swaps are what a test puts in place of the real thing under a running
// server.
type swaps struct {
	// assets are the web assets: a stand-in wasm where a test needs none.
	assets fs.FS
	// limitClock is the clock of the rate limits; nil means time.Now. A
	// test holds it still to reach a limit by a count of requests, however
	// slowly a loaded machine sends them, and moves it on to end the wait.
	// (Redis also forgets a key once its wait has passed on Redis's clock.)
	// The upload budget judges slow uploads by it too.
	limitClock func() time.Time
	// sandboxClock is the sandbox's clock, which its tokens expire by; nil
	// means time.Now. A test holds it still so that a short-lived token
	// outlives a slow machine, and moves it on to expire the token.
	sandboxClock func() time.Time
}

// run is Run with what tests swap as a parameter.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, sw swaps) error {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.NewRelayKey {
		return printNewRelayKeys(stdout)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	logger := newLogger(cfg, stderr)
	st, err := openStores(ctx, cfg, logger, sw.limitClock)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer st.close()
	met := metrics.New()
	st = st.observed(met)
	tokenKey, err := sandboxTokenKey(cfg.RelayKeys)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	sb, err := sandbox.New(sandbox.Config{
		Clients:         map[string]string{cfg.SandboxClientID: cfg.SandboxClientSecret},
		TokenTTL:        cfg.SandboxTokenTTL,
		RejectJSON:      cfg.SandboxRejectJSON,
		TokenKey:        tokenKey,
		Failures:        st.sandboxFailures,
		Writes:          st.sandboxWrites,
		ClientsPerRange: st.clientsPerRange,
		ClientsTotal:    st.clientsTotal,
		ClientsNewcomer: st.clientsNewcomer,
		ClientsReserve:  st.clientsReserve,
		RecordsPerRange: st.recordsPerRange,
		RangeNewcomer:   st.rangeNewcomer,
		Issued:          met.TokenIssued,
		Now:             sw.sandboxClock,
	})
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	tcp, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	defer tcp.Close()
	ln, err := listen(tcp, cfg)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	metricsLn, err := listenMetrics(cfg)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if metricsLn != nil {
		defer metricsLn.Close()
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = baseURL(ln.Addr())
	}
	envs, err := environments(cfg, sb, getenv)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	met.Environments(envNames(envs))
	rl, err := newRelay(ctx, cfg, logger, envs, st, met)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	ready := newReadiness(st.ready, cfg.ReadyNeedsState)
	uploads := newUploads(cfg, sw.limitClock)
	met.WatchState(st.ready)
	met.WatchUploads(uploads)
	met.WatchConnections(ln)
	handler, err := NewServer(logger, cfg, sw.assets, Parts{Sandbox: sb, Relay: rl, Ready: ready, SandboxLimit: st.sandboxLimit, PageLimit: newPageLimit(sw.limitClock), Uploads: uploads})
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	srv := &http.Server{
		Handler:           ln.Served(cfg.TrustedProxies.Middleware(handler)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ConnState:         ln.ConnState,
		ConnContext:       ln.ConnContext,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	metricsSrv := &http.Server{Handler: withProfiling(met.Handler()), ReadHeaderTimeout: 10 * time.Second, ErrorLog: srv.ErrorLog}
	printBanner(stdout, cfg, baseURL(ln.Addr()))
	if metricsLn != nil {
		fmt.Fprintf(stdout, "metrics: %s%s\n", baseURL(metricsLn.Addr()), metrics.Path)
	}

	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	if metricsLn != nil {
		go func() { served <- metricsSrv.Serve(metricsLn) }()
	}
	select {
	case err := <-served:
		return fmt.Errorf("run: %w", err)
	case <-ctx.Done():
	case sig := <-signals:
		if sig == syscall.SIGTERM {
			drain(ctx, ready, cfg.DrainDelay, signals, logger)
		}
	}
	ready.drain()

	logger.Info("shutting down: finishing in-flight requests", "grace", shutdownGrace)
	shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancelShutdown()
	// Stop taking connections (new ones are answered 503 until the end),
	// then let those already taken send their requests: net/http drops,
	// unanswered, a request it reads once Shutdown has begun.
	ln.Close()
	ln.AwaitFirstRequests(shutdownCtx)
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("run: shutdown: %w", err)
	}
	if err := ln.Release(); err != nil {
		return fmt.Errorf("run: close listener: %w", err)
	}
	// The metrics go last: a scrape during the shutdown still sees it.
	if err := metricsSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("run: shutdown metrics: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// drain tells load balancers to stop sending this instance traffic
// (/readyz turns 503) and goes on serving for delay, so that what they
// still send while they notice is answered, not refused. A second signal,
// or ctx, ends it early.
func drain(ctx context.Context, ready *readiness, delay time.Duration, signals <-chan os.Signal, logger *slog.Logger) {
	ready.drain()
	if delay <= 0 {
		return
	}
	logger.Info("draining: /readyz answers 503 while requests are still served", "delay", delay)
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-signals:
	case <-ctx.Done():
	}
}

// newRelay builds the gateway to envs from the configuration, for as long
// as ctx lasts, keeping its state in st and telling obs how each request
// ended.
func newRelay(ctx context.Context, cfg Config, logger *slog.Logger, envs []*relay.Environment, st stores, obs relay.Observer) (*relay.Relay, error) {
	gw, err := relayGateway(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	return relay.New(relay.Config{
		Logger:       logger,
		Gateway:      gw,
		Environments: envs,
		Limiter:      st.relayLimit,
		Replays:      st.replays,
		Observer:     obs,
	})
}

// envNames are the names of envs.
func envNames(envs []*relay.Environment) []string {
	names := make([]string, len(envs))
	for i, e := range envs {
		names[i] = e.Name
	}
	return names
}

// listenMetrics makes the metrics' own listener, before the banner says
// where it is; nil when -metrics-addr is not set.
func listenMetrics(cfg Config) (net.Listener, error) {
	if cfg.MetricsAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return ln, nil
}

// baseURL is the URL a person on this machine opens: an unspecified listen
// address (":8080", "0.0.0.0:8080") is reachable as localhost.
func baseURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		_, port, _ := net.SplitHostPort(addr.String())
		return "http://localhost:" + port
	}
	return "http://" + tcp.String()
}

// printBanner tells the person who ran `make run` where to go and what to
// type. The sandbox's demo credentials are public by design.
func printBanner(w io.Writer, cfg Config, base string) {
	fmt.Fprintf(w, "OctoTable token playground: %s/\n", base)
	fmt.Fprintf(w, "sandbox client id: %s\n", cfg.SandboxClientID)
	fmt.Fprintf(w, "sandbox client secret: %s\n", cfg.SandboxClientSecret)
	fmt.Fprintf(w, "property id: %s\n", wire.SandboxProperty)
	fmt.Fprintf(w, "Step 1 with curl:\n")
	for line := range strings.Lines(step1Curl(base, cfg)) {
		fmt.Fprintf(w, "  %s", line)
	}
}

// step1Curl is the playground's own curl snippet for Step 1 against this
// server's sandbox, after a line that exports the demo client's
// credentials it reads (public on purpose, as the banner says).
func step1Curl(base string, cfg Config) string {
	env := quickstart.Environment{Name: wire.SandboxEnvironment, TokenURL: base + wire.SandboxMount + wire.TokenPath}
	curl, err := snippets.Generate(snippets.Step1, snippets.Curl, snippets.Options{Env: env, Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm})
	if err != nil {
		return fmt.Sprintf("# no snippet: %v\n", err) // the sandbox's own URL always makes one
	}
	return "export " + snippets.EnvClientID + "=" + snippets.ShellQuote(cfg.SandboxClientID) +
		" " + snippets.EnvClientSecret + "=" + snippets.ShellQuote(cfg.SandboxClientSecret) + "\n" + curl
}
