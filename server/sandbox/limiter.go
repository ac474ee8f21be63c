package sandbox

import (
	"crypto/sha256"
	"sync"
	"time"
)

const (
	// maxFailures failed client authentications of one client id within
	// failureWindow make the token endpoint refuse that id until the window,
	// which starts at the first failure, has passed.
	maxFailures   = 5
	failureWindow = time.Minute
	// maxFailingClients bounds the counters. An attacker who floods the
	// endpoint with that many ids can make the sandbox forget a counter, but
	// never grow its memory.
	maxFailingClients = 10000
)

// failureLimiter slows down guessing a client secret (RFC 6749 §10.10 asks
// for protection against guessing credentials). Its counters are keyed by the
// SHA-256 of the client id, so a key is small whatever id was sent.
type failureLimiter struct {
	mu       sync.Mutex
	byClient *boundedMap[[sha256.Size]byte, *failureCount]
}

type failureCount struct {
	since time.Time // the first attempt counted in this window
	n     int
}

func newFailureLimiter() *failureLimiter {
	return &failureLimiter{byClient: newBoundedMap[[sha256.Size]byte, *failureCount](maxFailingClients)}
}

// check authenticates clientID with authenticate unless it has failed too
// often, and counts a failure. The check, the authentication and the count
// happen under one lock: concurrent guesses cannot slip in between, and
// concurrent valid requests never count against the client (they did when
// every attempt was counted first and taken back after). It returns how long
// the client must wait, or zero and what authenticate returned.
func (l *failureLimiter) check(clientID string, now time.Time, authenticate func() *failure) (time.Duration, *failure) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := sha256.Sum256([]byte(clientID))
	c, ok := l.byClient.get(key, now)
	if ok && c.n >= maxFailures {
		return c.since.Add(failureWindow).Sub(now), nil
	}
	f := authenticate()
	switch {
	case f == nil:
		l.byClient.delete(key)
	case !ok:
		l.byClient.put(key, &failureCount{since: now, n: 1}, now.Add(failureWindow), now)
	default:
		c.n++
	}
	return 0, f
}
