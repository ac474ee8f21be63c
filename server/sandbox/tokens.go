package sandbox

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Access tokens are JWTs (RFC 7519) shaped like the sample token in
// OctoTable's docs: the header {"typ":"JWT","alg":"RS256"} and the claims
// sub, iss, groups, property_id, exp, iat and jti, signed with RSASSA-PKCS1
// v1.5 and SHA-256 (RFC 7518 §3.3). They are self-validating: the sandbox
// stores none, so nobody's traffic can evict anybody's token, and every
// instance given the same token key derives the same RSA key and accepts
// the others' tokens.
const (
	// tokenHeader is the JOSE header of every token, in the order of the
	// docs' sample.
	tokenHeader = `{"typ":"JWT","alg":"RS256"}`
	// tokenIssuer is iss: uppercase like OctoTable's "OCTORATE-…", and
	// saying that the sandbox issued the token, not OctoTable.
	tokenIssuer = "OCTOTABLE-SANDBOX"
	// maxClientIDLen bounds a client id, and so a token's length.
	maxClientIDLen = 255
	// maxTokenLen is more than the longest token the sandbox issues (about
	// 2.7 KB, for a client id of maxClientIDLen bytes that JSON escapes
	// in full): anything longer is refused before it is decoded.
	maxTokenLen = 4096
)

// tokenGroups is the groups claim. The docs' sample has one lowercase
// role-like word; the sandbox's clients all have the one role.
var tokenGroups = []string{"api-client"}

var encodedTokenHeader = base64.RawURLEncoding.EncodeToString([]byte(tokenHeader))

// b64 decodes a JWS segment: base64url without padding (RFC 7515 §2), and
// strict, so that a token has one spelling only.
var b64 = base64.RawURLEncoding.Strict()

// tokenRecord is what a token says: whose it is, for which property, and
// when it was issued and expires (both to the second).
type tokenRecord struct {
	clientID   string
	propertyID int64
	issuedAt   time.Time
	expiresAt  time.Time
}

// tokenClaims are a token's claims as JSON.
type tokenClaims struct {
	// Subject is the client id: RFC 9068 §2.2 says a token of the client
	// credentials grant names its client in sub.
	Subject    string   `json:"sub"`
	Issuer     string   `json:"iss"`
	Groups     []string `json:"groups"`
	PropertyID int64    `json:"property_id"`
	ExpiresAt  int64    `json:"exp"`
	IssuedAt   int64    `json:"iat"`
	ID         string   `json:"jti"`
}

// tokenSigner issues and checks access tokens with the RSA key it derived
// from the sandbox's token key.
type tokenSigner struct{ key *rsa.PrivateKey }

// newTokenSigner derives the signing key from tokenKey, which takes a
// fraction of a second: a sandbox does it once, when it is made.
func newTokenSigner(tokenKey []byte) (tokenSigner, error) {
	key, err := deriveRSAKey(tokenKey)
	if err != nil {
		return tokenSigner{}, fmt.Errorf("token signer: %w", err)
	}
	return tokenSigner{key: key}, nil
}

// issue returns a fresh token for rec, with a random jti.
func (s tokenSigner) issue(rec tokenRecord) string {
	claims, err := json.Marshal(tokenClaims{
		Subject:    rec.clientID,
		Issuer:     tokenIssuer,
		Groups:     tokenGroups,
		PropertyID: rec.propertyID,
		ExpiresAt:  rec.expiresAt.Unix(),
		IssuedAt:   rec.issuedAt.Unix(),
		ID:         randomUUID(),
	})
	if err != nil {
		// Strings, integers and a slice of strings always marshal.
		panic("sandbox: marshalling token claims: " + err.Error())
	}
	input := encodedTokenHeader + "." + base64.RawURLEncoding.EncodeToString(claims)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, digest[:])
	if err != nil {
		// It fails only for a key too short for the digest or one that
		// is not valid, and newTokenSigner made and validated this one.
		panic("sandbox: signing a token: " + err.Error())
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// verify returns what token says if the sandbox's key signed it, expired or
// not; the caller checks the expiry. The algorithm is the verifier's, never
// the token's (RFC 8725 §3.1): a header other than RS256's is refused before
// anything else, so alg "none" and HS256 keyed with the public key go
// nowhere.
func (s tokenSigner) verify(token string) (tokenRecord, bool) {
	if len(token) > maxTokenLen || !isJWSCompact(token) {
		return tokenRecord{}, false
	}
	header, rest, _ := strings.Cut(token, ".")
	payload, signature, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(signature, ".") || !validHeader(header) {
		return tokenRecord{}, false
	}
	sig, err := b64.DecodeString(signature)
	if err != nil || len(sig) != s.key.Size() {
		return tokenRecord{}, false
	}
	digest := sha256.Sum256([]byte(token[:len(header)+1+len(payload)]))
	if rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return tokenRecord{}, false
	}
	raw, err := b64.DecodeString(payload)
	if err != nil {
		return tokenRecord{}, false
	}
	var c tokenClaims
	if json.Unmarshal(raw, &c) != nil || !c.complete() {
		return tokenRecord{}, false
	}
	return tokenRecord{
		clientID:   c.Subject,
		propertyID: c.PropertyID,
		issuedAt:   time.Unix(c.IssuedAt, 0),
		expiresAt:  time.Unix(c.ExpiresAt, 0),
	}, true
}

// isJWSCompact says whether token holds only base64url and dots. Go's
// base64 decoder skips CR and LF, which would give one signature many
// spellings.
func isJWSCompact(token string) bool {
	for _, c := range []byte(token) {
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return token != ""
}

// validHeader says whether a header segment is the sandbox's: typ JWT, alg
// RS256 and nothing else (no kid, jku or crit to act on).
func validHeader(segment string) bool {
	raw, err := b64.DecodeString(segment)
	if err != nil {
		return false
	}
	var h struct {
		Type      string `json:"typ"`
		Algorithm string `json:"alg"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if dec.Decode(&h) != nil || dec.More() {
		return false
	}
	return h.Type == "JWT" && h.Algorithm == "RS256"
}

// complete says whether every claim the sandbox issues is there: a missing
// one decodes as its zero value, which the sandbox never issues.
func (c tokenClaims) complete() bool {
	return c.Subject != "" && c.Issuer == tokenIssuer && len(c.Groups) > 0 &&
		c.PropertyID > 0 && c.IssuedAt > 0 && c.ExpiresAt >= c.IssuedAt && c.ID != ""
}

// randomUUID is a version 4 UUID (RFC 9562 §5.4), for jti.
func randomUUID() string {
	var b [16]byte
	// crypto/rand.Read never returns an error (it crashes the program
	// instead), so there is no failure to answer here.
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// keyLabel names what the derived RSA key is for, so that it is
// independent of any other use of the token key. Changing it, or the way
// deriveRSAKey searches, makes every instance refuse the tokens of
// instances that run the code before the change.
const keyLabel = "octoplay sandbox RS256 key v1"

// deriveRSAKey makes the 2048-bit RSA key that tokenKey stands for. Since
// Go 1.26 rsa.GenerateKey ignores the reader it is given, so the search is
// done here: 1024-bit candidates read from an HMAC-SHA256 stream keyed by
// tokenKey, with the top two bits set (the modulus then has all 2048 bits)
// and the low bit set, until two pass ProbablyPrime with e = 65537 prime
// to p-1. ProbablyPrime is not constant time; the search is done once, at
// start, on a value no client can choose.
func deriveRSAKey(tokenKey []byte) (*rsa.PrivateKey, error) {
	const e = 65537
	stream := keyStream{key: tokenKey}
	var primes []*big.Int
	one, exp := big.NewInt(1), big.NewInt(e)
	for len(primes) < 2 {
		b := stream.read(128)
		b[0] |= 0xc0
		b[len(b)-1] |= 1
		p := new(big.Int).SetBytes(b)
		if !p.ProbablyPrime(20) || new(big.Int).Mod(new(big.Int).Sub(p, one), exp).Sign() == 0 {
			continue
		}
		if len(primes) == 1 && primes[0].Cmp(p) == 0 {
			continue
		}
		primes = append(primes, p)
	}
	p, q := primes[0], primes[1]
	phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
	d := new(big.Int).ModInverse(exp, phi)
	if d == nil {
		return nil, errors.New("derive RSA key: e has no inverse")
	}
	key := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: e},
		D:         d,
		Primes:    primes,
	}
	key.Precompute()
	if err := key.Validate(); err != nil {
		return nil, fmt.Errorf("derive RSA key: %w", err)
	}
	return key, nil
}

// keyStream is HMAC-SHA256(key, keyLabel || counter) for counter 0, 1, ...,
// read as one stream of bytes.
type keyStream struct {
	key     []byte
	counter uint32
}

func (s *keyStream) read(n int) []byte {
	out := make([]byte, 0, n+sha256.Size)
	for len(out) < n {
		m := hmac.New(sha256.New, s.key)
		m.Write([]byte(keyLabel))
		m.Write(binary.BigEndian.AppendUint32(nil, s.counter))
		s.counter++
		out = m.Sum(out)
	}
	return out[:n]
}
