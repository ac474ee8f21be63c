package admit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"octoplay/internal/wire"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"octoplay/server/state"
)

type brokenLimiter struct{ state.Limiter }

func (brokenLimiter) Allow(context.Context, string) (state.Decision, error) {
	return state.Decision{}, errors.New("store unreachable")
}

func TestPerClient(t *testing.T) {
	now := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	l := state.NewMemoryLimiter(state.Limit{Interval: 1500 * time.Millisecond, Burst: 2}, 0, func() time.Time { return now })
	h := PerClient(l, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	do := func(h http.Handler, remote string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	assert.Equal(t, http.StatusNoContent, do(h, "203.0.113.7:1").Code)
	assert.Equal(t, http.StatusNoContent, do(h, "203.0.113.7:2").Code)
	refused := do(h, "203.0.113.7:3")
	assert.Equal(t, http.StatusTooManyRequests, refused.Code)
	assert.Equal(t, "2", refused.Header().Get("Retry-After"), "1.5 s rounds up")
	assert.Contains(t, refused.Body.String(), wire.ProblemRateLimited.URI)
	assert.Equal(t, http.StatusNoContent, do(h, "198.51.100.1:1").Code, "another address")

	broken := do(PerClient(brokenLimiter{}, h), "198.51.100.1:1")
	assert.Equal(t, http.StatusServiceUnavailable, broken.Code, "fails closed")
	assert.Contains(t, broken.Body.String(), wire.ProblemStateUnavailable.URI)
	assert.Equal(t, "2", broken.Header().Get("Retry-After"))
}
