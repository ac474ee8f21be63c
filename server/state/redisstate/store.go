package redisstate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// DefaultKeyPrefix starts every key, so that the playground can share a
// Redis with other applications.
const DefaultKeyPrefix = "octoplay:"

// Timeouts that keep a dead or slow Redis from holding a request: a second
// to connect, to send and to read, half a second to wait for a pooled
// connection, and the probe's interval and time limit.
const (
	dialTimeout = time.Second
	ioTimeout   = time.Second
	poolTimeout = 500 * time.Millisecond
	probeEvery  = time.Second
	probeTTL    = 10 * time.Second
)

// ErrUnavailable is wrapped by what an operation returns while the store
// is known not to answer.
var ErrUnavailable = errors.New("redisstate: the store does not answer")

// Store is one Redis, shared by the instances, with the limiters and the
// replay window it keeps.
type Store struct {
	client *redis.Client
	prefix string
	health *health
	// epochNow is the replay window's clock, once there is one: the probe
	// sets the epoch by it (replay.go), so that the window's refusals after
	// Redis comes back empty start within a second of it, not at the first
	// request after.
	epochNow atomic.Pointer[func() time.Time]
}

// epochKey holds the time the store started to hold the replay window
// (replay.go).
const epochKey = "epoch"

// Open connects to the Redis of rawURL (redis://, rediss:// or unix://,
// with a password and a database, as redis.ParseURL reads them), with keys
// under prefix, and probes it once. A store that does not answer is opened
// all the same, unavailable: Watch finds when it comes. Errors never hold
// the URL, which may hold a password.
//
// inFlight is the most operations the caller runs at once (the server's
// connection cap: a request holds one connection and runs one operation at
// a time): the pool holds that many connections, so that no operation
// waits its turn and times out under a burst, unless the URL's pool_size
// says otherwise. Once a burst is over, the connections past the usual
// few close as they come back.
func Open(ctx context.Context, rawURL, prefix string, inFlight int, logger *slog.Logger) (*Store, error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // url.Error quotes the whole URL
		}
		return nil, fmt.Errorf("redisstate: open: the Redis URL (redis://, rediss:// or unix://) is not valid: %w", err)
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = dialTimeout
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = ioTimeout
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = ioTimeout
	}
	if opts.PoolTimeout == 0 {
		opts.PoolTimeout = poolTimeout
	}
	if opts.PoolSize == 0 {
		opts.PoolSize = max(inFlight, 1) + 1 // and the probe's
	}
	if opts.MaxIdleConns == 0 {
		opts.MaxIdleConns = min(opts.PoolSize, 10*runtime.GOMAXPROCS(0)) // go-redis's own default pool
	}
	opts.MaxRetries = -1   // see the package comment: a retry can refuse a fresh request
	opts.DialerRetries = 1 // the probe dials again each second
	opts.ContextTimeoutEnabled = true
	opts.DisableIdentity = true // CLIENT SETINFO needs Redis 7.2
	opts.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	routeClientLog(logger)
	s := &Store{client: redis.NewClient(opts), prefix: prefix, health: newHealth(logger)}
	s.probe(ctx)
	return s, nil
}

// Close closes the connections.
func (s *Store) Close() error {
	if err := s.client.Close(); err != nil {
		return fmt.Errorf("redisstate: close: %w", err)
	}
	return nil
}

// Ready is nil while the store answers, else why it does not.
func (s *Store) Ready() error { return s.health.err() }

// Watch probes the store every second until ctx is done: that is how an
// unavailable store is found again, and an idle one found gone.
func (s *Store) Watch(ctx context.Context) {
	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.probe(ctx)
		}
	}
}

// probeScript writes the probe key and, when given one, sets the epoch if
// it is missing.
var probeScript = redis.NewScript(`
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'NX') end
`)

// probe writes the probe key: a write, so that a Redis that answers PING
// but refuses writes (out of memory, a read-only replica) counts as away.
func (s *Store) probe(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, probeEvery)
	defer cancel()
	epoch := "" // no replay window: none to set
	if now := s.epochNow.Load(); now != nil {
		epoch = strconv.FormatInt((*now)().UnixMilli(), 10)
	}
	err := probeScript.Run(ctx, s.client, []string{s.prefix + "probe", s.prefix + epochKey}, probeTTL.Milliseconds(), epoch).Err()
	if errors.Is(err, redis.Nil) {
		err = nil // the script's answer is nothing: the store answered
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return // the server is stopping, the store is not at fault
	}
	s.health.reportProbe(err)
}

// do runs op unless the store is known to be away, and reports how it
// went (health.go says when failures mark the store away); the caller's
// own cancellation is no failure of the store's.
func (s *Store) do(ctx context.Context, op func(context.Context) error) error {
	if err := s.health.err(); err != nil {
		return err
	}
	err := op(ctx)
	if err == nil || !errors.Is(err, context.Canceled) {
		s.health.report(err)
	}
	return err
}
