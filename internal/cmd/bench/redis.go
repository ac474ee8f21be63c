package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"octoplay/internal/redisserver"
)

// startRedis starts Debian's redis-server on a free loopback port, its
// folder under work.
func startRedis(work string) (*redisserver.Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("bench: %w (apt-get install redis-server)", err)
	}
	dir := filepath.Join(work, "redis")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return redisserver.Start(bin, dir, addr)
}

// stateCost is what a server's state store did per sealed request it
// relayed in one run, from its metrics.
type stateCost struct {
	opsPerRequest  float64
	timePerRequest float64 // seconds
}

// stateTotals are a server's counts since it started: state store
// operations, their time, sealed requests relayed.
type stateTotals struct{ ops, seconds, relayed float64 }

// since is the cost per request between two readings.
func (t stateTotals) since(before stateTotals) stateCost {
	n := t.relayed - before.relayed
	if n <= 0 {
		return stateCost{}
	}
	return stateCost{opsPerRequest: (t.ops - before.ops) / n, timePerRequest: (t.seconds - before.seconds) / n}
}

// metricsURL is the metrics address p printed.
func metricsURL(p *process) (string, error) {
	url := strings.TrimSpace(p.lines.after("metrics: "))
	if url == "" {
		return "", fmt.Errorf("bench: %s printed no metrics address", p.name)
	}
	return url, nil
}

// profileDuring fetches p's CPU profile of the next seconds (the bench's
// build serves it beside its metrics) into file, and says how that went.
func profileDuring(ctx context.Context, p *process, file string) <-chan error {
	done := make(chan error, 1)
	go func() {
		url, err := metricsURL(p)
		if err != nil {
			done <- err
			return
		}
		profile, _, err := fetch(ctx, strings.TrimSuffix(url, "/metrics")+"/debug/pprof/profile?seconds=5", "")
		if err == nil {
			err = os.WriteFile(file, profile, 0o644)
		}
		done <- err
	}()
	return done
}

// readStateTotals reads the metrics p printed the address of.
func readStateTotals(p *process) (stateTotals, error) {
	url, err := metricsURL(p)
	if err != nil {
		return stateTotals{}, err
	}
	res, err := rawClient.Get(url)
	if err != nil {
		return stateTotals{}, fmt.Errorf("bench: %s's metrics: %w", p.name, err)
	}
	defer res.Body.Close()
	text, err := io.ReadAll(res.Body)
	if err != nil {
		return stateTotals{}, fmt.Errorf("bench: %s's metrics: %w", p.name, err)
	}
	sums := map[string]float64{} // by series name, relayed requests alone
	for line := range strings.Lines(string(text)) {
		name, labels, _ := strings.Cut(strings.TrimSpace(line), "{")
		_, value, found := strings.Cut(labels, "} ")
		v, err := strconv.ParseFloat(value, 64)
		if !found || err != nil || name == "octoplay_relay_requests_total" && !strings.Contains(labels, `outcome="relayed"`) {
			continue
		}
		sums[name] += v
	}
	return stateTotals{
		ops:     sums["octoplay_state_duration_seconds_count"],
		seconds: sums["octoplay_state_duration_seconds_sum"],
		relayed: sums["octoplay_relay_requests_total"],
	}, nil
}
