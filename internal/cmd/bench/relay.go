package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
)

// The sandbox client the bench gives the server and the reference sandbox.
const (
	benchClientID     = "octoplay-bench"
	benchClientSecret = "octoplay-bench-secret"
)

// tokenForm is Step 1 as the quickstart sends it, for the bench's client.
var tokenForm = url.Values{
	"grant_type":    {"client_credentials"},
	"client_id":     {benchClientID},
	"client_secret": {benchClientSecret},
}.Encode()

// The relay runs: what answers Step 1, and how many requests at a time.
const (
	viaSandbox   = "sandbox directly"
	viaProxy     = "bare reverse proxy"
	viaX25519    = "sealed relay, X25519"
	viaXWing     = "sealed relay, X-Wing"
	viaRedis     = "sealed relay, X25519, state in Redis"
	oneAtATime   = 1
	manyAtATime  = 32
	warmUpFactor = 1 // warm-up requests per worker, untimed
)

type runKey struct {
	via         string
	concurrency int
}

// loadRun is one run: a fixed count of requests, some at a time.
type loadRun struct {
	want      int
	elapsed   time.Duration
	latencies []time.Duration // of the answered requests, sorted
}

func (r loadRun) perSecond() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

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
	// What the state store did per sealed request in the X25519 runs, in
	// memory (viaX25519) and in Redis (viaRedis).
	state map[runKey]stateCost
}

// measureRelay runs Step 1 through each path at each concurrency. The
// paths alternate within a concurrency so that a drift of the machine
// touches them alike. Sealing happens before a run starts: the browser
// does it, not the relay.
func measureRelay(ctx context.Context, cfg config, octo, octoRedis, ref *process) (relayResults, error) {
	out := relayResults{runs: make(map[runKey]loadRun), state: make(map[runKey]stateCost)}
	servers := map[string]*process{viaX25519: octo, viaRedis: octoRedis}
	if len(ref.urls) != 2 {
		return out, fmt.Errorf("bench: the reference printed %v, not a sandbox and a proxy", ref.urls)
	}
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{Proxy: nil, MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true},
	}
	configs, err := relayKeys(ctx, client, octo.url)
	if err != nil {
		return out, err
	}
	redisConfigs, err := relayKeys(ctx, client, octoRedis.url)
	if err != nil {
		return out, err
	}
	if out.startPeakRSS, err = octo.peakRSS(); err != nil {
		return out, err
	}
	if err := octo.resetPeakRSS(); err != nil {
		return out, fmt.Errorf("bench: reset the server's peak RSS: %w", err)
	}
	for _, c := range []int{oneAtATime, manyAtATime} {
		total := cfg.requests + c*warmUpFactor
		senders := map[string]func() (sender, error){
			viaSandbox: func() (sender, error) { return plainSender(client, ref.urls[0]+wire.TokenPath), nil },
			viaProxy:   func() (sender, error) { return plainSender(client, ref.urls[1]+wire.TokenPath), nil },
			viaX25519:  func() (sender, error) { return sealedSender(client, octo.url, configs[ohttp.KEMX25519], total) },
			viaXWing:   func() (sender, error) { return sealedSender(client, octo.url, configs[ohttp.KEMXWing], total) },
			viaRedis: func() (sender, error) {
				return sealedSender(client, octoRedis.url, redisConfigs[ohttp.KEMX25519], total)
			},
		}
		for _, via := range []string{viaSandbox, viaProxy, viaX25519, viaRedis, viaXWing} {
			send, err := senders[via]()
			if err != nil {
				return out, err
			}
			server := servers[via]
			var before stateTotals
			if server != nil {
				if before, err = readStateTotals(server); err != nil {
					return out, err
				}
			}
			run, err := runLoad(ctx, cfg.requests, c, cfg.limit, send)
			if err != nil {
				return out, fmt.Errorf("bench: %s, %d at a time: %w", via, c, err)
			}
			out.runs[runKey{via, c}] = run
			if server != nil {
				after, err := readStateTotals(server)
				if err != nil {
					return out, err
				}
				out.state[runKey{via, c}] = after.since(before)
			}
		}
	}
	out.peakRSS, err = octo.peakRSS()
	return out, err
}

// sender sends request i and fails unless Step 1 succeeded.
type sender func(ctx context.Context, i int) error

// runLoad sends n requests, c at a time, after c untimed ones that open
// the connections; it stops early, with what it has, when limit is over.
func runLoad(ctx context.Context, n, c int, limit time.Duration, send sender) (loadRun, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if _, err := sendAll(ctx, n, n+c*warmUpFactor, c, send); err != nil {
		return loadRun{}, fmt.Errorf("warming up: %w", err)
	}
	start := time.Now()
	latencies, err := sendAll(ctx, 0, n, c, send)
	run := loadRun{want: n, elapsed: time.Since(start), latencies: latencies}
	slices.Sort(run.latencies)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil && len(latencies) > 0 {
		err = nil // out of time: report what was measured
	}
	return run, err
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

// plainSender posts Step 1 in the clear, as to the sandbox or the proxy.
func plainSender(client *http.Client, tokenURL string) sender {
	return func(ctx context.Context, _ int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(tokenForm))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_, err = answerOf(client, req, "application/json")
		return err
	}
}

// relayKeys fetches the relay's key configurations by KEM.
func relayKeys(ctx context.Context, client *http.Client, base string) (map[uint16]ohttp.KeyConfig, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+wire.RelayKeysPath, nil)
	if err != nil {
		return nil, err
	}
	body, err := answerOf(client, req, ohttp.MediaTypeKeys)
	if err != nil {
		return nil, fmt.Errorf("bench: relay keys: %w", err)
	}
	configs, err := ohttp.ParseKeyConfigs(body)
	if err != nil {
		return nil, fmt.Errorf("bench: relay keys: %w", err)
	}
	byKEM := make(map[uint16]ohttp.KeyConfig)
	for _, c := range configs {
		byKEM[c.KEM] = c
	}
	if _, ok := byKEM[ohttp.KEMX25519]; !ok {
		return nil, errors.New("bench: the relay offers no X25519 key")
	}
	if _, ok := byKEM[ohttp.KEMXWing]; !ok {
		return nil, errors.New("bench: the relay offers no X-Wing key")
	}
	return byKEM, nil
}

// sealedSender seals n Step 1 requests to the sandbox through the relay at
// base, each with its own encapsulated key (the relay refuses a replay),
// and sends request i.
func sealedSender(client *http.Client, base string, cfg ohttp.KeyConfig, n int) (sender, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	sealed := make([][]byte, n)
	contexts := make([]*ohttp.ClientContext, n)
	for i := range n {
		inner := &bhttp.Request{Method: http.MethodPost, Scheme: u.Scheme, Authority: u.Host, Path: wire.SandboxMount + wire.TokenPath, Body: []byte(tokenForm)}
		inner.Header.Set("content-type", "application/x-www-form-urlencoded")
		inner.Header.Set("date", time.Now().UTC().Format(http.TimeFormat))
		plain, err := inner.MarshalBinary()
		if err != nil {
			return nil, err
		}
		if sealed[i], contexts[i], err = ohttp.SealRequest(cfg, plain); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context, i int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+wire.RelayPath, bytes.NewReader(sealed[i]))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", ohttp.MediaTypeRequest)
		body, err := answerOf(client, req, ohttp.MediaTypeResponse)
		if err != nil {
			return err
		}
		opened, err := contexts[i].OpenResponse(body)
		if err != nil {
			return err
		}
		res, err := bhttp.UnmarshalResponse(opened, bhttp.DefaultLimits)
		if err != nil {
			return err
		}
		if res.Status != http.StatusOK {
			return fmt.Errorf("the sandbox answered %d through the relay: %.200s", res.Status, res.Body)
		}
		return nil
	}, nil
}

// answerOf sends req and returns the body of a 200 of the given media type.
func answerOf(client *http.Client, req *http.Request, mediaType string) ([]byte, error) {
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), mediaType) {
		return nil, fmt.Errorf("%s answered %s %s: %.200s", req.URL.Path, res.Status, res.Header.Get("Content-Type"), body)
	}
	return body, nil
}
