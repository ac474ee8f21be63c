package ohttp

import (
	"crypto/cipher"
	"crypto/hmac"
	"fmt"
)

// exporter is the part of an HPKE context, sender's or recipient's, that keys
// the response.
type exporter interface {
	Export(exporterContext string, length int) ([]byte, error)
}

// maxHashSize bounds the output of any hash an HKDF here may use.
const maxHashSize = 64

// responseAEAD derives the response key and nonce exactly as RFC 9458 §4.4
// says:
//
//	secret = context.Export("message/bhttp response", max(Nn, Nk))
//	salt = concat(enc, response_nonce)
//	prk = Extract(salt, secret)
//	aead_key = Expand(prk, "key", Nk)
//	aead_nonce = Expand(prk, "nonce", Nn)
//
// The secret comes from the request's HPKE context, so only the client that
// sealed the request can read the answer, even to a replayed request.
func responseAEAD(ctx exporter, p suiteParams, enc, responseNonce []byte) (cipher.AEAD, []byte, error) {
	secret, err := ctx.Export(LabelResponse, p.responseNonceSize())
	if err != nil {
		return nil, nil, fmt.Errorf("ohttp: export response secret: %w", err)
	}
	// HKDF (RFC 5869 §2) written out with one HMAC for Extract and one for
	// both Expands: Nk and Nn never exceed the hash's size, so each Expand
	// is its first block, T(1) = HMAC(prk, info || 0x01), cut to length.
	// crypto/hkdf makes an HMAC per call, and this runs for every answer.
	// One buffer holds the salt, the PRK, each Expand's input and output.
	var buf [6 * maxHashSize]byte
	part := func(i int) []byte { return buf[i*maxHashSize : i*maxHashSize : (i+1)*maxHashSize] }
	extract := hmac.New(p.kdf.hash, append(append(part(0), enc...), responseNonce...))
	extract.Write(secret)
	expand := hmac.New(p.kdf.hash, extract.Sum(part(1)))
	if p.aead.keySize > expand.Size() || p.aead.nonceSize > expand.Size() {
		return nil, nil, fmt.Errorf("ohttp: derive response key: %d or %d bytes from one block of %d", p.aead.keySize, p.aead.nonceSize, expand.Size())
	}
	firstBlock := func(info string, in, out []byte) []byte {
		expand.Reset()
		expand.Write(append(append(in, info...), 1))
		return expand.Sum(out)
	}
	key := firstBlock("key", part(2), part(3))[:p.aead.keySize]
	nonce := firstBlock("nonce", part(4), part(5))[:p.aead.nonceSize]
	aead, err := newAESGCM(key)
	if err != nil {
		return nil, nil, fmt.Errorf("ohttp: response %s: %w", p.aead.name, err)
	}
	return aead, nonce, nil
}

// sealResponse returns response_nonce || ct (RFC 9458 §4.4). responseNonce
// must be max(Nn, Nk) fresh random bytes; only tests pass fixed ones.
func sealResponse(ctx exporter, p suiteParams, enc, responseNonce, response []byte) ([]byte, error) {
	if len(responseNonce) != p.responseNonceSize() {
		return nil, fmt.Errorf("ohttp: response nonce of %d bytes, want %d", len(responseNonce), p.responseNonceSize())
	}
	aead, nonce, err := responseAEAD(ctx, p, enc, responseNonce)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(responseNonce)+len(response)+tagSize)
	out = append(out, responseNonce...)
	return aead.Seal(out, nonce, response, nil), nil
}

// openResponse splits response_nonce || ct and decrypts ct (RFC 9458 §4.4).
func openResponse(ctx exporter, p suiteParams, enc, encapsulated []byte) ([]byte, error) {
	n := p.responseNonceSize()
	if len(encapsulated) < n+tagSize {
		return nil, errorf(ErrMalformed, "encapsulated response of %d bytes, want at least %d", len(encapsulated), n+tagSize)
	}
	aead, nonce, err := responseAEAD(ctx, p, enc, encapsulated[:n])
	if err != nil {
		return nil, err
	}
	response, err := aead.Open(nil, nonce, encapsulated[n:], nil)
	if err != nil {
		return nil, errorf(ErrDecrypt, "response does not authenticate")
	}
	return response, nil
}
