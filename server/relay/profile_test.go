package relay

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
)

// The profile's credentials hold what form encoding changes ('+', ':',
// space), so that a missing url.QueryEscape (RFC 6749 §2.3.1) shows.
const (
	profileID     = "demo client"
	profileSecret = "s3cr+t: x y"
	formID        = "demo+client"
	formSecret    = "s3cr%2Bt%3A+x+y"
	form          = "application/x-www-form-urlencoded"
	jsonType      = "application/json"
)

var profileBasic = "Basic " + base64.StdEncoding.EncodeToString([]byte(formID+":"+formSecret))

func profileHarness(t *testing.T) (*harness, *upstream) {
	t.Helper()
	up := newUpstream(t, nil)
	env := loopbackEnv(t, "up", up, map[string]Credentials{"demo": {ClientID: profileID, ClientSecret: profileSecret}})
	return newHarness(t, []*Environment{env}), up
}

// TestProfileAddsCredentials checks what the upstream received, exactly.
func TestProfileAddsCredentials(t *testing.T) {
	tests := []struct {
		name            string
		header          []string
		body            string
		wantAuth        string
		wantType        string
		wantBody        string
		wantProfileless bool // the request names no profile: it goes as it came
	}{
		{
			name:     "form, in the body by default",
			header:   []string{"content-type", form, "octoplay-profile", "demo"},
			body:     "grant_type=client_credentials",
			wantType: form, wantBody: "client_id=" + formID + "&client_secret=" + formSecret + "&grant_type=client_credentials",
		},
		{
			name:     "form, in the body when asked",
			header:   []string{"content-type", form, "octoplay-profile", "demo", "octoplay-client-auth", "body"},
			body:     "grant_type=client_credentials",
			wantType: form, wantBody: "client_id=" + formID + "&client_secret=" + formSecret + "&grant_type=client_credentials",
		},
		{
			name:     "form, the profile's client_id wins",
			header:   []string{"content-type", form, "octoplay-profile", "demo"},
			body:     "grant_type=client_credentials&client_id=someone",
			wantType: form, wantBody: "client_id=" + formID + "&client_secret=" + formSecret + "&grant_type=client_credentials",
		},
		{
			name:     "JSON, in the body",
			header:   []string{"content-type", jsonType, "octoplay-profile", "demo"},
			body:     `{"grant_type":"client_credentials"}`,
			wantType: jsonType, wantBody: `{"client_id":"demo client","client_secret":"s3cr+t: x y","grant_type":"client_credentials"}`,
		},
		{
			name:     "JSON, numbers and arrays go as they came",
			header:   []string{"content-type", jsonType, "octoplay-profile", "demo"},
			body:     `{"grant_type":"client_credentials","n":12345678901234567890,"f":0.1,"scope":["a","b"]}`,
			wantType: jsonType, wantBody: `{"client_id":"demo client","client_secret":"s3cr+t: x y","f":0.1,"grant_type":"client_credentials","n":12345678901234567890,"scope":["a","b"]}`,
		},
		{
			name:     "form, HTTP Basic",
			header:   []string{"content-type", form, "octoplay-profile", "demo", "octoplay-client-auth", "basic"},
			body:     "grant_type=client_credentials",
			wantAuth: profileBasic, wantType: form, wantBody: "grant_type=client_credentials",
		},
		{
			name:     "form, HTTP Basic drops a client_id from the body",
			header:   []string{"content-type", form, "octoplay-profile", "demo", "octoplay-client-auth", "basic"},
			body:     "client_id=someone&grant_type=client_credentials",
			wantAuth: profileBasic, wantType: form, wantBody: "grant_type=client_credentials",
		},
		{
			name:     "JSON, HTTP Basic",
			header:   []string{"content-type", jsonType, "octoplay-profile", "demo", "octoplay-client-auth", "basic"},
			body:     `{"grant_type":"client_credentials"}`,
			wantAuth: profileBasic, wantType: jsonType, wantBody: `{"grant_type":"client_credentials"}`,
		},
		{
			name:     "no body at all",
			header:   []string{"octoplay-profile", "demo"},
			wantType: form, wantBody: "client_id=" + formID + "&client_secret=" + formSecret,
		},
		{
			name:            "no profile: the partner's own credentials, untouched",
			header:          []string{"content-type", form, "authorization", "Basic b3du", "octoplay-client-auth", "basic", "octoplay-anything", "x"},
			body:            "grant_type=client_credentials&scope=a+b",
			wantAuth:        "Basic b3du",
			wantType:        form,
			wantBody:        "grant_type=client_credentials&scope=a+b",
			wantProfileless: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, up := profileHarness(t)
			req := h.inner("POST", up.URL+"/auth/token", tt.header...)
			req.Body = []byte(tt.body)
			answer := h.do(t, req)
			require.Equal(t, http.StatusOK, answer.Status, string(answer.Body))
			got, body := up.Last()
			if got, want := got.Header.Get("Authorization"), tt.wantAuth; got != want {
				t.Errorf("Authorization: got %q, want %q", got, want)
			}
			if got, want := body, tt.wantBody; got != want {
				t.Errorf("body: got %q, want %q", got, want)
			}
			if got, want := got.Header.Get("Content-Type"), tt.wantType; got != want {
				t.Errorf("Content-Type: got %q, want %q", got, want)
			}
			assert.Equal(t, int64(len(tt.wantBody)), got.ContentLength)
			for name := range got.Header {
				assert.False(t, hasPrefixFold(name, "octoplay-"), "%s reached the upstream", name)
			}
		})
	}
}

// TestProfileRefusals: a profile where it does not apply, or next to
// credentials of the request's own, is refused before anything is sent.
func TestProfileRefusals(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		header []string
		body   string
	}{
		{name: "on an API request", method: "GET", path: "/api/rooms", header: []string{"octoplay-profile", "demo"}},
		{name: "unknown profile", header: []string{"octoplay-profile", "nobody", "content-type", form}, body: "grant_type=client_credentials"},
		{name: "with an Authorization header", header: []string{"octoplay-profile", "demo", "authorization", "Basic b3du", "content-type", form}, body: "grant_type=client_credentials"},
		{name: "with a client_secret in the form", header: []string{"octoplay-profile", "demo", "content-type", form}, body: "grant_type=client_credentials&client_secret=mine"},
		{name: "with an empty client_secret in the form", header: []string{"octoplay-profile", "demo", "content-type", form}, body: "grant_type=client_credentials&client_secret="},
		{name: "with a client_secret in JSON", header: []string{"octoplay-profile", "demo", "content-type", jsonType}, body: `{"grant_type":"client_credentials","client_secret":"mine"}`},
		{name: "with a Client_Secret in JSON", header: []string{"octoplay-profile", "demo", "content-type", jsonType}, body: `{"grant_type":"client_credentials","Client_Secret":"mine"}`},
		{name: "client auth in upper case", header: []string{"octoplay-profile", "demo", "octoplay-client-auth", "Basic", "content-type", form}, body: "grant_type=client_credentials"},
		{name: "unknown client auth", header: []string{"octoplay-profile", "demo", "octoplay-client-auth", "header", "content-type", form}, body: "grant_type=client_credentials"},
		{name: "JSON null", header: []string{"octoplay-profile", "demo", "content-type", jsonType}, body: `null`},
		{name: "JSON array", header: []string{"octoplay-profile", "demo", "content-type", jsonType}, body: `["grant_type"]`},
		{name: "JSON with trailing data", header: []string{"octoplay-profile", "demo", "content-type", jsonType}, body: `{"grant_type":"client_credentials"} {}`},
		{name: "repeated form parameter", header: []string{"octoplay-profile", "demo", "content-type", form}, body: "grant_type=client_credentials&grant_type=password"},
		{name: "bad form encoding", header: []string{"octoplay-profile", "demo", "content-type", form}, body: "grant_type=%zz"},
		{name: "plain text body", header: []string{"octoplay-profile", "demo", "content-type", "text/plain"}, body: "grant_type=client_credentials"},
		{name: "body without a media type", header: []string{"octoplay-profile", "demo", "content-type", "form, please"}, body: "grant_type=client_credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, up := profileHarness(t)
			method, path := "POST", "/auth/token"
			if tt.method != "" {
				method, path = tt.method, tt.path
			}
			req := h.inner(method, up.URL+path, tt.header...)
			req.Body = []byte(tt.body)
			detail := assertProblem(t, h.do(t, req), http.StatusBadRequest, wire.ProblemProfile.URI)
			assert.Zero(t, up.Hits())
			assert.NotContains(t, detail, profileSecret)
			assert.NotContains(t, detail, "mine")
			assert.False(t, strings.Contains(h.log.String(), profileSecret))
		})
	}
}
