package quickstart_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
	"octoplay/internal/clientauth"
)

// Credentials with every character RFC 6749 §2.3.1's form-encoding changes:
// '+', ':', space, '%', a non-ASCII letter, '/'.
const (
	richID     = "shop: café+1%"
	richSecret = "p+ss: wörd%/"
	// application/x-www-form-urlencoded (RFC 6749 Appendix B), by hand.
	richIDForm     = "shop%3A+caf%C3%A9%2B1%25"
	richSecretForm = "p%2Bss%3A+w%C3%B6rd%25%2F"
	// base64 of richIDForm + ":" + richSecretForm.
	richBasic = "Basic c2hvcCUzQStjYWYlQzMlQTklMkIxJTI1OnAlMkJzcyUzQSt3JUMzJUI2cmQlMjUlMkY="
)

// buildTime is 09:05:07 in UTC+2 on Wednesday 1 April 2026: the Date must
// be in GMT.
var buildTime = time.Date(2026, 4, 1, 9, 5, 7, 0, time.FixedZone("CEST", 2*60*60))

const buildDate = "Wed, 01 Apr 2026 07:05:07 GMT"

func TestBasicCredentials(t *testing.T) {
	tests := []struct {
		name, id, secret, want string
	}{
		{name: "form-encoded before base64", id: richID, secret: richSecret, want: richBasic},
		// base64("abc:xyz")
		{name: "plain", id: "abc", secret: "xyz", want: "Basic YWJjOnh5eg=="},
		// base64("a%3Ab:c%3Ad"): the colon in the id must not split it.
		{name: "colons", id: "a:b", secret: "c:d", want: "Basic YSUzQWI6YyUzQWQ="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, clientauth.Basic(tt.id, tt.secret))
		})
	}
}

func TestTokenRequestCheck(t *testing.T) {
	own := quickstart.TokenRequest{Env: sandboxEnv, ClientID: "id", ClientSecret: "secret", Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}
	with := func(change func(*quickstart.TokenRequest)) quickstart.TokenRequest {
		r := own
		change(&r)
		return r
	}
	tests := []struct {
		name    string
		req     quickstart.TokenRequest
		wantErr string
	}{
		{name: "own credentials in the body", req: own},
		{name: "own credentials with Basic and JSON", req: with(func(r *quickstart.TokenRequest) { r.Auth, r.Encoding = quickstart.AuthBasic, quickstart.EncodingJSON })},
		{name: "no environment", req: with(func(r *quickstart.TokenRequest) { r.Env = quickstart.Environment{} }), wantErr: "choose an environment"},
		{name: "no auth style", req: with(func(r *quickstart.TokenRequest) { r.Auth = "" }), wantErr: "choose how the client authenticates: in the body or with HTTP Basic"},
		{name: "unknown auth style", req: with(func(r *quickstart.TokenRequest) { r.Auth = "Basic" }), wantErr: "choose how the client authenticates: in the body or with HTTP Basic"},
		{name: "no encoding", req: with(func(r *quickstart.TokenRequest) { r.Encoding = "" }), wantErr: "choose the body encoding: form or JSON"},
		{name: "unknown encoding", req: with(func(r *quickstart.TokenRequest) { r.Encoding = "xml" }), wantErr: "choose the body encoding: form or JSON"},
		{name: "profile the environment lacks", req: with(func(r *quickstart.TokenRequest) { r.Profile = "prod" }), wantErr: `the environment Sandbox has no profile "prod"`},
		{name: "profile needs no id or secret", req: with(func(r *quickstart.TokenRequest) { r.Profile, r.ClientID, r.ClientSecret = "demo", "", "" })},
		{name: "no client id", req: with(func(r *quickstart.TokenRequest) { r.ClientID = "" }), wantErr: "enter your client id"},
		{name: "blank client id", req: with(func(r *quickstart.TokenRequest) { r.ClientID = " \t " }), wantErr: "enter your client id"},
		{name: "no secret", req: with(func(r *quickstart.TokenRequest) { r.ClientSecret = "" }), wantErr: "enter your client secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertCheck(t, tt.req, tt.wantErr)
		})
	}
}

// checkedRequest is what TokenRequest and APIRequest have in common.
type checkedRequest interface {
	Check() error
	Build(now time.Time) (*bhttp.Request, error)
}

// assertCheck wants Check to fail with wantErr, or pass when it is empty,
// and Build to agree.
func assertCheck(t *testing.T, r checkedRequest, wantErr string) {
	t.Helper()
	err := r.Check()
	req, buildErr := r.Build(buildTime)
	if wantErr == "" {
		assert.NoError(t, err)
		assert.NoError(t, buildErr)
		assert.NotNil(t, req)
		return
	}
	assert.EqualError(t, err, wantErr)
	assert.EqualError(t, buildErr, wantErr, "Build checks first")
	assert.Nil(t, req)
}

func TestTokenRequestBuild(t *testing.T) {
	const (
		form = "application/x-www-form-urlencoded"
		js   = "application/json"
	)
	tests := []struct {
		name       string
		env        quickstart.Environment
		profile    string
		encoding   quickstart.Encoding
		auth       quickstart.AuthStyle
		wantScheme string
		authority  string
		path       string
		header     bhttp.Fields // besides date
		body       string
	}{
		{
			name: "form, in the body", env: octotableEnv, encoding: quickstart.EncodingForm, auth: quickstart.AuthInBody,
			wantScheme: "https", authority: "api.octotable.com", path: "/octotable-auth/api/v2/oauth2/token",
			header: bhttp.Fields{{Name: "content-type", Value: form}, {Name: "accept", Value: js}},
			body:   "grant_type=client_credentials&client_id=" + richIDForm + "&client_secret=" + richSecretForm,
		},
		{
			name: "form, Basic", env: octotableEnv, encoding: quickstart.EncodingForm, auth: quickstart.AuthBasic,
			wantScheme: "https", authority: "api.octotable.com", path: "/octotable-auth/api/v2/oauth2/token",
			header: bhttp.Fields{{Name: "content-type", Value: form}, {Name: "accept", Value: js}, {Name: "authorization", Value: richBasic}},
			body:   "grant_type=client_credentials",
		},
		{
			name: "JSON, in the body", env: octotableEnv, encoding: quickstart.EncodingJSON, auth: quickstart.AuthInBody,
			wantScheme: "https", authority: "api.octotable.com", path: "/octotable-auth/api/v2/oauth2/token",
			header: bhttp.Fields{{Name: "content-type", Value: js}, {Name: "accept", Value: js}},
			body:   `{"grant_type": "client_credentials", "client_id": "shop: café+1%", "client_secret": "p+ss: wörd%/"}`,
		},
		{
			name: "JSON, Basic", env: octotableEnv, encoding: quickstart.EncodingJSON, auth: quickstart.AuthBasic,
			wantScheme: "https", authority: "api.octotable.com", path: "/octotable-auth/api/v2/oauth2/token",
			header: bhttp.Fields{{Name: "content-type", Value: js}, {Name: "accept", Value: js}, {Name: "authorization", Value: richBasic}},
			body:   `{"grant_type": "client_credentials"}`,
		},
		{
			name: "form, profile in the body", env: sandboxEnv, profile: "demo", encoding: quickstart.EncodingForm, auth: quickstart.AuthInBody,
			wantScheme: "http", authority: "127.0.0.1:8080", path: "/sandbox/octotable-auth/api/v2/oauth2/token",
			header: bhttp.Fields{{Name: "content-type", Value: form}, {Name: "accept", Value: js}, {Name: "octoplay-profile", Value: "demo"}},
			body:   "grant_type=client_credentials",
		},
		{
			name: "form, profile with Basic", env: sandboxEnv, profile: "demo", encoding: quickstart.EncodingForm, auth: quickstart.AuthBasic,
			wantScheme: "http", authority: "127.0.0.1:8080", path: "/sandbox/octotable-auth/api/v2/oauth2/token",
			header: bhttp.Fields{{Name: "content-type", Value: form}, {Name: "accept", Value: js}, {Name: "octoplay-profile", Value: "demo"}, {Name: "octoplay-client-auth", Value: "basic"}},
			body:   "grant_type=client_credentials",
		},
		{
			name: "JSON, profile in the body", env: sandboxEnv, profile: "demo", encoding: quickstart.EncodingJSON, auth: quickstart.AuthInBody,
			wantScheme: "http", authority: "127.0.0.1:8080", path: "/sandbox/octotable-auth/api/v2/oauth2/token",
			header: bhttp.Fields{{Name: "content-type", Value: js}, {Name: "accept", Value: js}, {Name: "octoplay-profile", Value: "demo"}},
			body:   `{"grant_type": "client_credentials"}`,
		},
		{
			name: "JSON, profile with Basic", env: sandboxEnv, profile: "demo", encoding: quickstart.EncodingJSON, auth: quickstart.AuthBasic,
			wantScheme: "http", authority: "127.0.0.1:8080", path: "/sandbox/octotable-auth/api/v2/oauth2/token",
			header: bhttp.Fields{{Name: "content-type", Value: js}, {Name: "accept", Value: js}, {Name: "octoplay-profile", Value: "demo"}, {Name: "octoplay-client-auth", Value: "basic"}},
			body:   `{"grant_type": "client_credentials"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := quickstart.TokenRequest{
				Env: tt.env, Profile: tt.profile, Auth: tt.auth, Encoding: tt.encoding,
				// A profile request ignores what was typed: the relay refuses a
				// request that names a profile and carries a secret.
				ClientID: richID, ClientSecret: richSecret,
			}
			req, err := r.Build(buildTime)
			require.NoError(t, err)
			assert.Equal(t, "POST", req.Method)
			assert.Equal(t, tt.wantScheme, req.Scheme)
			assert.Equal(t, tt.authority, req.Authority)
			assert.Equal(t, tt.path, req.Path)
			assert.ElementsMatch(t, append(tt.header, bhttp.Field{Name: "date", Value: buildDate}), req.Header)
			assert.Equal(t, tt.body, string(req.Body))
			assert.Nil(t, req.Trailer)

			body := string(req.Body)
			if tt.auth == quickstart.AuthBasic || tt.profile != "" {
				assert.NotContains(t, body, "client_secret")
			}
			if tt.profile != "" {
				assert.NotContains(t, body, "client_id")
				assert.Empty(t, req.Header.Get("authorization"))
			}
			if tt.encoding == quickstart.EncodingJSON {
				assert.True(t, json.Valid(req.Body), "body is JSON: %s", body)
			}
			_, err = req.MarshalBinary()
			assert.NoError(t, err, "the request is valid binary HTTP")
		})
	}
}

func TestTokenRequestBuildTrimsClientID(t *testing.T) {
	r := quickstart.TokenRequest{Env: octotableEnv, ClientID: "  abc\t", ClientSecret: " xyz ", Auth: quickstart.AuthBasic, Encoding: quickstart.EncodingForm}
	req, err := r.Build(buildTime)
	require.NoError(t, err)
	// base64("abc:+xyz+"): the id is trimmed, the secret is kept as typed.
	assert.Equal(t, "Basic YWJjOit4eXor", req.Header.Get("authorization"))
}

func TestTokenRequestBuildJSONEscapes(t *testing.T) {
	tests := []struct {
		name, id, secret string
	}{
		{name: "quotes and backslashes", id: `id "quoted"`, secret: `s\"e\\c"ret`},
		{name: "unicode and HTML", id: "café ✓", secret: "<&> \u2028 日本 \U0001F511"},
		{name: "control characters", id: "tab\there", secret: "new\nline\x01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := quickstart.TokenRequest{Env: octotableEnv, ClientID: tt.id, ClientSecret: tt.secret, Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingJSON}
			req, err := r.Build(buildTime)
			require.NoError(t, err)
			var got map[string]string
			require.NoError(t, json.Unmarshal(req.Body, &got), "body: %s", req.Body)
			assert.Equal(t, map[string]string{"grant_type": "client_credentials", "client_id": tt.id, "client_secret": tt.secret}, got)

			r.Encoding = quickstart.EncodingForm
			req, err = r.Build(buildTime)
			require.NoError(t, err)
			values, err := url.ParseQuery(string(req.Body))
			require.NoError(t, err)
			assert.Equal(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {tt.id}, "client_secret": {tt.secret}}, values)
		})
	}
}

func TestTokenRequestPreview(t *testing.T) {
	for _, env := range []quickstart.Environment{sandboxEnv, octotableEnv} {
		for _, profile := range []string{"", "demo"} {
			if profile != "" && !env.HasProfile(profile) {
				continue
			}
			for _, enc := range []quickstart.Encoding{quickstart.EncodingForm, quickstart.EncodingJSON} {
				for _, auth := range []quickstart.AuthStyle{quickstart.AuthInBody, quickstart.AuthBasic} {
					name := env.Name + "/" + string(enc) + "/" + string(auth) + "/profile=" + profile
					t.Run(name, func(t *testing.T) {
						r := quickstart.TokenRequest{Env: env, Profile: profile, ClientID: richID, ClientSecret: richSecret, Auth: auth, Encoding: enc}
						got := r.Preview()
						assertNoSecret(t, got, richID, richSecret)

						lines := strings.Split(got, "\n")
						wantPath := "/octotable-auth/api/v2/oauth2/token"
						wantHost := "api.octotable.com"
						if env.Name == "sandbox" {
							wantPath, wantHost = "/sandbox"+wantPath, "127.0.0.1:8080"
						}
						assert.Equal(t, "POST "+wantPath+" HTTP/1.1", lines[0])
						assert.Equal(t, "Host: "+wantHost, lines[1])

						switch {
						case profile != "":
							assert.Contains(t, got, "Octoplay-Profile: demo")
							assert.NotContains(t, got, quickstart.Masked, "nothing to mask: the relay adds the credentials")
							where := "to the body,"
							if auth == quickstart.AuthBasic {
								where = "as an Authorization: Basic header,"
								assert.Contains(t, got, "Octoplay-Client-Auth: basic")
							} else {
								assert.NotContains(t, got, "Octoplay-Client-Auth")
							}
							assert.Contains(t, got, "\n\n# The relay adds the \"demo\" profile's client_id and client_secret "+where+"\n# and drops the Octoplay-* headers.")
						case auth == quickstart.AuthBasic:
							assert.Contains(t, lines, "Authorization: Basic "+quickstart.Masked)
						case enc == quickstart.EncodingJSON:
							assert.Contains(t, got, `"client_secret": "`+quickstart.Masked+`"`)
						default:
							assert.Contains(t, got, "&client_secret="+quickstart.Masked)
						}
					})
				}
			}
		}
	}
}

func TestTokenRequestPreviewExact(t *testing.T) {
	tests := []struct {
		name string
		req  quickstart.TokenRequest
		want string
	}{
		{
			name: "OctoTable, the quickstart's curl",
			req:  quickstart.TokenRequest{Env: octotableEnv, ClientID: richID, ClientSecret: richSecret, Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm},
			want: "POST /octotable-auth/api/v2/oauth2/token HTTP/1.1\n" +
				"Host: api.octotable.com\n" +
				"Content-Type: application/x-www-form-urlencoded\n" +
				"Accept: application/json\n" +
				"\n" +
				"grant_type=client_credentials&client_id=" + richIDForm + "&client_secret=••••••••",
		},
		{
			name: "sandbox, JSON with Basic",
			req:  quickstart.TokenRequest{Env: sandboxEnv, ClientID: richID, ClientSecret: richSecret, Auth: quickstart.AuthBasic, Encoding: quickstart.EncodingJSON},
			want: "POST /sandbox/octotable-auth/api/v2/oauth2/token HTTP/1.1\n" +
				"Host: 127.0.0.1:8080\n" +
				"Content-Type: application/json\n" +
				"Accept: application/json\n" +
				"Authorization: Basic ••••••••\n" +
				"\n" +
				`{"grant_type": "client_credentials"}`,
		},
		{
			// Nothing typed yet: the preview shows the secret empty, not
			// masked as if there were one.
			name: "sandbox, no secret yet",
			req:  quickstart.TokenRequest{Env: sandboxEnv, ClientID: "id", Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm},
			want: "POST /sandbox/octotable-auth/api/v2/oauth2/token HTTP/1.1\n" +
				"Host: 127.0.0.1:8080\n" +
				"Content-Type: application/x-www-form-urlencoded\n" +
				"Accept: application/json\n" +
				"\n" +
				"grant_type=client_credentials&client_id=id&client_secret=",
		},
		{
			name: "sandbox, Basic with no secret yet",
			req:  quickstart.TokenRequest{Env: sandboxEnv, ClientID: "id", Auth: quickstart.AuthBasic, Encoding: quickstart.EncodingForm},
			want: "POST /sandbox/octotable-auth/api/v2/oauth2/token HTTP/1.1\n" +
				"Host: 127.0.0.1:8080\n" +
				"Content-Type: application/x-www-form-urlencoded\n" +
				"Accept: application/json\n" +
				"Authorization: Basic (the client id and secret, once both are filled in)\n" +
				"\n" +
				"grant_type=client_credentials",
		},
		{name: "no environment yet: nothing to show", req: quickstart.TokenRequest{Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingForm}, want: ""},
		{
			name: "sandbox, profile in the body",
			req:  quickstart.TokenRequest{Env: sandboxEnv, Profile: "demo", Auth: quickstart.AuthInBody, Encoding: quickstart.EncodingJSON},
			want: "POST /sandbox/octotable-auth/api/v2/oauth2/token HTTP/1.1\n" +
				"Host: 127.0.0.1:8080\n" +
				"Content-Type: application/json\n" +
				"Accept: application/json\n" +
				"Octoplay-Profile: demo\n" +
				"\n" +
				`{"grant_type": "client_credentials"}` + "\n" +
				"\n" +
				"# The relay adds the \"demo\" profile's client_id and client_secret to the body,\n" +
				"# and drops the Octoplay-* headers.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.req.Preview())
		})
	}
}

// assertNoSecret fails if text holds the secret in any form a request
// could carry it.
func assertNoSecret(t *testing.T, text, id, secret string) {
	t.Helper()
	jsonSecret, err := json.Marshal(secret)
	require.NoError(t, err)
	forms := map[string]string{
		"raw":                      secret,
		"form-encoded":             url.QueryEscape(secret),
		"path-encoded":             url.PathEscape(secret),
		"JSON-escaped":             strings.Trim(string(jsonSecret), `"`),
		"base64 of id:secret":      base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)),
		"base64 of RFC 6749 pair":  base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret))),
		"base64url of id:secret":   base64.URLEncoding.EncodeToString([]byte(id + ":" + secret)),
		"base64 of the secret":     base64.StdEncoding.EncodeToString([]byte(secret)),
		"raw base64 of the secret": base64.RawStdEncoding.EncodeToString([]byte(secret)),
	}
	for what, form := range forms {
		assert.NotContains(t, text, form, "the secret, %s", what)
	}
}
