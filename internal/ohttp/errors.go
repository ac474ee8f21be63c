package ohttp

import (
	"errors"
	"fmt"
)

var (
	// ErrMalformed reports an encapsulated message, key configuration or
	// private key text that does not parse: a header cut short, a length that
	// does not add up, a public key of the wrong size.
	ErrMalformed = errors.New("ohttp: malformed message")

	// ErrUnknownKey reports a request for a key identifier the gateway does
	// not hold: a client with a stale key configuration (RFC 9458 §5.3).
	ErrUnknownKey = errors.New("ohttp: unknown key identifier")

	// ErrUnsupportedSuite reports a KEM, KDF or AEAD that is not supported,
	// or not offered for the key a request names.
	ErrUnsupportedSuite = errors.New("ohttp: unsupported KEM, KDF or AEAD")

	// ErrDecrypt reports a message that fails authentication: tampered
	// with, cut, or sealed to another key.
	ErrDecrypt = errors.New("ohttp: decryption failed")
)

// errorf wraps kind with the detail of what went wrong.
func errorf(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)
}
