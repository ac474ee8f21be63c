package clientaddr

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestParseProxiesRejectsBadCIDR(t *testing.T) {
	for _, bad := range []string{"10.0.0.0/33", "nope", "10.0.0/8"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q): no error", bad)
		}
	}
}

func TestMiddlewareForwardedAddress(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.168.1.7")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, peer string
		header     http.Header
		want       string
	}{
		{"untrusted peer's XFF ignored", "203.0.113.9:4000", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, "203.0.113.9"},
		{"untrusted peer's Forwarded ignored", "203.0.113.9:4000", http.Header{"Forwarded": {"for=198.51.100.1"}}, "203.0.113.9"},
		{"trusted XFF", "10.1.2.3:4000", http.Header{"X-Forwarded-For": {"198.51.100.1"}}, "198.51.100.1"},
		{"client-forged XFF: rightmost wins", "10.1.2.3:4000", http.Header{"X-Forwarded-For": {"1.2.3.4, 198.51.100.1"}}, "198.51.100.1"},
		{"trusted hops skipped", "10.1.2.3:4000", http.Header{"X-Forwarded-For": {"198.51.100.1, 10.9.9.9", "192.168.1.7"}}, "198.51.100.1"},
		{"Forwarded before XFF", "10.1.2.3:4000", http.Header{"Forwarded": {`for="[2001:db8::1]:443";proto=https`}, "X-Forwarded-For": {"198.51.100.1"}}, "2001:db8::/64"},
		{"Forwarded rightmost", "10.1.2.3:4000", http.Header{"Forwarded": {"for=1.2.3.4, for=198.51.100.2;by=10.0.0.1"}}, "198.51.100.2"},
		{"malformed XFF counts the proxy", "10.1.2.3:4000", http.Header{"X-Forwarded-For": {"1.2.3.4, junk"}}, "10.1.2.3"},
		{"malformed Forwarded counts the proxy", "10.1.2.3:4000", http.Header{"Forwarded": {"proto=https"}}, "10.1.2.3"},
		{"obfuscated Forwarded counts the proxy", "10.1.2.3:4000", http.Header{"Forwarded": {"for=_hidden"}}, "10.1.2.3"},
		{"only trusted hops counts the proxy", "10.1.2.3:4000", http.Header{"X-Forwarded-For": {"10.4.4.4"}}, "10.1.2.3"},
		{"no header", "10.1.2.3:4000", nil, "10.1.2.3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got string
			h := proxies.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = Of(r) }))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = c.peer
			r.Header = c.header
			if r.Header == nil {
				r.Header = http.Header{}
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != c.want {
				t.Errorf("Of = %q, want %q", got, c.want)
			}
		})
	}
}

func FuzzForwarded(f *testing.F) {
	proxies, _ := ParseProxies("10.0.0.0/8")
	f.Add("for=1.2.3.4;proto=http", "1.2.3.4, 10.0.0.1")
	f.Add(`for="[::1]:80"`, "")
	f.Fuzz(func(t *testing.T, fwd, xff string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "10.0.0.2:1"
		r.Header.Set("Forwarded", fwd)
		r.Header.Set("X-Forwarded-For", xff)
		if addr, ok := proxies.Forwarded(r); ok && proxies.Trusts(addr) {
			t.Fatalf("Forwarded gave a trusted proxy %v as the client", addr)
		}
	})
}
