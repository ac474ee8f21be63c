package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
)

// scrape is what /metrics at base says: each series, as
// name{label="value",...} with labels sorted as the exposition sorts them,
// with its value; and the text itself.
func scrape(t *testing.T, base string) (map[string]float64, string) {
	t.Helper()
	res, body := get(t, base+"/metrics", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, body)
	series := map[string]float64{}
	for line := range strings.Lines(body) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		require.NoError(t, err, line)
		series[line[:i]] = v
	}
	return series, body
}

// series names a series as scrape keys it: name, then label pairs.
func series(name string, labels ...string) string {
	if len(labels) == 0 {
		return name
	}
	var pairs []string
	for i := 0; i+1 < len(labels); i += 2 {
		pairs = append(pairs, fmt.Sprintf("%s=%q", labels[i], labels[i+1]))
	}
	slices.Sort(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// postSealed posts sealed bytes to the relay and returns the status.
func postSealed(t *testing.T, hc *http.Client, base string, sealed []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/relay", bytes.NewReader(sealed))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ohttp.MediaTypeRequest)
	res, err := hc.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// After real traffic, /metrics on its own listener counts what happened,
// by labels from fixed sets alone: no secret, token, path or address of
// the requests appears. The public listener has no /metrics. The limits'
// clock stands still, so the relay's burst of 8 is all there is however
// slowly the requests go.
func TestMetricsCountRealTraffic(t *testing.T) {
	metricsAddr := testkit.FreeAddr(t)
	clock := testkit.NewClock(time.Now())
	s := startServerWith(t, swaps{assets: standInAssets(), limitClock: clock.Now}, nil, "-metrics-addr", metricsAddr, "-relay-burst", "8")
	ctx := context.Background()
	hc := loopback.Client(loopback.Addr(4242))
	c := sealedClient(t, s.URL, hc)

	// Step 1 and Step 2 through the relay.
	res, err := c.Do(ctx, sealedStep1(s.URL, ""))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var tok tokenAnswer
	require.NoError(t, json.Unmarshal(res.Body, &tok))
	step2, err := c.Do(ctx, innerRequest(t, s.URL, "GET", "/sandbox/octotable-pms/api/v2/rooms", map[string]string{"Authorization": "Bearer " + tok.AccessToken, "Property": "1001"}, ""))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, step2.Status)
	// A replay, junk, a wrong secret straight to the sandbox.
	plain, err := sealedStep1(s.URL, "").MarshalBinary()
	require.NoError(t, err)
	_, keys := get(t, s.URL+"/relay/keys", nil)
	configs, err := ohttp.ParseKeyConfigs([]byte(keys))
	require.NoError(t, err)
	sealed, _, err := ohttp.SealRequest(configs[0], plain)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, postSealed(t, hc, s.URL, sealed))
	require.Equal(t, http.StatusOK, postSealed(t, hc, s.URL, sealed), "a replay is refused sealed")
	require.Equal(t, http.StatusBadRequest, postSealed(t, hc, s.URL, []byte("junk")))
	status, _ := postToken(t, hc, s.URL, "wrong-secret")
	require.Equal(t, http.StatusUnauthorized, status)
	// Then past the relay's burst of 8: five relay requests above, three
	// more allowed, the other seven refused.
	limited := 0
	for range 10 {
		if postSealed(t, hc, s.URL, []byte("junk")) == http.StatusTooManyRequests {
			limited++
		}
	}
	require.Equal(t, 7, limited)

	got, text := scrape(t, "http://"+metricsAddr)
	for _, want := range []struct {
		series string
		value  float64
	}{
		{series("octoplay_relay_requests_total", "environment", "sandbox", "outcome", "relayed"), 3},
		{series("octoplay_relay_requests_total", "environment", "none", "outcome", "replayed"), 1},
		{series("octoplay_relay_requests_total", "environment", "none", "outcome", "bad-encapsulation"), float64(1 + 10 - limited)},
		{series("octoplay_relay_requests_total", "environment", "none", "outcome", "rate-limited"), float64(limited)},
		{series("octoplay_relay_upstream_responses_total", "environment", "sandbox", "class", "2xx"), 3},
		{series("octoplay_relay_duration_seconds_count", "environment", "sandbox"), 3},
		{series("octoplay_relay_upstream_duration_seconds_count", "environment", "sandbox"), 3},
		{series("octoplay_relay_open_failures_total", "reason", "malformed"), float64(1 + 10 - limited)},
		{series("octoplay_rate_limited_total", "limit", "relay"), float64(limited)},
		{series("octoplay_replays_refused_total"), 1},
		{series("octoplay_sandbox_tokens_issued_total"), 2},
		{series("octoplay_state_duration_seconds_count", "store", "replay"), 4},
		{series("octoplay_state_duration_seconds_count", "store", "sandbox-failures"), 4}, // a Peek for each of 3 token requests, a Charge for the failure
		{series("octoplay_state_up"), 1},
		{series("octoplay_uploads_in_flight"), 0},
		{series("octoplay_upload_bytes_in_flight"), 0},
	} {
		assert.Equal(t, want.value, got[want.series], want.series)
	}
	for _, name := range []string{"octoplay_connections_open", "go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_open_fds"} {
		assert.Contains(t, got, name)
	}
	assert.Positive(t, got["octoplay_connections_open"], "the test's own connections")

	// Nothing a client sent shows in a series' name or labels: check that
	// the check finds a planted leak, then that there is none. The samples'
	// values are left out: a count or a byte size may hold 1001 by chance.
	leaks := func(text string) []string {
		var series strings.Builder
		for _, line := range strings.Split(text, "\n") {
			if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
				line = line[:i]
			}
			series.WriteString(line + "\n")
		}
		var found []string
		for _, s := range []string{tok.AccessToken, "octoplay-demo-secret", "wrong-secret", "/sandbox", "/api/v2", "rooms", "127.0.", "Bearer", "1001"} {
			if strings.Contains(series.String(), s) {
				found = append(found, s)
			}
		}
		return found
	}
	require.NotEmpty(t, leaks(text+` octoplay_x{path="/api/v2/rooms"} 1`), "the check finds a path")
	assert.Empty(t, leaks(text))

	res404, _ := get(t, s.URL+"/metrics", nil)
	assert.Equal(t, http.StatusNotFound, res404.StatusCode, "no metrics on the public listener")
	res404, _ = get(t, "http://"+metricsAddr+"/", nil)
	assert.Equal(t, http.StatusNotFound, res404.StatusCode, "the metrics listener serves /metrics alone")
}
