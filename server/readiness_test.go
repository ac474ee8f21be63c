package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/wire"
	"octoplay/server/relay"
	"octoplay/server/state/redisstate"
)

// seedReplayEpoch makes rd a Redis whose replay window has been under the
// default prefix since 1970, as after its first minute in service: a new
// or restarted one refuses the requests of its first 40 s (redisstate's
// ReplayWindow says why), which only the test of that waits for.
func seedReplayEpoch(t *testing.T, rd *testkit.Redis) {
	t.Helper()
	_, err := rd.Command("SET", redisstate.DefaultKeyPrefix+"epoch", "0")
	require.NoError(t, err)
}

// /readyz is 200 while the state store answers, else 503 with a reason
// that names no address; from the drain on it is 503 for good.
func TestReadyzSaysWhy(t *testing.T) {
	var storeErr error
	r := newReadiness(func() error { return storeErr }, true)
	answer := func() (int, readyzAnswer) {
		t.Helper()
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		var a readyzAnswer
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &a), w.Body.String())
		assert.NotContains(t, w.Body.String(), "10.0.0.5")
		return w.Code, a
	}
	status, a := answer()
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, readyzAnswer{Status: "ready"}, a)

	storeErr = errors.New("redisstate: dial tcp 10.0.0.5:6379: connect: connection refused")
	status, a = answer()
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, readyzAnswer{Status: "unavailable", Reason: "the state store does not answer"}, a)

	r.needsState = false
	status, a = answer()
	assert.Equal(t, http.StatusOK, status, "ready without its store, when told so")
	assert.Equal(t, readyzAnswer{Status: "ready", State: "unavailable"}, a)
	r.needsState = true

	storeErr = nil
	status, _ = answer()
	assert.Equal(t, http.StatusOK, status, "back when the store is")
	r.drain()
	status, a = answer()
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "draining: the server is stopping", a.Reason)
}

// readyz is the status /readyz answers at base, 0 when it does not.
func readyz(base string) int { return readyzWith(http.DefaultClient, base) }

// With its state in a Redis that goes away, the server refuses sealed
// requests (state-unavailable, Retry-After) rather than relay them
// unchecked, /readyz says 503, the log says so once; when Redis comes back,
// everything works again, with no restart.
func TestRedisAwayFailsClosedAndRecovers(t *testing.T) {
	rd := testkit.StartRedis(t)
	seedReplayEpoch(t, rd)
	metricsURL := "http://" + testkit.FreeAddr(t)
	s := startServer(t, standInAssets(), map[string]string{"OCTOPLAY_REDIS_URL": rd.URL, "OCTOPLAY_METRICS_ADDR": strings.TrimPrefix(metricsURL, "http://")})
	ctx := context.Background()
	c := newRelayClient(t, s.URL)
	require.NoError(t, sendStep1(ctx, c, s.URL))
	require.Equal(t, http.StatusOK, readyz(s.URL))

	rd.Kill()
	waitFor(t, func() bool { return readyz(s.URL) == http.StatusServiceUnavailable }, "/readyz says 503")
	for range 20 {
		_, err := c.Do(ctx, sealedStep1(s.URL, ""))
		var refusal *relayRefusal
		require.ErrorAs(t, err, &refusal)
		assert.Equal(t, http.StatusServiceUnavailable, refusal.status)
		assert.Equal(t, "2", refusal.retryAfter)
		assert.Contains(t, string(refusal.body), wire.ProblemStateUnavailable.URI)
	}
	res, body := get(t, s.URL+tokenPath, nil)
	assert.Equal(t, http.StatusServiceUnavailable, res.StatusCode, "the sandbox fails closed too")
	assert.Contains(t, body, wire.ProblemStateUnavailable.URI)
	assert.Equal(t, 1, strings.Count(s.Stderr.String(), "state store unavailable"), "one line, not one per request:\n%s", s.Stderr.String())
	got, _ := scrape(t, metricsURL)
	assert.Zero(t, got[series("octoplay_state_up")])
	assert.Positive(t, got[series("octoplay_state_errors_total", "store", "relay-limit")])
	assert.Equal(t, 20.0, got[series("octoplay_relay_requests_total", "environment", "none", "outcome", "state-unavailable")])

	rd.Start()
	waitFor(t, func() bool { return readyz(s.URL) == http.StatusOK }, "/readyz says 200 again")
	// Redis came back empty: a request dated before the restart plus the
	// skew could be a copy of one relayed before, so Step 1 is refused,
	// sealed, with the wait until requests are judged again.
	refused, err := c.Do(ctx, sealedStep1(s.URL, ""))
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, refused.Status, string(refused.Body))
	wait, err := strconv.Atoi(refused.Header.Get("retry-after"))
	require.NoError(t, err, "a Retry-After in seconds")
	assert.InDelta(t, (relay.DateSkew + redisstate.ClockMargin).Seconds(), wait, 3)
	// The epoch set back stands for that wait.
	seedReplayEpoch(t, rd)
	assert.NoError(t, sendStep1(ctx, c, s.URL))
	got, _ = scrape(t, metricsURL)
	assert.Equal(t, 1.0, got[series("octoplay_state_up")])
	assert.Equal(t, 2, strings.Count(s.Stderr.String(), "state store available"), "at start and on recovery")
	require.NoError(t, s.Stop())
	assert.Equal(t, 1, strings.Count(s.Stderr.String(), "state store unavailable"), "stopping is no outage:\n%s", s.Stderr.String())
}

// SIGTERM turns /readyz to 503 at once, while the server goes on serving
// the page and the relay for the drain delay; then it stops and exits 0.
func TestSIGTERMDrains(t *testing.T) {
	srv := startChild(t, 0, "-drain-delay", "3s")
	require.Equal(t, http.StatusOK, readyz(srv.URL))
	c := newRelayClient(t, srv.URL)

	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	waitFor(t, func() bool { return readyz(srv.URL) == http.StatusServiceUnavailable }, "/readyz says 503")
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // each on a new connection
	res, err := fresh.Get(srv.URL + "/")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "the page is still served")
	assert.NoError(t, sendStep1(context.Background(), c, srv.URL), "the relay still relays")
	assert.Contains(t, srv.Stderr.String(), "draining")
	assert.NotContains(t, srv.Stderr.String(), "shutting down", "all of this was during the drain")

	select {
	case err := <-srv.exited:
		assert.NoError(t, err, "exit status 0\n%s", srv.Stderr.String())
	case <-time.After(40 * time.Second):
		t.Fatal("the server did not exit")
	}
	log := srv.Stderr.String()
	assert.Less(t, strings.Index(log, "draining"), strings.Index(log, "shutting down"), log)
}
