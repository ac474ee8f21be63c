package bhttp

import "testing"

// step1 is Step 1 as the playground seals it, and step1Answer the token
// answer the relay seals back: the messages of every sealed exchange.
var (
	step1 = &Request{
		Method: "POST", Scheme: "https", Authority: "api.octotable.com",
		Path: "/octotable-auth/api/v2/oauth2/token",
		Header: Fields{
			{"accept", "application/json"},
			{"content-type", "application/x-www-form-urlencoded"},
			{"date", "Mon, 30 Nov 2026 16:20:00 GMT"},
			{"octoplay-client-auth", "body"},
		},
		Body: []byte("grant_type=client_credentials&client_id=octoplay-demo&client_secret=octoplay-demo-secret"),
	}
	step1Answer = &Response{
		Status: 200,
		Header: Fields{
			{"cache-control", "no-store"},
			{"content-length", "94"},
			{"content-type", "application/json"},
			{"date", "Mon, 30 Nov 2026 16:20:00 GMT"},
			{"pragma", "no-cache"},
		},
		Body: []byte(`{"access_token":"4uX0dPq8Yc2d9rT1kLm3nB7vW5xZ0aQe","expires_in":1440,"type":"Bearer","token_type":"Bearer"}`),
	}
)

// The gateway decodes every request it opens and encodes every answer it
// seals; the browser does the other two.
func BenchmarkBHTTP(b *testing.B) {
	req, err := step1.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	res, err := step1Answer.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("UnmarshalRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := UnmarshalRequest(req, DefaultLimits); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MarshalResponse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := step1Answer.MarshalBinary(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("MarshalRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := step1.MarshalBinary(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UnmarshalResponse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := UnmarshalResponse(res, DefaultLimits); err != nil {
				b.Fatal(err)
			}
		}
	})
}
