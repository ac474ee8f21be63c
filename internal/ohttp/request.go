package ohttp

import (
	"crypto/hpke"
	"encoding/binary"
)

// header is the start of an encapsulated request (RFC 9458 §4.1): key
// identifier, KEM, KDF and AEAD. It is also bound into the HPKE info, so a
// request cannot be moved to another key or suite.
type header struct {
	keyID uint8
	suite Suite
}

const headerSize = 7

func (h header) appendTo(b []byte) []byte {
	b = append(b, h.keyID)
	b = binary.BigEndian.AppendUint16(b, h.suite.KEM)
	b = binary.BigEndian.AppendUint16(b, h.suite.KDF)
	return binary.BigEndian.AppendUint16(b, h.suite.AEAD)
}

func parseHeader(b []byte) (header, error) {
	if len(b) < headerSize {
		return header{}, errorf(ErrMalformed, "encapsulated request of %d bytes, shorter than its header", len(b))
	}
	return header{keyID: b[0], suite: Suite{
		KEM:  binary.BigEndian.Uint16(b[1:]),
		KDF:  binary.BigEndian.Uint16(b[3:]),
		AEAD: binary.BigEndian.Uint16(b[5:]),
	}}, nil
}

// info is the HPKE info of RFC 9458 §4.3: the request label, a zero byte,
// then the header.
func (h header) info() []byte {
	b := make([]byte, 0, len(LabelRequest)+1+headerSize)
	b = append(b, LabelRequest...)
	b = append(b, 0)
	return h.appendTo(b)
}

// ClientContext is what a client keeps of a sealed request to open its
// response: the HPKE context and the encapsulated key.
type ClientContext struct {
	sender *hpke.Sender
	enc    []byte
	suite  Suite
	params suiteParams
}

// Suite returns the suite the request was sealed with.
func (c *ClientContext) Suite() Suite { return c.suite }

// OpenResponse decrypts the gateway's encapsulated response (RFC 9458 §4.4).
func (c *ClientContext) OpenResponse(encapsulatedResponse []byte) ([]byte, error) {
	return openResponse(c.sender, c.params, c.enc, encapsulatedResponse)
}

// sealer seals requests to one key configuration with one suite, with the
// public key already parsed.
type sealer struct {
	hdr    header
	params suiteParams
	pub    hpke.PublicKey
}

// newSealer takes the first suite of cfg that this package supports.
func newSealer(cfg KeyConfig) (*sealer, error) {
	suites := cfg.suites()
	if len(suites) == 0 {
		return nil, errorf(ErrUnsupportedSuite, "key configuration %d offers no supported suite", cfg.KeyID)
	}
	params, _ := suites[0].params()
	pub, err := params.kem.kem.NewPublicKey(cfg.PublicKey)
	if err != nil {
		return nil, errorf(ErrMalformed, "key configuration %d: not a %s public key", cfg.KeyID, params.kem.name)
	}
	return &sealer{hdr: header{keyID: cfg.KeyID, suite: suites[0]}, params: params, pub: pub}, nil
}

// seal encapsulates request (RFC 9458 §4.3): header, enc, then the HPKE
// ciphertext.
func (s *sealer) seal(request []byte) ([]byte, *ClientContext, error) {
	enc, sender, err := hpke.NewSender(s.pub, s.params.kdf.kdf, s.params.aead.aead, s.hdr.info())
	if err != nil {
		return nil, nil, errorf(ErrMalformed, "seal to key %d with %s: %v", s.hdr.keyID, s.hdr.suite, err)
	}
	ct, err := sender.Seal(nil, request)
	if err != nil {
		return nil, nil, errorf(ErrMalformed, "seal to key %d with %s: %v", s.hdr.keyID, s.hdr.suite, err)
	}
	out := make([]byte, 0, headerSize+len(enc)+len(ct))
	out = s.hdr.appendTo(out)
	out = append(out, enc...)
	out = append(out, ct...)
	return out, &ClientContext{sender: sender, enc: enc, suite: s.hdr.suite, params: s.params}, nil
}

// SealRequest encapsulates a Binary HTTP request to the key of cfg with the
// first of its suites this package supports (RFC 9458 §4.3), and returns the
// context that opens the response.
func SealRequest(cfg KeyConfig, request []byte) ([]byte, *ClientContext, error) {
	s, err := newSealer(cfg)
	if err != nil {
		return nil, nil, err
	}
	return s.seal(request)
}
