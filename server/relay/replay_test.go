package relay

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
	"octoplay/server/state"
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
	h.clock.Advance(DateSkew)
	res, body = h.post(t, sealed, nil)
	assertProblem(t, openAnswer(t, res, body, ctx), http.StatusBadRequest, wire.ProblemReplayed.URI) // still remembered at the last moment its Date is accepted
	assert.Equal(t, 1, up.Hits())

	// Once the window may forget it, the Date refuses it instead.
	h.clock.Advance(time.Second)
	res, body = h.post(t, sealed, nil)
	assertProblem(t, openAnswer(t, res, body, ctx), http.StatusBadRequest, wire.ProblemStaleDate.URI)
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
		{"30 s old", testEpoch.Add(-30 * time.Second).Format(http.TimeFormat), true},
		{"30 s ahead", testEpoch.Add(30 * time.Second).Format(http.TimeFormat), true},
		{"31 s old", testEpoch.Add(-31 * time.Second).Format(http.TimeFormat), false},
		{"31 s ahead", testEpoch.Add(31 * time.Second).Format(http.TimeFormat), false},
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

// countingWindow is a replay window that counts what it was asked to
// remember.
type countingWindow struct {
	state.ReplayWindow
	mu    sync.Mutex
	calls int
	err   error // answered instead, when set
}

func (w *countingWindow) Remember(ctx context.Context, id [sha256.Size]byte, until time.Time) (bool, error) {
	w.mu.Lock()
	w.calls++
	err := w.err
	w.mu.Unlock()
	if err != nil {
		return false, err
	}
	return w.ReplayWindow.Remember(ctx, id, until)
}

func (w *countingWindow) Calls() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.calls
}

// TestJunkNeverEntersTheReplayWindow is the window-filling attack: requests
// sealed in advance with a Date far off, or that do not open or decode,
// were once remembered before anything else was checked, so a flood of
// them filled the window and every honest request was refused as "busy".
// Now only a request that opened, decoded and is dated within the window is
// remembered.
func TestJunkNeverEntersTheReplayWindow(t *testing.T) {
	up := newUpstream(t, nil)
	window := &countingWindow{}
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)}, func(c *Config) {
		window.ReplayWindow = state.NewMemoryReplayWindow(2*DateSkew, c.Now)
		c.Replays = window
	})
	dated := func(at time.Time) []byte {
		req := h.inner("GET", up.URL+"/api/")
		req.Header.Set("date", at.Format(http.TimeFormat))
		b, err := req.MarshalBinary()
		require.NoError(t, err)
		return b
	}
	otherKey, err := ohttp.GenerateKey(9, ohttp.KEMX25519)
	require.NoError(t, err)
	sealedToOther, _, err := ohttp.SealRequest(otherKey.Config(), dated(testEpoch))
	require.NoError(t, err)
	junk := map[string][]byte{
		"not sealed":                       []byte("junk"),
		"sealed to a key it does not hold": sealedToOther,
	}
	for name, plain := range map[string][]byte{
		"dated an hour ahead (sealed in advance)": dated(testEpoch.Add(time.Hour)),
		"dated a day ago":                         dated(testEpoch.Add(-24 * time.Hour)),
		"dated 31 s ahead":                        dated(testEpoch.Add(DateSkew + time.Second)),
		"without a Date":                          rawRequest("GET", "http", up.Listener.Addr().String(), "/api/", nil),
		"not binary HTTP":                         []byte{0, 1, 2},
	} {
		sealed, _ := h.sealRaw(t, plain)
		junk[name] = sealed
	}
	for name, body := range junk {
		for range 50 { // each a fresh seal would be no different: none is remembered
			res, _ := h.post(t, body, nil)
			require.NotEqual(t, http.StatusInternalServerError, res.StatusCode, name)
		}
		assert.Zero(t, window.Calls(), "%s was remembered", name)
	}
	assert.Zero(t, up.Hits())

	assert.Equal(t, http.StatusOK, h.do(t, h.inner("GET", up.URL+"/api/")).Status)
	assert.Equal(t, 1, window.Calls(), "an honest request is remembered")
}

// Without its replay window the relay refuses rather than forward a
// request it cannot check.
func TestReplayWindowUnavailableFailsClosed(t *testing.T) {
	up := newUpstream(t, nil)
	window := &countingWindow{err: errors.New("store unreachable")}
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)}, func(c *Config) { c.Replays = window })
	answer := h.do(t, h.inner("GET", up.URL+"/api/"))
	assertProblem(t, answer, http.StatusServiceUnavailable, wire.ProblemStateUnavailable.URI)
	assert.Equal(t, "2", answer.Header.Get("retry-after"))
	assert.Zero(t, up.Hits())
	assert.Equal(t, 1, window.Calls())
}

// A request whose Date the window finds outside (the clock moved on between
// the two checks) is stale, never relayed.
func TestOutsideTheWindowIsStale(t *testing.T) {
	up := newUpstream(t, nil)
	window := &countingWindow{err: state.ErrOutsideWindow}
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)}, func(c *Config) { c.Replays = window })
	answer := h.do(t, h.inner("GET", up.URL+"/api/"))
	assertProblem(t, answer, http.StatusBadRequest, wire.ProblemStaleDate.URI)
	assert.NotEmpty(t, answer.Header.Get("date"))
	assert.Zero(t, up.Hits())
}
