//go:build !js

package server

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// basePolicy is the tightest policy the page works under: go-app needs
// 'wasm-unsafe-eval' to compile the wasm, and nothing inline.
const basePolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; " +
	"manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors "

// contentSecurityPolicy is basePolicy with the origins that may frame the
// playground (the docs that embed it); none by default.
func contentSecurityPolicy(frameAncestors []string) string {
	if len(frameAncestors) == 0 {
		return basePolicy + "'none'"
	}
	return basePolicy + strings.Join(frameAncestors, " ")
}

// securityHeaders sets the headers every response carries, errors included.
func securityHeaders(csp string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status a handler wrote, for the log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes one line per request. It logs the path but never the
// query (values may be credentials), a header value or a body.
func logRequests(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					// A bug, not the client's fault: answer 500 once and keep serving.
					logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", p)
					if rec.status == 0 {
						http.Error(rec, "internal error", http.StatusInternalServerError)
					}
				}
				status := rec.status
				if status == 0 {
					status = http.StatusOK
				}
				// A 503 refuses for now (busy, closing, or the shared state
				// is away, which its store logs once): a warning, not an
				// error at every request.
				level := slog.LevelInfo
				switch {
				case status == http.StatusServiceUnavailable:
					level = slog.LevelWarn
				case status >= 500:
					level = slog.LevelError
				}
				logger.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Duration("duration", time.Since(start)))
			}()
			next.ServeHTTP(rec, r)
		})
	}
}

// readOnly answers 405 to anything but GET and HEAD.
func readOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}
