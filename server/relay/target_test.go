package relay

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/bhttp"
	"octoplay/internal/wire"
)

type targetCase struct {
	name                            string
	method, scheme, authority, path string
	// decoderRefuses marks targets that Binary HTTP itself cannot carry
	// (RFC 9113 §8.3.1): end to end, the gateway's decoder refuses them
	// with 400 bad-inner-request before allowTarget is asked.
	decoderRefuses bool
}

const apiHost = "api.octotable.com"

// refusedTargets must never be dialled. Each differs from an allowed
// target in one way.
var refusedTargets = []targetCase{
	{name: "IPv4 literal", method: "GET", scheme: "https", authority: "127.0.0.1", path: "/api/v2/"},
	{name: "IPv4 as one decimal number", method: "GET", scheme: "https", authority: "2130706433", path: "/api/v2/"},
	{name: "IPv4 in hex", method: "GET", scheme: "https", authority: "0x7f000001", path: "/api/v2/"},
	{name: "IPv4 in octal", method: "GET", scheme: "https", authority: "0177.0.0.1", path: "/api/v2/"},
	{name: "IPv4 shortened", method: "GET", scheme: "https", authority: "127.1", path: "/api/v2/"},
	{name: "IPv6 loopback", method: "GET", scheme: "https", authority: "[::1]", path: "/api/v2/"},
	{name: "IPv4-mapped IPv6 loopback", method: "GET", scheme: "https", authority: "[::ffff:127.0.0.1]", path: "/api/v2/"},
	{name: "cloud metadata address", method: "GET", scheme: "https", authority: "169.254.169.254", path: "/api/v2/"},
	{name: "private address", method: "GET", scheme: "https", authority: "10.0.0.1", path: "/api/v2/"},
	{name: "unspecified address", method: "GET", scheme: "https", authority: "0.0.0.0", path: "/api/v2/"},
	{name: "a name in brackets", method: "GET", scheme: "https", authority: "[api.octotable.com]:443", path: "/api/v2/"},
	{name: "IPv6 without brackets", method: "GET", scheme: "https", authority: "::1", path: "/api/v2/"},
	{name: "look-alike: suffix domain", method: "GET", scheme: "https", authority: "api.octotable.com.evil.com", path: "/api/v2/"},
	{name: "look-alike: dash for dot", method: "GET", scheme: "https", authority: "api-octotable.com", path: "/api/v2/"},
	{name: "look-alike: other TLD", method: "GET", scheme: "https", authority: "api.octotable.co", path: "/api/v2/"},
	{name: "look-alike: punycode", method: "GET", scheme: "https", authority: "api.xn--octotble-1za.com", path: "/api/v2/"},
	{name: "trailing dot", method: "GET", scheme: "https", authority: "api.octotable.com.", path: "/api/v2/"},
	{name: "other port", method: "GET", scheme: "https", authority: "api.octotable.com:8443", path: "/api/v2/"},
	{name: "port 80 for https", method: "GET", scheme: "https", authority: "api.octotable.com:80", path: "/api/v2/"},
	{name: "default port with a leading zero", method: "GET", scheme: "https", authority: "api.octotable.com:0443", path: "/api/v2/"},
	{name: "empty authority", method: "GET", scheme: "https", authority: "", path: "/api/v2/"},
	{name: "http for an https environment", method: "GET", scheme: "http", authority: apiHost, path: "/api/v2/"},
	{name: "ftp", method: "GET", scheme: "ftp", authority: apiHost, path: "/api/v2/"},
	{name: "file", method: "GET", scheme: "file", authority: apiHost, path: "/api/v2/"},
	{name: "javascript", method: "GET", scheme: "javascript", authority: apiHost, path: "/api/v2/"},
	{name: "userinfo", method: "GET", scheme: "https", authority: "user@api.octotable.com", path: "/api/v2/", decoderRefuses: true},
	{name: "userinfo naming our host", method: "GET", scheme: "https", authority: "api.octotable.com@evil.com", path: "/api/v2/", decoderRefuses: true},
	{name: "traversal", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/../admin"},
	{name: "traversal at the end", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/.."},
	{name: "traversal, encoded", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%2e%2e/admin"},
	{name: "traversal, encoded upper case", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%2E%2E/"},
	{name: "traversal, half encoded", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/.%2e/"},
	{name: "traversal, double encoded", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%252e%252e/"},
	{name: "traversal, overlong UTF-8 dots", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%c0%ae%c0%ae/admin"},
	{name: "encoded slash", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/..%2f"},
	{name: "encoded double slash", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%2f%2fevil"},
	{name: "network-path reference", method: "GET", scheme: "https", authority: apiHost, path: "//evil.com/api/v2/"},
	{name: "backslash traversal", method: "GET", scheme: "https", authority: apiHost, path: `/api/v2/..\admin`},
	{name: "encoded backslash traversal", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%5c..%5cadmin"},
	{name: "dot segment", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/./x"},
	{name: "encoded dot segment", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%2e/x"},
	{name: "matrix parameter", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2;/x"},
	{name: "fragment", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/#frag", decoderRefuses: true},
	{name: "base as a prefix of a longer segment", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2x/"},
	{name: "base without its slash", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2"},
	{name: "base in upper case", method: "GET", scheme: "https", authority: apiHost, path: "/API/V2/"},
	{name: "path without a leading slash", method: "GET", scheme: "https", authority: apiHost, path: "api/v2/", decoderRefuses: true},
	{name: "NUL", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/\x00", decoderRefuses: true},
	{name: "encoded NUL", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%00"},
	{name: "CRLF", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/\r\nHost: evil.com", decoderRefuses: true},
	{name: "encoded CRLF", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%0d%0aHost:%20evil.com"},
	{name: "space", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/ HTTP/1.1", decoderRefuses: true},
	{name: "malformed escape", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/%zz"},
	{name: "raw quote in the query", method: "GET", scheme: "https", authority: apiHost, path: `/api/v2/?q="x"`},
	{name: "GET to the token URL", method: "GET", scheme: "https", authority: apiHost, path: "/octotable-auth/api/v2/oauth2/token"},
	{name: "method in lower case", method: "post", scheme: "https", authority: apiHost, path: "/octotable-auth/api/v2/oauth2/token"},
	{name: "query on the token URL", method: "POST", scheme: "https", authority: apiHost, path: "/octotable-auth/api/v2/oauth2/token?client_secret=s"},
	{name: "token URL with a trailing slash", method: "POST", scheme: "https", authority: apiHost, path: "/octotable-auth/api/v2/oauth2/token/"},
	{name: "elsewhere under the token URL's parent", method: "POST", scheme: "https", authority: apiHost, path: "/octotable-auth/api/v2/oauth2/revoke"},
	{name: "TRACE to the API", method: "TRACE", scheme: "https", authority: apiHost, path: "/api/v2/"},
	{name: "CONNECT to the API", method: "CONNECT", scheme: "https", authority: apiHost, path: "/api/v2/"},
}

type allowedCase struct {
	targetCase
	kind targetKind
	url  string // what the gateway sends to
}

var allowedTargets = []allowedCase{
	{targetCase{name: "token URL with POST", method: "POST", scheme: "https", authority: apiHost, path: "/octotable-auth/api/v2/oauth2/token"}, tokenTarget, octotableToken},
	{targetCase{name: "API base", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/"}, apiTarget, octotableAPI},
	{targetCase{name: "PMS resource with a query", method: "GET", scheme: "https", authority: apiHost, path: "/octotable-pms/api/v2/rooms?limit=2&start_date=2026-04-01"}, apiTarget, octotablePMS + "rooms?limit=2&start_date=2026-04-01"},
	{targetCase{name: "host in upper case", method: "GET", scheme: "https", authority: "API.OctoTable.COM", path: "/api/v2/"}, apiTarget, octotableAPI},
	{targetCase{name: "explicit default port", method: "GET", scheme: "https", authority: "api.octotable.com:443", path: "/api/v2/"}, apiTarget, octotableAPI},
	{targetCase{name: "scheme in upper case", method: "GET", scheme: "HTTPS", authority: apiHost, path: "/api/v2/"}, apiTarget, octotableAPI},
	{targetCase{name: "DELETE a reservation", method: "DELETE", scheme: "https", authority: apiHost, path: "/octotable-pms/api/v2/reservations/42"}, apiTarget, octotablePMS + "reservations/42"},
	{targetCase{name: "escaped space in a segment", method: "GET", scheme: "https", authority: apiHost, path: "/octotable-pms/api/v2/rooms/Suite%20A"}, apiTarget, octotablePMS + "rooms/Suite%20A"},
	{targetCase{name: "dots inside a segment", method: "GET", scheme: "https", authority: apiHost, path: "/api/v2/v1..2/...x"}, apiTarget, octotableAPI + "v1..2/...x"},
}

func productionEnvs(t testing.TB) []*Environment {
	t.Helper()
	env, err := NewEnvironment("octotable", "OctoTable", octotableToken, []string{octotableAPI, octotablePMS}, nil)
	require.NoError(t, err)
	return []*Environment{env}
}

func TestAllowTargetRefuses(t *testing.T) {
	envs := productionEnvs(t)
	for _, tc := range refusedTargets {
		t.Run(tc.name, func(t *testing.T) {
			got, err := allowTarget(envs, tc.method, tc.scheme, tc.authority, tc.path)
			require.Error(t, err, "allowed to %v", got)
			assert.True(t, errors.Is(err, errNotAllowed), "err %v does not wrap errNotAllowed", err)
		})
	}
}

func TestAllowTargetAllows(t *testing.T) {
	envs := productionEnvs(t)
	for _, tc := range allowedTargets {
		t.Run(tc.name, func(t *testing.T) {
			got, err := allowTarget(envs, tc.method, tc.scheme, tc.authority, tc.path)
			require.NoError(t, err)
			assert.Equal(t, tc.kind, got.kind)
			assert.Equal(t, tc.url, got.url.String())
			assert.Same(t, envs[0], got.env)
		})
	}
}

// TestCanonicalOrigin: the spellings of one origin compare equal, and
// nothing else does.
func TestCanonicalOrigin(t *testing.T) {
	tests := []struct{ scheme, authority, want string }{
		{"https", "api.octotable.com", "https://api.octotable.com:443"},
		{"HTTPS", "API.OctoTable.com:443", "https://api.octotable.com:443"},
		{"https", "api.octotable.com:", "https://api.octotable.com:443"},
		{"http", "api.octotable.com", "http://api.octotable.com:80"},
		{"http", "[::1]", "http://[::1]:80"},
		{"http", "[::1]:80", "http://[::1]:80"},
		{"https", "[::1]:8443", "https://[::1]:8443"},
		{"https", "::1", ""},
		{"https", "[::1", ""},
		{"https", "::1]", ""},
		{"https", "[]", ""},
		{"https", "[api.octotable.com]", ""},
		{"https", "[api.octotable.com]:443", ""},
		{"https", "[127.0.0.1]", ""},
		{"https", "host:1:2", ""},
		{"https", "[fe80::1%25eth0]", ""},
		{"ws", "api.octotable.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.scheme+" "+tt.authority, func(t *testing.T) {
			got, err := canonicalOrigin(tt.scheme, tt.authority)
			if tt.want == "" {
				assert.ErrorIs(t, err, errNotAllowed, "got %q", got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestRelayRefusesTargetsWithoutDialling sends each refused target sealed,
// as a browser could: the answer is a sealed problem, and neither the
// upstream nor the dialler ever sees a thing.
func TestRelayRefusesTargetsWithoutDialling(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{octotableEnv(t, up)})
	date := bhttp.Fields{{Name: "date", Value: testEpoch.Format(http.TimeFormat)}}
	for _, tc := range refusedTargets {
		t.Run(tc.name, func(t *testing.T) {
			_, encErr := (&bhttp.Request{Method: tc.method, Scheme: tc.scheme, Authority: tc.authority, Path: tc.path}).MarshalBinary()
			require.Equal(t, tc.decoderRefuses, encErr != nil, "bhttp's verdict on this target changed: %v", encErr)

			hits, dials := up.Hits(), h.dials.get()
			sealed, ctx := h.sealRaw(t, rawRequest(tc.method, tc.scheme, tc.authority, tc.path, date))
			res, body := h.post(t, sealed, nil)
			answer := openAnswer(t, res, body, ctx)
			if tc.decoderRefuses {
				assertProblem(t, answer, http.StatusBadRequest, wire.ProblemBadInnerRequest.URI)
			} else {
				assertProblem(t, answer, http.StatusForbidden, wire.ProblemTargetNotAllowed.URI)
			}
			assert.Equal(t, hits, up.Hits(), "the upstream was reached")
			assert.Equal(t, dials, h.dials.get(), "something was dialled")
		})
	}
	assert.Zero(t, up.Hits(), "the upstream was reached")
	assert.Zero(t, h.dials.get(), "something was dialled")
}

func TestRelayAllowsTargets(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{octotableEnv(t, up)})
	for i, tc := range allowedTargets {
		t.Run(tc.name, func(t *testing.T) {
			req := &bhttp.Request{Method: tc.method, Scheme: tc.scheme, Authority: tc.authority, Path: tc.path}
			req.Header.Set("date", testEpoch.Format(http.TimeFormat))
			answer := h.do(t, req)
			assert.Equal(t, http.StatusOK, answer.Status, string(answer.Body))
			require.Equal(t, i+1, up.Hits())
			got, _ := up.Last()
			want, err := url.Parse(tc.url)
			require.NoError(t, err)
			assert.Equal(t, tc.method, got.Method)
			assert.Equal(t, apiHost, got.Host)
			assert.Equal(t, want.RequestURI(), got.RequestURI)
		})
	}
}

// FuzzAllowTarget: whatever allowTarget accepts goes to an environment's
// own origin, under one of its bases (or to its token URL exactly), with no
// dot segment however many times the path is unescaped.
func FuzzAllowTarget(f *testing.F) {
	for _, tc := range refusedTargets {
		f.Add(tc.method, tc.scheme, tc.authority, tc.path)
	}
	for _, tc := range allowedTargets {
		f.Add(tc.method, tc.scheme, tc.authority, tc.path)
	}
	envs := productionEnvs(f)
	sandbox, err := NewEnvironment("sandbox", "", "http://127.0.0.1:8080/sandbox/token", []string{"http://127.0.0.1:8080/sandbox/api/v2/"}, nil)
	require.NoError(f, err)
	envs = append(envs, sandbox)
	f.Add("GET", "http", "127.0.0.1:8080", "/sandbox/api/v2/x")
	f.Fuzz(func(t *testing.T, method, scheme, authority, path string) {
		got, err := allowTarget(envs, method, scheme, authority, path)
		if err != nil {
			if !errors.Is(err, errNotAllowed) {
				t.Fatalf("refusal %v does not wrap errNotAllowed", err)
			}
			return
		}
		env := got.env
		onWire, err := url.Parse(got.url.String())
		if err != nil {
			t.Fatalf("accepted %q %q %q %q as unparsable %q", method, scheme, authority, path, got.url)
		}
		var bases []string
		switch got.kind {
		case tokenTarget:
			if method != "POST" || onWire.RawQuery != "" || onWire.EscapedPath() != env.TokenURL.EscapedPath() {
				t.Fatalf("token target %q %q from %q", method, onWire, path)
			}
			bases = []string{env.TokenURL.Path}
		case apiTarget:
			if !slices.Contains(wire.APIMethods(), method) {
				t.Fatalf("API target with method %q", method)
			}
			for _, b := range env.APIBases {
				bases = append(bases, b.Path)
			}
		default:
			t.Fatalf("target of kind %d", got.kind)
		}
		if onWire.Scheme != env.TokenURL.Scheme || onWire.Host != env.TokenURL.Host {
			t.Fatalf("accepted %q %q goes to %s://%s", scheme, authority, onWire.Scheme, onWire.Host)
		}
		p := onWire.EscapedPath()
		for range 3 {
			if !slices.ContainsFunc(bases, func(b string) bool { return strings.HasPrefix(p, b) }) {
				t.Fatalf("accepted path %q (from %q) is not under %q", p, path, bases)
			}
			for _, seg := range strings.Split(p, "/") {
				if seg == ".." || seg == "." {
					t.Fatalf("accepted path %q (from %q) has a dot segment", p, path)
				}
			}
			if strings.ContainsAny(p, "\\") {
				t.Fatalf("accepted path %q (from %q) has a backslash", p, path)
			}
			if p, err = url.PathUnescape(p); err != nil {
				t.Fatalf("accepted path %q (from %q) does not unescape: %v", onWire.EscapedPath(), path, err)
			}
		}
	})
}
