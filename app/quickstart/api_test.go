package quickstart_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
)

const apiToken = "eyJhbGciOiJIUzI1NiJ9.tok+en/with=="

func TestAPIRequestURL(t *testing.T) {
	tests := []struct {
		name string
		env  quickstart.Environment
		path string
		want string
	}{
		{name: "sandbox API root", env: sandboxEnv, path: "/api/v2/", want: "http://127.0.0.1:8080/sandbox/api/v2/"},
		{name: "OctoTable API root", env: octotableEnv, path: "/api/v2/", want: "https://api.octotable.com/api/v2/"},
		{name: "OctoTable rooms", env: octotableEnv, path: "/octotable-pms/api/v2/rooms", want: "https://api.octotable.com/octotable-pms/api/v2/rooms"},
		{name: "spaces around are trimmed", env: octotableEnv, path: "  /api/v2/\n", want: "https://api.octotable.com/api/v2/"},
		{
			name: "query kept as typed", env: sandboxEnv, path: "/octotable-pms/api/v2/reservations?limit=5&start_date=2026-04-01",
			want: "http://127.0.0.1:8080/sandbox/octotable-pms/api/v2/reservations?limit=5&start_date=2026-04-01",
		},
		{
			name: "non-ASCII query encoded as UTF-8", env: octotableEnv, path: "/octotable-pms/api/v2/reservations?guest=Zoë",
			want: "https://api.octotable.com/octotable-pms/api/v2/reservations?guest=Zo%C3%AB",
		},
		{name: "non-ASCII path encoded", env: octotableEnv, path: "/api/v2/café", want: "https://api.octotable.com/api/v2/caf%C3%A9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := quickstart.APIRequest{Env: tt.env, Path: tt.path}.URL()
			require.NoError(t, err)
			assert.Equal(t, tt.want, u.String())
		})
	}
}

func TestAPIRequestCheck(t *testing.T) {
	ok := quickstart.APIRequest{Env: octotableEnv, Method: "GET", Path: "/api/v2/", Token: apiToken}
	with := func(change func(*quickstart.APIRequest)) quickstart.APIRequest {
		r := ok
		change(&r)
		return r
	}
	tests := []struct {
		name    string
		req     quickstart.APIRequest
		wantErr string
	}{
		{name: "ready", req: ok},
		{name: "every method offered", req: with(func(r *quickstart.APIRequest) { r.Method = "DELETE" })},
		{name: "property", req: with(func(r *quickstart.APIRequest) { r.Property = " 42 " })},
		{name: "no token", req: with(func(r *quickstart.APIRequest) { r.Token = "" }), wantErr: "get a token in Step 1 first"},
		{name: "no method", req: with(func(r *quickstart.APIRequest) { r.Method = "" }), wantErr: "choose a method: GET, HEAD, POST, PUT, PATCH, DELETE"},
		{name: "lower-case method", req: with(func(r *quickstart.APIRequest) { r.Method = "get" }), wantErr: "choose a method: GET, HEAD, POST, PUT, PATCH, DELETE"},
		{name: "method not offered", req: with(func(r *quickstart.APIRequest) { r.Method = "CONNECT" }), wantErr: "choose a method: GET, HEAD, POST, PUT, PATCH, DELETE"},
		{name: "no environment", req: with(func(r *quickstart.APIRequest) { r.Env = quickstart.Environment{} }), wantErr: "choose an environment"},
		{name: "empty path", req: with(func(r *quickstart.APIRequest) { r.Path = "" }), wantErr: "enter the path, such as /api/v2/"},
		{name: "blank path", req: with(func(r *quickstart.APIRequest) { r.Path = "  " }), wantErr: "enter the path, such as /api/v2/"},
		{name: "no leading slash", req: with(func(r *quickstart.APIRequest) { r.Path = "api/v2/" }), wantErr: "the path must start with /, as in /api/v2/"},
		{name: "a whole URL of another host", req: with(func(r *quickstart.APIRequest) { r.Path = "https://evil.example/api/v2/" }),
			wantErr: "https://evil.example is not this environment's host: the playground sends only to api.octotable.com; type the path alone, such as /api/v2/"},
		{name: "a whole URL over plain HTTP", req: with(func(r *quickstart.APIRequest) { r.Path = "http://api.octotable.com/api/v2/" }),
			wantErr: "http://api.octotable.com is not this environment's host: the playground sends only to api.octotable.com; type the path alone, such as /api/v2/"},
		{name: "space", req: with(func(r *quickstart.APIRequest) { r.Path = "/api/v2/rooms list" }), wantErr: "the path must not contain spaces or #"},
		{name: "tab", req: with(func(r *quickstart.APIRequest) { r.Path = "/api/v2/\trooms" }), wantErr: "the path must not contain spaces or #"},
		{name: "newline", req: with(func(r *quickstart.APIRequest) { r.Path = "/api/v2/\nHost: x" }), wantErr: "the path must not contain spaces or #"},
		{name: "fragment", req: with(func(r *quickstart.APIRequest) { r.Path = "/api/v2/#top" }), wantErr: "the path must not contain spaces or #"},
		{name: "bad escape", req: with(func(r *quickstart.APIRequest) { r.Path = "/api/v2/%zz" }), wantErr: `the path has "%zz", a malformed escape: % starts two hex digits, as in %20 (write %25 for a % itself)`},
		// url.Parse keeps a query as typed; the relay refused it as no
		// path of the API.
		{name: "bad escape in the query", req: with(func(r *quickstart.APIRequest) { r.Path = "/octotable-pms/api/v2/reservations?guest=%ZZ" }), wantErr: `the path has "%ZZ", a malformed escape: % starts two hex digits, as in %20 (write %25 for a % itself)`},
		{name: "a % at the end", req: with(func(r *quickstart.APIRequest) { r.Path = "/api/v2/?q=5%" }), wantErr: `the path has "%", a malformed escape: % starts two hex digits, as in %20 (write %25 for a % itself)`},
		{name: "good escapes", req: with(func(r *quickstart.APIRequest) { r.Path = "/api/v2/?q=a%20b%2Fc" })},
		// The relay would answer a bare 403: say so before sending.
		{name: "outside the API", req: with(func(r *quickstart.APIRequest) { r.Path = "/api/v3/" }), wantErr: "this path is not part of the environment's API: use a path under /api/v2/ or /octotable-pms/api/v2/"},
		{name: "the token endpoint is not the API", req: with(func(r *quickstart.APIRequest) { r.Path = "/octotable-auth/api/v2/oauth2/token" }), wantErr: "this path is not part of the environment's API: use a path under /api/v2/ or /octotable-pms/api/v2/"},
		{name: "property on two lines", req: with(func(r *quickstart.APIRequest) { r.Property = "42\r\nX-Evil: 1" }), wantErr: "the Property header must be on one line, without control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertCheck(t, tt.req, tt.wantErr)
		})
	}
}

func TestAPIRequestBuild(t *testing.T) {
	tests := []struct {
		name      string
		req       quickstart.APIRequest
		scheme    string
		authority string
		path      string
		header    bhttp.Fields // besides date
	}{
		{
			name:   "the quickstart's Step 2 on OctoTable",
			req:    quickstart.APIRequest{Env: octotableEnv, Method: "GET", Path: "/api/v2/", Token: apiToken},
			scheme: "https", authority: "api.octotable.com", path: "/api/v2/",
			header: bhttp.Fields{{Name: "accept", Value: "application/json"}, {Name: "authorization", Value: "Bearer " + apiToken}},
		},
		{
			name:   "sandbox rooms with a Property",
			req:    quickstart.APIRequest{Env: sandboxEnv, Method: "GET", Path: "/octotable-pms/api/v2/rooms", Property: " 42 ", Token: apiToken},
			scheme: "http", authority: "127.0.0.1:8080", path: "/sandbox/octotable-pms/api/v2/rooms",
			header: bhttp.Fields{{Name: "accept", Value: "application/json"}, {Name: "authorization", Value: "Bearer " + apiToken}, {Name: "property", Value: "42"}},
		},
		{
			name:   "blank Property is left out",
			req:    quickstart.APIRequest{Env: sandboxEnv, Method: "HEAD", Path: "/api/v2/", Property: "   ", Token: apiToken},
			scheme: "http", authority: "127.0.0.1:8080", path: "/sandbox/api/v2/",
			header: bhttp.Fields{{Name: "accept", Value: "application/json"}, {Name: "authorization", Value: "Bearer " + apiToken}},
		},
		{
			name:   "query preserved",
			req:    quickstart.APIRequest{Env: octotableEnv, Method: "GET", Path: "/octotable-pms/api/v2/reservations?limit=5&start_date=2026-04-01", Property: "7", Token: apiToken},
			scheme: "https", authority: "api.octotable.com", path: "/octotable-pms/api/v2/reservations?limit=5&start_date=2026-04-01",
			header: bhttp.Fields{{Name: "accept", Value: "application/json"}, {Name: "authorization", Value: "Bearer " + apiToken}, {Name: "property", Value: "7"}},
		},
		{
			name:   "non-ASCII query percent-encoded",
			req:    quickstart.APIRequest{Env: octotableEnv, Method: "GET", Path: "/octotable-pms/api/v2/reservations?guest=Zoë&x=%41", Token: apiToken},
			scheme: "https", authority: "api.octotable.com", path: "/octotable-pms/api/v2/reservations?guest=Zo%C3%AB&x=%41",
			header: bhttp.Fields{{Name: "accept", Value: "application/json"}, {Name: "authorization", Value: "Bearer " + apiToken}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := tt.req.Build(buildTime)
			require.NoError(t, err)
			assert.Equal(t, tt.req.Method, req.Method)
			assert.Equal(t, tt.scheme, req.Scheme)
			assert.Equal(t, tt.authority, req.Authority)
			assert.Equal(t, tt.path, req.Path)
			assert.ElementsMatch(t, append(tt.header, bhttp.Field{Name: "date", Value: buildDate}), req.Header)
			assert.Nil(t, req.Body)
			_, err = req.MarshalBinary()
			assert.NoError(t, err, "the request is valid binary HTTP")
		})
	}
}

func TestAPIRequestPreview(t *testing.T) {
	tests := []struct {
		name string
		req  quickstart.APIRequest
		want string
	}{
		{
			name: "sandbox root",
			req:  quickstart.APIRequest{Env: sandboxEnv, Method: "GET", Path: "/api/v2/", Token: apiToken},
			want: "GET /sandbox/api/v2/ HTTP/1.1\nHost: 127.0.0.1:8080\nAccept: application/json\nAuthorization: Bearer ••••••••",
		},
		{
			name: "OctoTable reservations with a Property",
			req:  quickstart.APIRequest{Env: octotableEnv, Method: "GET", Path: "/octotable-pms/api/v2/reservations?limit=5", Property: "42", Token: apiToken},
			want: "GET /octotable-pms/api/v2/reservations?limit=5 HTTP/1.1\nHost: api.octotable.com\nAccept: application/json\nAuthorization: Bearer ••••••••\nProperty: 42",
		},
		{name: "bad path shows nothing", req: quickstart.APIRequest{Env: octotableEnv, Method: "GET", Path: "api", Token: apiToken}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.req.Preview()
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, apiToken)
			assert.NotContains(t, got, "eyJhbGciOiJIUzI1NiJ9", "not even a piece of the token")
		})
	}
}

// A URL of the environment pasted whole, as the docs write their examples,
// is its path where it is typed; anything else stays as typed.
func TestEnvironmentPathOf(t *testing.T) {
	tests := []struct {
		name  string
		env   quickstart.Environment
		typed string
		want  string
	}{
		{name: "the docs' URL", env: octotableEnv, typed: "https://api.octotable.com/octotable-pms/api/v2/rooms", want: "/octotable-pms/api/v2/rooms"},
		{name: "with its query", env: octotableEnv, typed: " https://API.octotable.com/octotable-pms/api/v2/reservations?limit=5&start_date=2026-04-01", want: "/octotable-pms/api/v2/reservations?limit=5&start_date=2026-04-01"},
		{name: "the sandbox's, after its mount", env: sandboxEnv, typed: "http://127.0.0.1:8080/sandbox/api/v2/", want: "/api/v2/"},
		{name: "the sandbox's host, not its mount", env: sandboxEnv, typed: "http://127.0.0.1:8080/api/v2/", want: "http://127.0.0.1:8080/api/v2/"},
		{name: "another host", env: octotableEnv, typed: "https://evil.example/api/v2/", want: "https://evil.example/api/v2/"},
		{name: "another scheme", env: octotableEnv, typed: "http://api.octotable.com/api/v2/", want: "http://api.octotable.com/api/v2/"},
		{name: "a path", env: octotableEnv, typed: "/api/v2/", want: "/api/v2/"},
		{name: "no environment", typed: "https://api.octotable.com/api/v2/", want: "https://api.octotable.com/api/v2/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.env.PathOf(tt.typed))
		})
	}
}

// Extra headers that cannot go are never in the preview nor the request's
// fields, but apart, with their reason.
func TestAPIRequestRefusedHeaders(t *testing.T) {
	r := quickstart.APIRequest{Env: octotableEnv, Method: "GET", Path: "/api/v2/", Token: apiToken, Headers: []quickstart.Header{
		{Name: "X-Trace", Value: "t-1"}, {Name: "Authorization", Value: "Bearer mine"}, {Name: "Host", Value: "evil.example"},
		{Name: "X Space", Value: "v"}, {}, {Name: "x-trace", Value: "again"},
	}}
	assert.Equal(t, []quickstart.Header{{Name: "Accept", Value: "application/json"}, {Name: "X-Trace", Value: "t-1"}}, r.Fields())
	preview := r.Preview()
	for _, refused := range []string{"mine", "evil.example", "X Space", "again"} {
		assert.NotContains(t, preview, refused)
	}
	var names []string
	for _, h := range r.RefusedHeaders() {
		assert.NotEmpty(t, h.Reason, h.Name)
		names = append(names, h.Name)
	}
	assert.Equal(t, []string{"Authorization", "Host", "X Space", "x-trace"}, names)
	assert.Error(t, r.Check(), "Send refuses the request while one is there")
}
