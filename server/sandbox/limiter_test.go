package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/clientaddr"
	"octoplay/internal/testkit/loopback"
	"octoplay/server/sandbox"
	"octoplay/server/state"
)

// TestFailedAuthenticationIsSlowedDown: failures count against the address
// they come from, never against the client id, so that nobody can lock a
// public client (the demo's) out for everyone else.
func TestFailedAuthenticationIsSlowedDown(t *testing.T) {
	srv, clock := newSandbox(t, nil)
	inBody := func(id, secret string) (http.Header, string) {
		return headers("Content-Type", formType),
			url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}.Encode()
	}
	withBasic := func(id, secret string) (http.Header, string) {
		return headers("Content-Type", formType, "Authorization", formBasic(id, secret)), "grant_type=client_credentials"
	}
	wrong := oauthError("invalid_client", "client_secret does not match this client_id")
	wrongBasic := oauthError("invalid_client", "client_secret does not match this client_id"+basicHint)
	unknown := oauthError("invalid_client", "unknown client_id")
	slowDown := func(seconds string) map[string]any {
		return oauthError("slow_down", "too many failed authentications from this address; retry in "+seconds+" seconds")
	}
	guesser, other, third := loopback.Client(loopback.Addr(0)), loopback.Client(loopback.Addr(1)), loopback.Client(loopback.Addr(2))
	demo, secret := sandbox.DemoClientID, sandbox.DemoClientSecret
	steps := []struct {
		name           string
		advance        time.Duration
		from           *http.Client
		auth           func(id, secret string) (http.Header, string)
		id, secret     string
		wantStatus     int
		wantRetryAfter string
		wantBody       map[string]any // nil: a token answer
	}{
		{name: "failure 1", from: guesser, auth: inBody, id: demo, secret: "a", wantStatus: 401, wantBody: wrong},
		{name: "failure 2", from: guesser, auth: inBody, id: demo, secret: "b", wantStatus: 401, wantBody: wrong},
		{name: "failure 3 with Basic counts for the same address", from: guesser, auth: withBasic, id: demo, secret: "c", wantStatus: 401, wantBody: wrongBasic},
		{name: "failure 4 for another client counts too", advance: 10 * time.Second, from: guesser, auth: inBody, id: partnerID, secret: "d", wantStatus: 401, wantBody: wrong},
		{name: "failure 5", from: guesser, auth: withBasic, id: demo, secret: "e", wantStatus: 401, wantBody: wrongBasic},
		{name: "the guesser is slowed down, right secret or not", from: guesser, auth: inBody, id: demo, secret: secret,
			wantStatus: 429, wantRetryAfter: "2", wantBody: slowDown("2")},
		{name: "another address gets the same client's token", from: other, auth: inBody, id: demo, secret: secret, wantStatus: 200},
		{name: "and may fail on its own", from: other, auth: withBasic, id: demo, secret: "x", wantStatus: 401, wantBody: wrongBasic},
		{name: "a part of a second rounds up", advance: 1500 * time.Millisecond, from: guesser, auth: inBody, id: demo, secret: "f",
			wantStatus: 429, wantRetryAfter: "1", wantBody: slowDown("1")},
		{name: "one attempt comes back every 12 s", advance: 500 * time.Millisecond, from: guesser, auth: inBody, id: demo, secret: secret, wantStatus: 200},
		{name: "a success takes nothing back", from: guesser, auth: inBody, id: demo, secret: "g", wantStatus: 401, wantBody: wrong},
		{name: "so the known demo secret cannot buy more guesses", from: guesser, auth: inBody, id: partnerID, secret: "h",
			wantStatus: 429, wantRetryAfter: "12", wantBody: slowDown("12")},
		{name: "after a minute the whole allowance is back", advance: time.Minute, from: guesser, auth: inBody, id: partnerID, secret: partnerSecret, wantStatus: 200},
		{name: "unknown id 1", from: third, auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown id 2", from: third, auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown id 3", from: third, auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown id 4", from: third, auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown id 5", from: third, auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown ids are slowed down too", from: third, auth: inBody, id: "stranger", secret: "x",
			wantStatus: 429, wantRetryAfter: "12", wantBody: slowDown("12")},
	}
	for _, step := range steps {
		// Steps share the sandbox and the clock, so they run in order and
		// stop at the first failure.
		ok := t.Run(step.name, func(t *testing.T) {
			clock.Advance(step.advance)
			header, body := step.auth(step.id, step.secret)
			resp, got := sendWith(t, step.from, http.MethodPost, srv.URL+tokenPath, header, body)
			require.Equal(t, step.wantStatus, resp.StatusCode, got)
			requireJSONNoStore(t, resp)
			assert.Equal(t, step.wantRetryAfter, resp.Header.Get("Retry-After"))
			if step.wantBody == nil {
				assert.Regexp(t, tokenPattern, decode(t, got)["access_token"])
				return
			}
			assertOAuthError(t, step.wantBody, got)
			if step.wantStatus == http.StatusUnauthorized {
				assert.Equal(t, basicChallenge, resp.Header.Get("WWW-Authenticate"))
			}
		})
		require.True(t, ok)
	}
}

// TestOuterAddressCounts: a server that reaches the sandbox in-process (the
// relay) passes the address of its own client in the context, and that is
// the address failures count against, not the connection's.
func TestOuterAddressCounts(t *testing.T) {
	sb, err := sandbox.New(sandbox.Config{Clients: map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret}})
	require.NoError(t, err)
	token := func(outer, secret string) int {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {sandbox.DemoClientID}, "client_secret": {secret}}
		req := httptest.NewRequest(http.MethodPost, tokenPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", formType)
		req = req.WithContext(clientaddr.WithAddr(req.Context(), outer))
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		return rec.Code
	}
	for range 5 {
		require.Equal(t, http.StatusUnauthorized, token("203.0.113.7", "wrong"))
	}
	assert.Equal(t, http.StatusTooManyRequests, token("203.0.113.7", sandbox.DemoClientSecret))
	assert.Equal(t, http.StatusOK, token("198.51.100.9", sandbox.DemoClientSecret),
		"the same connection for another outer client")
}

// TestConcurrentGuessesAreCounted checks that guesses sent at once cannot
// slip past the limit between checking and counting.
func TestConcurrentGuessesAreCounted(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	statuses := make(chan int, 20)
	var wg sync.WaitGroup
	for i := range cap(statuses) {
		wg.Go(func() {
			form := url.Values{"grant_type": {"client_credentials"}, "client_id": {sandbox.DemoClientID}, "client_secret": {strconv.Itoa(i)}}
			resp, err := http.Post(srv.URL+tokenPath, formType, strings.NewReader(form.Encode()))
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for status := range statuses {
		count[status]++
	}
	assert.Equal(t, map[int]int{http.StatusUnauthorized: 5, http.StatusTooManyRequests: 15}, count)
}

// A workshop all on the demo client at once: valid requests never count
// against the client, however many are in flight together.
func TestConcurrentValidRequestsAreNeverSlowedDown(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	const n = 64
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := send(t, http.MethodPost, srv.URL+"/octotable-auth/api/v2/oauth2/token", headers("Content-Type", formType), demoForm())
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		assert.Equal(t, http.StatusOK, s, "request %d", i)
	}
}

// brokenLimiter is a failure limit whose store cannot be reached.
type brokenLimiter struct{ state.Limiter }

func (brokenLimiter) Peek(context.Context, string) (state.Decision, error) {
	return state.Decision{}, errors.New("store unreachable")
}

// Without its failure counts the sandbox refuses rather than authenticate
// unchecked, and says when to come back.
func TestFailureLimitUnavailableFailsClosed(t *testing.T) {
	srv, _ := newSandbox(t, func(c *sandbox.Config) { c.Failures = brokenLimiter{} })
	resp, body := send(t, http.MethodPost, srv.URL+tokenPath, headers("Content-Type", formType), demoForm())
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	assert.Equal(t, "temporarily_unavailable", decode(t, body)["error"])
}
