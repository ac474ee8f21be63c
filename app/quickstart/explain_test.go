package quickstart_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/clientauth"
)

// want is what an explanation must say: its title and fix exactly, and
// these phrases of its text.
type want struct {
	title string
	fix   quickstart.Fix
	text  []string
}

func assertExplanation(t *testing.T, w *want, got *quickstart.Explanation) {
	t.Helper()
	if w == nil {
		assert.Nil(t, got)
		return
	}
	if !assert.NotNil(t, got) {
		return
	}
	assert.Equal(t, w.title, got.Title)
	assert.Equal(t, w.fix, got.Fix)
	for _, phrase := range w.text {
		assert.Contains(t, got.Text, phrase)
	}
	assert.NotContains(t, got.Text, "..", "no doubled full stop")
	assert.NotContains(t, got.Text, ". .", "no empty sentence")
}

func answer(status int, body string, header ...string) quickstart.Answer {
	a := quickstart.Answer{Status: status, Body: []byte(body)}
	for i := 0; i+1 < len(header); i += 2 {
		a.Header.Add(header[i], header[i+1])
	}
	return a
}

// oauthAnswer is RFC 6749 §5.2's error answer.
func oauthAnswer(status int, body string, header ...string) quickstart.Answer {
	return answer(status, body, append([]string{"content-type", "application/json"}, header...)...)
}

// problem is an answer the relay wrote itself (server/relay/problem.go).
func problem(status int, body string, header ...string) quickstart.Answer {
	return answer(status, body, append([]string{"content-type", "application/problem+json"}, header...)...)
}

func TestExplainRelay(t *testing.T) {
	tests := []struct {
		name   string
		answer quickstart.Answer
		want   *want
	}{
		{
			name:   "RFC 9458 key problem",
			answer: problem(400, `{"type":"https://iana.org/assignments/http-problem-types#ohttp-key","title":"Bad Request","status":400,"detail":"the key configuration is not one this gateway holds: fetch /relay/keys again"}`),
			want:   &want{title: "The relay's keys changed", fix: quickstart.FixReloadKeys, text: []string{"even after the page fetched its keys again", "must share one key"}},
		},
		{
			name:   "target not allowed",
			answer: problem(403, `{"type":"urn:octoplay:problem:target-not-allowed","title":"Forbidden","status":403,"detail":"the target's address is not allowed (loopback, private or special-purpose)"}`),
			want: &want{title: "The relay refused this target", fix: quickstart.FixCheckRequest, text: []string{
				"token URL and API bases. The target's address is not allowed (loopback, private or special-purpose). Use a path under the environment's API, such as /api/v2/.",
			}},
		},
		{
			name:   "target not allowed, no detail",
			answer: problem(403, `{"type":"urn:octoplay:problem:target-not-allowed","title":"Forbidden","status":403}`),
			want:   &want{title: "The relay refused this target", fix: quickstart.FixCheckRequest, text: []string{"API bases. Use a path"}},
		},
		{
			name:   "upstream unreachable",
			answer: problem(502, `{"type":"urn:octoplay:problem:upstream-unreachable","title":"Bad Gateway","status":502,"detail":"the upstream could not be reached or broke the connection"}`),
			want:   &want{title: "OctoTable could not be reached", fix: quickstart.FixNone, text: []string{"could not connect to the environment", "try again in a moment"}},
		},
		{
			name:   "upstream timeout",
			answer: problem(504, `{"type":"urn:octoplay:problem:upstream-timeout","title":"Gateway Timeout","status":504,"detail":"the upstream did not answer within 10s"}`),
			want:   &want{title: "OctoTable took too long", fix: quickstart.FixNone, text: []string{"gave up waiting for the answer. The upstream did not answer within 10s. Try again"}},
		},
		{
			name:   "upstream too large",
			answer: problem(502, `{"type":"urn:octoplay:problem:upstream-too-large","title":"Bad Gateway","status":502,"detail":"the upstream's answer is larger than 1048576 bytes"}`),
			want:   &want{title: "The answer was too large", fix: quickstart.FixCheckRequest, text: []string{"up to 1 MiB", "smaller limit"}},
		},
		{
			name:   "rate limited, seconds",
			answer: problem(429, `{"type":"urn:octoplay:problem:rate-limited","title":"Too Many Requests","status":429}`, "retry-after", "3"),
			want:   &want{title: "Too many requests to the relay", fix: quickstart.FixNone, text: []string{"The relay asked to wait 3 seconds before the next request."}},
		},
		{
			name:   "rate limited, one second",
			answer: problem(429, `{"type":"urn:octoplay:problem:rate-limited","title":"Too Many Requests","status":429}`, "retry-after", "1"),
			want:   &want{title: "Too many requests to the relay", fix: quickstart.FixNone, text: []string{"The relay asked to wait 1 second before the next request."}},
		},
		{
			name:   "rate limited, no Retry-After",
			answer: problem(429, `{"type":"urn:octoplay:problem:rate-limited","title":"Too Many Requests","status":429}`),
			want:   &want{title: "Too many requests to the relay", fix: quickstart.FixNone, text: []string{"The relay asked to wait a moment before the next request."}},
		},
		{
			name:   "state unavailable, sealed or not",
			answer: problem(503, `{"type":"urn:octoplay:problem:state-unavailable","title":"Service Unavailable","status":503,"detail":"the rate limit cannot be checked right now; try again"}`, "retry-after", "2"),
			want:   &want{title: "The playground is briefly unavailable", fix: quickstart.FixNone, text: []string{"sent nothing on", "wait 2 seconds and try again."}},
		},
		{
			name:   "stale date",
			answer: problem(400, `{"type":"urn:octoplay:problem:stale-date","title":"Bad Request","status":400,"detail":"the inner request's Date is 2m0s from the gateway's clock; at most 1m0s is allowed"}`),
			want:   &want{title: "Your clock is off", fix: quickstart.FixNone, text: []string{"more than 30 seconds", "Check this device's clock."}},
		},
		{
			name:   "profile",
			answer: problem(400, `{"type":"urn:octoplay:problem:profile","title":"Bad Request","status":400,"detail":"profile: environment sandbox has no profile \"prod\""}`),
			want: &want{title: "The saved credentials could not be used", fix: quickstart.FixCheckRequest, text: []string{
				`The relay could not add the credentials saved on the playground's server. Environment sandbox has no profile "prod".`,
			}},
		},
		{
			name:   "another of the relay's types",
			answer: problem(400, `{"type":"urn:octoplay:problem:replayed","title":"Bad Request","status":400,"detail":"this sealed request was already relayed"}`),
			want:   &want{title: "The relay could not pass the request on", fix: quickstart.FixNone, text: []string{"Bad Request. This sealed request was already relayed."}},
		},
		{
			name:   "problem+json with parameters and in capitals",
			answer: answer(400, `{"type":"urn:octoplay:problem:stale-date"}`, "content-type", "Application/Problem+JSON; charset=utf-8"),
			want:   &want{title: "Your clock is off", fix: quickstart.FixNone},
		},
		{name: "an upstream's own problem", answer: problem(400, `{"type":"about:blank","title":"Bad Request","status":400}`)},
		{name: "relay's body as plain JSON", answer: answer(400, `{"type":"urn:octoplay:problem:stale-date"}`, "content-type", "application/json")},
		{name: "no content type", answer: answer(400, `{"type":"urn:octoplay:problem:stale-date"}`)},
		{name: "problem+json that is not JSON", answer: problem(400, `stale`)},
		{name: "a look-alike media type", answer: answer(400, `{"type":"urn:octoplay:problem:stale-date"}`, "content-type", "application/problem+jsonx")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertExplanation(t, tt.want, quickstart.ExplainRelay(tt.answer))
		})
	}
}

func TestExplainToken(t *testing.T) {
	body := quickstart.TokenRequest{Env: sandboxEnv, ClientID: "id", ClientSecret: "s", Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}
	basic := body
	basic.Auth = quickstart.AuthBasic
	asJSON := body
	asJSON.Encoding = quickstart.EncodingJSON
	profile := quickstart.TokenRequest{Env: sandboxEnv, Profile: "demo", Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}
	spaced := body
	spaced.ClientSecret = "s "

	tests := []struct {
		name   string
		answer quickstart.Answer
		req    quickstart.TokenRequest
		want   *want
	}{
		{name: "200", answer: oauthAnswer(200, `{"access_token":"t","expires_in":1440,"type":"Bearer"}`), req: body},
		{name: "201", answer: answer(201, ``), req: body},
		{
			name:   "invalid_request",
			answer: oauthAnswer(400, `{"error":"invalid_request","error_description":"missing client_secret"}`), req: body,
			want: &want{title: "invalid_request: the request is missing something", fix: quickstart.FixCheckRequest, text: []string{
				"The token endpoint says: missing client_secret. Send grant_type=client_credentials with one client id and one secret, authenticated one way only.",
			}},
		},
		{
			name:   "invalid_request, description ending in a full stop",
			answer: oauthAnswer(400, `{"error":"invalid_request","error_description":"Missing client_secret."}`), req: body,
			want: &want{title: "invalid_request: the request is missing something", fix: quickstart.FixCheckRequest, text: []string{"says: Missing client_secret. Send"}},
		},
		{
			name:   "invalid_request, no description",
			answer: oauthAnswer(400, `{"error":"invalid_request"}`), req: body,
			want: &want{title: "invalid_request: the request is missing something", fix: quickstart.FixCheckRequest, text: []string{"says: invalid_request. Send"}},
		},
		{
			// The sandbox's words: the fix is the secret, not the other
			// authentication style, which would fail the same way.
			name:   "invalid_client, the secret does not match",
			answer: oauthAnswer(401, `{"error":"invalid_client","error_description":"client_secret does not match this client_id"}`, "www-authenticate", `Basic realm="octotable"`), req: body,
			want: &want{title: "invalid_client: the secret does not match this client id", fix: quickstart.FixCheckRequest, text: []string{
				"OctoTable knows the client id, but not with this secret. Check the secret",
			}},
		},
		{
			name:   "invalid_client, the secret does not match, after Basic",
			answer: oauthAnswer(401, `{"error":"invalid_client","error_description":"client_secret does not match this client_id (with HTTP Basic, form-encode id and secret before base64, RFC 6749 section 2.3.1)"}`), req: basic,
			want: &want{title: "invalid_client: the secret does not match this client id", fix: quickstart.FixCheckRequest},
		},
		{
			name:   "invalid_client, the secret does not match and has a space",
			answer: oauthAnswer(401, `{"error":"invalid_client","error_description":"client_secret does not match this client_id"}`), req: spaced,
			want: &want{title: "invalid_client: the secret does not match this client id", fix: quickstart.FixCheckRequest, text: []string{
				"starts or ends with a space: remove it.",
			}},
		},
		{
			name:   "invalid_client, unknown client id",
			answer: oauthAnswer(401, `{"error":"invalid_client","error_description":"unknown client_id"}`), req: body,
			want: &want{title: "invalid_client: this environment does not know the client id", fix: quickstart.FixCheckRequest, text: []string{
				"Check the client id, and that it belongs to this environment",
			}},
		},
		{
			name:   "invalid_client about the method after the body: try Basic",
			answer: oauthAnswer(401, `{"error":"invalid_client","error_description":"client authentication method not supported"}`, "www-authenticate", `Basic realm="octotable"`), req: body,
			want: &want{title: "invalid_client: the client id or secret was not accepted (401)", fix: quickstart.FixOtherAuth, text: []string{
				"The token endpoint says: client authentication method not supported. Check the client id and the secret", "try HTTP Basic.",
			}},
		},
		{
			name:   "invalid_client without a description after Basic: try the body",
			answer: oauthAnswer(401, `{"error":"invalid_client"}`, "www-authenticate", `Basic realm="octotable"`), req: basic,
			want: &want{title: "invalid_client: the client id or secret was not accepted (401)", fix: quickstart.FixOtherAuth, text: []string{"try in the body."}},
		},
		{
			name:   "invalid_client with a profile",
			answer: oauthAnswer(401, `{"error":"invalid_client","error_description":"client_secret does not match this client_id"}`), req: profile,
			want: &want{title: "invalid_client: the saved credentials were not accepted", fix: quickstart.FixNone, text: []string{
				`The playground's server holds the credentials saved as "demo"`, "The token endpoint says: client_secret does not match this client_id.",
			}},
		},
		{
			name:   "invalid_grant",
			answer: oauthAnswer(400, `{"error":"invalid_grant","error_description":"grant revoked"}`), req: body,
			want: &want{title: "invalid_grant", fix: quickstart.FixCheckRequest, text: []string{"The server refused the grant: grant revoked."}},
		},
		{
			name:   "unauthorized_client",
			answer: oauthAnswer(400, `{"error":"unauthorized_client"}`), req: body,
			want: &want{title: "unauthorized_client: this client may not use the client credentials grant", fix: quickstart.FixNone, text: []string{"enable the client credentials grant for this client id"}},
		},
		{
			name:   "unsupported_grant_type",
			answer: oauthAnswer(400, `{"error":"unsupported_grant_type"}`), req: body,
			want: &want{title: "unsupported_grant_type", fix: quickstart.FixCheckRequest, text: []string{"grant_type=client_credentials"}},
		},
		{
			name:   "invalid_scope",
			answer: oauthAnswer(400, `{"error":"invalid_scope","error_description":"scope pms:write is not allowed"}`), req: body,
			want: &want{title: "invalid_scope", fix: quickstart.FixCheckRequest, text: []string{"The server refused the requested scope: scope pms:write is not allowed."}},
		},
		{
			// The sandbox with -sandbox-json=reject answers 415 and invalid_request.
			name:   "415 with invalid_request after JSON",
			answer: oauthAnswer(415, `{"error":"invalid_request","error_description":"this token endpoint accepts only application/x-www-form-urlencoded bodies"}`), req: asJSON,
			want: &want{title: "415: this server does not take JSON here", fix: quickstart.FixUseForm, text: []string{"Switch the body encoding to form."}},
		},
		{
			name:   "bare 415 after JSON",
			answer: answer(415, ``), req: asJSON,
			want: &want{title: "415: this server does not take JSON here", fix: quickstart.FixUseForm, text: []string{"form-encoded, as in the quickstart's curl example"}},
		},
		{
			name:   "415 after a form: switching to form cannot help",
			answer: answer(415, ``), req: body,
			want: &want{title: "415: the request failed", fix: quickstart.FixNone, text: []string{"Read the answer's body"}},
		},
		{
			name:   "429 slow_down",
			answer: oauthAnswer(429, `{"error":"slow_down"}`, "retry-after", "30"), req: body,
			want: &want{title: "429: too many requests", fix: quickstart.FixNone, text: []string{"it asked to wait 30 seconds before trying again.", "The button comes back"}},
		},
		{
			name:   "500",
			answer: answer(500, `oops`), req: body,
			want: &want{title: "500: the server failed", fix: quickstart.FixNone, text: []string{"not your request's"}},
		},
		{
			name:   "307",
			answer: answer(307, ``, "location", "https://auth.example.com/token"), req: body,
			want: &want{title: "307: a redirect, not followed", fix: quickstart.FixCheckRequest, text: []string{"re-send your credentials to https://auth.example.com/token."}},
		},
		{
			name:   "OctoTable's envelope at the token endpoint",
			answer: oauthAnswer(400, `{"success":false,"error":{"code":"BAD_REQUEST","message":"Bad request","class_name":"BadRequestException"}}`), req: body,
			want: &want{title: "400: the request failed", fix: quickstart.FixNone},
		},
		{
			name:   "relay problem",
			answer: problem(400, `{"type":"urn:octoplay:problem:profile","detail":"profile: environment sandbox has no profile \"x\""}`), req: profile,
			want: &want{title: "The saved credentials could not be used", fix: quickstart.FixCheckRequest},
		},
		{
			name:   "relay problem with a 2xx status is a success",
			answer: problem(200, `{"type":"urn:octoplay:problem:profile"}`), req: profile,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertExplanation(t, tt.want, quickstart.ExplainToken(tt.answer, tt.req))
		})
	}
}

func TestExplainAPI(t *testing.T) {
	envelope := func(code, message, class string) string {
		return `{"success": false, "error": {"code": "` + code + `", "message": "` + message + `", "class_name": "` + class + `"}}`
	}
	tests := []struct {
		name   string
		answer quickstart.Answer
		want   *want
	}{
		{name: "200", answer: answer(200, `{"success":true}`)},
		{name: "204", answer: answer(204, ``)},
		{
			name: "401 invalid_token",
			answer: answer(401, envelope("INVALID_TOKEN", "The access token expired", "UnauthorizedException"),
				"www-authenticate", `Bearer realm="octotable", error="invalid_token", error_description="The access token expired"`),
			want: &want{title: "401 invalid_token: the token was not accepted", fix: quickstart.FixNewToken, text: []string{"Get a new token in Step 1"}},
		},
		{
			name:   "401 invalid_token unquoted, in capitals",
			answer: answer(401, ``, "WWW-Authenticate", `Bearer ERROR=invalid_token`),
			want:   &want{title: "401 invalid_token: the token was not accepted", fix: quickstart.FixNewToken},
		},
		{
			name:   "401 invalid_token in the second challenge",
			answer: answer(401, ``, "www-authenticate", `Basic realm="octotable"`, "www-authenticate", `Bearer error="invalid_token"`),
			want:   &want{title: "401 invalid_token: the token was not accepted", fix: quickstart.FixNewToken},
		},
		{
			name:   "plain 401",
			answer: answer(401, envelope("UNAUTHORIZED", "Missing Bearer token", "UnauthorizedException"), "www-authenticate", `Bearer realm="octotable"`),
			want:   &want{title: "401: no usable credentials", fix: quickstart.FixNewToken, text: []string{"Authorization: Bearer followed by the access token"}},
		},
		{
			name:   "401 whose realm only mentions invalid_token",
			answer: answer(401, ``, "www-authenticate", `Bearer realm="invalid_token"`),
			want:   &want{title: "401: no usable credentials", fix: quickstart.FixNewToken},
		},
		{
			name:   "401 with another error code",
			answer: answer(401, ``, "www-authenticate", `Bearer error="invalid_request", error_description="invalid_token format"`),
			want:   &want{title: "401: no usable credentials", fix: quickstart.FixNewToken},
		},
		{
			name:   "400 in OctoTable's envelope",
			answer: answer(400, envelope("BAD_REQUEST", "The Property header is required.", "BadRequestException")),
			want: &want{title: "400: the API refused the request", fix: quickstart.FixCheckRequest, text: []string{
				"OctoTable says The Property header is required (BAD_REQUEST). Check the path, the query and the Property header.",
			}},
		},
		{
			name:   "400 with fields to fix",
			answer: answer(400, envelope("VALIDATION_ERROR", "the request is not valid: pax: required, a whole number from 1; start_day: not a day such as 2026-12-24", "ValidationException")),
			want: &want{title: "400: fields to fix", fix: quickstart.FixCheckRequest, text: []string{
				"OctoTable says the request is not valid: pax: required, a whole number from 1; start_day: not a day such as 2026-12-24 (VALIDATION_ERROR). Fix the body, then send again.",
			}},
		},
		{
			name:   "409 in OctoTable's envelope",
			answer: answer(409, envelope("CONFLICT", "room 102 is taken from 2026-06-01 to 2026-06-04 by reservation RSV-7KQ2M4XW", "ConflictException")),
			want: &want{title: "409: in conflict with what is there", fix: quickstart.FixCheckRequest, text: []string{
				"OctoTable says room 102 is taken from 2026-06-01 to 2026-06-04 by reservation RSV-7KQ2M4XW (CONFLICT). Change the body",
			}},
		},
		{
			name:   "409 not in the envelope",
			answer: answer(409, `conflict`),
			want:   &want{title: "409: the request failed", fix: quickstart.FixNone},
		},
		{
			name:   "413",
			answer: answer(413, envelope("PAYLOAD_TOO_LARGE", "the body is larger than 16384 bytes", "PayloadTooLargeException")),
			want:   &want{title: "413: the body is too large", fix: quickstart.FixCheckRequest, text: []string{"Send a smaller one."}},
		},
		{
			name:   "415 with Accept-Patch",
			answer: answer(415, envelope("UNSUPPORTED_MEDIA_TYPE", "send the body as application/json (UTF-8)", "UnsupportedMediaTypeException"), "accept-patch", "application/json, application/merge-patch+json"),
			want: &want{title: "415: the API does not take this content type", fix: quickstart.FixCheckRequest, text: []string{
				"Choose the content type the API takes (it takes application/json, application/merge-patch+json), then send again.",
			}},
		},
		{
			name:   "415 saying nothing",
			answer: answer(415, ``),
			want:   &want{title: "415: the API does not take this content type", fix: quickstart.FixCheckRequest, text: []string{"Choose the content type the API takes, then send again."}},
		},
		{
			name:   "405 with Allow",
			answer: answer(405, envelope("METHOD_NOT_ALLOWED", "this endpoint accepts only GET and POST", "MethodNotAllowedException"), "allow", "GET, HEAD, POST"),
			want:   &want{title: "405: this path does not take that method", fix: quickstart.FixCheckRequest, text: []string{"It takes GET, HEAD, POST."}},
		},
		{
			name:   "400 not in the envelope",
			answer: answer(400, `bad`),
			want:   &want{title: "400: the request failed", fix: quickstart.FixNone, text: []string{"Read the answer's body"}},
		},
		{
			name:   "400 in an envelope that says success",
			answer: answer(400, `{"success": true, "error": {"code": "BAD_REQUEST"}}`),
			want:   &want{title: "400: the request failed", fix: quickstart.FixNone},
		},
		{
			name:   "403",
			answer: answer(403, envelope("FORBIDDEN", "Not your property", "ForbiddenException")),
			want:   &want{title: "403: not allowed", fix: quickstart.FixCheckRequest, text: []string{"Property header names a property"}},
		},
		{
			name:   "404",
			answer: answer(404, envelope("RESOURCE_NOT_FOUND", "Not found", "ResourceNotFoundException")),
			want:   &want{title: "404: no such resource", fix: quickstart.FixCheckRequest, text: []string{"/api/v2/ or /octotable-pms/api/v2/rooms"}},
		},
		{
			name:   "429 with Retry-After in seconds",
			answer: answer(429, ``, "retry-after", "120"),
			want:   &want{title: "429: too many requests", fix: quickstart.FixNone, text: []string{"asked to wait 120 seconds before trying again."}},
		},
		{
			name:   "429 with Retry-After of one second",
			answer: answer(429, ``, "retry-after", " 1 "),
			want:   &want{title: "429: too many requests", fix: quickstart.FixNone, text: []string{"asked to wait 1 second before trying again."}},
		},
		{
			name:   "429 without Retry-After",
			answer: answer(429, ``),
			want:   &want{title: "429: too many requests", fix: quickstart.FixNone, text: []string{"asked to wait a moment before trying again."}},
		},
		{
			name:   "429 with Retry-After as a date",
			answer: answer(429, ``, "retry-after", "Wed, 01 Apr 2026 07:06:00 GMT"),
			want:   &want{title: "429: too many requests", fix: quickstart.FixNone, text: []string{"asked to wait a moment before"}},
		},
		{
			name:   "429 with a negative Retry-After",
			answer: answer(429, ``, "retry-after", "-3"),
			want:   &want{title: "429: too many requests", fix: quickstart.FixNone, text: []string{"asked to wait a moment before"}},
		},
		{name: "500", answer: answer(500, ``), want: &want{title: "500: the server failed", fix: quickstart.FixNone, text: []string{"on the server's side"}}},
		{name: "502", answer: answer(502, ``), want: &want{title: "502: the server failed", fix: quickstart.FixNone, text: []string{"tell OctoTable's support"}}},
		{name: "503", answer: answer(503, ``), want: &want{title: "503: the server failed", fix: quickstart.FixNone}},
		{
			name:   "307 with Location: the relay does not follow it",
			answer: answer(307, ``, "location", "https://api.octotable.com/api/v2"),
			want:   &want{title: "307: a redirect, not followed", fix: quickstart.FixCheckRequest, text: []string{"re-send your credentials to https://api.octotable.com/api/v2.", "Use the final URL instead."}},
		},
		{
			name:   "301 without Location",
			answer: answer(301, ``),
			want:   &want{title: "301: a redirect, not followed", fix: quickstart.FixCheckRequest, text: []string{"to another address."}},
		},
		{
			name:   "405 without Allow",
			answer: answer(405, envelope("METHOD_NOT_ALLOWED", "Method not allowed", "MethodNotAllowedException")),
			want:   &want{title: "405: this path does not take that method", fix: quickstart.FixCheckRequest, text: []string{"Choose another method, or another path."}},
		},
		{
			// A bare "403 Forbidden" reads like a permissions problem: say
			// where Step 2 may go instead.
			name:   "target not allowed: not part of the API",
			answer: problem(403, `{"type":"urn:octoplay:problem:target-not-allowed","detail":"the path is not under an API base of environment sandbox"}`),
			want: &want{title: "This path is not part of the environment's API", fix: quickstart.FixCheckRequest, text: []string{
				"use a path under /api/v2/ or /octotable-pms/api/v2/.",
			}},
		},
		{
			name:   "relay key problem",
			answer: problem(400, `{"type":"https://iana.org/assignments/http-problem-types#ohttp-key"}`),
			want:   &want{title: "The relay's keys changed", fix: quickstart.FixReloadKeys},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertExplanation(t, tt.want, quickstart.ExplainAPI(tt.answer, quickstart.APIRequest{Env: sandboxEnv}))
		})
	}
}

// TestZeroValues calls every exported function and method on zero values:
// none may panic, and none may pretend to succeed.
func TestZeroValues(t *testing.T) {
	var (
		env    quickstart.Environment
		answer quickstart.Answer
		token  quickstart.Token
	)
	assert.NotPanics(t, func() {
		_, err := quickstart.ParseEnvironments(nil)
		assert.Error(t, err)
		assert.Empty(t, env.Origin())
		assert.False(t, env.HasProfile(""))
		assert.Len(t, env.Presets(), 1)

		var tr quickstart.TokenRequest
		assert.Error(t, tr.Check())
		req, err := tr.Build(buildTime)
		assert.Error(t, err)
		assert.Nil(t, req)
		assert.NotContains(t, tr.Preview(), "Host: api")

		var ar quickstart.APIRequest
		assert.Error(t, ar.Check())
		_, err = ar.URL()
		assert.Error(t, err)
		req, err = ar.Build(buildTime)
		assert.Error(t, err)
		assert.Nil(t, req)
		assert.Empty(t, ar.Preview())

		assert.Empty(t, answer.HeaderText())
		assert.Empty(t, answer.PrettyBody())
		assert.Empty(t, answer.PrettyBody("x", ""))
		_, err = quickstart.ParseToken(answer.Body, buildTime)
		assert.Error(t, err)
		assert.False(t, token.Expired(buildTime))
		assert.Equal(t, "not given", quickstart.Lifetime(token.ExpiresIn))
		assert.Equal(t, "0:00", quickstart.Countdown(token.ExpiresAt, buildTime))
		_, ok := quickstart.DecodeJWT(token.AccessToken)
		assert.False(t, ok)
		assert.Equal(t, "Basic Og==", clientauth.Basic("", ""))

		assert.Nil(t, quickstart.ExplainRelay(answer))
		assert.NotNil(t, quickstart.ExplainToken(answer, tr), "status 0 is no success")
		assert.NotNil(t, quickstart.ExplainAPI(answer, ar), "status 0 is no success")
		_, waits := answer.RetryAfter(buildTime)
		assert.False(t, waits)
		assert.Empty(t, answer.ProblemType())
		assert.Empty(t, env.APIPaths())
		assert.Equal(t, []bhttp.Field(nil), []bhttp.Field(answer.Header))
	})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 4, 1, 7, 5, 0, 0, time.UTC)
	tests := []struct {
		name   string
		answer quickstart.Answer
		want   time.Duration
		ok     bool
	}{
		{name: "seconds", answer: answer(429, ``, "retry-after", "55"), want: 55 * time.Second, ok: true},
		{name: "a date", answer: answer(429, ``, "retry-after", "Wed, 01 Apr 2026 07:06:00 GMT"), want: time.Minute, ok: true},
		{name: "a date gone by", answer: answer(503, ``, "retry-after", "Wed, 01 Apr 2026 07:00:00 GMT"), want: 0, ok: true},
		{name: "none", answer: answer(429, ``)},
		{name: "negative", answer: answer(429, ``, "retry-after", "-3")},
		{name: "not a wait status", answer: answer(200, ``, "retry-after", "55")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.answer.RetryAfter(now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}
