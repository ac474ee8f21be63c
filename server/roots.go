//go:build !js

package server

// The container image is FROM scratch: it has no CA bundle, so without
// these roots every TLS handshake with the real OctoTable API would fail.
// crypto/x509 uses them only where the system has none of its own.
import _ "golang.org/x/crypto/x509roots/fallback"
