package quickstart_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"octoplay/app/quickstart"
)

// jwtWith is a token with claims as its payload and a signature no one
// checks: the playground reads claims, it never verifies them.
func jwtWith(claims string) string {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	return seg(`{"typ":"JWT","alg":"RS256"}`) + "." + seg(claims) + ".c2lnbmF0dXJl"
}

func TestDecodeClaims(t *testing.T) {
	iat := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		token  string
		want   quickstart.Claims
		wantOK bool
	}{
		{
			name:   "the sandbox's",
			token:  jwtWith(`{"sub":"octoplay-demo","iss":"OCTOTABLE-SANDBOX","groups":["api-client"],"property_id":1001,"exp":1772360640,"iat":1772359200,"jti":"0b6c…"}`),
			wantOK: true,
			want: quickstart.Claims{Subject: "octoplay-demo", Issuer: "OCTOTABLE-SANDBOX", Groups: []string{"api-client"},
				PropertyID: "1001", IssuedAt: iat, ExpiresAt: iat.Add(24 * time.Minute)},
		},
		{
			name: "property_id as a string of digits", wantOK: true,
			token: jwtWith(`{"property_id":"00042"}`), want: quickstart.Claims{PropertyID: "42"},
		},
		{
			name: "claims of other types are left out", wantOK: true,
			token: jwtWith(`{"sub":7,"iss":null,"groups":["a",1],"property_id":-1,"exp":"soon","iat":true}`),
		},
		{name: "a fractional property_id", wantOK: true, token: jwtWith(`{"property_id":10.5}`)},
		{name: "a property_id too large", wantOK: true, token: jwtWith(`{"property_id":99999999999999999999}`)},
		{name: "a property_id not digits", wantOK: true, token: jwtWith(`{"property_id":"12a"}`)},
		{
			name: "a fractional exp", wantOK: true,
			token: jwtWith(`{"exp":1772359200.5}`), want: quickstart.Claims{ExpiresAt: iat.Add(500 * time.Millisecond)},
		},
		{name: "an exp past year 9999", wantOK: true, token: jwtWith(`{"exp":253402300800}`)},
		{name: "an exp at the epoch", wantOK: true, token: jwtWith(`{"exp":0}`)},
		{name: "no claims", wantOK: true, token: jwtWith(`{}`)},
		{name: "opaque", token: "2YotnFZFEjr1zCsicMWpAA"},
		{name: "claims a list", token: jwtWith(`["sub"]`)},
		{name: "empty", token: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := quickstart.DecodeClaims(tt.token)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestExpiryNote(t *testing.T) {
	iat := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		claims    quickstart.Claims
		expiresIn int
		want      string
	}{
		{
			name: "the same", claims: quickstart.Claims{IssuedAt: iat, ExpiresAt: iat.Add(24 * time.Minute)}, expiresIn: 1440,
			want: "exp says it expires at 2026-03-01 10:24:00 UTC, 24 min after iat; expires_in said 1440 s, the same.",
		},
		{
			name: "OctoTable's samples", claims: quickstart.Claims{IssuedAt: iat, ExpiresAt: iat.Add(15 * 24 * time.Hour)}, expiresIn: 1440,
			want: "exp says it expires at 2026-03-16 10:00:00 UTC, 15 days after iat; expires_in said 1440 s (24 min): " +
				"they disagree, and the API's 401 invalid_token is what counts.",
		},
		{
			name: "no iat", claims: quickstart.Claims{ExpiresAt: iat}, expiresIn: 60,
			want: "exp says it expires at 2026-03-01 10:00:00 UTC; expires_in said 60 s.",
		},
		{
			name: "iat after exp", claims: quickstart.Claims{IssuedAt: iat.Add(time.Second), ExpiresAt: iat}, expiresIn: 60,
			want: "exp says it expires at 2026-03-01 10:00:00 UTC; expires_in said 60 s.",
		},
		{
			name: "no expires_in", claims: quickstart.Claims{IssuedAt: iat, ExpiresAt: iat.Add(26*time.Hour + 30*time.Second)},
			want: "exp says it expires at 2026-03-02 12:00:30 UTC, 1 day 2 h 30 s after iat; the answer gave no expires_in.",
		},
		{
			name: "issued and expired at once", claims: quickstart.Claims{IssuedAt: iat, ExpiresAt: iat}, expiresIn: 1,
			want: "exp says it expires at 2026-03-01 10:00:00 UTC, 0 s after iat; expires_in said 1 s (1 s): " +
				"they disagree, and the API's 401 invalid_token is what counts.",
		},
		{name: "no exp", claims: quickstart.Claims{IssuedAt: iat}, expiresIn: 1440},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.claims.ExpiryNote(tt.expiresIn))
		})
	}
}

// FuzzDecodeClaims: any token, JWT or not, is read without a panic, and
// the dates it gives print in four-digit years.
func FuzzDecodeClaims(f *testing.F) {
	f.Add(jwtWith(`{"sub":"a","iss":"B","groups":["c"],"property_id":1001,"exp":1772360640,"iat":1772359200}`))
	f.Add(jwtWith(`{"exp":1e300,"iat":-1,"property_id":"9"}`))
	f.Add("opaque")
	f.Fuzz(func(t *testing.T, token string) {
		c, _ := quickstart.DecodeClaims(token)
		for _, d := range []time.Time{c.IssuedAt, c.ExpiresAt} {
			if !d.IsZero() && len(quickstart.DateText(d)) != len("2006-01-02 15:04:05 UTC") {
				t.Errorf("date %q", quickstart.DateText(d))
			}
		}
		_ = c.ExpiryNote(1440)
	})
}
