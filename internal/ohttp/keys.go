package ohttp

import (
	"crypto/hpke"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// offeredSymmetric is what a gateway key accepts by default (RFC 9458 §3.1),
// in the order a client that takes the first one it supports should prefer:
// AES-128-GCM, the mandatory-to-implement AEAD of most HPKE stacks, then
// AES-256-GCM. ChaCha20-Poly1305 is not offered: the standard library exposes
// it only inside crypto/hpke, and the response AEAD needs it under a key the
// package derives (see the package documentation).
var offeredSymmetric = []SymmetricAlgorithms{
	{KDF: KDFHKDFSHA256, AEAD: AEADAES128GCM},
	{KDF: KDFHKDFSHA256, AEAD: AEADAES256GCM},
}

// PrivateKey is a gateway's private key with its key identifier.
//
// It prints as its identifier and KEM only ("ohttp key 1 (X-Wing)"), with any
// fmt verb; the private key itself comes out only through [PrivateKey.SecretText].
type PrivateKey struct {
	keyID uint8
	kem   kemParams
	kemID uint16
	key   *keyBox
	// symmetric is what the key accepts; nil means offeredSymmetric.
	symmetric []SymmetricAlgorithms
}

// keyBox keeps the hpke key two pointers away from a PrivateKey's fields.
// fmt dereferences one pointer it meets (at the top, or on a bad verb such as
// %s of a copied PrivateKey, anywhere), never two, so no way of printing a
// PrivateKey reaches the key bytes.
type keyBox struct {
	priv hpke.PrivateKey
}

// GenerateKey makes a new key for the KEM kem (KEMXWing or KEMX25519).
func GenerateKey(keyID uint8, kem uint16) (*PrivateKey, error) {
	p, ok := kemFor(kem)
	if !ok {
		return nil, errorf(ErrUnsupportedSuite, "KEM 0x%04x", kem)
	}
	k, err := p.kem.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("ohttp: generate %s key: %w", p.name, err)
	}
	return &PrivateKey{keyID: keyID, kem: p, kemID: kem, key: &keyBox{k}}, nil
}

// NewPrivateKey makes a key from its serialized form (RFC 9180 §7.1.2
// SerializePrivateKey): the 32-byte scalar for X25519, the 32-byte seed for
// X-Wing.
func NewPrivateKey(keyID uint8, kem uint16, secret []byte) (*PrivateKey, error) {
	p, ok := kemFor(kem)
	if !ok {
		return nil, errorf(ErrUnsupportedSuite, "KEM 0x%04x", kem)
	}
	k, err := p.kem.NewPrivateKey(secret)
	if err != nil {
		// err is crypto/hpke's or crypto/ecdh's and names sizes only, but
		// it is left out so no future version can put key bytes here.
		return nil, errorf(ErrMalformed, "not a %s private key (%d bytes)", p.name, len(secret))
	}
	return &PrivateKey{keyID: keyID, kem: p, kemID: kem, key: &keyBox{k}}, nil
}

// KeyID returns the key identifier.
func (k *PrivateKey) KeyID() uint8 { return k.keyID }

// KEM returns the HPKE KEM identifier.
func (k *PrivateKey) KEM() uint16 { return k.kemID }

// Config returns the key configuration to publish for k. Unless narrowed
// with [PrivateKey.WithSymmetric], it offers HKDF-SHA256 with AES-128-GCM and
// AES-256-GCM.
func (k *PrivateKey) Config() KeyConfig {
	return KeyConfig{
		KeyID:     k.keyID,
		KEM:       k.kemID,
		PublicKey: k.key.priv.PublicKey().Bytes(),
		Symmetric: slices.Clone(k.offered()),
	}
}

func (k *PrivateKey) offered() []SymmetricAlgorithms {
	if k.symmetric == nil {
		return offeredSymmetric
	}
	return k.symmetric
}

// offers reports whether k accepts kdf and aead.
func (k *PrivateKey) offers(kdf, aead uint16) bool {
	return slices.Contains(k.offered(), SymmetricAlgorithms{KDF: kdf, AEAD: aead})
}

// WithSymmetric returns a copy of k that offers, and accepts, only algs, in
// that order: for a deployment that wants a single AEAD, or another order.
// Every pair must be one the package supports (HKDF-SHA256 with AES-128-GCM
// or AES-256-GCM); any other, ChaCha20-Poly1305 included, gives
// ErrUnsupportedSuite.
func (k *PrivateKey) WithSymmetric(algs ...SymmetricAlgorithms) (*PrivateKey, error) {
	if len(algs) == 0 || len(algs) > maxSymmetric {
		return nil, fmt.Errorf("ohttp: %s: %d symmetric algorithms, want 1..%d", k, len(algs), maxSymmetric)
	}
	for _, a := range algs {
		s := Suite{KEM: k.kemID, KDF: a.KDF, AEAD: a.AEAD}
		if _, err := s.params(); err != nil {
			return nil, errorf(ErrUnsupportedSuite, "%s cannot offer %s", k, s)
		}
	}
	c := *k
	c.symmetric = slices.Clone(algs)
	return &c, nil
}

// String names the key without revealing it.
func (k *PrivateKey) String() string {
	if k == nil {
		return "ohttp key <nil>"
	}
	return fmt.Sprintf("ohttp key %d (%s)", k.keyID, k.kem.name)
}

// Format prints what String does, whatever the verb, so that not even %#v or
// %x of a *PrivateKey shows its fields.
func (k *PrivateKey) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// SecretText returns the private key as text, for an operator to give the
// same key to every gateway instance through a flag or an environment
// variable: "<key id, decimal>:<KEM id, 4 hex digits>:<private key,
// unpadded base64url>", e.g. "1:647a:q83v...". [ParsePrivateKey] reads it.
//
// It is deliberately not MarshalText: log/slog and encoding/json call
// MarshalText on their own, and would write the key to a log.
func (k *PrivateKey) SecretText() (string, error) {
	secret, err := k.key.priv.Bytes()
	if err != nil {
		return "", fmt.Errorf("ohttp: serialize %s: %w", k, err)
	}
	return fmt.Sprintf("%d:%04x:%s", k.keyID, k.kemID, base64.RawURLEncoding.EncodeToString(secret)), nil
}

// ParsePrivateKey reads the form [PrivateKey.SecretText] writes. White space
// around it and base64 padding are tolerated, since the text often comes from
// a file or an environment variable. Errors never hold any of the text.
func ParsePrivateKey(text string) (*PrivateKey, error) {
	const form = "want <key id>:<KEM id in hex>:<base64url private key>"
	parts := strings.Split(strings.TrimSpace(text), ":")
	if len(parts) != 3 {
		return nil, errorf(ErrMalformed, "private key text has %d parts, %s", len(parts), form)
	}
	keyID, err := strconv.ParseUint(parts[0], 10, 8)
	if err != nil {
		return nil, errorf(ErrMalformed, "private key text: key id is not a number 0..255, %s", form)
	}
	if len(parts[1]) != 4 {
		return nil, errorf(ErrMalformed, "private key text: KEM id is not 4 hex digits, %s", form)
	}
	kem, err := strconv.ParseUint(parts[1], 16, 16)
	if err != nil {
		return nil, errorf(ErrMalformed, "private key text: KEM id is not 4 hex digits, %s", form)
	}
	secret, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(parts[2], "="))
	if err != nil {
		return nil, errorf(ErrMalformed, "private key text: private key is not base64url, %s", form)
	}
	return NewPrivateKey(uint8(keyID), uint16(kem), secret)
}
