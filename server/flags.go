//go:build !js

package server

import (
	"flag"
	"fmt"
	"io"
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

// envName is the environment variable that stands in for a flag.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Defaults of the flags that no other package names.
const (
	defaultAddr     = "127.0.0.1:8080"
	defaultKeyGrace = time.Hour // a browser keeps the keys it fetched about as long
)

// flagSet is a FlagSet whose flags -h lists by concern, each with its
// variable and its default, in words where a value cannot show it.
type flagSet struct {
	*flag.FlagSet
	groups    []flagGroup
	grouped   map[string]bool
	described map[string]string // flag name -> what its empty default means
}

// flagGroup is a concern and the flags that serve it.
type flagGroup struct {
	title string
	names []string
}

// group defines a concern's flags with define and lists them under title.
func (fs *flagSet) group(title string, define func()) {
	define()
	g := flagGroup{title: title}
	fs.VisitAll(func(f *flag.Flag) {
		if !fs.grouped[f.Name] {
			fs.grouped[f.Name] = true
			g.names = append(g.names, f.Name)
		}
	})
	fs.groups = append(fs.groups, g)
}

// describe says in words what the empty default of the flag name means.
func (fs *flagSet) describe(name, meaning string) { fs.described[name] = meaning }

// defineFlags defines every flag on a new FlagSet named name, setting raw.
func defineFlags(name string, raw *rawConfig, stderr io.Writer) *flagSet {
	cfg := &raw.Config
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), grouped: map[string]bool{}, described: map[string]string{}}
	fs.SetOutput(stderr)
	fs.group("Serving", func() {
		fs.StringVar(&cfg.Addr, "addr", defaultAddr, "`host:port` to listen on")
		fs.StringVar(&cfg.PublicURL, "public-url", "", "`URL` where browsers reach this server")
		fs.describe("public-url", "http:// and the listening address")
		fs.StringVar(&raw.frameFrom, "frame-ancestors", "", "`origins` allowed to embed the playground in a frame, space- or comma-separated, such as https://docs.octotable.com")
		fs.describe("frame-ancestors", "none")
		fs.DurationVar(&cfg.DrainDelay, "drain-delay", defaultDrainDelay, "how long /readyz answers 503 after SIGTERM, while requests are still served, before the server stops")
	})
	fs.group("Logs and metrics", func() {
		fs.StringVar(&cfg.LogFormat, "log-format", "text", "log `format`: text or json")
		fs.StringVar(&raw.logLevel, "log-level", "info", "log `level`: debug, info, warn or error")
		fs.StringVar(&cfg.MetricsAddr, "metrics-addr", "", "`host:port` to serve Prometheus metrics on (GET /metrics), apart from the playground")
		fs.describe("metrics-addr", "none: no metrics")
	})
	fs.group("The sandbox", func() {
		fs.StringVar(&cfg.SandboxClientID, "sandbox-client-id", sandbox.DemoClientID, "client id of the sandbox's demo client")
		fs.StringVar(&cfg.SandboxClientSecret, "sandbox-client-secret", sandbox.DemoClientSecret, "client secret of the sandbox's demo client")
		fs.DurationVar(&cfg.SandboxTokenTTL, "sandbox-token-ttl", sandbox.DefaultTokenTTL, "lifetime of the sandbox's access tokens (whole seconds)")
		fs.StringVar(&raw.sandboxJSON, "sandbox-json", "accept", "`mode`: accept or reject JSON token requests in the sandbox (reject answers 415, as some deployments do)")
	})
	fs.group("The relay and its keys", func() {
		fs.BoolVar(&cfg.OctoTable, "octotable", false, "relay to the real OctoTable API (api.octotable.com) too")
		fs.StringVar(&cfg.ConfigFile, "config", "", "JSON `file` with more environments and credential profiles")
		fs.StringVar(&cfg.RelayKeys, "relay-key", "", "relay `keys`, comma-separated, as -new-relay-key prints them")
		fs.describe("relay-key", "new keys at every start")
		fs.StringVar(&cfg.RelayPreviousKeys, "relay-previous-key", "", "`keys` of before a rotation: still opened, no longer published, during -relay-key-grace")
		fs.DurationVar(&cfg.RelayKeyGrace, "relay-key-grace", defaultKeyGrace, "how long -relay-previous-key keys are still opened")
		fs.BoolVar(&cfg.NewRelayKey, "new-relay-key", false, "print a new key pair for -relay-key / OCTOPLAY_RELAY_KEY and exit")
	})
	fs.group("Limits per client address", func() {
		fs.Float64Var(&cfg.RelayRate, "relay-rate", relay.DefaultRate, "sealed requests per second allowed per client address")
		fs.IntVar(&cfg.RelayBurst, "relay-burst", relay.DefaultBurst, "requests a client address may send at once above -relay-rate")
		fs.Float64Var(&cfg.SandboxRate, "sandbox-rate", defaultSandboxRate, "requests per second to /sandbox/ allowed per client address")
		fs.IntVar(&cfg.SandboxBurst, "sandbox-burst", defaultSandboxBurst, "requests a client address may send to /sandbox/ at once above -sandbox-rate")
		fs.IntVar(&cfg.UploadBudgetMiB, "upload-budget-mib", defaultUploadBudgetMiB, "`MiB` of request bodies (POST /relay, the sandbox) read at once, server-wide")
		fs.IntVar(&cfg.UploadsPerClient, "uploads-per-client", defaultUploadsPerClient, "request bodies read at once from one client address")
		fs.IntVar(&cfg.ConnsPerClient, "conns-per-client", defaultConnsPerClient, "connections open at once from one client address")
		fs.IntVar(&cfg.MaxConns, "max-conns", 0, "connections open at once in all")
		fs.describe("max-conns", fmt.Sprintf("%d, or half the descriptor limit less headroom if that is lower", maxConnsDefault))
	})
	fs.group("Behind a proxy", func() {
		fs.StringVar(&raw.proxies, "trusted-proxies", "", "`CIDRs`, comma-separated, of the proxies whose Forwarded or X-Forwarded-For header names the client (such as the cluster's pod CIDR behind an ingress); other peers' headers are ignored")
		fs.BoolVar(&cfg.ProxyProtocol, "proxy-protocol", false, "connections begin with a PROXY protocol v1 or v2 header naming the client, as a TCP load balancer sends it; one without is closed. Set it only on a listener that every connection reaches through the proxy: anyone else could name any address. With -trusted-proxies, only those peers must send one, and others' are not believed")
	})
	fs.group("Several instances", func() {
		fs.StringVar(&cfg.RedisURL, "redis-url", "", "`URL` of the Redis that instances share their state in (redis://, rediss:// or unix://, with password and database); set it with the variable, which keeps a password out of ps")
		fs.describe("redis-url", "none: the state stays in this process's memory")
		fs.StringVar(&cfg.RedisKeyPrefix, "redis-key-prefix", redisstate.DefaultKeyPrefix, "`prefix` of every key this server writes in Redis")
		fs.BoolVar(&cfg.ReadyNeedsState, "ready-needs-state", true, "/readyz answers 503 while the state store does not answer (false: 200, saying so in its body, and requests that need the store get state-unavailable)")
	})
	fs.Usage = func() { fs.printUsage(stderr) }
	return fs
}

// printUsage lists every flag by concern with its variable and its
// default, once: a zero default (an empty string, false, 0) says nothing,
// and an empty one with a meaning says it in words.
func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s [flags]\n\nServes the OctoTable token playground and its sandbox.\nEvery flag can also be set with the environment variable named beside it.\n", fs.Name())
	for _, g := range fs.groups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, name := range g.names {
			f := fs.Lookup(name)
			arg, usage := flag.UnquoteUsage(f)
			if arg != "" {
				arg = " " + arg
			}
			fmt.Fprintf(w, "  -%s%s\t(%s)\n    \t%s", f.Name, arg, envName(f.Name), usage)
			if d := fs.shownDefault(f); d != "" {
				fmt.Fprintf(w, " (default %s)", d)
			}
			fmt.Fprintln(w)
		}
	}
}

// shownDefault is a flag's default as -h shows it: strings quoted as the
// flag package does, "" when there is nothing to show.
func (fs *flagSet) shownDefault(f *flag.Flag) string {
	if d, ok := fs.described[f.Name]; ok {
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
func overlayEnvironment(fs *flagSet, getenv func(string) string) error {
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
