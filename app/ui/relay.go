package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"octoplay/app/dom"
	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
)

// relayClient seals requests in the browser to the relay's key and opens
// its answers: the secret and the token only ever travel sealed.
type relayClient struct {
	mu     sync.Mutex
	client *ohttp.Client // sealed to the keys fetched last
	// fetchKeys makes a client for the relay's key configurations as the
	// relay publishes them now: fetchRelayKeys in the browser.
	fetchKeys func(ctx context.Context) (*ohttp.Client, error)
	// clockOffset is the gateway's clock less this device's, in
	// nanoseconds, learnt from a stale-date answer (RFC 9458 §6.5).
	clockOffset atomic.Int64
}

// relayError is the relay's own answer to a request it could not open or
// would not take (RFC 9457 problem, 429, 415); it is explained like any
// other answer.
type relayError struct {
	answer quickstart.Answer
}

func (e *relayError) Error() string {
	return fmt.Sprintf("relay answered %d", e.answer.Status)
}

// loadRelay fetches the key configurations and the environments.
func loadRelay(ctx context.Context) (*relayClient, []quickstart.Environment, error) {
	c, err := fetchRelayKeys(ctx)
	if err != nil {
		return nil, nil, err
	}
	list, err := dom.Fetch(ctx, "GET", wire.RelayEnvironmentsPath, "", nil)
	if err != nil {
		return nil, nil, fmt.Errorf("load environments: %w", err)
	}
	if list.Status != 200 {
		return nil, nil, fmt.Errorf("load environments: the server answered %d", list.Status)
	}
	envs, err := quickstart.ParseEnvironments(list.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("load environments: %w", err)
	}
	return &relayClient{client: c, fetchKeys: fetchRelayKeys}, envs, nil
}

// fetchRelayKeys fetches the relay's key configurations (RFC 9458 §3) and
// makes a client that seals to the first one it supports.
func fetchRelayKeys(ctx context.Context) (*ohttp.Client, error) {
	keys, err := dom.Fetch(ctx, "GET", wire.RelayKeysPath, "", nil)
	if err != nil {
		return nil, fmt.Errorf("load relay keys: %w", err)
	}
	if keys.Status != 200 || keys.ContentType != ohttp.MediaTypeKeys {
		return nil, fmt.Errorf("load relay keys: the server answered %d", keys.Status)
	}
	configs, err := ohttp.ParseKeyConfigs(keys.Body)
	if err != nil {
		return nil, fmt.Errorf("load relay keys: %w", err)
	}
	c, err := ohttp.NewClient(configs, sendSealed)
	if err != nil {
		return nil, fmt.Errorf("load relay keys: %w", err)
	}
	return c, nil
}

// sendSealed is the ohttp.Transport: POST the sealed bytes to the relay.
func sendSealed(ctx context.Context, sealed []byte) ([]byte, error) {
	res, err := dom.Fetch(ctx, "POST", wire.RelayPath, ohttp.MediaTypeRequest, sealed)
	if err != nil {
		return nil, err
	}
	if res.Status != 200 || res.ContentType != ohttp.MediaTypeResponse {
		a := quickstart.Answer{Status: res.Status, Body: res.Body}
		a.Header.Add("content-type", res.ContentType)
		if res.RetryAfter != "" {
			a.Header.Add("retry-after", res.RetryAfter)
		}
		return nil, &relayError{answer: a}
	}
	return res.Body, nil
}

// send relays one request and returns the upstream's answer. A relay that
// refused the request gives its own answer, explained the same way. A
// refusal the browser can fix is retried once, sealed afresh (a new enc),
// dated by the gateway's clock.
func (r *relayClient) send(ctx context.Context, req *bhttp.Request) (quickstart.Answer, error) {
	start := time.Now()
	r.date(req)
	res, err := r.sealAgainOnNewKeys(ctx, req)
	if err == nil && r.fixable(res) {
		r.date(req)
		res, err = r.sealAgainOnNewKeys(ctx, req)
	}
	if err != nil {
		var re *relayError
		if errors.As(err, &re) {
			re.answer.Duration = time.Since(start)
			return re.answer, nil
		}
		return quickstart.Answer{}, err
	}
	return quickstart.Answer{Status: res.Status, Header: res.Header, Body: res.Body, Duration: time.Since(start)}, nil
}

// date dates req by the gateway's clock, as far as this device knows it.
func (r *relayClient) date(req *bhttp.Request) {
	now := time.Now().Add(time.Duration(r.clockOffset.Load()))
	req.Header.Set("date", now.UTC().Format(http.TimeFormat))
}

// fixable says whether the relay refused res for a reason a fresh seal
// fixes, and learns the gateway's clock from a stale-date answer: a Date too
// far from the gateway's clock (the answer carries the gateway's date), or
// a replay, which for a request sealed once is the replay filter's rare
// false refusal.
func (r *relayClient) fixable(res *bhttp.Response) bool {
	switch res.Header.Get(wire.HeaderProblem) {
	case wire.ProblemReplayed.URI:
		return true
	case wire.ProblemStaleDate.URI:
		gateway, err := time.Parse(http.TimeFormat, res.Header.Get("date"))
		if err != nil {
			return false
		}
		r.clockOffset.Store(int64(time.Until(gateway)))
		return true
	}
	return false
}

// sealAgainOnNewKeys seals req, sends it and opens the answer. A gateway
// that no longer holds the key it was sealed to (restarted, or rotated
// past the grace period) refuses it before opening it, with RFC 9458
// §6.4's key problem: nothing reached the upstream, so the keys are
// fetched again and req goes once more, sealed afresh. When that cannot
// help, the refusal is what comes back.
func (r *relayClient) sealAgainOnNewKeys(ctx context.Context, req *bhttp.Request) (*bhttp.Response, error) {
	res, err := r.sealer().Do(ctx, req)
	if !keyRefused(err) {
		return res, err
	}
	if r.reloadKeys(ctx) != nil {
		return res, err
	}
	return r.sealer().Do(ctx, req)
}

// sealer is the client for the keys fetched last.
func (r *relayClient) sealer() *ohttp.Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.client
}

// reloadKeys fetches the relay's key configurations again.
func (r *relayClient) reloadKeys(ctx context.Context) error {
	if r.fetchKeys == nil {
		return errors.New("reload relay keys: no way to fetch them")
	}
	c, err := r.fetchKeys(ctx)
	if err != nil {
		return fmt.Errorf("reload relay keys: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.client = c
	return nil
}

// keyRefused says whether err is the relay's RFC 9458 §6.4 key problem:
// the plain 400 answer to a sealed request it could not open.
func keyRefused(err error) bool {
	var re *relayError
	return errors.As(err, &re) && re.answer.ProblemType() == wire.ProblemKey.URI
}
