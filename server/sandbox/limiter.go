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

// attempt counts an authentication attempt of clientID as a failure, which
// forget takes back once it has succeeded, and returns zero; or, if clientID
// has failed too often, counts nothing and returns how long it must wait.
// Counting before the secret is checked means concurrent guesses cannot slip
// in between a check and a count.
func (l *failureLimiter) attempt(clientID string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := sha256.Sum256([]byte(clientID))
	c, ok := l.byClient.get(key, now)
	switch {
	case !ok:
		l.byClient.put(key, &failureCount{since: now, n: 1}, now.Add(failureWindow), now)
	case c.n >= maxFailures:
		return c.since.Add(failureWindow).Sub(now)
	default:
		c.n++
	}
	return 0
}

// forget clears the counter of a client that has just authenticated.
func (l *failureLimiter) forget(clientID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byClient.delete(sha256.Sum256([]byte(clientID)))
}
