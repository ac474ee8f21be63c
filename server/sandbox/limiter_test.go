package sandbox_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/server/sandbox"
)

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
		return oauthError("slow_down", "too many failed authentications for this client_id; retry in "+seconds+" seconds")
	}
	demo, secret := sandbox.DemoClientID, sandbox.DemoClientSecret
	steps := []struct {
		name           string
		advance        time.Duration
		auth           func(id, secret string) (http.Header, string)
		id, secret     string
		wantStatus     int
		wantRetryAfter string
		wantBody       map[string]any // nil: a token answer
	}{
		{name: "failure 1", auth: inBody, id: demo, secret: "a", wantStatus: 401, wantBody: wrong},
		{name: "failure 2", auth: inBody, id: demo, secret: "b", wantStatus: 401, wantBody: wrong},
		{name: "failure 3 with Basic counts for the same id", auth: withBasic, id: demo, secret: "c", wantStatus: 401, wantBody: wrongBasic},
		{name: "failure 4", advance: 10 * time.Second, auth: inBody, id: demo, secret: "d", wantStatus: 401, wantBody: wrong},
		{name: "failure 5", auth: withBasic, id: demo, secret: "e", wantStatus: 401, wantBody: wrongBasic},
		{name: "right secret is refused while slowed down", auth: inBody, id: demo, secret: secret,
			wantStatus: 429, wantRetryAfter: "50", wantBody: slowDown("50")},
		{name: "another client is not slowed down", auth: withBasic, id: partnerID, secret: partnerSecret, wantStatus: 200},
		{name: "wrong secret is refused too", advance: 35 * time.Second, auth: withBasic, id: demo, secret: "f",
			wantStatus: 429, wantRetryAfter: "15", wantBody: slowDown("15")},
		{name: "a part of a second rounds up", advance: 14500 * time.Millisecond, auth: inBody, id: demo, secret: secret,
			wantStatus: 429, wantRetryAfter: "1", wantBody: slowDown("1")},
		{name: "after the window the right secret works", advance: 500 * time.Millisecond, auth: inBody, id: demo, secret: secret, wantStatus: 200},
		{name: "partner failure 1", auth: inBody, id: partnerID, secret: "a", wantStatus: 401, wantBody: wrong},
		{name: "partner failure 2", auth: inBody, id: partnerID, secret: "b", wantStatus: 401, wantBody: wrong},
		{name: "partner failure 3", auth: inBody, id: partnerID, secret: "c", wantStatus: 401, wantBody: wrong},
		{name: "partner failure 4", auth: inBody, id: partnerID, secret: "d", wantStatus: 401, wantBody: wrong},
		{name: "partner success clears the count", auth: inBody, id: partnerID, secret: partnerSecret, wantStatus: 200},
		{name: "partner failure 1 again", auth: inBody, id: partnerID, secret: "e", wantStatus: 401, wantBody: wrong},
		{name: "partner failure 2 again", auth: inBody, id: partnerID, secret: "f", wantStatus: 401, wantBody: wrong},
		{name: "unknown id 1", auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown id 2", auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown id 3", auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown id 4", auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown id 5", auth: inBody, id: "stranger", secret: "x", wantStatus: 401, wantBody: unknown},
		{name: "unknown ids are slowed down too", auth: inBody, id: "stranger", secret: "x",
			wantStatus: 429, wantRetryAfter: "60", wantBody: slowDown("60")},
	}
	for _, step := range steps {
		// Steps share the sandbox and the clock, so they run in order and
		// stop at the first failure.
		ok := t.Run(step.name, func(t *testing.T) {
			clock.Advance(step.advance)
			header, body := step.auth(step.id, step.secret)
			resp, got := send(t, http.MethodPost, srv.URL+tokenPath, header, body)
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
