//go:build !js

package server

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"octoplay/server/sandbox"
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
}

// envName is the environment variable that stands in for a flag.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads the flags from args, each defaulting to its OCTOPLAY_*
// environment variable, then to the built-in default. It returns
// flag.ErrHelp after printing the usage for -h.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	var (
		cfg         Config
		sandboxJSON string
		logLevel    string
	)
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "`host:port` to listen on")
	fs.StringVar(&cfg.SandboxClientID, "sandbox-client-id", sandbox.DemoClientID, "client id of the sandbox's demo client")
	fs.StringVar(&cfg.SandboxClientSecret, "sandbox-client-secret", sandbox.DemoClientSecret, "client secret of the sandbox's demo client")
	fs.DurationVar(&cfg.SandboxTokenTTL, "sandbox-token-ttl", 1440*time.Second, "lifetime of the sandbox's access tokens (whole seconds)")
	fs.StringVar(&sandboxJSON, "sandbox-json", "accept", "`accept` or `reject` JSON token requests in the sandbox (reject answers 415, as some deployments do)")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "log format: `text` or `json`")
	fs.StringVar(&logLevel, "log-level", "info", "log level: `debug`, info, warn or error")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s [flags]\n\nServes the OctoTable token playground and its sandbox.\nEvery flag can also be set with the environment variable named beside it.\n\n", fs.Name())
		fs.VisitAll(func(f *flag.Flag) {
			name, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(stderr, "  -%s %s\t(%s)\n    \t%s (default %q)\n", f.Name, name, envName(f.Name), usage, f.DefValue)
		})
	}

	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(envName(f.Name)); v != "" && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("parse config: %s: %w", envName(f.Name), err)
			}
		}
	})
	if envErr != nil {
		return Config{}, envErr
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

	switch sandboxJSON {
	case "accept":
	case "reject":
		cfg.SandboxRejectJSON = true
	default:
		return Config{}, fmt.Errorf("parse config: -sandbox-json must be accept or reject, not %q", sandboxJSON)
	}
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		return Config{}, fmt.Errorf("parse config: -log-format must be text or json, not %q", cfg.LogFormat)
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(logLevel)); err != nil {
		return Config{}, fmt.Errorf("parse config: -log-level: %w", err)
	}
	if cfg.SandboxTokenTTL < time.Second || cfg.SandboxTokenTTL%time.Second != 0 {
		return Config{}, fmt.Errorf("parse config: -sandbox-token-ttl must be a whole number of seconds, at least 1s, not %s", cfg.SandboxTokenTTL)
	}
	if cfg.SandboxClientID == "" || cfg.SandboxClientSecret == "" {
		return Config{}, errors.New("parse config: -sandbox-client-id and -sandbox-client-secret must not be empty")
	}
	return cfg, nil
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
