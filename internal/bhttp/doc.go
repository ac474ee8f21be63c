// Package bhttp encodes and decodes Binary HTTP messages (RFC 9292), the
// plaintext that Oblivious HTTP (RFC 9458) seals.
//
// The encoder writes the known-length forms (RFC 9292 §3.1): framing indicator
// 0 for a request, 1 for a response. It always writes every section, with zero
// lengths where a section is empty, so that its output is what RFC 9292 §5
// shows. The decoder also reads the indeterminate-length forms (§3.2, framing
// 2 and 3), informational responses (§3.5.1), trailers, trailing sections left
// off by truncation and zero padding (§3.8).
//
// Everything the decoder reads is bounded by a [Limits]: an Oblivious HTTP
// gateway decodes whatever a client sends it, so no length taken from the
// message is trusted before it is checked against the input and the limit.
//
// Messages that RFC 9292 §4 calls invalid are refused, and the rules of HTTP/2
// (RFC 9113 §8.2.1, §8.3.1) that RFC 9292 §3.6 points to are applied on both
// sides: field names are lower-case tokens, field values hold no control
// characters and no surrounding white space. Pseudo-fields are refused
// altogether: the only ones RFC 9292 allows are extensions this package has no
// use for, and they could not be forwarded as HTTP/1.1 anyway.
//
// The package does not import net/http: it is linked into the browser's
// WebAssembly build, where net/http would add megabytes.
//
// Error messages never hold field values, content or the request target, which
// may carry credentials; they name the part of the message at fault.
package bhttp
