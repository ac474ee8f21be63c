// Package ohttp implements Oblivious HTTP (RFC 9458) over the standard
// library's crypto/hpke (RFC 9180), for both ends of Octoplay's sealed
// channel: the browser's client seals a Binary HTTP request (package bhttp)
// to the gateway's public key, the gateway opens it and seals the answer so
// that only that client can read it.
//
//   - Key configurations (RFC 9458 §3): [KeyConfig], and the
//     "application/ohttp-keys" list the gateway publishes
//     ([MarshalKeyConfigs], [ParseKeyConfigs]).
//   - Requests (§4.3): [SealRequest] on the client, [Gateway.OpenRequest] on
//     the gateway.
//   - Responses (§4.4): [OpenedRequest.SealResponse] on the gateway,
//     [ClientContext.OpenResponse] on the client, keyed from the HPKE
//     exporter so that a replayed request yields an answer only the original
//     client can read.
//
// Two KEMs are supported: X-Wing (ML-KEM-768 with X25519, post-quantum
// hybrid, [KEMXWing]) and DHKEM(X25519, HKDF-SHA256) ([KEMX25519]); one KDF,
// HKDF-SHA256; two AEADs, AES-128-GCM and AES-256-GCM.
//
// ChaCha20-Poly1305 ([AEADChaCha20Poly1305]) is not offered. The response is
// sealed with the suite's AEAD under a key derived from the HPKE exporter
// (§4.4), outside any HPKE context, so the package needs the AEAD on its own;
// the standard library exposes ChaCha20-Poly1305 only inside crypto/hpke, and
// the package does not carry a cipher of its own. Little is lost by it:
// AES-GCM is hardware-accelerated where it matters, on the gateway (AES-NI on
// amd64, the ARMv8 cryptography extensions on arm64), and there Go's
// implementation is constant-time. Go's portable AES, which the WebAssembly
// client runs, is table-based and not constant-time (as crypto/aes
// documents); the client only seals its own request and opens its answer with
// keys fresh for that exchange. A configuration listing ChaCha20-Poly1305
// still parses and prints, a client skips that entry, and a gateway refuses a
// request sealed with it ([ErrUnsupportedSuite]).
//
// Failures map to four sentinels, for a gateway to answer with: [ErrMalformed]
// (400), [ErrUnknownKey] and [ErrUnsupportedSuite] (the "key problem" of RFC
// 9458 §5.3, telling the client to fetch the keys again), [ErrDecrypt] (400).
// No error message holds key material or plaintext.
//
// The package does not import net/http, so that it stays small in the
// browser's WebAssembly build: the client moves bytes through a [Transport].
package ohttp
