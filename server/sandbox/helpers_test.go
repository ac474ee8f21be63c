package sandbox_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/server/sandbox"
)

const (
	partnerID     = "partner app"
	partnerSecret = "p@ss:w rd+/="
	tokenPath     = "/octotable-auth/api/v2/oauth2/token"
	formType      = "application/x-www-form-urlencoded"
	jsonType      = "application/json"
)

// newSandbox starts a sandbox with the demo client and a partner whose id
// and secret need form encoding, behind a real HTTP server.
func newSandbox(t *testing.T, edit func(*sandbox.Config)) (*httptest.Server, *testkit.Clock) {
	t.Helper()
	clock := testkit.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	cfg := sandbox.Config{
		Clients: map[string]string{
			sandbox.DemoClientID: sandbox.DemoClientSecret,
			partnerID:            partnerSecret,
		},
		Now: clock.Now,
	}
	if edit != nil {
		edit(&cfg)
	}
	sb, err := sandbox.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return srv, clock
}

// formBasic is HTTP Basic as RFC 6749 §2.3.1 wants it for client
// authentication: id and secret form-encoded before base64.
func formBasic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// rawBasic is HTTP Basic as Go's SetBasicAuth makes it, without form encoding.
func rawBasic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

func demoForm() string {
	return url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {sandbox.DemoClientID},
		"client_secret": {sandbox.DemoClientSecret},
	}.Encode()
}

// send makes one request and returns the answer with its body read.
func send(t *testing.T, method, target string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	return sendWith(t, http.DefaultClient, method, target, header, body)
}

// sendWith is send with client, such as one from another address.
func sendWith(t *testing.T, client *http.Client, method, target string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	validateAnswer(t, req, resp, raw)
	return resp, string(raw)
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m), "body %q", body)
	return m
}

// issueToken gets a token for the demo client.
func issueToken(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	resp, body := send(t, http.MethodPost, srv.URL+tokenPath,
		headers("Content-Type", formType), demoForm())
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	token, ok := decode(t, body)["access_token"].(string)
	require.True(t, ok, body)
	return token
}

// envelope is OctoTable's error body.
func envelope(code, message, className string) map[string]any {
	return map[string]any{
		"success": false,
		"error":   map[string]any{"code": code, "message": message, "class_name": className},
	}
}

// descriptionChars is what RFC 6749 §5.2 allows in error_description.
var descriptionChars = regexp.MustCompile(`^[\x20\x21\x23-\x5B\x5D-\x7E]+$`)

// assertOAuthError checks a token endpoint error body, and that its
// description keeps to RFC 6749 §5.2's characters.
func assertOAuthError(t *testing.T, want map[string]any, body string) {
	t.Helper()
	got := decode(t, body)
	assert.Equal(t, want, got)
	assert.Regexp(t, descriptionChars, got["error_description"])
}

func oauthError(code, description string) map[string]any {
	return map[string]any{"error": code, "error_description": description}
}

// headers builds a header from name, value pairs; a name may repeat.
func headers(pairs ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(pairs); i += 2 {
		h.Add(pairs[i], pairs[i+1])
	}
	return h
}

// requireJSONNoStore checks the headers every sandbox answer carries.
func requireJSONNoStore(t *testing.T, resp *http.Response) {
	t.Helper()
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	require.Equal(t, "no-cache", resp.Header.Get("Pragma"))
}
