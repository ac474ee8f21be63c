//go:build !js

package server

import (
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"strings"
)

// tokenKeyInfo names what the derived key is for (RFC 5869 §3.2), so that
// it is independent of every other use of the relay keys.
const tokenKeyInfo = "octoplay sandbox access token key v1"

// sandboxTokenKey derives the key that signs the sandbox's self-validating
// access tokens from the relay's current keys (HKDF-SHA256), so that
// instances given the same OCTOPLAY_RELAY_KEY accept each other's tokens.
// With no relay key given it returns nil: the sandbox makes a random key,
// as the relay makes random keys.
func sandboxTokenKey(relayKeys string) ([]byte, error) {
	keys, err := parseRelayKeys(relayKeys)
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	texts := make([]string, 0, len(keys))
	for _, k := range keys {
		text, err := k.SecretText()
		if err != nil {
			return nil, fmt.Errorf("sandbox token key: %w", err)
		}
		texts = append(texts, text)
	}
	key, err := hkdf.Key(sha256.New, []byte(strings.Join(texts, ",")), nil, tokenKeyInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("sandbox token key: %w", err)
	}
	return key, nil
}
