package sandbox

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
)

func newTestSigner(t *testing.T, fill byte) tokenSigner {
	t.Helper()
	s, err := newTokenSigner(bytes.Repeat([]byte{fill}, 32))
	require.NoError(t, err)
	return s
}

var testRecord = tokenRecord{
	clientID:   "partner app",
	propertyID: demoPropertyID,
	issuedAt:   time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
	expiresAt:  time.Date(2026, 3, 1, 9, 24, 0, 0, time.UTC),
}

func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// signed is header and claims signed with s's key as the sandbox signs: a
// token whose signature is good, to show that verify refuses it for what
// it says.
func signed(t testing.TB, s tokenSigner, header, claims string) string {
	t.Helper()
	input := seg(header) + "." + seg(claims)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, digest[:])
	require.NoError(t, err)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestTokenClaims(t *testing.T) {
	signer := newTestSigner(t, 7)
	token := signer.issue(testRecord)
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	assert.Equal(t, `{"typ":"JWT","alg":"RS256"}`, string(header))

	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(raw, &claims))
	jti, _ := claims["jti"].(string)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, jti)
	delete(claims, "jti")
	assert.Equal(t, map[string]any{
		"sub": "partner app", "iss": "OCTOTABLE-SANDBOX", "groups": []any{"api-client"},
		"property_id": float64(1001), "iat": float64(1772355600), "exp": float64(1772357040),
	}, claims)

	rec, ok := signer.verify(token)
	require.True(t, ok)
	assert.Equal(t, "partner app", rec.clientID)
	assert.Equal(t, int64(1001), rec.propertyID)
	assert.True(t, testRecord.issuedAt.Equal(rec.issuedAt), "iat: %s", rec.issuedAt)
	assert.True(t, testRecord.expiresAt.Equal(rec.expiresAt), "exp: %s", rec.expiresAt)
	assert.NotEqual(t, token, signer.issue(testRecord), "every token has its own jti")
}

// Instances given one token key accept each other's tokens, with nothing
// stored; another key's tokens are refused.
func TestTokensAcrossInstances(t *testing.T) {
	token := newTestSigner(t, 7).issue(testRecord)
	rec, ok := newTestSigner(t, 7).verify(token)
	require.True(t, ok, "another instance with the same key")
	assert.Equal(t, testRecord.clientID, rec.clientID)
	_, ok = newTestSigner(t, 8).verify(token)
	assert.False(t, ok, "an instance with another key")
}

func TestTokenRefused(t *testing.T) {
	signer := newTestSigner(t, 7)
	token := signer.issue(testRecord)
	parts := strings.Split(token, ".")
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	flipped := bytes.Clone(sig)
	flipped[len(flipped)/2] ^= 1
	pub, err := x509.MarshalPKIXPublicKey(&signer.key.PublicKey)
	require.NoError(t, err)
	hs256 := func(header string) string {
		input := seg(header) + "." + parts[1]
		m := hmac.New(sha256.New, pub)
		m.Write([]byte(input))
		return input + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
	complete := `{"sub":"a","iss":"OCTOTABLE-SANDBOX","groups":["api-client"],"property_id":1001,"exp":2,"iat":1,"jti":"x"}`
	without := func(claim string) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(complete), &m))
		delete(m, claim)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	_, ok := signer.verify(signed(t, signer, tokenHeader, complete))
	require.True(t, ok, "the positive control: signed() makes tokens verify accepts")

	refused := []struct {
		name  string
		token string
	}{
		{"a tampered payload", parts[0] + "." + seg(strings.Replace(string(claims), "1001", "1002", 1)) + "." + parts[2]},
		{"a changed signature", parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(flipped)},
		{"alg none, no signature", seg(`{"typ":"JWT","alg":"none"}`) + "." + parts[1] + "."},
		{"alg none, the signature kept", seg(`{"typ":"JWT","alg":"none"}`) + "." + parts[1] + "." + parts[2]},
		{"HS256 keyed with the public key", hs256(`{"typ":"JWT","alg":"HS256"}`)},
		{"wrong typ, well signed", signed(t, signer, `{"typ":"JOSE","alg":"RS256"}`, complete)},
		{"no typ, well signed", signed(t, signer, `{"alg":"RS256"}`, complete)},
		{"a kid, well signed", signed(t, signer, `{"typ":"JWT","alg":"RS256","kid":"1"}`, complete)},
		{"crit, well signed", signed(t, signer, `{"typ":"JWT","alg":"RS256","crit":["exp"]}`, complete)},
		{"another issuer, well signed", signed(t, signer, tokenHeader, strings.Replace(complete, "OCTOTABLE-SANDBOX", "OCTORATE", 1))},
		{"claims not JSON, well signed", signed(t, signer, tokenHeader, "{")},
		{"claims a list, well signed", signed(t, signer, tokenHeader, "[]")},
		{"a string property_id, well signed", signed(t, signer, tokenHeader, strings.Replace(complete, "1001", `"1001"`, 1))},
		{"padded", token + "=="},
		{"a newline in the signature", token[:len(token)-4] + "\n" + token[len(token)-4:]},
		{"a character outside base64url", parts[0] + "." + parts[1] + "." + "+" + parts[2][1:]},
		{"two segments", parts[0] + "." + parts[1]},
		{"four segments", token + "." + parts[2]},
		{"a short signature", parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4]},
		{"too long to decode", token + strings.Repeat("A", maxTokenLen)},
		{"empty", ""},
		{"dots only", ".."},
	}
	for _, claim := range []string{"sub", "iss", "groups", "property_id", "exp", "iat", "jti"} {
		refused = append(refused, struct{ name, token string }{"no " + claim + ", well signed", signed(t, signer, tokenHeader, without(claim))})
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := signer.verify(tc.token)
			assert.False(t, ok)
		})
	}
}

// The longest client id, escaped in full, still gives a token that verify
// reads: maxTokenLen bounds what comes in, never what the sandbox issues.
func TestLongestTokenFits(t *testing.T) {
	signer := newTestSigner(t, 7)
	rec := testRecord
	rec.clientID = strings.Repeat("<", maxClientIDLen) // each one \u003c in JSON
	token := signer.issue(rec)
	assert.LessOrEqual(t, len(token), maxTokenLen)
	got, ok := signer.verify(token)
	require.True(t, ok)
	assert.Equal(t, rec.clientID, got.clientID)
}

// The key is a function of the token key alone, and stays the same from one
// version of the code to the next: instances of two versions, during a
// rolling update, must accept each other's tokens.
func TestDeriveRSAKey(t *testing.T) {
	seed := []byte("a key of at least thirty-two bytes, shared by instances")
	a, err := deriveRSAKey(seed)
	require.NoError(t, err)
	b, err := deriveRSAKey(bytes.Clone(seed))
	require.NoError(t, err)
	assert.Equal(t, 0, a.N.Cmp(b.N), "the same token key, the same modulus")
	assert.Equal(t, 0, a.D.Cmp(b.D))
	assert.Equal(t, 2048, a.N.BitLen())
	assert.Equal(t, 65537, a.E)
	fingerprint := sha256.Sum256(a.N.Bytes())
	assert.Equal(t, "10ef721dcaf13bca", hex.EncodeToString(fingerprint[:8]), "the derivation changed: tokens of earlier versions would be refused")

	other, err := deriveRSAKey(append(bytes.Clone(seed), '!'))
	require.NoError(t, err)
	assert.NotEqual(t, 0, a.N.Cmp(other.N), "another token key, another modulus")
}

// Until clients have properties of their own, tokens carry the one the
// sandbox's Property header check wants.
func TestDemoPropertyIsTheSandboxProperty(t *testing.T) {
	assert.Equal(t, wire.SandboxProperty, strconv.Itoa(demoPropertyID))
}

func BenchmarkDeriveRSAKey(b *testing.B) {
	seed := make([]byte, 32)
	for i := 0; b.Loop(); i++ {
		seed[0], seed[1] = byte(i), byte(i>>8)
		if _, err := deriveRSAKey(seed); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueToken(b *testing.B) {
	s, err := newTokenSigner(bytes.Repeat([]byte{7}, 32))
	require.NoError(b, err)
	for b.Loop() {
		s.issue(testRecord)
	}
}

func BenchmarkVerifyToken(b *testing.B) {
	s, err := newTokenSigner(bytes.Repeat([]byte{7}, 32))
	require.NoError(b, err)
	token := s.issue(testRecord)
	for b.Loop() {
		if _, ok := s.verify(token); !ok {
			b.Fatal("refused")
		}
	}
}

// FuzzTokenVerify: nothing makes verify panic, and the one token it
// accepts is the one the sandbox signed, byte for byte: a token has one
// spelling, so a changed copy is no way around a check.
func FuzzTokenVerify(f *testing.F) {
	s, err := newTokenSigner(bytes.Repeat([]byte{7}, 32))
	require.NoError(f, err)
	// Not s.issue, whose jti is random: every fuzzing process must make
	// the same token.
	issued := signed(f, s, tokenHeader, `{"sub":"a","iss":"OCTOTABLE-SANDBOX","groups":["api-client"],"property_id":1001,"exp":2,"iat":1,"jti":"x"}`)
	parts := strings.Split(issued, ".")
	f.Add(issued)
	f.Add(seg(`{"typ":"JWT","alg":"none"}`) + "." + parts[1] + ".")
	f.Add(parts[0] + "." + parts[1] + "." + parts[2] + "=")
	f.Fuzz(func(t *testing.T, token string) {
		if _, ok := s.verify(token); ok && token != issued {
			t.Errorf("accepted a token the sandbox did not sign: %q", token)
		}
	})
}
