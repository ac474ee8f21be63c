package relay

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/ohttp"
	"octoplay/internal/wire"
)

// outcomes records what an Observer hears.
type outcomes struct {
	mu   sync.Mutex
	list []Outcome
}

func (o *outcomes) Observe(x Outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.list = append(o.list, x)
}

// last is the outcome heard last, after want of them in all.
func (o *outcomes) last(t *testing.T, want int) Outcome {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	require.Len(t, o.list, want, "one outcome per request")
	return o.list[want-1]
}

// Every POST /relay is observed once, with what became of it: relayed
// (environment, upstream status and time), or refused before or after it
// was opened (problem type, and which part failed).
func TestEveryRequestIsObservedOnce(t *testing.T) {
	var h *harness
	up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
		h.clock.Advance(250 * time.Millisecond) // the upstream takes a quarter second
		w.WriteHeader(http.StatusCreated)
	})
	seen := &outcomes{}
	h = newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)}, func(c *Config) {
		c.Observer = seen
		c.RatePerSecond, c.RateBurst = 0.001, 7
	})
	n := 0
	next := func() Outcome { n++; return seen.last(t, n) }

	h.do(t, h.inner("GET", up.URL+"/api/"))
	relayed := next()
	assert.Equal(t, Outcome{Environment: "up", UpstreamStatus: http.StatusCreated, Upstream: 250 * time.Millisecond, Total: 250 * time.Millisecond}, relayed)

	sealed, _ := h.sealRaw(t, mustMarshal(t, h.inner("GET", up.URL+"/api/")))
	h.post(t, sealed, nil)
	assert.Equal(t, "up", next().Environment)
	h.post(t, sealed, nil)
	assert.Equal(t, Outcome{Problem: wire.ProblemReplayed.URI}, next(), "a replay is refused before its target is looked at")

	h.post(t, []byte("junk"), nil)
	assert.Equal(t, Outcome{Problem: wire.ProblemBadEncapsulation.URI, Failure: FailureMalformed}, next())
	other, err := ohttp.GenerateKey(9, ohttp.KEMX25519)
	require.NoError(t, err)
	toOther, _, err := ohttp.SealRequest(other.Config(), []byte("x"))
	require.NoError(t, err)
	h.post(t, toOther, nil)
	assert.Equal(t, Outcome{Problem: wire.ProblemKey.URI, Failure: FailureUnknownKey}, next())
	h.post(t, sealed, map[string]string{"Content-Type": "text/plain"})
	assert.Equal(t, Outcome{Problem: wire.ProblemMediaType.URI}, next())
	h.post(t, sealed, map[string]string{"Sec-Fetch-Site": "cross-site"})
	assert.Equal(t, Outcome{Problem: wire.ProblemCrossOrigin.URI}, next())

	h.post(t, sealed, nil) // the seventh of the burst: the last allowed
	next()
	h.post(t, sealed, nil)
	assert.Equal(t, Outcome{Problem: wire.ProblemRateLimited.URI}, next(), "refused by the rate limit, before the relay")
}

func mustMarshal(t *testing.T, m interface{ MarshalBinary() ([]byte, error) }) []byte {
	t.Helper()
	b, err := m.MarshalBinary()
	require.NoError(t, err)
	return b
}
