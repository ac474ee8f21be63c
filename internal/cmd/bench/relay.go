package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
)

// The relay runs: what answers Step 1, and how many requests at a time.
const (
	viaSandbox   = "sandbox directly"
	viaProxy     = "bare reverse proxy"
	viaX25519    = "sealed relay, X25519"
	viaXWing     = "sealed relay, X-Wing"
	viaRedis     = "sealed relay, X25519, state in Redis"
	viaInProcess = "sealed relay, X25519, to its in-process sandbox"
	oneAtATime   = 1
	manyAtATime  = 32
	warmUpFactor = 1 // warm-up requests per worker, untimed
)

// upstreamEnvironment is the environment the bench's -config file gives
// the server: the bench's sandbox, reached over loopback TCP.
const upstreamEnvironment = "upstream"

type runKey struct {
	via         string
	concurrency int
}

// loadRun is one run: a fixed count of requests, some at a time.
type loadRun struct {
	want      int
	elapsed   time.Duration
	latencies []time.Duration // of the answered requests, sorted
	// cpu is the CPU time of the process that forwards (the relay's
	// server, the proxy, or the sandbox when it is sent to directly)
	// during the timed requests; pathCPU that of every process on the
	// path: the forwarder, the load generator (the bench itself), the
	// upstream behind the forwarder and Redis, when there are.
	cpu, pathCPU time.Duration
}

func (r loadRun) perSecond() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

// cpuPerRequest is the forwarding process's CPU time per answered request.
func (r loadRun) cpuPerRequest() time.Duration { return r.perRequest(r.cpu) }

// pathCPUPerRequest is the CPU time of the whole path per answered
// request: on two shared cores, what its throughput follows.
func (r loadRun) pathCPUPerRequest() time.Duration { return r.perRequest(r.pathCPU) }

// perRequest is d shared among the answered requests.
func (r loadRun) perRequest(d time.Duration) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return d / time.Duration(len(r.latencies))
}

// counted is a process whose CPU time a run counts besides the
// forwarder's.
type counted struct {
	name string
	pid  int
}

func (p *process) counted() counted { return counted{p.name, p.cmd.Process.Pid} }

// loadGenerator is the bench itself, which sends the requests.
var loadGenerator = counted{"the load generator", os.Getpid()}

// cpuTimes reads the CPU time of each process.
func cpuTimes(ps []counted) (time.Duration, error) {
	var total time.Duration
	for _, p := range ps {
		t, err := cpuTimeOf(p.name, p.pid)
		if err != nil {
			return 0, err
		}
		total += t
	}
	return total, nil
}

// percentile is the nearest-rank percentile, p in (0, 1].
func (r loadRun) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[max(0, int(math.Ceil(p*float64(len(r.latencies))))-1)]
}

type relayResults struct {
	runs         map[runKey]loadRun
	peakRSS      int64 // the relay's server during its runs, bytes
	startPeakRSS int64 // and before them, since it started
	// redisPeakRSS is the server whose state is in Redis, during its
	// runs: it holds no replay window of its own.
	redisPeakRSS int64
	// What the state store did per sealed request in the X25519 runs, in
	// memory (viaX25519) and in Redis (viaRedis).
	state map[runKey]stateCost
}

// relayProcesses are the processes of the relay runs.
type relayProcesses struct {
	octo, octoRedis *process // the server, its state in memory and in Redis
	sandbox, proxy  *process // the upstream, and the proxy in front of it
	redisPID        int      // the Redis of octoRedis
}

// writeUpstreamConfig writes the -config file that gives the server the
// sandbox at sandboxURL as an environment.
func writeUpstreamConfig(work, sandboxURL string) (string, error) {
	doc := map[string]any{"environments": []map[string]any{{
		"name":      upstreamEnvironment,
		"token_url": sandboxURL + wire.TokenPath,
		"api_bases": []string{sandboxURL + wire.APIBase},
	}}}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	path := filepath.Join(work, "upstream.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	return path, nil
}

// measureRelay runs Step 1 through each path at each concurrency. The
// paths alternate within a concurrency so that a drift of the machine
// touches them alike. Sealing happens before a run starts and opening the
// answers after it: the browser does both, not the relay, and the load
// generator shares the machine's two cores with what it measures.
func measureRelay(ctx context.Context, cfg config, p relayProcesses) (relayResults, error) {
	out := relayResults{runs: make(map[runKey]loadRun), state: make(map[runKey]stateCost)}
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{Proxy: nil, MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true},
	}
	configs, err := relayKeys(ctx, client, p.octo.url)
	if err != nil {
		return out, err
	}
	redisConfigs, err := relayKeys(ctx, client, p.octoRedis.url)
	if err != nil {
		return out, err
	}
	if out.startPeakRSS, err = p.octo.peakRSS(); err != nil {
		return out, err
	}
	for _, server := range []*process{p.octo, p.octoRedis} {
		if err := server.resetPeakRSS(); err != nil {
			return out, fmt.Errorf("bench: reset %s's peak RSS: %w", server.name, err)
		}
	}
	upstream, inProcess := p.sandbox.url+wire.TokenPath, p.octo.url+wire.SandboxMount+wire.TokenPath
	for _, c := range []int{oneAtATime, manyAtATime} {
		total := cfg.requests + c*warmUpFactor
		behind := []counted{loadGenerator, p.sandbox.counted()} // the path besides a forwarder
		runs := []struct {
			via       string
			forwarder *process  // whose CPU time is the run's
			others    []counted // the rest of the path
			send      func() (sender, func() error, error)
		}{
			{viaSandbox, p.sandbox, []counted{loadGenerator}, plainSender(client, p.sandbox.url+wire.TokenPath)},
			{viaProxy, p.proxy, behind, plainSender(client, p.proxy.url+wire.TokenPath)},
			{viaX25519, p.octo, behind, sealedSender(client, p.octo.url, upstream, configs[ohttp.KEMX25519], total)},
			{viaRedis, p.octoRedis, append(slices.Clip(behind), counted{"redis-server", p.redisPID}),
				sealedSender(client, p.octoRedis.url, upstream, redisConfigs[ohttp.KEMX25519], total)},
			{viaXWing, p.octo, behind, sealedSender(client, p.octo.url, upstream, configs[ohttp.KEMXWing], total)},
			{viaInProcess, p.octo, []counted{loadGenerator}, sealedSender(client, p.octo.url, inProcess, configs[ohttp.KEMX25519], total)},
		}
		for _, r := range runs {
			send, check, err := r.send()
			if err != nil {
				return out, err
			}
			var server *process // whose state store is counted
			if r.via == viaX25519 || r.via == viaRedis {
				server = r.forwarder
			}
			var before stateTotals
			if server != nil {
				if before, err = readStateTotals(server); err != nil {
					return out, err
				}
			}
			var profiled <-chan error
			if cfg.cpuProfile != "" && r.via == viaX25519 && c == manyAtATime {
				profiled = profileDuring(ctx, r.forwarder, cfg.cpuProfile)
			}
			run, err := runLoad(ctx, cfg.requests, c, cfg.limit, send, r.forwarder, r.others)
			if err == nil {
				err = check()
			}
			if profiled != nil {
				err = errors.Join(err, <-profiled)
			}
			if err != nil {
				return out, fmt.Errorf("bench: %s, %d at a time: %w", r.via, c, err)
			}
			out.runs[runKey{r.via, c}] = run
			if server != nil {
				after, err := readStateTotals(server)
				if err != nil {
					return out, err
				}
				out.state[runKey{r.via, c}] = after.since(before)
			}
		}
	}
	if out.redisPeakRSS, err = p.octoRedis.peakRSS(); err != nil {
		return out, err
	}
	out.peakRSS, err = p.octo.peakRSS()
	return out, err
}

// sender sends request i and fails unless it was answered as it should.
type sender func(ctx context.Context, i int) error

// runLoad sends n requests, c at a time, after c untimed ones that open
// the connections; it stops early, with what it has, when limit is over.
// It reads the CPU time of forwarder, and of the others on the path,
// around the timed requests.
func runLoad(ctx context.Context, n, c int, limit time.Duration, send sender, forwarder *process, others []counted) (loadRun, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if _, err := sendAll(ctx, n, n+c*warmUpFactor, c, send); err != nil {
		return loadRun{}, fmt.Errorf("warming up: %w", err)
	}
	cpuBefore, err := forwarder.cpuTime()
	if err != nil {
		return loadRun{}, err
	}
	othersBefore, err := cpuTimes(others)
	if err != nil {
		return loadRun{}, err
	}
	start := time.Now()
	latencies, err := sendAll(ctx, 0, n, c, send)
	run := loadRun{want: n, elapsed: time.Since(start), latencies: latencies}
	cpuAfter, cpuErr := forwarder.cpuTime()
	othersAfter, othersErr := cpuTimes(others)
	cpuErr = errors.Join(cpuErr, othersErr)
	run.cpu = cpuAfter - cpuBefore
	run.pathCPU = run.cpu + othersAfter - othersBefore
	slices.Sort(run.latencies)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && len(latencies) > 0 {
		err = nil // out of time: report what was measured
	}
	return run, errors.Join(err, cpuErr)
}

// sendAll sends requests from to to-1, c at a time, and returns the
// latency of each answered one; the first failure stops them all.
func sendAll(ctx context.Context, from, to, c int, send sender) ([]time.Duration, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	next.Store(int64(from))
	var mu sync.Mutex
	var latencies []time.Duration
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= to {
					return
				}
				start := time.Now()
				if err := send(ctx, i); err != nil {
					cancel(err)
					return
				}
				d := time.Since(start)
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return latencies, context.Cause(ctx)
}
