package ohttp

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hpke"
	"crypto/sha256"
	"fmt"
	"hash"
)

// HPKE algorithm identifiers (RFC 9180 §7, draft-ietf-hpke-pq for X-Wing).
// AEADChaCha20Poly1305 is here so that configurations listing it parse and
// print; the package does not support it (see the package documentation).
const (
	KEMX25519            uint16 = 0x0020 // DHKEM(X25519, HKDF-SHA256)
	KEMXWing             uint16 = 0x647a // MLKEM768-X25519, a.k.a. X-Wing
	KDFHKDFSHA256        uint16 = 0x0001
	AEADAES128GCM        uint16 = 0x0001
	AEADAES256GCM        uint16 = 0x0002
	AEADChaCha20Poly1305 uint16 = 0x0003
)

// Media types (RFC 9458 §9) and the labels that bind a sealed message to its
// role (§4.3, §4.4).
const (
	MediaTypeKeys     = "application/ohttp-keys"
	MediaTypeRequest  = "message/ohttp-req"
	MediaTypeResponse = "message/ohttp-res"
	LabelRequest      = "message/bhttp request"
	LabelResponse     = "message/bhttp response"
)

// Suite names the three HPKE algorithms a message is sealed with.
type Suite struct {
	KEM, KDF, AEAD uint16
}

// String names the suite for people, e.g. "X-Wing/HKDF-SHA256/AES-128-GCM".
func (s Suite) String() string {
	name := func(n string, id uint16) string {
		if n == "" {
			return fmt.Sprintf("0x%04x", id)
		}
		return n
	}
	kem, _ := kemFor(s.KEM)
	kdf, _ := kdfFor(s.KDF)
	aead, _ := aeadFor(s.AEAD)
	return name(kem.name, s.KEM) + "/" + name(kdf.name, s.KDF) + "/" + name(aead.name, s.AEAD)
}

// The sizes below are those of RFC 9180 §7 and draft-ietf-hpke-pq; crypto/hpke
// knows them but does not export them, and RFC 9458 needs them to split an
// encapsulated request (Nenc), a key configuration (Npk) and to size the
// response nonce (Nk, Nn).

type kemParams struct {
	kem     hpke.KEM
	encSize int // Nenc
	pubSize int // Npk
	name    string
}

func kemFor(id uint16) (kemParams, bool) {
	switch id {
	case KEMX25519:
		return kemParams{hpke.DHKEM(ecdh.X25519()), 32, 32, "X25519"}, true
	case KEMXWing:
		// ML-KEM-768 ciphertext (1088) or encapsulation key (1184), then
		// an X25519 share (32).
		return kemParams{hpke.MLKEM768X25519(), 1088 + 32, 1184 + 32, "X-Wing"}, true
	}
	return kemParams{}, false
}

type kdfParams struct {
	kdf  hpke.KDF
	hash func() hash.Hash
	name string
}

func kdfFor(id uint16) (kdfParams, bool) {
	if id == KDFHKDFSHA256 {
		return kdfParams{hpke.HKDFSHA256(), sha256.New, "HKDF-SHA256"}, true
	}
	return kdfParams{}, false
}

// aeadParams describes a supported AEAD. Every one is AES-GCM, which the
// response (RFC 9458 §4.4) builds with newAESGCM under the key it derives.
type aeadParams struct {
	aead      hpke.AEAD
	keySize   int // Nk
	nonceSize int // Nn
	name      string
}

// tagSize is Nt of every supported AEAD.
const tagSize = 16

// aeadFor describes the AEAD id and reports whether the package supports it.
// ChaCha20-Poly1305 comes back named, for Suite.String, but unsupported (see
// the package documentation for why).
func aeadFor(id uint16) (aeadParams, bool) {
	switch id {
	case AEADAES128GCM:
		return aeadParams{hpke.AES128GCM(), 16, 12, "AES-128-GCM"}, true
	case AEADAES256GCM:
		return aeadParams{hpke.AES256GCM(), 32, 12, "AES-256-GCM"}, true
	case AEADChaCha20Poly1305:
		return aeadParams{name: "ChaCha20-Poly1305"}, false
	}
	return aeadParams{}, false
}

// newAESGCM returns AES-GCM keyed with key (16 or 32 bytes).
func newAESGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

type suiteParams struct {
	kem  kemParams
	kdf  kdfParams
	aead aeadParams
}

func (s Suite) params() (suiteParams, error) {
	kem, okKEM := kemFor(s.KEM)
	kdf, okKDF := kdfFor(s.KDF)
	aead, okAEAD := aeadFor(s.AEAD)
	if !okKEM || !okKDF || !okAEAD {
		return suiteParams{}, errorf(ErrUnsupportedSuite, "%s", s)
	}
	return suiteParams{kem, kdf, aead}, nil
}

// responseNonceSize is max(Nn, Nk) (RFC 9458 §4.4).
func (p suiteParams) responseNonceSize() int {
	return max(p.aead.nonceSize, p.aead.keySize)
}
