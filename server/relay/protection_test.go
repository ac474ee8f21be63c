package relay

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
)

// TestCrossOriginPOST: a page elsewhere cannot make a visitor's browser
// spend the relay (http.CrossOriginProtection, by Sec-Fetch-Site or Origin).
func TestCrossOriginPOST(t *testing.T) {
	tests := []struct {
		name    string
		header  map[string]string
		relayed bool
	}{
		{"Sec-Fetch-Site cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, false},
		{"Sec-Fetch-Site same-site", map[string]string{"Sec-Fetch-Site": "same-site"}, false},
		{"Origin of another host", map[string]string{"Origin": "https://evil.example"}, false},
		{"Origin null", map[string]string{"Origin": "null"}, false},
		{"Sec-Fetch-Site same-origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, true},
		{"Sec-Fetch-Site none (typed by the user)", map[string]string{"Sec-Fetch-Site": "none"}, true},
		{"no browser headers (curl)", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := newUpstream(t, nil)
			h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
			plain, err := h.inner("GET", up.URL+"/api/").MarshalBinary()
			require.NoError(t, err)
			sealed, ctx := h.sealRaw(t, plain)
			res, body := h.post(t, sealed, tt.header)
			if !tt.relayed {
				assertPlainProblem(t, res, body, http.StatusForbidden, wire.ProblemCrossOrigin.URI)
				assert.Zero(t, up.Hits())
				return
			}
			assert.Equal(t, http.StatusOK, openAnswer(t, res, body, ctx).Status)
			assert.Equal(t, 1, up.Hits())
		})
	}
}

func TestRateLimit(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)}, func(c *Config) {
		c.RatePerSecond, c.RateBurst = 1, 3
	})
	var got []int
	for range 6 {
		res, body := h.post(t, []byte("not sealed"), nil)
		got = append(got, res.StatusCode)
		if res.StatusCode == http.StatusTooManyRequests {
			assertPlainProblem(t, res, body, http.StatusTooManyRequests, wire.ProblemRateLimited.URI)
			retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
			require.NoError(t, err, "Retry-After %q", res.Header.Get("Retry-After"))
			// The clock stands still and one token comes back per second.
			assert.Equal(t, 1, retry)
		}
	}
	assert.Equal(t, []int{400, 400, 400, 429, 429, 429}, got)

	h.clock.Advance(time.Second)
	res, _ := h.post(t, []byte("not sealed"), nil)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "after Retry-After the client is let through")
	res, _ = h.post(t, []byte("not sealed"), nil)
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
}

func TestRateLimitDefaults(t *testing.T) {
	tests := []struct {
		name       string
		rps        float64
		burst      int
		wantAllows int // quick requests let through from one address
	}{
		{"zero means the defaults", 0, 0, 20},
		{"a rate with no burst", 1, 0, 20},
		{"a burst with no rate", 0, 2, 2},
		{"both", 1, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, productionEnvs(t), func(c *Config) { c.RatePerSecond, c.RateBurst = tt.rps, tt.burst })
			allowed := 0
			for range 25 {
				req := httptest.NewRequest("POST", "/relay", nil)
				req.RemoteAddr = "203.0.113.7:5555"
				if ok, _ := h.relay.limiter.allow(req, testEpoch); ok {
					allowed++
				}
			}
			assert.Equal(t, tt.wantAllows, allowed)
		})
	}
}

func TestClientKey(t *testing.T) {
	tests := []struct{ remote, want string }{
		{"203.0.113.7:5555", "203.0.113.7"},
		{"[::ffff:203.0.113.7]:5555", "203.0.113.7"},
		{"[2001:db8:1:2:3:4:5:6]:5555", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:ffff::1]:443", "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:443", "fe80::/64"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			assert.Equal(t, tt.want, clientKey(tt.remote))
		})
	}
}

// TestLimiterMemoryIsBounded: however many addresses come, the limiter
// keeps at most its limit of buckets.
func TestLimiterMemoryIsBounded(t *testing.T) {
	l := newClientLimiter(1, 2)
	l.limit = 8
	now := testEpoch
	for i := range 1000 {
		req := httptest.NewRequest("POST", "/relay", nil)
		req.RemoteAddr = fmt.Sprintf("198.51.%d.%d:443", i/256, i%256)
		ok, _ := l.allow(req, now)
		assert.True(t, ok, "a new client is let through")
		assert.LessOrEqual(t, len(l.clients), l.limit)
		now = now.Add(time.Millisecond)
	}

	// Idle buckets (refilled) go first; a busy client keeps its state.
	l = newClientLimiter(1, 2)
	l.limit = 3
	busy := httptest.NewRequest("POST", "/relay", nil)
	busy.RemoteAddr = "192.0.2.1:1"
	for range 2 {
		ok, _ := l.allow(busy, testEpoch)
		require.True(t, ok)
	}
	for i, at := range []time.Duration{-time.Hour, -time.Hour} {
		req := httptest.NewRequest("POST", "/relay", nil)
		req.RemoteAddr = fmt.Sprintf("192.0.2.%d:1", 10+i)
		l.allow(req, testEpoch.Add(at))
	}
	newcomer := httptest.NewRequest("POST", "/relay", nil)
	newcomer.RemoteAddr = "192.0.2.99:1"
	ok, _ := l.allow(newcomer, testEpoch)
	assert.True(t, ok)
	assert.Len(t, l.clients, 2, "the two idle buckets were dropped")
	ok, _ = l.allow(busy, testEpoch)
	assert.False(t, ok, "the busy client's empty bucket was kept")
}
