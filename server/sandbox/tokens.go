package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// Access tokens are self-validating: the sandbox stores none, so nobody's
// traffic can evict anybody's token, and every instance given the same key
// accepts the others' tokens. A token is opaque to its holder (not a JWT):
//
//	base64url( version | expiry | id | client id | tag )
//
// with version one byte (1), expiry the big-endian Unix second it expires
// at, id 16 random bytes, and tag HMAC-SHA256 of what precedes it under the
// sandbox's token key.
const (
	tokenVersion = 1
	tokenIDSize  = 16
	tokenFixed   = 1 + 8 + tokenIDSize + sha256.Size
	// maxClientIDLen bounds a client id, and so a token's length.
	maxClientIDLen = 255
)

// maxTokenLen is the longest token the sandbox issues: anything longer is
// refused before it is decoded.
var maxTokenLen = base64.RawURLEncoding.EncodedLen(tokenFixed + maxClientIDLen)

// tokenRecord is what a token says: whose it is and until when.
type tokenRecord struct {
	clientID   string
	expiresAt  time.Time
	propertyID int64
}

// tokenSigner issues and checks access tokens under one key.
type tokenSigner struct{ key []byte }

// issue returns a fresh token for rec, whose expiry is cut to the second.
func (s tokenSigner) issue(rec tokenRecord) string {
	b := make([]byte, 0, tokenFixed+len(rec.clientID))
	b = append(b, tokenVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(rec.expiresAt.Unix()))
	b = append(b, make([]byte, tokenIDSize)...)
	// crypto/rand.Read never returns an error (it crashes the program
	// instead), so there is no failure to answer here.
	_, _ = rand.Read(b[9 : 9+tokenIDSize])
	b = append(b, rec.clientID...)
	return base64.RawURLEncoding.EncodeToString(append(b, s.mac(b)...))
}

func (s tokenSigner) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(b)
	return m.Sum(nil)
}

// verify returns what token says if the sandbox's key made it, expired or
// not; the tag is compared in constant time.
func (s tokenSigner) verify(token string) (tokenRecord, bool) {
	if len(token) > maxTokenLen {
		return tokenRecord{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < tokenFixed || b[0] != tokenVersion {
		return tokenRecord{}, false
	}
	body, tag := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if !hmac.Equal(tag, s.mac(body)) {
		return tokenRecord{}, false
	}
	expiry := int64(binary.BigEndian.Uint64(body[1:9]))
	return tokenRecord{clientID: string(body[9+tokenIDSize:]), expiresAt: time.Unix(expiry, 0)}, true
}
