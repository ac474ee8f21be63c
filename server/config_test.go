package server

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    func(*Config)
		wantErr string
	}{
		{name: "defaults", want: func(c *Config) {}},
		{
			name: "flags",
			args: []string{"-addr", ":9999", "-sandbox-client-id", "me", "-sandbox-client-secret", "s3", "-sandbox-token-ttl", "2s", "-sandbox-json", "reject", "-log-format", "json", "-log-level", "debug"},
			want: func(c *Config) {
				c.Addr, c.SandboxClientID, c.SandboxClientSecret = ":9999", "me", "s3"
				c.SandboxTokenTTL, c.SandboxRejectJSON = 2*time.Second, true
				c.LogFormat, c.LogLevel = "json", slog.LevelDebug
			},
		},
		{
			name: "environment",
			env:  map[string]string{"OCTOPLAY_ADDR": ":7000", "OCTOPLAY_SANDBOX_JSON": "reject", "OCTOPLAY_SANDBOX_TOKEN_TTL": "60s", "OCTOPLAY_LOG_LEVEL": "warn", "OCTOPLAY_SANDBOX_CLIENT_SECRET": "from-env"},
			want: func(c *Config) {
				c.Addr, c.SandboxRejectJSON, c.SandboxTokenTTL, c.LogLevel, c.SandboxClientSecret = ":7000", true, time.Minute, slog.LevelWarn, "from-env"
			},
		},
		{
			name: "flag beats environment",
			args: []string{"-addr", ":1"},
			env:  map[string]string{"OCTOPLAY_ADDR": ":2"},
			want: func(c *Config) { c.Addr = ":1" },
		},
		{
			name: "relay flags",
			args: []string{"-public-url", "https://play.example.com", "-octotable", "-config", "envs.json", "-relay-key", "k1", "-relay-previous-key", "k0", "-relay-key-grace", "10m", "-relay-rate", "2.5", "-relay-burst", "4"},
			want: func(c *Config) {
				c.PublicURL, c.OctoTable, c.ConfigFile = "https://play.example.com", true, "envs.json"
				c.RelayKeys, c.RelayPreviousKeys, c.RelayKeyGrace = "k1", "k0", 10*time.Minute
				c.RelayRate, c.RelayBurst = 2.5, 4
			},
		},
		{
			name: "relay key from the environment",
			env:  map[string]string{"OCTOPLAY_RELAY_KEY": "k1", "OCTOPLAY_OCTOTABLE": "true"},
			want: func(c *Config) { c.RelayKeys, c.OctoTable = "k1", true },
		},
		{name: "public url without scheme", args: []string{"-public-url", "play.example.com"}, wantErr: "-public-url must be an http or https URL"},
		{name: "public url with userinfo", args: []string{"-public-url", "https://me:pw@play.example.com"}, wantErr: "-public-url must be"},
		{
			name: "frame ancestors",
			args: []string{"-frame-ancestors", "https://docs.octotable.com, http://localhost:3000"},
			want: func(c *Config) { c.FrameAncestors = []string{"https://docs.octotable.com", "http://localhost:3000"} },
		},
		{name: "frame ancestor with a path", args: []string{"-frame-ancestors", "https://docs.octotable.com/x"}, wantErr: "is not an origin"},
		{name: "frame ancestor wildcard", args: []string{"-frame-ancestors", "https://*.example.com"}, wantErr: "is not an origin"},
		{name: "frame ancestor keyword", args: []string{"-frame-ancestors", "'self'"}, wantErr: "is not an origin"},
		{name: "zero rate", args: []string{"-relay-rate", "0"}, wantErr: "-relay-rate must be above 0"},
		{
			name: "limits",
			args: []string{"-sandbox-rate", "1.5", "-sandbox-burst", "3", "-upload-budget-mib", "8", "-uploads-per-client", "2", "-conns-per-client", "10", "-max-conns", "500"},
			want: func(c *Config) {
				c.SandboxRate, c.SandboxBurst, c.UploadBudgetMiB, c.UploadsPerClient, c.ConnsPerClient, c.MaxConns = 1.5, 3, 8, 2, 10, 500
			},
		},
		{
			name: "limits from the environment",
			env:  map[string]string{"OCTOPLAY_SANDBOX_RATE": "2", "OCTOPLAY_UPLOAD_BUDGET_MIB": "64", "OCTOPLAY_MAX_CONNS": "100"},
			want: func(c *Config) { c.SandboxRate, c.UploadBudgetMiB, c.MaxConns = 2, 64, 100 },
		},
		{
			name: "scale-out flags",
			args: []string{"-redis-url", "rediss://:pw@redis.example.com:6380/2", "-redis-key-prefix", "docs:", "-drain-delay", "15s", "-metrics-addr", ":9090"},
			want: func(c *Config) {
				c.RedisURL, c.RedisKeyPrefix, c.DrainDelay, c.MetricsAddr = "rediss://:pw@redis.example.com:6380/2", "docs:", 15*time.Second, ":9090"
			},
		},
		{
			name: "scale-out from the environment",
			env:  map[string]string{"OCTOPLAY_REDIS_URL": "unix:///run/redis.sock", "OCTOPLAY_DRAIN_DELAY": "0s", "OCTOPLAY_METRICS_ADDR": "127.0.0.1:9100", "OCTOPLAY_READY_NEEDS_STATE": "false"},
			want: func(c *Config) {
				c.RedisURL, c.DrainDelay, c.MetricsAddr, c.ReadyNeedsState = "unix:///run/redis.sock", 0, "127.0.0.1:9100", false
			},
		},
		{
			name: "proxy protocol from the environment",
			env:  map[string]string{"OCTOPLAY_PROXY_PROTOCOL": "true"},
			want: func(c *Config) { c.ProxyProtocol = true },
		},
		{name: "negative drain delay", args: []string{"-drain-delay", "-1s"}, wantErr: "-drain-delay must not be negative"},
		{name: "metrics address without a port", args: []string{"-metrics-addr", "metrics"}, wantErr: "-metrics-addr must be host:port"},
		{name: "empty key prefix", args: []string{"-redis-url", "redis://localhost", "-redis-key-prefix", ""}, wantErr: "-redis-key-prefix must not be empty"},
		{name: "zero sandbox rate", args: []string{"-sandbox-rate", "0"}, wantErr: "-sandbox-rate must be above 0"},
		{name: "zero sandbox burst", args: []string{"-sandbox-burst", "0"}, wantErr: "-sandbox-burst at least 1"},
		{name: "zero upload budget", args: []string{"-upload-budget-mib", "0"}, wantErr: "-upload-budget-mib"},
		{name: "zero uploads per client", args: []string{"-uploads-per-client", "0"}, wantErr: "-uploads-per-client"},
		{name: "zero connections per client", args: []string{"-conns-per-client", "0"}, wantErr: "-conns-per-client"},
		{name: "negative max connections", args: []string{"-max-conns", "-1"}, wantErr: "-max-conns at least 0"},
		{name: "bad sandbox-json", args: []string{"-sandbox-json", "maybe"}, wantErr: `-sandbox-json must be accept or reject, not "maybe"`},
		{name: "bad log format", args: []string{"-log-format", "xml"}, wantErr: `-log-format must be text or json, not "xml"`},
		{name: "bad log level", args: []string{"-log-level", "loud"}, wantErr: "-log-level"},
		{name: "fractional ttl", args: []string{"-sandbox-token-ttl", "1500ms"}, wantErr: "whole number of seconds"},
		{name: "zero ttl", args: []string{"-sandbox-token-ttl", "0s"}, wantErr: "at least 1s"},
		{name: "bad ttl in env", env: map[string]string{"OCTOPLAY_SANDBOX_TOKEN_TTL": "soon"}, wantErr: "OCTOPLAY_SANDBOX_TOKEN_TTL"},
		{name: "empty secret", args: []string{"-sandbox-client-secret", ""}, wantErr: "must not be empty"},
		{name: "unknown flag", args: []string{"-nope"}, wantErr: "flag provided but not defined: -nope"},
		{name: "stray argument", args: []string{"serve"}, wantErr: `unexpected argument "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(append([]string{"octoplay"}, tt.args...), func(k string) string { return tt.env[k] }, io.Discard)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.True(t, strings.HasPrefix(err.Error(), "parse config: "), err.Error())
				return
			}
			require.NoError(t, err)
			want := Config{
				Addr:                "127.0.0.1:8080",
				SandboxClientID:     "octoplay-demo",
				SandboxClientSecret: "octoplay-demo-secret",
				SandboxTokenTTL:     1440 * time.Second,
				LogFormat:           "text",
				LogLevel:            slog.LevelInfo,
				RelayKeyGrace:       time.Hour,
				RelayRate:           5,
				RelayBurst:          20,
				SandboxRate:         5,
				SandboxBurst:        20,
				UploadBudgetMiB:     32,
				UploadsPerClient:    16,
				ConnsPerClient:      64,
				RedisKeyPrefix:      "octoplay:",
				ReadyNeedsState:     true,
				DrainDelay:          5 * time.Second,
			}
			tt.want(&want)
			assert.Equal(t, want, got)
		})
	}
}

func TestHelpListsEveryFlagWithItsVariable(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"octoplay", "-h"}, func(string) string { return "" }, io.Discard, &stderr, swaps{assets: standInAssets()})
	require.NoError(t, err, "-h is not a failure")
	_, err = parseConfig([]string{"octoplay", "-h"}, func(string) string { return "" }, io.Discard)
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, name := range []string{"addr", "sandbox-client-id", "sandbox-client-secret", "sandbox-token-ttl", "sandbox-json", "log-format", "log-level"} {
		assert.Contains(t, stderr.String(), "-"+name+" ")
		assert.Contains(t, stderr.String(), envName(name))
	}
	assert.Contains(t, stderr.String(), "OCTOPLAY_SANDBOX_TOKEN_TTL")
}

// -h shows each flag once, with its variable, and its default once and as
// it is: nothing for an empty or false default, words for an empty one
// that means something, strings quoted.
func TestHelpShowsEachDefaultOnce(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parseConfig([]string{"octoplay", "-h"}, func(string) string { return "" }, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	help := stderr.String()
	assert.NotContains(t, help, "`", "a backquote left in a usage text")
	for _, wrong := range []string{`(default "")`, `(default "false")`, "(default false)", "(default 0)", `(default "0")`} {
		assert.NotContains(t, help, wrong)
	}

	blocks := map[string]string{} // flag name -> its lines
	for _, block := range strings.Split(help, "\n  -")[1:] {
		block, _, _ = strings.Cut(block, "\n\n") // the next concern's title
		name, _, _ := strings.Cut(block, " ")
		name, _, _ = strings.Cut(name, "\t")
		assert.NotContains(t, blocks, name, "-%s is listed twice", name)
		blocks[name] = block
	}
	var raw rawConfig
	defineFlags("octoplay", &raw, io.Discard).VisitAll(func(f *flag.Flag) {
		block, ok := blocks[f.Name]
		if !assert.True(t, ok, "-%s is not listed", f.Name) {
			return
		}
		assert.Equal(t, 1, strings.Count(block, "("+envName(f.Name)+")"), "-%s names its variable once", f.Name)
		assert.LessOrEqual(t, strings.Count(block, "default"), 1, "-%s shows its default once:\n%s", f.Name, block)
	})
	for name, want := range map[string]string{
		"addr":              `(default "127.0.0.1:8080")`,
		"sandbox-json":      `(default "accept")`,
		"sandbox-token-ttl": "(default 24m0s)",
		"relay-rate":        "(default 5)",
		"public-url":        "(default http:// and the listening address)",
		"relay-key":         "(default new keys at every start)",
		"frame-ancestors":   "(default none)",
		"redis-url":         "(default none: the state stays in this process's memory)",
		"redis-key-prefix":  `(default "octoplay:")`,
		"drain-delay":       "(default 5s)",
		"ready-needs-state": "(default true)",
		"metrics-addr":      "(default none: no metrics)",
		"octotable":         "",
		"config":            "",
		"new-relay-key":     "",
	} {
		if want == "" {
			assert.NotContains(t, blocks[name], "default", name)
			continue
		}
		assert.True(t, strings.HasSuffix(strings.TrimSpace(blocks[name]), want), "-%s ends in %s:\n%s", name, want, blocks[name])
	}
}

// -h lists the flags by concern: each under the title of what it serves,
// every concern's flags together.
func TestHelpListsFlagsByConcern(t *testing.T) {
	var stderr bytes.Buffer
	_, err := parseConfig([]string{"octoplay", "-h"}, func(string) string { return "" }, &stderr)
	require.ErrorIs(t, err, flag.ErrHelp)
	concern := map[string]string{} // flag name -> the title it is listed under
	title := ""
	for _, line := range strings.Split(stderr.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "  -"):
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "  -"), " ")
			name, _, _ = strings.Cut(name, "\t")
			concern[name] = title
		case strings.HasSuffix(line, ":") && !strings.HasPrefix(line, " "):
			title = strings.TrimSuffix(line, ":")
		}
	}
	for name, want := range map[string]string{
		"addr":              "Serving",
		"log-level":         "Logs and metrics",
		"sandbox-token-ttl": "The sandbox",
		"relay-key":         "The relay and its keys",
		"relay-rate":        "Limits per client address",
		"max-conns":         "Limits per client address",
		"trusted-proxies":   "Behind a proxy",
		"redis-url":         "Several instances",
	} {
		assert.Equal(t, want, concern[name], "-%s is listed under", name)
	}
	var raw rawConfig
	defineFlags("octoplay", &raw, io.Discard).VisitAll(func(f *flag.Flag) {
		assert.NotEmpty(t, concern[f.Name], "-%s is listed under a concern", f.Name)
	})
}

func TestTrustedProxiesBadCIDRIsStartError(t *testing.T) {
	_, err := parseConfig([]string{"octoplay", "-trusted-proxies", "10.0.0.0/8,10.1/16"}, func(string) string { return "" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-trusted-proxies") {
		t.Fatalf("parseConfig: err = %v, want a -trusted-proxies error", err)
	}
}
