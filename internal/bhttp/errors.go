package bhttp

import "fmt"

// sentinel is an error value that may belong to a broader one, so that
// errors.Is(ErrTruncated, ErrMalformed) holds: a truncated message is one kind
// of malformed message.
type sentinel struct {
	msg    string
	parent error
}

func (e *sentinel) Error() string { return e.msg }
func (e *sentinel) Unwrap() error { return e.parent }

var (
	// ErrMalformed reports a message that RFC 9292 §4 calls invalid, or a
	// Request or Response that cannot be encoded because it would be one.
	ErrMalformed error = &sentinel{msg: "bhttp: malformed message"}

	// ErrTruncated reports a message that ends where RFC 9292 §3.8 does not
	// allow it to end. It is also an ErrMalformed.
	ErrTruncated error = &sentinel{msg: "bhttp: truncated message", parent: ErrMalformed}

	// ErrTooLarge reports a message, or a part of one, over its [Limits].
	ErrTooLarge error = &sentinel{msg: "bhttp: message over a limit"}
)

// errorf wraps kind with a description of where the message went wrong.
func errorf(kind error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)
}
