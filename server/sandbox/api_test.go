package sandbox_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/server/sandbox"
)

const (
	bareChallenge = `Bearer realm="octotable"`
	unauthorized  = "UnauthorizedException"
	badRequest    = "BadRequestException"
)

func invalidToken(description string) string {
	return `Bearer realm="octotable", error="invalid_token", error_description="` + description + `"`
}

func invalidBearerRequest(description string) string {
	return `Bearer realm="octotable", error="invalid_request", error_description="` + description + `"`
}

func TestAPIRoot(t *testing.T) {
	srv, clock := newSandbox(t, func(c *sandbox.Config) { c.TokenTTL = 90 * time.Second })
	token := issueToken(t, srv) // at 09:00:00, so it expires at 09:01:30
	stranger := "Zm9yZ2VkLXRva2Vu"
	info := func(expiresIn float64) map[string]any {
		return map[string]any{"data": []any{map[string]any{
			"api": "OctoTable API", "version": "v2", "client_id": sandbox.DemoClientID, "property_id": float64(1001),
			"token_expires_at": "2026-03-01T09:01:30Z", "expires_in": expiresIn,
		}}}
	}
	tests := []struct {
		name          string
		advance       time.Duration
		method        string // GET if empty
		path          string // /api/v2/ if empty
		header        http.Header
		wantStatus    int
		wantChallenge string
		wantAllow     string
		wantBody      map[string]any // nil: no body
	}{
		{name: "valid token", header: headers("Authorization", "Bearer "+token), wantStatus: 200, wantBody: info(90)},
		{name: "without the trailing slash", path: "/api/v2", header: headers("Authorization", "bearer "+token), wantStatus: 200, wantBody: info(90)},
		{name: "expires_in counts down", advance: 29500 * time.Millisecond, header: headers("Authorization", "Bearer "+token), wantStatus: 200, wantBody: info(60)},
		{name: "HEAD", method: http.MethodHead, header: headers("Authorization", "Bearer "+token), wantStatus: 200},
		{name: "no token", wantStatus: 401, wantChallenge: bareChallenge,
			wantBody: envelope("UNAUTHORIZED", "missing access token; send Authorization: Bearer <token>", unauthorized)},
		{name: "another scheme", header: headers("Authorization", rawBasic("a", "b")), wantStatus: 401, wantChallenge: bareChallenge,
			wantBody: envelope("UNAUTHORIZED", "unsupported authorization scheme; send Authorization: Bearer <token>", unauthorized)},
		{name: "unknown token", header: headers("Authorization", "Bearer "+stranger), wantStatus: 401,
			wantChallenge: invalidToken("The access token is not valid"),
			wantBody:      envelope("INVALID_TOKEN", "The access token is not valid", unauthorized)},
		{name: "Bearer without token", header: headers("Authorization", "Bearer"), wantStatus: 400,
			wantChallenge: invalidBearerRequest("malformed Bearer token"),
			wantBody:      envelope("BAD_REQUEST", "malformed Bearer token", badRequest)},
		{name: "token with a space", header: headers("Authorization", "Bearer "+token+" x"), wantStatus: 400,
			wantChallenge: invalidBearerRequest("malformed Bearer token"),
			wantBody:      envelope("BAD_REQUEST", "malformed Bearer token", badRequest)},
		{name: "empty Authorization", header: headers("Authorization", ""), wantStatus: 400,
			wantChallenge: invalidBearerRequest("malformed Authorization header"),
			wantBody:      envelope("BAD_REQUEST", "malformed Authorization header", badRequest)},
		{name: "two Authorization headers", header: headers("Authorization", "Bearer "+token, "Authorization", "Bearer "+token), wantStatus: 400,
			wantChallenge: invalidBearerRequest("more than one Authorization header"),
			wantBody:      envelope("BAD_REQUEST", "more than one Authorization header", badRequest)},
		{name: "token in the URL", path: "/api/v2/?access_token=" + token, wantStatus: 400,
			wantChallenge: invalidBearerRequest("send the access token in the Authorization header, not in the URL"),
			wantBody:      envelope("BAD_REQUEST", "send the access token in the Authorization header, not in the URL", badRequest)},
		{name: "POST", method: http.MethodPost, header: headers("Authorization", "Bearer "+token), wantStatus: 405, wantAllow: "GET, HEAD",
			wantBody: envelope("METHOD_NOT_ALLOWED", "this endpoint accepts only GET", "MethodNotAllowedException")},
		{name: "one second before expiry", advance: 59500 * time.Millisecond, header: headers("Authorization", "Bearer "+token), wantStatus: 200, wantBody: info(1)},
		{name: "expired token", advance: time.Second, header: headers("Authorization", "Bearer "+token), wantStatus: 401,
			wantChallenge: invalidToken("The access token expired"),
			wantBody:      envelope("INVALID_TOKEN", "The access token expired", unauthorized)},
		{name: "still known as expired an hour later", advance: time.Hour - time.Second, header: headers("Authorization", "Bearer "+token), wantStatus: 401,
			wantChallenge: invalidToken("The access token expired"),
			wantBody:      envelope("INVALID_TOKEN", "The access token expired", unauthorized)},
		{name: "and a year later: tokens are self-validating, nothing is forgotten", advance: 365 * 24 * time.Hour, header: headers("Authorization", "Bearer "+token), wantStatus: 401,
			wantChallenge: invalidToken("The access token expired"),
			wantBody:      envelope("INVALID_TOKEN", "The access token expired", unauthorized)},
	}
	for _, tc := range tests {
		// Cases share the clock, so they run in order.
		ok := t.Run(tc.name, func(t *testing.T) {
			clock.Advance(tc.advance)
			method, path := tc.method, tc.path
			if method == "" {
				method = http.MethodGet
			}
			if path == "" {
				path = "/api/v2/"
			}
			resp, body := send(t, method, srv.URL+path, tc.header, "")
			require.Equal(t, tc.wantStatus, resp.StatusCode, body)
			requireJSONNoStore(t, resp)
			assert.Equal(t, tc.wantChallenge, resp.Header.Get("WWW-Authenticate"))
			assert.Equal(t, tc.wantAllow, resp.Header.Get("Allow"))
			if tc.wantBody == nil {
				assert.Empty(t, body)
				return
			}
			assert.Equal(t, tc.wantBody, decode(t, body))
		})
		require.True(t, ok)
	}
}
