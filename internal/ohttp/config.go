package ohttp

import (
	"encoding/binary"
	"errors"
)

// SymmetricAlgorithms is one KDF and AEAD pair a key configuration offers
// (RFC 9458 §3.1, "HPKE Symmetric Algorithms").
type SymmetricAlgorithms struct {
	KDF, AEAD uint16
}

// KeyConfig is a gateway's key configuration (RFC 9458 §3.1): what a client
// needs to seal a request to it.
type KeyConfig struct {
	// KeyID names the key in every request sealed to it.
	KeyID uint8
	// KEM is the HPKE KEM identifier of PublicKey.
	KEM uint16
	// PublicKey is the serialized public key (Npk bytes for KEM).
	PublicKey []byte
	// Symmetric lists the KDF and AEAD pairs the gateway accepts with this
	// key, in its order of preference. It must not be empty.
	Symmetric []SymmetricAlgorithms
}

// maxSymmetric is what the 16-bit length of the algorithms list can count
// (RFC 9458 §3.1: 4..65532 bytes, 4 bytes each).
const maxSymmetric = 65532 / 4

// MarshalBinary encodes the key configuration as RFC 9458 §3.1 lays it out.
func (c KeyConfig) MarshalBinary() ([]byte, error) {
	if len(c.Symmetric) == 0 || len(c.Symmetric) > maxSymmetric {
		return nil, errorf(ErrMalformed, "key configuration %d offers %d symmetric algorithms, want 1..%d",
			c.KeyID, len(c.Symmetric), maxSymmetric)
	}
	if kem, ok := kemFor(c.KEM); ok && len(c.PublicKey) != kem.pubSize {
		return nil, errorf(ErrMalformed, "key configuration %d: public key of %d bytes, want %d",
			c.KeyID, len(c.PublicKey), kem.pubSize)
	}
	b := make([]byte, 0, 5+len(c.PublicKey)+4*len(c.Symmetric))
	b = append(b, c.KeyID)
	b = binary.BigEndian.AppendUint16(b, c.KEM)
	b = append(b, c.PublicKey...)
	b = binary.BigEndian.AppendUint16(b, uint16(4*len(c.Symmetric)))
	for _, s := range c.Symmetric {
		b = binary.BigEndian.AppendUint16(b, s.KDF)
		b = binary.BigEndian.AppendUint16(b, s.AEAD)
	}
	return b, nil
}

// ParseKeyConfig decodes one key configuration, which must fill b. A KEM this
// package does not support gives ErrUnsupportedSuite: without it the size of
// the public key, and so where the configuration's parts lie, is unknown.
func ParseKeyConfig(b []byte) (KeyConfig, error) {
	if len(b) < 3 {
		return KeyConfig{}, errorf(ErrMalformed, "key configuration of %d bytes", len(b))
	}
	c := KeyConfig{KeyID: b[0], KEM: binary.BigEndian.Uint16(b[1:])}
	kem, ok := kemFor(c.KEM)
	if !ok {
		return KeyConfig{}, errorf(ErrUnsupportedSuite, "key configuration %d: KEM 0x%04x", c.KeyID, c.KEM)
	}
	rest := b[3:]
	if len(rest) < kem.pubSize+2 {
		return KeyConfig{}, errorf(ErrMalformed, "key configuration %d is cut short", c.KeyID)
	}
	c.PublicKey = append([]byte(nil), rest[:kem.pubSize]...)
	if _, err := kem.kem.NewPublicKey(c.PublicKey); err != nil {
		return KeyConfig{}, errorf(ErrMalformed, "key configuration %d: not a %s public key", c.KeyID, kem.name)
	}
	rest = rest[kem.pubSize:]
	n := int(binary.BigEndian.Uint16(rest))
	rest = rest[2:]
	if n == 0 || n%4 != 0 || n != len(rest) {
		return KeyConfig{}, errorf(ErrMalformed, "key configuration %d: %d bytes of symmetric algorithms, %d left",
			c.KeyID, n, len(rest))
	}
	for ; len(rest) > 0; rest = rest[4:] {
		c.Symmetric = append(c.Symmetric, SymmetricAlgorithms{
			KDF:  binary.BigEndian.Uint16(rest),
			AEAD: binary.BigEndian.Uint16(rest[2:]),
		})
	}
	return c, nil
}

// MarshalKeyConfigs encodes the "application/ohttp-keys" list (RFC 9458
// §3.2): each configuration after its 2-byte length.
func MarshalKeyConfigs(configs []KeyConfig) ([]byte, error) {
	var b []byte
	for _, c := range configs {
		enc, err := c.MarshalBinary()
		if err != nil {
			return nil, err
		}
		if len(enc) > 0xffff {
			return nil, errorf(ErrMalformed, "key configuration %d of %d bytes", c.KeyID, len(enc))
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(enc)))
		b = append(b, enc...)
	}
	return b, nil
}

// ParseKeyConfigs decodes an "application/ohttp-keys" list. Configurations
// for KEMs this package does not support are skipped, as RFC 9458 §3.2 lets
// clients do; anything else that does not parse fails the whole list.
func ParseKeyConfigs(b []byte) ([]KeyConfig, error) {
	var configs []KeyConfig
	for len(b) > 0 {
		if len(b) < 2 {
			return nil, errorf(ErrMalformed, "key configuration list ends inside a length")
		}
		n := int(binary.BigEndian.Uint16(b))
		if n > len(b)-2 {
			return nil, errorf(ErrMalformed, "key configuration of %d bytes, %d left", n, len(b)-2)
		}
		c, err := ParseKeyConfig(b[2 : 2+n])
		switch {
		case errors.Is(err, ErrUnsupportedSuite):
		case err != nil:
			return nil, err
		default:
			configs = append(configs, c)
		}
		b = b[2+n:]
	}
	return configs, nil
}

// suites lists the suites of c this package supports, in c's order.
func (c KeyConfig) suites() []Suite {
	var out []Suite
	for _, s := range c.Symmetric {
		suite := Suite{KEM: c.KEM, KDF: s.KDF, AEAD: s.AEAD}
		if _, err := suite.params(); err == nil {
			out = append(out, suite)
		}
	}
	return out
}
