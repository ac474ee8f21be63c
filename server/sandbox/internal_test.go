package sandbox

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
)

// post sends one form-encoded token request.
func post(t *testing.T, srv *httptest.Server, id, secret string) (int, string) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	resp, err := http.Post(srv.URL+"/octotable-auth/api/v2/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func newTestSandbox(t *testing.T) (*Sandbox, *httptest.Server, *testkit.Clock) {
	t.Helper()
	clock := testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	sb, err := New(Config{Clients: map[string]string{DemoClientID: DemoClientSecret}, Now: clock.Now})
	require.NoError(t, err)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return sb, srv, clock
}

func TestTokenStoreIsBounded(t *testing.T) {
	sb, srv, clock := newTestSandbox(t)
	sb.tokens.byHash.max = 50

	var issued []string
	for range 120 {
		status, body := post(t, srv, DemoClientID, DemoClientSecret)
		require.Equal(t, http.StatusOK, status, body)
		token, _, ok := strings.Cut(strings.TrimPrefix(body, `{"access_token":"`), `"`)
		require.True(t, ok, body)
		issued = append(issued, token)
	}
	assert.Equal(t, 50, sb.tokens.len())

	tests := []struct {
		name       string
		token      string
		wantStatus int
	}{
		{name: "oldest was evicted", token: issued[0], wantStatus: http.StatusUnauthorized},
		{name: "last evicted", token: issued[69], wantStatus: http.StatusUnauthorized},
		{name: "oldest kept", token: issued[70], wantStatus: http.StatusOK},
		{name: "newest kept", token: issued[119], wantStatus: http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v2/", nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+tc.token)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.wantStatus, resp.StatusCode)
		})
	}

	t.Run("expired tokens are purged", func(t *testing.T) {
		clock.Advance(defaultTokenTTL + expiredGrace)
		status, body := post(t, srv, DemoClientID, DemoClientSecret)
		require.Equal(t, http.StatusOK, status, body)
		assert.Equal(t, 1, sb.tokens.len())
	})
}

func TestFailureCountersAreBounded(t *testing.T) {
	sb, srv, clock := newTestSandbox(t)
	sb.failures.byClient.max = 10
	for i := range 30 {
		status, body := post(t, srv, "flood-"+strconv.Itoa(i), "x")
		require.Equal(t, http.StatusUnauthorized, status, body)
	}
	assert.Equal(t, 10, sb.failures.byClient.len())

	clock.Advance(failureWindow)
	status, body := post(t, srv, DemoClientID, "wrong")
	require.Equal(t, http.StatusUnauthorized, status, body)
	assert.Equal(t, 1, sb.failures.byClient.len(), "expired counters are purged")
}

func TestBoundedMap(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	m := newBoundedMap[string, int](2)
	m.put("a", 1, at(10), at(0))
	m.put("b", 2, at(11), at(1))
	m.put("a", 3, at(12), at(2)) // replaces a, which becomes the newest
	m.put("c", 4, at(13), at(3)) // full: evicts b, the oldest

	tests := []struct {
		name   string
		key    string
		now    time.Time
		want   int
		wantOK bool
	}{
		{name: "replaced", key: "a", now: at(3), want: 3, wantOK: true},
		{name: "evicted", key: "b", now: at(3), wantOK: false},
		{name: "newest", key: "c", now: at(3), want: 4, wantOK: true},
		{name: "dropped at its time", key: "c", now: at(13), wantOK: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := m.get(tc.key, tc.now)
			assert.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.want, got)
		})
	}
	assert.Equal(t, 1, m.len())
}
