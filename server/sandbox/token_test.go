package sandbox_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/server/sandbox"
)

const (
	basicChallenge = `Basic realm="octotable"`
	basicHint      = " (with HTTP Basic, form-encode id and secret before base64, RFC 6749 section 2.3.1)"
	twoMethods     = "client authenticated twice, with HTTP Basic and client_secret in the body; use one method (RFC 6749 section 2.3)"
	notForm        = "Content-Type must be application/x-www-form-urlencoded or application/json"
	badJSON        = "malformed JSON body: want one object of string values"
)

// tokenPattern is a JWS compact serialization (RFC 7515 §7.1).
var tokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)

func TestTokenSuccess(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	tests := []struct {
		name   string
		header http.Header
		body   string
		client string // whose token it must be
	}{
		{
			name:   "form with credentials in the body",
			header: headers("Content-Type", formType),
			body:   demoForm(),
			client: sandbox.DemoClientID,
		},
		{
			name:   "form with charset",
			header: headers("Content-Type", formType+"; charset=utf-8"),
			body:   demoForm(),
			client: sandbox.DemoClientID,
		},
		{
			name:   "JSON with credentials in the body",
			header: headers("Content-Type", jsonType, "Accept", jsonType),
			body:   `{"grant_type":"client_credentials","client_id":"octoplay-demo","client_secret":"octoplay-demo-secret"}`,
			client: sandbox.DemoClientID,
		},
		{
			name:   "JSON ignores unknown parameters and null",
			header: headers("Content-Type", jsonType),
			body:   `{"grant_type":"client_credentials","client_id":"octoplay-demo","client_secret":"octoplay-demo-secret","scope":null,"extra":{"a":[1,2]}}`,
			client: sandbox.DemoClientID,
		},
		{
			name:   "form with a secret that needs form encoding, in the body",
			header: headers("Content-Type", formType),
			body:   url.Values{"grant_type": {"client_credentials"}, "client_id": {partnerID}, "client_secret": {partnerSecret}}.Encode(),
			client: partnerID,
		},
		{
			name:   "form with HTTP Basic, id and secret form-encoded",
			header: headers("Content-Type", formType, "Authorization", formBasic(partnerID, partnerSecret)),
			body:   "grant_type=client_credentials",
			client: partnerID,
		},
		{
			name:   "HTTP Basic with the same client_id in the body",
			header: headers("Content-Type", formType, "Authorization", formBasic(partnerID, partnerSecret)),
			body:   "grant_type=client_credentials&client_id=partner+app",
			client: partnerID,
		},
		{
			name:   "JSON with HTTP Basic, scheme in lower case",
			header: headers("Content-Type", jsonType, "Authorization", "basic "+strings.TrimPrefix(formBasic(sandbox.DemoClientID, sandbox.DemoClientSecret), "Basic ")),
			body:   `{"grant_type":"client_credentials"}`,
			client: sandbox.DemoClientID,
		},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, http.MethodPost, srv.URL+tokenPath, tc.header, tc.body)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			requireJSONNoStore(t, resp)
			assert.Empty(t, resp.Header.Get("WWW-Authenticate"))
			got := decode(t, body)
			token, _ := got["access_token"].(string)
			assert.Regexp(t, tokenPattern, token)
			assert.False(t, seen[token], "token issued twice")
			seen[token] = true
			delete(got, "access_token")
			assert.Equal(t, map[string]any{"expires_in": float64(1440), "type": "Bearer", "token_type": "Bearer"}, got)

			// The token is the client's: Step 2 says whose it is.
			resp, body = send(t, http.MethodGet, srv.URL+"/api/v2/", headers("Authorization", "Bearer "+token), "")
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			assert.Equal(t, tc.client, decode(t, body)["data"].([]any)[0].(map[string]any)["client_id"])
		})
	}
}

func TestTokenFailure(t *testing.T) {
	srv, _ := newSandbox(t, nil)
	form := headers("Content-Type", formType)
	tests := []struct {
		name          string
		method        string // POST if empty
		query         string
		header        http.Header
		body          string
		wantStatus    int
		wantError     string
		wantDesc      string
		wantChallenge string
		wantAllow     string
	}{
		{name: "GET", method: http.MethodGet, header: form, wantStatus: http.StatusMethodNotAllowed,
			wantError: "invalid_request", wantDesc: "the token endpoint accepts only POST (RFC 6749 section 3.2)", wantAllow: "POST"},
		{name: "missing grant_type", header: form, body: "client_id=octoplay-demo&client_secret=octoplay-demo-secret",
			wantStatus: 400, wantError: "invalid_request", wantDesc: "missing grant_type; send grant_type=client_credentials"},
		{name: "empty grant_type counts as missing", header: form, body: "grant_type=&client_id=octoplay-demo&client_secret=octoplay-demo-secret",
			wantStatus: 400, wantError: "invalid_request", wantDesc: "missing grant_type; send grant_type=client_credentials"},
		{name: "unsupported grant_type", header: form, body: "grant_type=password&client_id=octoplay-demo&client_secret=octoplay-demo-secret",
			wantStatus: 400, wantError: "unsupported_grant_type", wantDesc: "this endpoint supports only grant_type=client_credentials (RFC 6749 section 4.4)"},
		{name: "wrong secret in the body", header: form, body: "grant_type=client_credentials&client_id=octoplay-demo&client_secret=nope",
			wantStatus: 401, wantError: "invalid_client", wantDesc: "client_secret does not match this client_id", wantChallenge: basicChallenge},
		{name: "unknown client in the body", header: form, body: "grant_type=client_credentials&client_id=stranger&client_secret=octoplay-demo-secret",
			wantStatus: 401, wantError: "invalid_client", wantDesc: "unknown client_id", wantChallenge: basicChallenge},
		{name: "wrong secret with HTTP Basic", header: headers("Content-Type", formType, "Authorization", formBasic(sandbox.DemoClientID, "nope")),
			body: "grant_type=client_credentials", wantStatus: 401, wantError: "invalid_client",
			wantDesc: "client_secret does not match this client_id" + basicHint, wantChallenge: basicChallenge},
		{
			// Without form encoding, "+" in the secret decodes as a space.
			name: "HTTP Basic without form encoding of a secret with +", header: headers("Content-Type", formType, "Authorization", rawBasic(partnerID, partnerSecret)),
			body: "grant_type=client_credentials", wantStatus: 401, wantError: "invalid_client",
			wantDesc: "client_secret does not match this client_id" + basicHint, wantChallenge: basicChallenge,
		},
		{
			// Without form encoding, a colon in the id splits it.
			name: "HTTP Basic without form encoding of an id with a colon", header: headers("Content-Type", formType, "Authorization", rawBasic("team:demo", "x")),
			body: "grant_type=client_credentials", wantStatus: 401, wantError: "invalid_client",
			wantDesc: "unknown client_id" + basicHint, wantChallenge: basicChallenge,
		},
		{name: "HTTP Basic without form encoding of a secret with %", header: headers("Content-Type", formType, "Authorization", rawBasic(sandbox.DemoClientID, "50%off")),
			body: "grant_type=client_credentials", wantStatus: 400, wantError: "invalid_request",
			wantDesc: "malformed HTTP Basic credentials: id and secret must be form-encoded before base64 (RFC 6749 section 2.3.1)"},
		{name: "HTTP Basic and client_secret in the body", header: headers("Content-Type", formType, "Authorization", formBasic(sandbox.DemoClientID, sandbox.DemoClientSecret)),
			body: demoForm(), wantStatus: 400, wantError: "invalid_request", wantDesc: twoMethods},
		{name: "HTTP Basic and another client_id in the body", header: headers("Content-Type", formType, "Authorization", formBasic(sandbox.DemoClientID, sandbox.DemoClientSecret)),
			body: "grant_type=client_credentials&client_id=partner+app", wantStatus: 400, wantError: "invalid_request",
			wantDesc: "client_id in the body differs from the HTTP Basic client id"},
		{name: "HTTP Basic not base64", header: headers("Content-Type", formType, "Authorization", "Basic !!!"),
			body: "grant_type=client_credentials", wantStatus: 400, wantError: "invalid_request", wantDesc: "malformed HTTP Basic credentials: not base64"},
		{name: "HTTP Basic without colon", header: headers("Content-Type", formType, "Authorization", "Basic b2N0b3BsYXktZGVtbw=="),
			body: "grant_type=client_credentials", wantStatus: 400, wantError: "invalid_request", wantDesc: "malformed HTTP Basic credentials: no colon between id and secret"},
		{name: "HTTP Basic with empty id", header: headers("Content-Type", formType, "Authorization", rawBasic("", "secret")),
			body: "grant_type=client_credentials", wantStatus: 400, wantError: "invalid_request", wantDesc: "malformed HTTP Basic credentials: empty client id"},
		{name: "Bearer instead of Basic", header: headers("Content-Type", formType, "Authorization", "Bearer abc"),
			body: "grant_type=client_credentials", wantStatus: 401, wantError: "invalid_client",
			wantDesc: "unsupported client authentication scheme; use HTTP Basic or client_secret in the body", wantChallenge: basicChallenge},
		{name: "two Authorization headers", header: headers("Content-Type", formType, "Authorization", formBasic("a", "b"), "Authorization", formBasic("c", "d")),
			body: "grant_type=client_credentials", wantStatus: 400, wantError: "invalid_request", wantDesc: "more than one Authorization header"},
		{name: "missing client_id", header: form, body: "grant_type=client_credentials&client_secret=octoplay-demo-secret",
			wantStatus: 400, wantError: "invalid_request", wantDesc: "missing client_id"},
		{name: "missing client_secret", header: form, body: "grant_type=client_credentials&client_id=octoplay-demo",
			wantStatus: 400, wantError: "invalid_request", wantDesc: "missing client_secret"},
		{name: "repeated grant_type", header: form, body: demoForm() + "&grant_type=client_credentials",
			wantStatus: 400, wantError: "invalid_request", wantDesc: "grant_type is repeated; send each parameter once (RFC 6749 section 3.2)"},
		{name: "repeated unknown parameter is not echoed", header: form, body: demoForm() + "&x=1&x=2",
			wantStatus: 400, wantError: "invalid_request", wantDesc: "a parameter is repeated; send each parameter once (RFC 6749 section 3.2)"},
		{name: "malformed form", header: form, body: "grant_type=client_credentials&client_id=%zz",
			wantStatus: 400, wantError: "invalid_request", wantDesc: "malformed application/x-www-form-urlencoded body"},
		{name: "JSON with a repeated key", header: headers("Content-Type", jsonType),
			body:       `{"grant_type":"client_credentials","client_id":"octoplay-demo","client_secret":"a","client_secret":"octoplay-demo-secret"}`,
			wantStatus: 400, wantError: "invalid_request", wantDesc: "client_secret is repeated; send each parameter once (RFC 6749 section 3.2)"},
		{name: "JSON with a number for client_id", header: headers("Content-Type", jsonType),
			body:       `{"grant_type":"client_credentials","client_id":42,"client_secret":"octoplay-demo-secret"}`,
			wantStatus: 400, wantError: "invalid_request", wantDesc: "client_id must be a JSON string"},
		{name: "JSON array", header: headers("Content-Type", jsonType), body: `["grant_type"]`,
			wantStatus: 400, wantError: "invalid_request", wantDesc: badJSON},
		{name: "JSON truncated", header: headers("Content-Type", jsonType), body: `{"grant_type":"client_credentials"`,
			wantStatus: 400, wantError: "invalid_request", wantDesc: badJSON},
		{name: "JSON with trailing data", header: headers("Content-Type", jsonType), body: `{"grant_type":"client_credentials"} {}`,
			wantStatus: 400, wantError: "invalid_request", wantDesc: badJSON},
		{name: "empty JSON body", header: headers("Content-Type", jsonType),
			wantStatus: 400, wantError: "invalid_request", wantDesc: badJSON},
		{name: "no Content-Type", body: demoForm(),
			wantStatus: 400, wantError: "invalid_request", wantDesc: notForm},
		{name: "text/plain", header: headers("Content-Type", "text/plain"), body: demoForm(),
			wantStatus: 400, wantError: "invalid_request", wantDesc: notForm},
		{name: "secret in the URL", query: "?client_secret=octoplay-demo-secret", header: form, body: demoForm(),
			wantStatus: 400, wantError: "invalid_request", wantDesc: "send client_secret in the request body, not in the URL (RFC 6749 section 2.3.1)"},
		{name: "body too large", header: form, body: demoForm() + "&pad=" + strings.Repeat("a", 16<<10),
			wantStatus: 400, wantError: "invalid_request", wantDesc: "request body is larger than 16384 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			resp, body := send(t, method, srv.URL+tokenPath+tc.query, tc.header, tc.body)
			assert.Equal(t, tc.wantStatus, resp.StatusCode, body)
			requireJSONNoStore(t, resp)
			assert.Equal(t, tc.wantChallenge, resp.Header.Get("WWW-Authenticate"))
			assert.Equal(t, tc.wantAllow, resp.Header.Get("Allow"))
			assertOAuthError(t, oauthError(tc.wantError, tc.wantDesc), body)
		})
	}
}

func TestTokenRejectJSON(t *testing.T) {
	srv, _ := newSandbox(t, func(c *sandbox.Config) { c.RejectJSON = true })
	tests := []struct {
		name       string
		header     http.Header
		body       string
		wantStatus int
		wantBody   map[string]any // nil: a token answer
	}{
		{
			name:       "JSON is refused, naming form encoding",
			header:     headers("Content-Type", jsonType),
			body:       `{"grant_type":"client_credentials","client_id":"octoplay-demo","client_secret":"octoplay-demo-secret"}`,
			wantStatus: http.StatusUnsupportedMediaType,
			wantBody: oauthError("invalid_request",
				"this token endpoint accepts only application/x-www-form-urlencoded bodies (RFC 6749 section 4.4.2); send the parameters form-encoded"),
		},
		{
			name:       "form still works",
			header:     headers("Content-Type", formType),
			body:       demoForm(),
			wantStatus: http.StatusOK,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := send(t, http.MethodPost, srv.URL+tokenPath, tc.header, tc.body)
			require.Equal(t, tc.wantStatus, resp.StatusCode, body)
			requireJSONNoStore(t, resp)
			if tc.wantBody == nil {
				assert.Regexp(t, tokenPattern, decode(t, body)["access_token"])
				return
			}
			assertOAuthError(t, tc.wantBody, body)
		})
	}
}

// TestTokensCannotBeEvicted: a flood of token requests with the public demo
// credentials leaves everyone else's token valid (a store of the last
// 10 000 tokens once made the 10 001st request evict the first), and a
// sandbox given the same key accepts the tokens of another. That twin,
// which issued nothing, is what shows no store is consulted; the flood is
// short, as 10 001 RS256 signatures would take half a minute.
func TestTokensCannotBeEvicted(t *testing.T) {
	key := []byte("a key of at least thirty-two bytes, shared by instances")
	cfg := sandbox.Config{Clients: map[string]string{sandbox.DemoClientID: sandbox.DemoClientSecret}, TokenKey: key}
	sb, err := sandbox.New(cfg)
	require.NoError(t, err)
	issue := func() string {
		req := httptest.NewRequest(http.MethodPost, tokenPath, strings.NewReader(demoForm()))
		req.Header.Set("Content-Type", formType)
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		return decode(t, rec.Body.String())["access_token"].(string)
	}
	call := func(h http.Handler, token string) int {
		req := httptest.NewRequest(http.MethodGet, "/api/v2/", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	victim := issue()
	for range 200 {
		issue()
	}
	assert.Equal(t, http.StatusOK, call(sb, victim), "the first token still works after 200 more")

	twin, err := sandbox.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, call(twin, victim), "another instance with the same key")
	cfg.TokenKey = nil
	stranger, err := sandbox.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, call(stranger, victim), "an instance with its own key")
}

// Issued hears each token issued, and nothing else.
func TestIssuedCountsTokens(t *testing.T) {
	var issued atomic.Int64
	srv, _ := newSandbox(t, func(c *sandbox.Config) { c.Issued = func() { issued.Add(1) } })
	form := http.Header{"Content-Type": {formType}}
	for range 3 {
		res, _ := send(t, http.MethodPost, srv.URL+tokenPath, form, demoForm())
		require.Equal(t, http.StatusOK, res.StatusCode)
	}
	res, _ := send(t, http.MethodPost, srv.URL+tokenPath, form, "grant_type=client_credentials&client_id=octoplay-demo&client_secret=wrong")
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	res, _ = send(t, http.MethodPost, srv.URL+tokenPath, form, "grant_type=password")
	require.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Equal(t, int64(3), issued.Load())
}
