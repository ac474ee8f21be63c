//go:build !js

package server

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
)

// NewServer builds the server's handler: the playground page and its
// assets, the sandbox under /sandbox/, and /healthz, all behind the
// security headers and the request log.
func NewServer(logger *slog.Logger, assets fs.FS, sandbox http.Handler) (http.Handler, error) {
	page, err := newPageHandler(assets)
	if err != nil {
		return nil, fmt.Errorf("new server: %w", err)
	}
	mux := http.NewServeMux()
	addRoutes(mux, page, assets, sandbox)
	return logRequests(logger)(securityHeaders(mux)), nil
}
