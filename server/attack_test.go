package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
)

// postToken sends Step 1 straight to the sandbox from hc with secret.
func postToken(t *testing.T, hc *http.Client, base, secret string) (int, string) {
	t.Helper()
	body := "grant_type=client_credentials&client_id=octoplay-demo&client_secret=" + secret
	res, err := hc.Post(base+tokenPath, "application/x-www-form-urlencoded", strings.NewReader(body))
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

// TestAttackLockoutOfAPublicClient: five wrong secrets for the public demo
// client id, from anywhere, once made the sandbox refuse the right secret
// to everyone for a minute, the relay's demo profile included. Failures now
// count against the guesser's address alone, through the relay too. The
// limits' clock stands still, so no failure is forgotten (one a 12 s) while
// the test runs, however slowly.
func TestAttackLockoutOfAPublicClient(t *testing.T) {
	clock := testkit.NewClock(time.Now())
	s := startServerWith(t, swaps{assets: standInAssets(), limitClock: clock.Now}, nil)
	guesser, user := loopback.Client(loopback.Addr(100)), loopback.Client(loopback.Addr(101))
	for i := range 5 {
		status, body := postToken(t, guesser, s.URL, "guess-"+string(rune('a'+i)))
		require.Equal(t, http.StatusUnauthorized, status, body)
	}
	status, body := postToken(t, guesser, s.URL, "octoplay-demo-secret")
	assert.Equal(t, http.StatusTooManyRequests, status, "the guesser is slowed down: %s", body)

	status, body = postToken(t, user, s.URL, "octoplay-demo-secret")
	assert.Equal(t, http.StatusOK, status, "someone else gets the demo client's token: %s", body)

	demoProfile := sealedStep1(s.URL, "grant_type=client_credentials", "octoplay-profile", "demo")
	res, err := sealedClient(t, s.URL, user).Do(context.Background(), demoProfile)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.Status, "the relay's demo profile works for someone else: %s", res.Body)

	// Through the relay, the sandbox counts the browser's address, not the
	// gateway's: the guesser is still the guesser.
	res, err = sealedClient(t, s.URL, guesser).Do(context.Background(), sealedStep1(s.URL, "grant_type=client_credentials", "octoplay-profile", "demo"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, res.Status, string(res.Body))
	assert.Contains(t, string(res.Body), "slow_down")
}

// TestAttackTokenEviction: the sandbox kept its last 10 000 tokens, so 10 000
// token requests with the public demo credentials made every other token
// invalid. Here they come from 500 addresses, 20 each, all within the
// per-address limit; tokens are self-validating now, and nothing is evicted.
func TestAttackTokenEviction(t *testing.T) {
	s := startChild(t, 0)
	status, body := postToken(t, loopback.Client(loopback.Addr(200)), s.URL, "octoplay-demo-secret")
	require.Equal(t, http.StatusOK, status, body)
	var victim tokenAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &victim))

	const addresses, each = 625, 16
	before := s.memory(t)
	stop := make(chan struct{})
	took, failures := honestClient(t, s.URL, 9001, 200*time.Millisecond, stop)
	outcomes, flood := floodFrom(1000, addresses, each, noKeepAlive, func(hc *http.Client, _ int) string {
		res, err := hc.Post(s.URL+tokenPath, "application/x-www-form-urlencoded", strings.NewReader(demoForm))
		if err != nil {
			return err.Error()
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.Status
	})
	close(stop)
	honest := <-took
	assert.Empty(t, collect(failures), "a user's Step 1 during the flood")
	require.Equal(t, map[string]int{"200 OK": addresses * each}, outcomes, "every token request of the flood was served")

	req, err := http.NewRequest(http.MethodGet, s.URL+"/sandbox/api/v2/", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+victim.AccessToken)
	res, err := loopback.Client(loopback.Addr(200)).Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the token issued before the flood still works")
	t.Logf("token eviction: %d token requests from %d addresses in %s; %s; honest Step 1 during it: %s",
		addresses*each, addresses, flood.Round(100*time.Millisecond), s.memoryAfter(t, before), latency(honest))
}

// TestAttackReplayWindowFlood: requests sealed in advance with a Date an
// hour ahead once went into the replay cache before their Date was
// checked, so a flood of them filled it and every honest request got 503.
// They are refused as stale now and never remembered; an honest user is
// served throughout. (The relay's own tests show none is remembered.)
func TestAttackReplayWindowFlood(t *testing.T) {
	s := startChild(t, 0)
	const addresses, each = 125, 16
	// Sealed in advance: all of them before the flood starts.
	keys, err := loopback.Client(loopback.Addr(300)).Get(s.URL + "/relay/keys")
	require.NoError(t, err)
	raw, _ := io.ReadAll(keys.Body)
	keys.Body.Close()
	configs, err := ohttp.ParseKeyConfigs(raw)
	require.NoError(t, err)
	ahead := sealedStep1(s.URL, "")
	ahead.Header.Set("date", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
	plain, err := ahead.MarshalBinary()
	require.NoError(t, err)
	junk := make([][]byte, addresses*each)
	opens := make([]*ohttp.ClientContext, addresses*each)
	for i := range junk {
		junk[i], opens[i], err = ohttp.SealRequest(configs[len(configs)-1], plain) // X25519: cheaper to seal
		require.NoError(t, err)
	}

	before := s.memory(t)
	stop := make(chan struct{})
	took, failures := honestClient(t, s.URL, 9002, 200*time.Millisecond, stop)
	outcomes, flood := floodFrom(2000, addresses, each, noKeepAlive, func(hc *http.Client, i int) string {
		answer, err := sealedTransport(s.URL, hc)(context.Background(), junk[i])
		var refusal *relayRefusal
		switch {
		case errors.As(err, &refusal):
			return http.StatusText(refusal.status)
		case err != nil:
			return err.Error()
		}
		return sealedProblemOf(answer, opens[i])
	})
	close(stop)
	honest := <-took
	assert.Empty(t, collect(failures), "a user's Step 1 during the flood")
	// Each opened, and the answer, sealed, says its Date is stale.
	assert.Equal(t, map[string]int{"urn:octoplay:problem:stale-date": addresses * each}, outcomes)
	t.Logf("replay window flood: %d requests sealed in advance from %d addresses in %s; %s; honest Step 1 during it: %s",
		addresses*each, addresses, flood.Round(100*time.Millisecond), s.memoryAfter(t, before), latency(honest))
}

// sealedProblemOf opens a sealed answer and returns its problem type, or
// what went wrong.
func sealedProblemOf(answer []byte, ctx *ohttp.ClientContext) string {
	plain, err := ctx.OpenResponse(answer)
	if err != nil {
		return err.Error()
	}
	res, err := bhttp.UnmarshalResponse(plain, bhttp.Limits{})
	if err != nil {
		return err.Error()
	}
	return res.Header.Get("octoplay-problem")
}

// noKeepAlive makes a flooding client use a connection a request, as
// attacks on what a request holds do (idle connections are an attack of
// their own); it also keeps the server from crowding, when it would close
// idle connections, and Go's client does not retry a POST on a connection
// closed under it.
func noKeepAlive(hc *http.Client) { hc.Transport.(*http.Transport).DisableKeepAlives = true }

// floodFrom sends each requests from each of addresses loopback addresses
// (numbered from first), 64 at a time, and counts the outcomes send names;
// setup adjusts each address's client.
func floodFrom(first, addresses, each int, setup func(*http.Client), send func(hc *http.Client, i int) string) (map[string]int, time.Duration) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]int{}
	sem := make(chan struct{}, 64)
	start := time.Now()
	for a := range addresses {
		hc := loopback.Client(loopback.Addr(first + a))
		if setup != nil {
			setup(hc)
		}
		// Connections dialled but never used would hold a shutdown 5 s.
		defer hc.CloseIdleConnections()
		for i := range each {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				outcome := send(hc, a*each+i)
				mu.Lock()
				outcomes[outcome]++
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	return outcomes, time.Since(start)
}
