//go:build !js

package server

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"octoplay/internal/clientaddr"
)

// Config is what the flags set.
type Config struct {
	Addr string

	SandboxClientID     string
	SandboxClientSecret string
	SandboxTokenTTL     time.Duration
	SandboxRejectJSON   bool

	LogFormat string // "text" or "json"
	LogLevel  slog.Level

	// PublicURL is where browsers reach this server; the sandbox
	// environment's URLs are under it. Empty means the listening address.
	PublicURL  string
	OctoTable  bool   // relay to the real OctoTable too
	ConfigFile string // JSON file with more environments and profiles

	RelayKeys         string        // current keys, comma-separated; empty makes new ones
	RelayPreviousKeys string        // keys still opened, not published, during RelayKeyGrace
	RelayKeyGrace     time.Duration // how long previous keys are still opened
	RelayRate         float64       // sealed requests per second per client address
	RelayBurst        int           // and the burst above that rate
	NewRelayKey       bool          // print a new key pair for OCTOPLAY_RELAY_KEY and exit

	SandboxRate      float64 // requests per second to /sandbox/ per client address
	SandboxBurst     int     // and the burst above that rate
	UploadBudgetMiB  int     // MiB of request bodies read at once, server-wide
	UploadsPerClient int     // request bodies read at once from one client address
	ConnsPerClient   int     // connections open at once from one client address
	MaxConns         int     // connections open at once in all; 0 derives it from the descriptor limit

	// FrameAncestors are the origins allowed to embed the playground in a
	// frame (CSP frame-ancestors); none when empty.
	FrameAncestors []string

	// TrustedProxies are the peers whose Forwarded or X-Forwarded-For
	// header names the client a request counts against; none when empty.
	TrustedProxies clientaddr.Proxies
	// ProxyProtocol makes every connection (every one from TrustedProxies,
	// when set) begin with a PROXY protocol header naming its client.
	ProxyProtocol bool

	// RedisURL is the Redis that instances share their state in (replay
	// window, rate limits); empty keeps it in this process's memory.
	RedisURL       string
	RedisKeyPrefix string // starts every key this server writes there
	// ReadyNeedsState makes /readyz answer 503 while the state store does
	// not answer; false keeps it 200 and says so in its body.
	ReadyNeedsState bool
	// DrainDelay is how long /readyz answers 503 after SIGTERM, while
	// requests are still served, before the server stops.
	DrainDelay time.Duration
	// MetricsAddr is where Prometheus metrics are served (GET /metrics),
	// a listener of their own; empty serves none.
	MetricsAddr string
}

// parseConfig reads the flags from args, each defaulting to its OCTOPLAY_*
// environment variable, then to the built-in default. It returns
// flag.ErrHelp after printing the usage for -h.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var raw rawConfig
	fs := defineFlags(args[0], &raw, stderr)
	if err := overlayEnvironment(fs, getenv); err != nil {
		return Config{}, err
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, err
		}
		return Config{}, fmt.Errorf("parse config: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("parse config: unexpected argument %q", fs.Arg(0))
	}
	return raw.validate()
}

// rawConfig is what the flags set before it is checked: the Config, and
// the text of the flags that become something else.
type rawConfig struct {
	Config
	sandboxJSON string
	logLevel    string
	frameFrom   string
	proxies     string
}

// validate checks what the flags said and turns their text into the Config.
func (raw rawConfig) validate() (Config, error) {
	cfg := raw.Config
	switch raw.sandboxJSON {
	case "accept":
	case "reject":
		cfg.SandboxRejectJSON = true
	default:
		return Config{}, fmt.Errorf("parse config: -sandbox-json must be accept or reject, not %q", raw.sandboxJSON)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return Config{}, fmt.Errorf("parse config: -log-format must be text or json, not %q", cfg.LogFormat)
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(raw.logLevel)); err != nil {
		return Config{}, fmt.Errorf("parse config: -log-level: %w", err)
	}
	if cfg.SandboxTokenTTL < time.Second || cfg.SandboxTokenTTL%time.Second != 0 {
		return Config{}, fmt.Errorf("parse config: -sandbox-token-ttl must be a whole number of seconds, at least 1s, not %s", cfg.SandboxTokenTTL)
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return Config{}, fmt.Errorf("parse config: -public-url must be an http or https URL such as https://playground.example.com, not %q", cfg.PublicURL)
		}
	}
	for _, o := range strings.FieldsFunc(raw.frameFrom, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !isOrigin(o) {
			return Config{}, fmt.Errorf("parse config: -frame-ancestors: %q is not an origin such as https://docs.example.com", o)
		}
		cfg.FrameAncestors = append(cfg.FrameAncestors, o)
	}
	proxies, err := clientaddr.ParseProxies(raw.proxies)
	if err != nil {
		return Config{}, fmt.Errorf("parse config: -trusted-proxies: %w", err)
	}
	cfg.TrustedProxies = proxies
	if cfg.RelayRate <= 0 || cfg.RelayBurst < 1 {
		return Config{}, errors.New("parse config: -relay-rate must be above 0 and -relay-burst at least 1")
	}
	if cfg.SandboxRate <= 0 || cfg.SandboxBurst < 1 {
		return Config{}, errors.New("parse config: -sandbox-rate must be above 0 and -sandbox-burst at least 1")
	}
	if cfg.UploadBudgetMiB < 1 || cfg.UploadsPerClient < 1 || cfg.ConnsPerClient < 1 || cfg.MaxConns < 0 {
		return Config{}, errors.New("parse config: -upload-budget-mib, -uploads-per-client and -conns-per-client must be at least 1, -max-conns at least 0")
	}
	if cfg.RelayKeyGrace < 0 {
		return Config{}, errors.New("parse config: -relay-key-grace must not be negative")
	}
	if cfg.DrainDelay < 0 {
		return Config{}, errors.New("parse config: -drain-delay must not be negative")
	}
	if cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			return Config{}, fmt.Errorf("parse config: -metrics-addr must be host:port, such as :9090, not %q", cfg.MetricsAddr)
		}
	}
	if cfg.RedisURL != "" && cfg.RedisKeyPrefix == "" {
		return Config{}, errors.New("parse config: -redis-key-prefix must not be empty: a shared Redis needs the playground's keys apart")
	}
	if cfg.SandboxClientID == "" || cfg.SandboxClientSecret == "" {
		return Config{}, errors.New("parse config: -sandbox-client-id and -sandbox-client-secret must not be empty")
	}
	return cfg, nil
}

// isOrigin accepts scheme://host[:port] and nothing more: a path, a
// wildcard or a quote would change what the CSP directive means.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil && !strings.ContainsAny(u.Host, "*'; ")
}

// newLogger makes the server's logger. Nothing logs a body, a query value
// or a header value: see logRequests.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
