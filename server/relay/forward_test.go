package relay

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/wire"
)

// TestRequestHeaders: fields about one connection (RFC 9110 §7.6.1) or
// about the browser and its proxies never reach OctoTable; the request's
// own fields do, as they came.
func TestRequestHeaders(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	req := h.inner("GET", up.URL+"/api/rooms",
		"connection", "x-listed, keep-alive",
		"x-listed", "hop",
		"keep-alive", "timeout=5",
		"te", "trailers",
		"upgrade", "websocket",
		"proxy-authorization", "Basic cHJveHk6cHc=",
		"proxy-connection", "keep-alive",
		"cookie", "session=abc",
		"host", "evil.example",
		"forwarded", "for=192.0.2.60;proto=http",
		"x-forwarded-for", "192.0.2.60",
		"x-forwarded-host", "evil.example",
		"x-real-ip", "192.0.2.60",
		"via", "1.1 evil",
		"trailer", "x-checksum",
		"transfer-encoding", "chunked",
		"content-length", "999",
		"accept", "application/json",
		"property", "1001",
		"authorization", "Bearer tok-123",
		"user-agent", "octoplay-test",
	)
	answer := h.do(t, req)
	require.Equal(t, http.StatusOK, answer.Status, string(answer.Body))
	got, _ := up.Last()

	dropped := []string{
		"Connection", "X-Listed", "Keep-Alive", "Te", "Upgrade", "Proxy-Authorization",
		"Proxy-Connection", "Cookie", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
		"X-Real-Ip", "Via", "Trailer", "Transfer-Encoding", "Date",
	}
	for _, name := range dropped {
		t.Run("drops "+name, func(t *testing.T) {
			assert.Empty(t, got.Header.Values(name))
		})
	}
	t.Run("Host is the target's", func(t *testing.T) {
		assert.Equal(t, up.Listener.Addr().String(), got.Host)
	})
	t.Run("Content-Length is the body's", func(t *testing.T) {
		assert.Equal(t, int64(0), got.ContentLength)
		assert.Empty(t, got.TransferEncoding)
	})
	kept := []struct{ name, want string }{
		{"Accept", "application/json"},
		{"Property", "1001"},
		{"Authorization", "Bearer tok-123"},
		{"User-Agent", "octoplay-test"},
	}
	for _, k := range kept {
		t.Run("keeps "+k.name, func(t *testing.T) {
			if got := got.Header.Values(k.name); len(got) != 1 || got[0] != k.want {
				t.Errorf("%s: got %q, want [%q]", k.name, got, k.want)
			}
		})
	}
}

func TestDefaultUserAgent(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	h.do(t, h.inner("GET", up.URL+"/api/"))
	got, _ := up.Last()
	assert.Equal(t, "Octoplay-relay", got.Header.Get("User-Agent"))
}

// TestResponseHeaders: the upstream's own fields come back; its hop-by-hop
// fields do not, nor can it forge the gateway's octoplay-problem.
func TestResponseHeaders(t *testing.T) {
	up := newUpstream(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "x-listed")
		w.Header().Set("X-Listed", "hop")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.Header().Set("Octoplay-Problem", wire.ProblemReplayed.URI)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Add("Www-Authenticate", `Bearer error="invalid_token"`)
		w.Header().Add("Www-Authenticate", `Basic realm="octotable"`)
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"success":false}`))
	})
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	answer := h.do(t, h.inner("GET", up.URL+"/api/"))
	assert.Equal(t, http.StatusUnauthorized, answer.Status)
	for _, name := range []string{"connection", "x-listed", "keep-alive", "octoplay-problem", "content-length"} {
		assert.Empty(t, answer.Header.Values(name), name)
	}
	assert.Equal(t, "application/json", answer.Header.Get("content-type"))
	assert.Equal(t, "no-store", answer.Header.Get("cache-control"))
	assert.Equal(t, []string{`Bearer error="invalid_token"`, `Basic realm="octotable"`}, answer.Header.Values("www-authenticate"))
	assert.NotEmpty(t, answer.Header.Get("date"), "the upstream's Date comes back")
	assert.Equal(t, `{"success":false}`, string(answer.Body))
}

// TestLargestStep2RequestPasses: the biggest body and the most, longest
// extra fields the playground lets Step 2 send (internal/wire's bounds),
// with the token, Property and Date beside them, open under the relay's
// inner limits and reach the upstream as they were sent.
func TestLargestStep2RequestPasses(t *testing.T) {
	up := newUpstream(t, nil)
	h := newHarness(t, []*Environment{loopbackEnv(t, "up", up, nil)})
	body := strings.Repeat("b", wire.MaxAPIBody)
	fields := []string{
		"authorization", "Bearer " + strings.Repeat("t", 400),
		"accept", "application/json", "property", "1001", "content-type", "application/json",
	}
	for i := range wire.MaxExtraFields {
		name := fmt.Sprintf("x-extra-%02d-", i)
		name += strings.Repeat("n", wire.MaxFieldNameLen-len(name))
		fields = append(fields, name, strings.Repeat("v", wire.MaxFieldValueLen))
	}
	req := h.inner("POST", up.URL+"/api/reservations", fields...)
	req.Body = []byte(body)
	answer := h.do(t, req)
	require.Equal(t, http.StatusOK, answer.Status, string(answer.Body))
	got, gotBody := up.Last()
	assert.Equal(t, body, gotBody)
	for i := 0; i+1 < len(fields); i += 2 {
		assert.Equal(t, []string{fields[i+1]}, got.Header.Values(fields[i]), fields[i])
	}
}

// Every field the relay drops is one wire.RelayDrops names, so that the
// playground refuses exactly those; what it keeps, it does not name.
func TestDroppedFieldsAreTheContractsList(t *testing.T) {
	for _, name := range []string{"Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
		"Proxy-Authorization", "Proxy-Connection", "Proxy-Anything", "Host", "Cookie", "Content-Length", "Date",
		"Forwarded", "X-Forwarded-For", "X-Real-IP", "Via", "Octoplay-Profile"} {
		_, listed := wire.RelayDrops(name)
		assert.True(t, listed, name)
		assert.True(t, dropField(name, nil), name)
	}
	for _, name := range []string{"Authorization", "Accept", "Property", "Content-Type", "Idempotency-Key", "X-Request-Id"} {
		_, listed := wire.RelayDrops(name)
		assert.False(t, listed, name)
		assert.False(t, dropField(name, nil), name)
	}
	assert.True(t, dropField("X-Listed", map[string]bool{"x-listed": true}), "a field Connection lists")
}
