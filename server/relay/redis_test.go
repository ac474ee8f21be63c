package relay

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/wire"
	"octoplay/server/state/redisstate"
)

// redisHarness is a harness whose replay window is in a real redis-server,
// read by the harness's clock, with no probe running: only the relay's own
// requests reach Redis. The window has held the store since long before
// the test (its epoch is 1970), as a store does after its first minute.
func redisHarness(t *testing.T, env *Environment, args ...string) (*harness, *testkit.Redis) {
	t.Helper()
	const prefix = "relaytest:"
	rd := testkit.StartRedis(t, args...)
	_, err := rd.Command("SET", prefix+"epoch", "0")
	require.NoError(t, err)
	rs, err := redisstate.Open(context.Background(), rd.URL, prefix, 8, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { rs.Close() })
	return newHarness(t, []*Environment{env}, func(c *Config) { c.Replays = rs.ReplayWindow(2*DateSkew, c.Now) }), rd
}

// Redis restarts without persistence between two sends of the same sealed
// bytes: the second is refused (sealed 503, with how long until requests
// are judged again), not relayed again; once requests dated after the
// restart can be told from replays, they pass.
func TestNoReplayAcrossARedisRestart(t *testing.T) {
	up := newUpstream(t, nil)
	h, rd := redisHarness(t, loopbackEnv(t, "up", up, nil))
	plain, err := h.inner(http.MethodGet, up.URL+"/api/rooms").MarshalBinary()
	require.NoError(t, err)
	sealed, ctx := h.sealRaw(t, plain)

	res, body := h.post(t, sealed, nil)
	assert.Equal(t, http.StatusOK, openAnswer(t, res, body, ctx).Status)
	require.Equal(t, 1, up.Hits())
	res, body = h.post(t, sealed, nil)
	assertProblem(t, openAnswer(t, res, body, ctx), wire.ProblemReplayed.Status, wire.ProblemReplayed.URI)

	rd.Kill()
	rd.Start()
	res, body = h.post(t, sealed, nil)
	answer := openAnswer(t, res, body, ctx)
	assertProblem(t, answer, wire.ProblemStateUnavailable.Status, wire.ProblemStateUnavailable.URI)
	wait := DateSkew + redisstate.ClockMargin
	assert.Equal(t, "40", answer.Header.Get("retry-after"), "a request dated now is judged again in DateSkew + ClockMargin")
	assert.Equal(t, 1, up.Hits(), "the same sealed bytes were not relayed again")

	h.clock.Advance(wait - time.Second)
	assert.Equal(t, http.StatusServiceUnavailable, h.do(t, h.inner(http.MethodGet, up.URL+"/api/rooms")).Status, "dated a second too early")
	h.clock.Advance(time.Second)
	assert.Equal(t, http.StatusOK, h.do(t, h.inner(http.MethodGet, up.URL+"/api/rooms")).Status)
	assert.Equal(t, 2, up.Hits())
}

// Redis refuses one write (a real OOM at maxmemory): that one request gets
// the sealed 503 it always did, and the next, once Redis has room, is
// relayed at once, with no probe in between to bring the store back.
func TestOneRedisOOMRefusesOneRequest(t *testing.T) {
	up := newUpstream(t, nil)
	h, rd := redisHarness(t, loopbackEnv(t, "up", up, nil), "--maxmemory-policy", "noeviction")
	require.Equal(t, http.StatusOK, h.do(t, h.inner(http.MethodGet, up.URL+"/api/rooms")).Status)

	_, err := rd.Command("CONFIG", "SET", "maxmemory", "1")
	require.NoError(t, err)
	answer := h.do(t, h.inner(http.MethodGet, up.URL+"/api/rooms"))
	assertProblem(t, answer, wire.ProblemStateUnavailable.Status, wire.ProblemStateUnavailable.URI)
	assert.Equal(t, "2", answer.Header.Get("retry-after"))

	_, err = rd.Command("CONFIG", "SET", "maxmemory", "0")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, h.do(t, h.inner(http.MethodGet, up.URL+"/api/rooms")).Status)
	assert.Equal(t, 2, up.Hits())
}
