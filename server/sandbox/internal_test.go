package sandbox

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenSigner(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	signer := tokenSigner{key: key}
	expiry := time.Date(2026, 3, 1, 9, 24, 0, 0, time.UTC)
	token := signer.issue(tokenRecord{clientID: "partner app", expiresAt: expiry.Add(400 * time.Millisecond)})
	raw, err := base64.RawURLEncoding.DecodeString(token)
	require.NoError(t, err)

	rec, ok := signer.verify(token)
	require.True(t, ok)
	assert.Equal(t, "partner app", rec.clientID)
	assert.True(t, expiry.Equal(rec.expiresAt), "the expiry, to the second: %s", rec.expiresAt)
	assert.NotEqual(t, token, signer.issue(rec), "every token is new")

	rec, ok = tokenSigner{key: bytes.Repeat([]byte{7}, 32)}.verify(token)
	assert.True(t, ok, "another sandbox with the same key accepts it")
	assert.Equal(t, "partner app", rec.clientID)

	forged := func(edit func(b []byte) []byte) string {
		return base64.RawURLEncoding.EncodeToString(edit(append([]byte(nil), raw...)))
	}
	refused := []struct {
		name  string
		token string
	}{
		{"another key", tokenSigner{key: bytes.Repeat([]byte{8}, 32)}.issue(rec)},
		{"a later expiry", forged(func(b []byte) []byte { b[8]++; return b })},
		{"another client id", forged(func(b []byte) []byte { b[tokenFixed-sha256Size]++; return b })},
		{"a changed tag", forged(func(b []byte) []byte { b[len(b)-1] ^= 1; return b })},
		{"another version", forged(func(b []byte) []byte { b[0] = 2; return b })},
		{"cut short", forged(func(b []byte) []byte { return b[:tokenFixed-1] })},
		{"padded", token + "=="},
		{"not base64url", strings.ReplaceAll(token, "_", "/") + "+"},
		{"too long to decode", strings.Repeat("A", maxTokenLen+1)},
		{"empty", ""},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := signer.verify(tc.token)
			assert.False(t, ok)
		})
	}
}

const sha256Size = 32
