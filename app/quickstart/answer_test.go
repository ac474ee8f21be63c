package quickstart_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/internal/bhttp"
)

func TestAnswerHeaderText(t *testing.T) {
	tests := []struct {
		name   string
		header bhttp.Fields
		want   string
	}{
		{name: "none", header: nil, want: ""},
		{
			name: "in order, names as HTTP/1.1 writes them",
			header: bhttp.Fields{
				{Name: "content-type", Value: "application/json"},
				{Name: "www-authenticate", Value: `Bearer realm="octotable", error="invalid_token"`},
				{Name: "x-request-id", Value: "7"},
				{Name: "set-cookie", Value: "a=1"},
				{Name: "set-cookie", Value: "b=2"},
			},
			want: "Content-Type: application/json\n" +
				`Www-Authenticate: Bearer realm="octotable", error="invalid_token"` + "\n" +
				"X-Request-Id: 7\n" +
				"Set-Cookie: a=1\n" +
				"Set-Cookie: b=2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, quickstart.Answer{Header: tt.header}.HeaderText())
		})
	}
}

func TestAnswerPrettyBody(t *testing.T) {
	const m = quickstart.Masked
	tests := []struct {
		name    string
		body    string
		secrets []string
		want    string
	}{
		{name: "empty", body: "", want: ""},
		{
			name: "indents JSON, keeps key order",
			body: `{"b":1,"a":[1,2],"c":{}}`,
			want: "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2\n  ],\n  \"c\": {}\n}",
		},
		{
			name: "masks the token", body: `{"access_token":"abc.def","expires_in":1440,"type":"Bearer"}`, secrets: []string{"abc.def"},
			want: "{\n  \"access_token\": \"" + m + "\",\n  \"expires_in\": 1440,\n  \"type\": \"Bearer\"\n}",
		},
		{
			name: "masks every secret, inside longer strings too", body: `{"id":"client-1","error_description":"secret s3cr3t for client-1 is wrong"}`,
			secrets: []string{"s3cr3t", "client-1"},
			want:    "{\n  \"id\": \"" + m + "\",\n  \"error_description\": \"secret " + m + " for " + m + " is wrong\"\n}",
		},
		{
			// PHP's json_encode writes "/" as "\/" by default.
			name: "masks a secret the JSON escapes", body: `{"access_token":"ab\/cd+ef=="}`, secrets: []string{"ab/cd+ef=="},
			want: "{\n  \"access_token\": \"" + m + "\"\n}",
		},
		{
			name: "masks a secret written with \\u escapes", body: `{"t":"caf\u00e9-\u0078"}`, secrets: []string{"café-x"},
			want: "{\n  \"t\": \"" + m + "\"\n}",
		},
		{
			name: "keeps the rest of an escaped string as valid JSON", body: `{"t":"say \"hi\" to ab\/cd <b>"}`, secrets: []string{"ab/cd"},
			want: "{\n  \"t\": \"say \\\"hi\\\" to " + m + " <b>\"\n}",
		},
		{
			name: "strings without a secret are left as they came", body: `{"u":"a\/b","t":"x"}`, secrets: []string{"x"},
			want: "{\n  \"u\": \"a\\/b\",\n  \"t\": \"" + m + "\"\n}",
		},
		{name: "an empty secret masks nothing", body: `{"a":"b"}`, secrets: []string{""}, want: "{\n  \"a\": \"b\"\n}"},
		{name: "not JSON, as is", body: "<html>\n  <p>Bad gateway</p>\n</html>", want: "<html>\n  <p>Bad gateway</p>\n</html>"},
		{name: "not JSON, masked", body: "token=abc.def; expires", secrets: []string{"abc.def"}, want: "token=" + m + "; expires"},
		{name: "JSON followed by junk, as is", body: `{"a":1} trailing`, want: `{"a":1} trailing`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := quickstart.Answer{Body: []byte(tt.body)}.PrettyBody(tt.secrets...)
			assert.Equal(t, tt.want, got)
		})
	}
}

// The raw body is as it came, masked as the pretty one is.
func TestAnswerRawBody(t *testing.T) {
	const m = quickstart.Masked
	for _, tt := range []struct {
		name, body, want string
		json             bool
	}{
		{name: "JSON as it came", body: `{"b":1, "a" : "x"}`, want: `{"b":1, "a" : "x"}`, json: true},
		{name: "JSON with an escaped token", body: `{"access_token":"ab\/cd+ef==","n":1}`, want: `{"access_token":"` + m + `","n":1}`, json: true},
		{name: "text", body: "token ab/cd+ef== here", want: "token " + m + " here"},
		{name: "empty", body: "", want: ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := quickstart.Answer{Body: []byte(tt.body)}
			assert.Equal(t, tt.want, a.RawBody("ab/cd+ef=="))
			assert.Equal(t, tt.json, a.IsJSON())
		})
	}
}

func TestParseToken(t *testing.T) {
	now := time.Date(2026, 4, 1, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		body    string
		want    quickstart.Token
		wantErr string
	}{
		{
			name: "RFC 6749 §5.1",
			body: `{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"Bearer","expires_in":3600}`,
			want: quickstart.Token{AccessToken: "2YotnFZFEjr1zCsicMWpAA", TokenType: "Bearer", ExpiresIn: 3600, ExpiresAt: time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)},
		},
		{
			name: "the quickstart's answer, with type",
			body: `{"access_token": "YOUR_ACCESS_TOKEN", "expires_in": 1440, "type": "Bearer"}`,
			want: quickstart.Token{AccessToken: "YOUR_ACCESS_TOKEN", TokenType: "Bearer", UsedTypeField: true, ExpiresIn: 1440, ExpiresAt: time.Date(2026, 4, 1, 7, 24, 0, 0, time.UTC)},
		},
		{
			name: "token_type wins over type",
			body: `{"access_token":"t","token_type":"bearer","type":"Other","expires_in":60}`,
			want: quickstart.Token{AccessToken: "t", TokenType: "bearer", ExpiresIn: 60, ExpiresAt: time.Date(2026, 4, 1, 7, 1, 0, 0, time.UTC)},
		},
		{
			name: "expires_in as a numeric string",
			body: `{"access_token":"t","token_type":"Bearer","expires_in":"1440"}`,
			want: quickstart.Token{AccessToken: "t", TokenType: "Bearer", ExpiresIn: 1440, ExpiresAt: time.Date(2026, 4, 1, 7, 24, 0, 0, time.UTC)},
		},
		{name: "expires_in missing", body: `{"access_token":"t","token_type":"Bearer"}`, want: quickstart.Token{AccessToken: "t", TokenType: "Bearer"}},
		{name: "expires_in null", body: `{"access_token":"t","expires_in":null}`, want: quickstart.Token{AccessToken: "t"}},
		{name: "no token type at all", body: `{"access_token":"t","expires_in":1}`, want: quickstart.Token{AccessToken: "t", ExpiresIn: 1, ExpiresAt: now.Add(time.Second)}},
		{name: "expires_in negative", body: `{"access_token":"t","expires_in":-5}`, wantErr: "expires_in is not a whole number of seconds"},
		{name: "expires_in fractional", body: `{"access_token":"t","expires_in":1440.5}`, wantErr: "expires_in is not a whole number of seconds"},
		{name: "expires_in fractional string", body: `{"access_token":"t","expires_in":"1440.5"}`, wantErr: "expires_in is not a whole number of seconds"},
		{name: "expires_in words", body: `{"access_token":"t","expires_in":"a day"}`, wantErr: "expires_in is not a whole number of seconds"},
		{name: "expires_in boolean", body: `{"access_token":"t","expires_in":true}`, wantErr: "expires_in is not a number"},
		{name: "expires_in beyond int64", body: `{"access_token":"t","expires_in":99999999999999999999}`, wantErr: "expires_in is not a whole number of seconds"},
		// 9223372037 s is just past the 292 years a time.Duration holds.
		{name: "expires_in beyond a Duration", body: `{"access_token":"t","expires_in":9223372037}`, wantErr: "expires_in is too large to be a lifetime"},
		{name: "no access_token", body: `{"token_type":"Bearer","expires_in":1440}`, wantErr: "the answer has no access_token"},
		{name: "empty access_token", body: `{"access_token":"","expires_in":1440}`, wantErr: "the answer has no access_token"},
		{name: "null", body: `null`, wantErr: "the answer has no access_token"},
		{name: "not JSON", body: `<html>502</html>`, wantErr: "the answer is not the JSON object RFC 6749 §5.1 describes"},
		{name: "a list", body: `[{"access_token":"t"}]`, wantErr: "the answer is not the JSON object RFC 6749 §5.1 describes"},
		{name: "access_token a number", body: `{"access_token":42}`, wantErr: "the answer is not the JSON object RFC 6749 §5.1 describes"},
		{name: "empty", body: ``, wantErr: "the answer is not the JSON object RFC 6749 §5.1 describes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := quickstart.ParseToken([]byte(tt.body), now)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				assert.Equal(t, quickstart.Token{}, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestTokenExpired(t *testing.T) {
	now := time.Date(2026, 4, 1, 7, 0, 0, 0, time.UTC)
	tok, err := quickstart.ParseToken([]byte(`{"access_token":"t","type":"Bearer","expires_in":1440}`), now)
	require.NoError(t, err)
	forever, err := quickstart.ParseToken([]byte(`{"access_token":"t","type":"Bearer"}`), now)
	require.NoError(t, err)

	tests := []struct {
		name string
		tok  quickstart.Token
		at   time.Time
		want bool
	}{
		{name: "when it arrived", tok: tok, at: now, want: false},
		{name: "one ns before ExpiresAt", tok: tok, at: tok.ExpiresAt.Add(-time.Nanosecond), want: false},
		{name: "exactly at ExpiresAt", tok: tok, at: now.Add(1440 * time.Second), want: true},
		{name: "after", tok: tok, at: now.Add(time.Hour), want: true},
		{name: "no expires_in, a century later", tok: forever, at: now.AddDate(100, 0, 0), want: false},
		{name: "zero token", tok: quickstart.Token{}, at: now, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.tok.Expired(tt.at))
		})
	}
}

func TestLifetime(t *testing.T) {
	tests := []struct {
		seconds int
		want    string
	}{
		{1440, "1440 s, 24 min"},
		{30, "30 s"},
		{1, "1 s"},
		{59, "59 s"},
		{60, "60 s, 1 min"},
		{90, "90 s, 1 min 30 s"},
		{3599, "3599 s, 59 min 59 s"},
		{3600, "3600 s, 1 h"},
		{3601, "3601 s, 1 h 1 s"},
		{3661, "3661 s, 1 h 1 min 1 s"},
		{5400, "5400 s, 1 h 30 min"},
		{86400, "86400 s, 24 h"},
		{0, "not given"},
		{-1, "not given"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, quickstart.Lifetime(tt.seconds))
		})
	}
}

func TestCountdown(t *testing.T) {
	now := time.Date(2026, 4, 1, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		expiresAt time.Time
		now       time.Time
		want      string
	}{
		{name: "a fresh quickstart token", expiresAt: now.Add(1440 * time.Second), now: now, want: "24:00"},
		{name: "59.2 s rounds up", expiresAt: now.Add(59200 * time.Millisecond), now: now, want: "1:00"},
		{name: "59 s", expiresAt: now.Add(59 * time.Second), now: now, want: "0:59"},
		{name: "one ns left still shows a second", expiresAt: now.Add(time.Nanosecond), now: now, want: "0:01"},
		{name: "expired now", expiresAt: now, now: now, want: "0:00"},
		{name: "expired before", expiresAt: now.Add(-5 * time.Second), now: now, want: "0:00"},
		{name: "hours", expiresAt: now.Add(3723 * time.Second), now: now, want: "1:02:03"},
		{name: "exactly an hour", expiresAt: now.Add(time.Hour), now: now, want: "1:00:00"},
		{name: "zero expiry", expiresAt: time.Time{}, now: now, want: "0:00"},
		// Sub saturates at 9223372036.854775807 s; rounded up, 2562047 h 47 min 17 s.
		{name: "beyond a Duration", expiresAt: now, now: time.Time{}, want: "2562047:47:17"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, quickstart.Countdown(tt.expiresAt, tt.now))
		})
	}
}

func TestDecodeJWT(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	header := `{"alg":"HS256","typ":"JWT"}`
	claims := `{"sub":"client-42","scope":"pms:read","exp":1775030400,"iss":"https://api.octotable.com"}`
	signingInput := seg(header) + "." + seg(claims)
	mac := hmac.New(sha256.New, []byte("octoplay test key"))
	mac.Write([]byte(signingInput))
	hs256 := signingInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))

	tests := []struct {
		name   string
		token  string
		want   quickstart.JWT
		wantOK bool
	}{
		{
			name: "HS256", token: hs256, wantOK: true,
			want: quickstart.JWT{
				Header: "{\n  \"alg\": \"HS256\",\n  \"typ\": \"JWT\"\n}",
				Claims: "{\n  \"sub\": \"client-42\",\n  \"scope\": \"pms:read\",\n  \"exp\": 1775030400,\n  \"iss\": \"https://api.octotable.com\"\n}",
			},
		},
		{
			name: "unsecured, empty signature", token: seg(`{"alg":"none"}`) + "." + seg(`{}`) + ".", wantOK: true,
			want: quickstart.JWT{Header: "{\n  \"alg\": \"none\"\n}", Claims: "{}"},
		},
		{name: "opaque", token: "2YotnFZFEjr1zCsicMWpAA"},
		{name: "empty", token: ""},
		{name: "two parts", token: signingInput},
		{name: "four parts", token: hs256 + ".x"},
		{name: "JWE's five parts", token: signingInput + ".a.b.c"},
		{name: "bad base64 in the header", token: "eyJ!bad." + seg(claims) + ".sig"},
		{name: "bad base64 in the claims", token: seg(header) + ".e*y.sig"},
		{name: "header not JSON", token: seg("hello") + "." + seg(claims) + ".sig"},
		{name: "claims not JSON", token: seg(header) + "." + seg("{not json") + ".sig"},
		{name: "claims a list", token: seg(header) + "." + seg(`["a"]`) + ".sig"},
		{name: "dotted opaque token", token: "abc.def.ghi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := quickstart.DecodeJWT(tt.token)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}
