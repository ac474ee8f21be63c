package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

const (
	// maxTokens bounds the store under a flood of token requests; beyond it
	// the oldest token is forgotten, which its holder sees as invalid_token.
	maxTokens = 10000
	// expiredGrace is how long an expired token is still remembered, so that
	// the API can say it expired (what the playground wants to show) rather
	// than that it is unknown.
	expiredGrace = time.Hour
)

// newAccessToken returns a fresh access token. Tokens are opaque: 32 random
// bytes in base64url, not JWTs. They mean nothing by themselves; only the
// store knows whom one was issued to and until when (RFC 6749 §1.4).
func newAccessToken() string {
	b := make([]byte, 32)
	// crypto/rand.Read never returns an error (it crashes the program
	// instead), so there is no failure to answer here.
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenRecord is what the sandbox knows of an issued token.
type tokenRecord struct {
	clientID  string
	expiresAt time.Time
}

// tokenStore holds the issued tokens in memory, keyed by their SHA-256: a
// map lookup is not constant-time, and through the hash its timing can tell
// nothing useful about a token; a memory dump holds no usable token either.
type tokenStore struct {
	mu     sync.Mutex
	byHash *boundedMap[[sha256.Size]byte, tokenRecord]
}

func newTokenStore() *tokenStore {
	return &tokenStore{byHash: newBoundedMap[[sha256.Size]byte, tokenRecord](maxTokens)}
}

func (s *tokenStore) add(token string, rec tokenRecord, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byHash.put(sha256.Sum256([]byte(token)), rec, rec.expiresAt.Add(expiredGrace), now)
}

// lookup returns the record of token, expired or not, if it is remembered.
func (s *tokenStore) lookup(token string, now time.Time) (tokenRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byHash.get(sha256.Sum256([]byte(token)), now)
}

func (s *tokenStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byHash.len()
}
