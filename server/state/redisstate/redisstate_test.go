package redisstate_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/server/state"
	"octoplay/server/state/redisstate"
	"octoplay/server/state/statetest"
)

// open opens a store on r under a prefix of the test's own, logging to log.
func open(t *testing.T, r *testkit.Redis, log *testkit.SyncBuffer) *redisstate.Store {
	t.Helper()
	return openWith(t, r.URL, 8, log)
}

// openWith opens a store on url for inFlight operations at once, under a
// prefix of the test's own, logging to log.
func openWith(t *testing.T, url string, inFlight int, log *testkit.SyncBuffer) *redisstate.Store {
	t.Helper()
	if log == nil {
		log = &testkit.SyncBuffer{}
	}
	prefix := "test:" + t.Name() + ":"
	opts, err := redis.ParseURL(url)
	require.NoError(t, err)
	seedEpoch(t, opts, prefix)
	s, err := redisstate.Open(context.Background(), url, prefix, inFlight, slog.New(slog.NewTextHandler(log, nil)))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// seedEpoch makes the Redis of opts one that has held the replay window
// under prefix since 1970, as a store does long after its first use:
// nothing it is asked is forgotten (see TestNoReplayAcrossARestart for a
// store that is new, or came back empty).
func seedEpoch(t *testing.T, opts *redis.Options, prefix string) {
	t.Helper()
	rc := redis.NewClient(opts)
	defer rc.Close()
	require.NoError(t, rc.Set(context.Background(), prefix+"epoch", "0", 0).Err())
}

// The same suite as the memory implementations, against a real
// redis-server: the suite's clock is passed to Redis as each instance's
// would be.
func TestRedisLimiter(t *testing.T) {
	s := open(t, testkit.StartRedis(t), nil)
	var n atomic.Int64
	statetest.TestLimiter(t, func(t *testing.T, limit state.Limit, clock *statetest.Clock) state.Limiter {
		return s.Limiter(fmt.Sprint("suite", n.Add(1)), limit, clock.Now) // empty: a name of its own
	})
}

func TestRedisReplayWindow(t *testing.T) {
	r := testkit.StartRedis(t)
	statetest.TestReplayWindow(t, func(t *testing.T, span time.Duration, clock *statetest.Clock) state.ReplayWindow {
		return open(t, r, nil).ReplayWindow(span, clock.Now) // empty: a prefix of its own
	})
}

// Two instances on one Redis are one playground: a request one has seen is
// a replay to the other, and one address has one limit across both.
func TestInstancesShareState(t *testing.T) {
	r := testkit.StartRedis(t)
	a, b := open(t, r, nil), open(t, r, nil)
	ctx := context.Background()
	id := sha256.Sum256([]byte("sealed request"))
	until := time.Now().Add(30 * time.Second)
	fresh, err := a.ReplayWindow(time.Minute, nil).Remember(ctx, id, until)
	require.NoError(t, err)
	assert.True(t, fresh)
	fresh, err = b.ReplayWindow(time.Minute, nil).Remember(ctx, id, until)
	require.NoError(t, err)
	assert.False(t, fresh, "a replay to the other instance")

	limit := state.Limit{Interval: time.Hour, Burst: 4}
	allowed := 0
	for i := range 12 {
		d, err := []*redisstate.Store{a, b}[i%2].Limiter("relay", limit, nil).Allow(ctx, "198.51.100.7")
		require.NoError(t, err)
		if d.Allowed {
			allowed++
		}
	}
	assert.Equal(t, limit.Burst, allowed, "one burst across both instances")
}

// Every key expires: a replay entry when no instance would accept a copy
// (its forget-after time plus the clock margin), a limiter's key when its
// burst is back.
func TestKeysExpire(t *testing.T) {
	r := testkit.StartRedis(t)
	s := open(t, r, nil)
	ctx := context.Background()
	now := time.Now()
	_, err := s.ReplayWindow(time.Minute, func() time.Time { return now }).Remember(ctx, sha256.Sum256([]byte("x")), now.Add(20*time.Second))
	require.NoError(t, err)
	_, err = s.Limiter("relay", state.Limit{Interval: 200 * time.Millisecond, Burst: 20}, nil).Allow(ctx, "198.51.100.7")
	require.NoError(t, err)

	rc := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer rc.Close()
	keys, err := rc.Keys(ctx, "*").Result()
	require.NoError(t, err)
	require.Len(t, keys, 4, "the replay entry, the limiter's key, the probe's and the epoch: %v", keys)
	for _, k := range keys {
		ttl, err := rc.PTTL(ctx, k).Result()
		require.NoError(t, err)
		if strings.HasSuffix(k, ":epoch") {
			assert.Equal(t, time.Duration(-1), ttl, "the epoch lives as long as the store's data: one key, of fixed size")
			continue
		}
		assert.Positive(t, ttl, "%s has no time to live", k)
		switch {
		case strings.Contains(k, ":replay:"):
			assert.Len(t, strings.TrimPrefix(k[strings.LastIndex(k, ":"):], ":"), 32, "16 bytes of the id in hex")
			assert.InDelta(t, (20*time.Second + redisstate.ClockMargin).Seconds(), ttl.Seconds(), 1)
		case strings.Contains(k, ":limit:relay:"):
			assert.LessOrEqual(t, ttl, 200*time.Millisecond, "one event: its burst is back one interval later")
		}
	}
}

// A URL that does not parse is refused, and the error never repeats it: it
// may hold a password.
func TestOpenRefusesBadURLsWithoutEchoingThem(t *testing.T) {
	for _, u := range []string{
		"REPLACE_WITH_redis_URL_of_the_shared_state",
		"http://:hunter2@redis.example.com:6379",
		"redis://:hunter2@redis.example.com:port/0",
		"redis://:hunter2@redis.example.com:6379/zero",
		"redis://:hunter2@redis.example.com:6379/0?pool_size=many",
	} {
		_, err := redisstate.Open(context.Background(), u, redisstate.DefaultKeyPrefix, 8, slog.New(slog.DiscardHandler))
		require.Error(t, err, u)
		assert.NotContains(t, err.Error(), "hunter2")
		assert.Contains(t, err.Error(), "Redis URL")
	}
}

// Redis goes away: operations fail (callers fail closed), at once once the
// store knows, with one log line; it comes back: the probe finds it within
// seconds, with one log line, and operations work again without a new
// store.
func TestFailsClosedAndRecoversAlone(t *testing.T) {
	r := testkit.StartRedis(t)
	var log testkit.SyncBuffer
	s := open(t, r, &log)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.Watch(ctx)
	l := s.Limiter("relay", state.Limit{Interval: time.Millisecond, Burst: 1000}, nil)
	w := s.ReplayWindow(time.Minute, nil)
	require.NoError(t, s.Ready())
	_, err := l.Allow(ctx, "a")
	require.NoError(t, err)

	r.Kill()
	// Each operation fails on its own until enough of them in a row say
	// the store is away.
	for i := 0; s.Ready() == nil; i++ {
		require.Less(t, i, redisstate.AwayAfterFailures, "still available after %d failures in a row", i)
		_, err = l.Allow(ctx, "a")
		require.Error(t, err, "a limiter that cannot count refuses")
	}
	assert.ErrorIs(t, s.Ready(), redisstate.ErrUnavailable)
	for i := range 50 {
		start := time.Now()
		_, err := w.Remember(ctx, sha256.Sum256(fmt.Append(nil, i)), time.Now().Add(time.Second))
		require.ErrorIs(t, err, redisstate.ErrUnavailable)
		require.Less(t, time.Since(start), 100*time.Millisecond, "refused without waiting on Redis")
	}
	assert.Equal(t, 1, strings.Count(log.String(), "state store unavailable"), log.String())

	r.Start()
	if !testkit.Eventually(10*time.Second, func() bool { return s.Ready() == nil }) {
		t.Fatalf("the store did not come back:\n%s", log.String())
	}
	_, err = l.Allow(ctx, "a")
	assert.NoError(t, err)
	// Redis came back empty: what was sealed before it went may have been
	// in the window, so requests dated then are refused, not called fresh.
	_, err = w.Remember(ctx, sha256.Sum256([]byte("after")), time.Now().Add(time.Second))
	assert.ErrorIs(t, err, state.ErrForgotten)
	assert.NoError(t, s.Ready(), "a refusal of the window's, not an outage")
	assert.Equal(t, 1, strings.Count(log.String(), "state store unavailable"), log.String())
	assert.Equal(t, 2, strings.Count(log.String(), "state store available"), "at start and on recovery:\n%s", log.String())
}

// A store whose Redis is away at start opens all the same, unavailable, and
// says so once.
func TestOpensUnavailable(t *testing.T) {
	var log testkit.SyncBuffer
	s, err := redisstate.Open(context.Background(), "redis://"+testkit.FreeAddr(t)+"/0", "x:", 8, slog.New(slog.NewTextHandler(&log, nil)))
	require.NoError(t, err)
	defer s.Close()
	assert.ErrorIs(t, s.Ready(), redisstate.ErrUnavailable)
	_, err = s.Limiter("relay", state.Limit{Interval: time.Second, Burst: 1}, nil).Allow(context.Background(), "a")
	assert.ErrorIs(t, err, redisstate.ErrUnavailable)
	assert.Equal(t, 1, strings.Count(log.String(), "state store unavailable"), log.String())
}

func TestRedisRecords(t *testing.T) {
	r := testkit.StartRedis(t)
	statetest.TestRecords(t, func(t *testing.T, limits state.RecordLimits, maxRecords int, clock *statetest.Clock) state.Records {
		return open(t, r, nil).Records(limits, maxRecords, clock.Now) // empty: a prefix of its own
	})
}

// The records of every owner on every instance are bounded together: at
// the store's most a new one is refused, nobody's dropped to make room; a
// delete or an expiry makes room again. Every key has a time to live that
// lasts while its records do.
func TestRedisRecordsAreBoundedAndExpire(t *testing.T) {
	r := testkit.StartRedis(t)
	ctx := context.Background()
	clock := statetest.NewClock()
	limits := state.RecordLimits{TTL: time.Hour, PerOwner: 10, MaxData: 16}
	// Two instances on one prefix, as a cluster runs them.
	one, two := open(t, r, nil).Records(limits, 6, clock.Now), open(t, r, nil).Records(limits, 6, clock.Now)
	for i := range 6 {
		_, err := []state.Records{one, two}[i%2].Create(ctx, fmt.Sprint("owner", i%3), fmt.Sprint("r", i), []byte("x"), nil)
		require.NoError(t, err)
	}
	_, err := two.Create(ctx, "newcomer", "n", []byte("x"), nil)
	assert.ErrorIs(t, err, state.ErrStoreFull)
	for i := range 3 {
		recs, err := one.List(ctx, fmt.Sprint("owner", i))
		require.NoError(t, err)
		assert.Len(t, recs, 2, "nobody's records were dropped")
	}
	got, err := two.Get(ctx, "owner0", "r0")
	require.NoError(t, err, "one instance reads what the other wrote")
	assert.Equal(t, "x", string(got.Data))

	rc := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer rc.Close()
	keys, err := rc.Keys(ctx, "test:"+t.Name()+":records*").Result()
	require.NoError(t, err)
	assert.Len(t, keys, 4, "one hash per owner and the index: %v", keys)
	for _, k := range keys {
		ttl, err := rc.PTTL(ctx, k).Result()
		require.NoError(t, err)
		assert.InDelta(t, time.Hour.Seconds(), ttl.Seconds(), 5, "%s lives as long as its records", k)
	}

	require.NoError(t, one.Delete(ctx, "owner0", "r0"))
	_, err = two.Create(ctx, "newcomer", "n", []byte("x"), nil)
	require.NoError(t, err, "a delete makes room")
	_, err = two.Create(ctx, "newcomer", "n2", []byte("x"), nil)
	assert.ErrorIs(t, err, state.ErrStoreFull)
	clock.Advance(time.Hour)
	_, err = one.Create(ctx, "another", "a", []byte("x"), nil)
	require.NoError(t, err, "expired records make room, whoever owned them")
	_, err = one.Get(ctx, "newcomer", "n")
	assert.ErrorIs(t, err, state.ErrNotFound)

	// An owner whose last record goes leaves no key behind.
	require.NoError(t, one.Delete(ctx, "another", "a"))
	n, err := rc.Exists(ctx, "test:"+t.Name()+":records:another").Result()
	require.NoError(t, err)
	assert.Zero(t, n)
}
