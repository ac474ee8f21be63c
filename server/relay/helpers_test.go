package relay

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// upstream is a fake OctoTable that counts and records what reaches it.
type upstream struct {
	*httptest.Server
	mu     sync.Mutex
	hits   int
	last   *http.Request
	bodies []string
}

// newUpstream serves h (nil: 200 with a small JSON body) and records every
// request before h sees it.
func newUpstream(t *testing.T, h http.HandlerFunc) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.hits++
		u.last = r.Clone(context.Background())
		u.bodies = append(u.bodies, string(body))
		u.mu.Unlock()
		if h == nil {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"data":[]}`)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) Hits() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.hits
}

// Last is the last request and body the upstream received.
func (u *upstream) Last() (*http.Request, string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.last == nil {
		return nil, ""
	}
	return u.last, u.bodies[len(u.bodies)-1]
}

// rewriteTransport sends what the relay meant for api.octotable.com to an
// httptest server, Host header untouched, so that tests of the production
// allow-list need no network.
type rewriteTransport struct{ to *httptest.Server }

func (rt rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	to, _ := url.Parse(rt.to.URL)
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host = to.Scheme, to.Host
	return rt.to.Client().Transport.RoundTrip(out)
}

const (
	octotableToken = "https://api.octotable.com/octotable-auth/api/v2/oauth2/token"
	octotableAPI   = "https://api.octotable.com/api/v2/"
	octotablePMS   = "https://api.octotable.com/octotable-pms/api/v2/"
)

// octotableEnv is the production environment, its traffic diverted to up.
func octotableEnv(t *testing.T, up *upstream) *Environment {
	t.Helper()
	env, err := NewEnvironment("octotable", "OctoTable", octotableToken, []string{octotableAPI, octotablePMS}, nil)
	require.NoError(t, err)
	env.Transport = rewriteTransport{to: up.Server}
	return env
}

// loopbackEnv reaches up through the relay's own outbound client: token
// URL /auth/token, API base /api/.
func loopbackEnv(t *testing.T, name string, up *upstream, profiles map[string]Credentials) *Environment {
	t.Helper()
	env, err := NewEnvironment(name, "", up.URL+"/auth/token", []string{up.URL + "/api/"}, profiles)
	require.NoError(t, err)
	return env
}
