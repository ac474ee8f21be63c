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
	"octoplay/internal/clientaddr"
	"strconv"
	"strings"
	"time"

	"octoplay/server/relay"
	"octoplay/server/sandbox"
	"octoplay/server/state/redisstate"
)

// envPrefix names the environment variables that stand in for flags:
// -sandbox-token-ttl is also OCTOPLAY_SANDBOX_TOKEN_TTL.
const envPrefix = "OCTOPLAY_"

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

// envName is the environment variable that stands in for a flag.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
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

// describedDefaults are the defaults a value cannot show: what an empty
// flag means.
var describedDefaults = map[string]string{
	"public-url":      "http:// and the listening address",
	"relay-key":       "new keys at every start",
	"frame-ancestors": "none",
	"max-conns":       "4096, or half the descriptor limit less headroom if that is lower",
	"redis-url":       "none: the state stays in this process's memory",
	"metrics-addr":    "none: no metrics",
}

// defineFlags defines every flag on a new FlagSet named name, setting raw.
func defineFlags(name string, raw *rawConfig, stderr io.Writer) *flag.FlagSet {
	cfg := &raw.Config
	sandboxJSON, logLevel, frameFrom := &raw.sandboxJSON, &raw.logLevel, &raw.frameFrom
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "`host:port` to listen on")
	fs.StringVar(&cfg.SandboxClientID, "sandbox-client-id", sandbox.DemoClientID, "client id of the sandbox's demo client")
	fs.StringVar(&cfg.SandboxClientSecret, "sandbox-client-secret", sandbox.DemoClientSecret, "client secret of the sandbox's demo client")
	fs.DurationVar(&cfg.SandboxTokenTTL, "sandbox-token-ttl", 1440*time.Second, "lifetime of the sandbox's access tokens (whole seconds)")
	fs.StringVar(sandboxJSON, "sandbox-json", "accept", "`mode`: accept or reject JSON token requests in the sandbox (reject answers 415, as some deployments do)")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "log `format`: text or json")
	fs.StringVar(logLevel, "log-level", "info", "log `level`: debug, info, warn or error")
	fs.StringVar(&cfg.PublicURL, "public-url", "", "`URL` where browsers reach this server")
	fs.BoolVar(&cfg.OctoTable, "octotable", false, "relay to the real OctoTable API (api.octotable.com) too")
	fs.StringVar(&cfg.ConfigFile, "config", "", "JSON `file` with more environments and credential profiles")
	fs.StringVar(&cfg.RelayKeys, "relay-key", "", "relay `keys`, comma-separated, as -new-relay-key prints them")
	fs.StringVar(&cfg.RelayPreviousKeys, "relay-previous-key", "", "`keys` of before a rotation: still opened, no longer published, during -relay-key-grace")
	fs.DurationVar(&cfg.RelayKeyGrace, "relay-key-grace", time.Hour, "how long -relay-previous-key keys are still opened")
	fs.Float64Var(&cfg.RelayRate, "relay-rate", relay.DefaultRate, "sealed requests per second allowed per client address")
	fs.IntVar(&cfg.RelayBurst, "relay-burst", relay.DefaultBurst, "requests a client address may send at once above -relay-rate")
	fs.Float64Var(&cfg.SandboxRate, "sandbox-rate", defaultSandboxRate, "requests per second to /sandbox/ allowed per client address")
	fs.IntVar(&cfg.SandboxBurst, "sandbox-burst", defaultSandboxBurst, "requests a client address may send to /sandbox/ at once above -sandbox-rate")
	fs.IntVar(&cfg.UploadBudgetMiB, "upload-budget-mib", defaultUploadBudgetMiB, "`MiB` of request bodies (POST /relay, the sandbox) read at once, server-wide")
	fs.IntVar(&cfg.UploadsPerClient, "uploads-per-client", defaultUploadsPerClient, "request bodies read at once from one client address")
	fs.IntVar(&cfg.ConnsPerClient, "conns-per-client", defaultConnsPerClient, "connections open at once from one client address")
	fs.IntVar(&cfg.MaxConns, "max-conns", 0, "connections open at once in all")
	fs.StringVar(&raw.proxies, "trusted-proxies", "", "`CIDRs`, comma-separated, of the proxies whose Forwarded or X-Forwarded-For header names the client (such as the cluster's pod CIDR behind an ingress); other peers' headers are ignored")
	fs.BoolVar(&cfg.ProxyProtocol, "proxy-protocol", false, "connections begin with a PROXY protocol v1 or v2 header naming the client, as a TCP load balancer sends it; one without is closed. Set it only on a listener that every connection reaches through the proxy: anyone else could name any address. With -trusted-proxies, only those peers must send one, and others' are not believed")
	fs.StringVar(frameFrom, "frame-ancestors", "", "`origins` allowed to embed the playground in a frame, space- or comma-separated, such as https://docs.octotable.com")
	fs.StringVar(&cfg.RedisURL, "redis-url", "", "`URL` of the Redis that instances share their state in (redis://, rediss:// or unix://, with password and database); set it with the variable, which keeps a password out of ps")
	fs.StringVar(&cfg.RedisKeyPrefix, "redis-key-prefix", redisstate.DefaultKeyPrefix, "`prefix` of every key this server writes in Redis")
	fs.BoolVar(&cfg.ReadyNeedsState, "ready-needs-state", true, "/readyz answers 503 while the state store does not answer (false: 200, saying so in its body, and requests that need the store get state-unavailable)")
	fs.DurationVar(&cfg.DrainDelay, "drain-delay", defaultDrainDelay, "how long /readyz answers 503 after SIGTERM, while requests are still served, before the server stops")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", "", "`host:port` to serve Prometheus metrics on (GET /metrics), apart from the playground")
	fs.BoolVar(&cfg.NewRelayKey, "new-relay-key", false, "print a new key pair for -relay-key / OCTOPLAY_RELAY_KEY and exit")
	fs.Usage = func() { printUsage(fs, stderr) }
	return fs
}

// printUsage lists every flag with its variable and its default, once: a
// zero default (an empty string, false, 0) says nothing, and an empty one
// with a meaning says it in words.
func printUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: %s [flags]\n\nServes the OctoTable token playground and its sandbox.\nEvery flag can also be set with the environment variable named beside it.\n\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		if name != "" {
			name = " " + name
		}
		fmt.Fprintf(w, "  -%s%s\t(%s)\n    \t%s", f.Name, name, envName(f.Name), usage)
		if d := shownDefault(f); d != "" {
			fmt.Fprintf(w, " (default %s)", d)
		}
		fmt.Fprintln(w)
	})
}

// shownDefault is a flag's default as -h shows it: strings quoted as the
// flag package does, "" when there is nothing to show.
func shownDefault(f *flag.Flag) string {
	if d, ok := describedDefaults[f.Name]; ok {
		return d
	}
	switch v := f.Value.(flag.Getter).Get().(type) {
	case string:
		if v == "" {
			return ""
		}
		return strconv.Quote(f.DefValue)
	case bool:
		if !v {
			return ""
		}
	}
	if f.DefValue == "0" {
		return ""
	}
	return f.DefValue
}

// overlayEnvironment sets each flag from its OCTOPLAY_* variable, when that
// is set; the command line, parsed after, wins.
func overlayEnvironment(fs *flag.FlagSet, getenv func(string) string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("parse config: %s: %w", envName(f.Name), err)
			}
		}
	})
	return envErr
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
