package relay

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
)

func TestReplayedRequestIsRefused(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	plain, err := h.inner("POST", up.URL+"/api/reservations").MarshalBinary()
	require.NoError(t, err)
	sealed, ctx := h.sealRaw(t, plain)

	res, body := h.post(t, sealed, nil)
	assert.Equal(t, http.StatusOK, openAnswer(t, res, body, ctx).Status)
	res, body = h.post(t, sealed, nil)
	assertProblem(t, openAnswer(t, res, body, ctx), http.StatusBadRequest, wire.ProblemReplayed.URI)
	assert.Equal(t, 1, up.Hits())

	// Once the cache may forget it, the Date refuses it instead.
	h.clock.Advance(2*replayWindow + time.Second)
	res, body = h.post(t, sealed, nil)
	assertProblem(t, openAnswer(t, res, body, ctx), http.StatusBadRequest, wire.ProblemStaleDate.URI)
	assert.Equal(t, 1, up.Hits())
}

func TestReplayCacheFullIsBusy(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	h.relay.replays = newReplayCache(1)
	assert.Equal(t, http.StatusOK, h.do(t, h.inner("GET", up.URL+"/api/")).Status)
	assertProblem(t, h.do(t, h.inner("GET", up.URL+"/api/")), http.StatusServiceUnavailable, wire.ProblemBusy.URI)
	assert.Equal(t, 1, up.Hits())
}

// TestDateWindow: RFC 9458 §6.5. A request dated outside the window never
// reaches the upstream, and the answer tells the client the gateway's time.
func TestDateWindow(t *testing.T) {
	gatewayDate := testEpoch.Format(http.TimeFormat)
	tests := []struct {
		name    string
		date    string // "" leaves the field out
		relayed bool
	}{
		{"now", gatewayDate, true},
		{"60 s old", testEpoch.Add(-60 * time.Second).Format(http.TimeFormat), true},
		{"60 s ahead", testEpoch.Add(60 * time.Second).Format(http.TimeFormat), true},
		{"61 s old", testEpoch.Add(-61 * time.Second).Format(http.TimeFormat), false},
		{"61 s ahead", testEpoch.Add(61 * time.Second).Format(http.TimeFormat), false},
		{"a day old", testEpoch.Add(-24 * time.Hour).Format(http.TimeFormat), false},
		{"missing", "", false},
		{"not a date", "yesterday", false},
		{"ISO 8601 is not an HTTP date", testEpoch.Format(time.RFC3339), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, nil)
			h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
			req := h.inner("GET", up.URL+"/api/")
			req.Header.Del("date")
			if tt.date != "" {
				req.Header.Set("date", tt.date)
			}
			answer := h.do(t, req)
			if tt.relayed {
				assert.Equal(t, http.StatusOK, answer.Status, string(answer.Body))
				assert.Equal(t, 1, up.Hits())
				return
			}
			assertProblem(t, answer, http.StatusBadRequest, wire.ProblemStaleDate.URI)
			assert.Equal(t, gatewayDate, answer.Header.Get("date"))
			assert.Zero(t, up.Hits())
		})
	}
}

// TestReplayCacheBound: full of live entries, the cache refuses new ones
// rather than forget one whose replay would then go through; it frees
// entries once 2×window has passed.
func TestReplayCacheBound(t *testing.T) {
	c := newReplayCache(2)
	w2 := 2 * replayWindow
	steps := []struct {
		name string
		enc  string
		at   time.Duration
		want replayResult
	}{
		{"a is fresh", "a", 0, replayFresh},
		{"a again is a replay", "a", time.Second, replaySeen},
		{"b is fresh", "b", 10 * time.Second, replayFresh},
		{"c is refused while the cache is full", "c", 20 * time.Second, replayFull},
		{"c was not remembered", "c", 20 * time.Second, replayFull},
		{"a is still remembered at 2×window", "a", w2, replaySeen},
		{"a is forgotten after 2×window: c takes its place", "c", w2 + time.Nanosecond, replayFresh},
		{"b is still remembered", "b", w2 + time.Nanosecond, replaySeen},
		{"a cannot come back while b and c live", "a", w2 + time.Nanosecond, replayFull},
		{"b is forgotten later: a fits", "a", 2 * w2, replayFresh},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			assert.Equal(t, s.want, c.check([]byte(s.enc), testEpoch.Add(s.at)))
			assert.LessOrEqual(t, len(c.seen), 2)
		})
	}
}

// Expired entries go within a window even when the cache never fills, so
// memory follows recent load rather than the worst ever.
func TestReplayCachePurgesExpiredEntriesOverTime(t *testing.T) {
	c := newReplayCache(1000)
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	for i := range 100 {
		require.Equal(t, replayFresh, c.check([]byte{byte(i), 1}, start))
	}
	require.Len(t, c.seen, 100)
	later := start.Add(2*replayWindow + replayWindow/2)
	require.Equal(t, replayFresh, c.check([]byte("new"), later))
	assert.Len(t, c.seen, 1, "the 100 expired entries are gone")
}
