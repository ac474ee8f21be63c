package relay

import (
	"crypto/sha256"
	"sync"
	"time"
)

// replayWindow is how far a sealed request's Date may be from the
// gateway's clock (RFC 9458 §6.5). An enc seen within twice that is refused:
// a request older than the window is refused for its Date anyway.
const replayWindow = 60 * time.Second

// replayCache remembers the enc of every request opened within the window,
// in bounded memory: full of live entries, it refuses new requests rather
// than forget one and let its replay through.
// Entries are keyed by the SHA-256 of enc: X-Wing's enc is 1,120 bytes, and
// a flood of requests would otherwise hold that much per entry for two
// minutes.
type replayCache struct {
	mu         sync.Mutex
	seen       map[[sha256.Size]byte]time.Time // SHA-256(enc) -> when it may be forgotten
	limit      int
	lastPurged time.Time
}

func newReplayCache(limit int) *replayCache {
	return &replayCache{seen: make(map[[sha256.Size]byte]time.Time), limit: limit}
}

// replayResult is what check says of an enc: replayFull when the cache
// is full of live entries.
type replayResult int

const (
	replayFresh replayResult = iota
	replaySeen
	replayFull
)

// check records enc at now and says whether it was fresh.
func (c *replayCache) check(enc []byte, now time.Time) replayResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := sha256.Sum256(enc)
	// A request accepted at t may carry a Date up to t+window, which stays
	// acceptable until t+2×window inclusive: so is its enc remembered.
	if until, ok := c.seen[key]; ok && !now.After(until) {
		return replaySeen
	}
	// Purge once a window as well as when full, so memory follows the
	// load of the last two minutes rather than the worst load ever.
	if len(c.seen) >= c.limit || now.Sub(c.lastPurged) > replayWindow {
		c.lastPurged = now
		for k, until := range c.seen {
			if now.After(until) {
				delete(c.seen, k)
			}
		}
		if len(c.seen) >= c.limit {
			return replayFull
		}
	}
	c.seen[key] = now.Add(2 * replayWindow)
	return replayFresh
}
