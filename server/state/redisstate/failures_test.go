package redisstate_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/server/state"
)

// One operation that Redis refuses (a real OOM at maxmemory) fails that
// operation only: the store stays available, what Redis still serves
// (reads) is served, and once Redis has room the next write passes, with no
// probe in between.
func TestOneOOMFailsOneOperation(t *testing.T) {
	r := testkit.StartRedis(t, "--maxmemory-policy", "noeviction")
	var log testkit.SyncBuffer
	s := open(t, r, &log) // no Watch: nothing but the operations below reaches Redis
	ctx := context.Background()
	w := s.ReplayWindow(time.Minute, nil)
	recs := s.Records(state.RecordLimits{TTL: time.Hour, PerOwner: 10, MaxData: 64}, 0, nil)
	_, err := recs.Create(ctx, "198.51.100.7", "r1", []byte("kept"), nil)
	require.NoError(t, err)
	remember := func(i int) (bool, error) {
		return w.Remember(ctx, sha256.Sum256(fmt.Append(nil, "request ", i)), time.Now().Add(30*time.Second))
	}
	fresh, err := remember(0)
	require.NoError(t, err)
	require.True(t, fresh)

	rc := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer rc.Close()
	require.NoError(t, rc.ConfigSet(ctx, "maxmemory", "1").Err())
	_, err = remember(1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "OOM", "a real refusal by Redis")
	assert.NoError(t, s.Ready(), "one failure is no outage")
	got, err := recs.Get(ctx, "198.51.100.7", "r1")
	require.NoError(t, err, "a read Redis still serves is served")
	assert.Equal(t, "kept", string(got.Data))

	require.NoError(t, rc.ConfigSet(ctx, "maxmemory", "0").Err())
	fresh, err = remember(2)
	require.NoError(t, err, "the next write passes at once")
	assert.True(t, fresh)
	assert.NotContains(t, log.String(), "state store unavailable")
}

// A burst of operations at once, while Redis is busy for longer than an
// operation may wait for a pooled connection (DEBUG SLEEP, a real stall of
// the server): with a pool sized for the operations in flight, none waits
// its turn, and all of them pass.
func TestABurstDoesNotWaitForThePool(t *testing.T) {
	const inFlight = 64
	r := testkit.StartRedis(t, "--enable-debug-command", "yes")
	var log testkit.SyncBuffer
	// A read timeout well past the stall: only a wait for the pool
	// (500 ms) can fail an operation here.
	s := openWith(t, r.URL+"?read_timeout=5s", inFlight, &log)
	ctx := context.Background()
	w := s.ReplayWindow(time.Minute, nil)

	rc := redis.NewClient(&redis.Options{Addr: r.Addr, ReadTimeout: 5 * time.Second})
	defer rc.Close()
	stalled := make(chan error, 1)
	go func() { stalled <- rc.Do(ctx, "DEBUG", "SLEEP", "1").Err() }()
	waitStalled(t, r.Addr)

	var wg sync.WaitGroup
	errs := make(chan error, inFlight)
	for i := range inFlight {
		wg.Go(func() {
			_, err := w.Remember(ctx, sha256.Sum256(fmt.Append(nil, "burst ", i)), time.Now().Add(30*time.Second))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	require.NoError(t, <-stalled)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.NoError(t, s.Ready())
	assert.NotContains(t, log.String(), "state store unavailable")
}

// waitStalled waits until the redis-server on addr is inside a command
// that holds it: a PING on a connection of its own gets no answer within
// 100 ms.
func waitStalled(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c := redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: 100 * time.Millisecond, MaxRetries: -1})
		err := c.Ping(context.Background()).Err()
		c.Close()
		if err != nil && strings.Contains(err.Error(), "timeout") {
			return
		}
		require.True(t, time.Now().Before(deadline), "redis-server never stalled: %v", err)
	}
}
