package ohttp

import (
	"crypto/cipher"
	"crypto/hkdf"
	"fmt"
)

// exporter is the part of an HPKE context, sender's or recipient's, that keys
// the response.
type exporter interface {
	Export(exporterContext string, length int) ([]byte, error)
}

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
	salt := make([]byte, 0, len(enc)+len(responseNonce))
	salt = append(salt, enc...)
	salt = append(salt, responseNonce...)
	// crypto/hkdf takes the secret first, then the salt.
	prk, err := hkdf.Extract(p.kdf.hash, secret, salt)
	if err != nil {
		return nil, nil, fmt.Errorf("ohttp: derive response key: %w", err)
	}
	key, err := hkdf.Expand(p.kdf.hash, prk, "key", p.aead.keySize)
	if err != nil {
		return nil, nil, fmt.Errorf("ohttp: derive response key: %w", err)
	}
	nonce, err := hkdf.Expand(p.kdf.hash, prk, "nonce", p.aead.nonceSize)
	if err != nil {
		return nil, nil, fmt.Errorf("ohttp: derive response nonce: %w", err)
	}
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
