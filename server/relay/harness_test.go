package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/bhttp"
	"octoplay/internal/ohttp"
	"octoplay/internal/testkit"
	"octoplay/internal/wire"
)

// harness is a Relay behind an httptest server, with a client that seals
// to it as the browser does.
type harness struct {
	relay  *Relay
	srv    *httptest.Server
	client *ohttp.Client
	config ohttp.KeyConfig
	clock  *testkit.Clock // the Date window, the replay cache and the rate limiter all read it
	log    *testkit.SyncBuffer
	dials  *counter
}

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) inc() { c.mu.Lock(); c.n++; c.mu.Unlock() }
func (c *counter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

var testEpoch = time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)

// newHarness builds a Relay over envs whose dial guard allows loopback
// (and counts dials), with a generous rate limit, short timeouts and a
// fixed clock; opts adjust the Config last.
func newHarness(t *testing.T, envs []*Environment, opts ...func(*Config)) *harness {
	t.Helper()
	h := &harness{clock: testkit.NewClock(testEpoch), log: &testkit.SyncBuffer{}, dials: &counter{}}
	x25519, err := ohttp.GenerateKey(1, ohttp.KEMX25519)
	require.NoError(t, err)
	xwing, err := ohttp.GenerateKey(2, ohttp.KEMXWing)
	require.NoError(t, err)
	gw, err := ohttp.NewGateway(x25519, xwing)
	require.NoError(t, err)
	cfg := Config{
		Logger:       slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Gateway:      gw,
		Environments: envs,
		DialControl: func(string, string, syscall.RawConn) error {
			h.dials.inc()
			return nil
		},
		Timeouts:      Timeouts{Connect: 2 * time.Second, ResponseHeader: 2 * time.Second, Overall: 3 * time.Second},
		RatePerSecond: 1000,
		RateBurst:     1000,
		Now:           h.clock.Now,
	}
	for _, o := range opts {
		o(&cfg)
	}
	h.relay, err = New(cfg)
	require.NoError(t, err)
	h.srv = httptest.NewServer(h.relay.Handler(nil))
	t.Cleanup(h.srv.Close)

	configs, err := ohttp.ParseKeyConfigs(gw.KeyConfigs())
	require.NoError(t, err)
	h.config = configs[0]
	h.client, err = ohttp.NewClient(configs, func(ctx context.Context, sealed []byte) ([]byte, error) {
		res, body := h.post(t, sealed, nil)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != ohttp.MediaTypeResponse {
			return nil, fmt.Errorf("relay answered %d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			return nil, fmt.Errorf("sealed answer with Cache-Control %q, want no-store", cc)
		}
		return body, nil
	})
	require.NoError(t, err)
	return h
}

// post sends bytes to POST /relay as message/ohttp-req, with extra headers.
func (h *harness) post(t *testing.T, body []byte, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/relay", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ohttp.MediaTypeRequest)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, b
}

// inner is a request as the browser seals it, dated by the gateway's clock.
func (h *harness) inner(method, rawURL string, fields ...string) *bhttp.Request {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	req := &bhttp.Request{Method: method, Scheme: u.Scheme, Authority: u.Host, Path: u.RequestURI()}
	req.Header.Set("date", h.clock.Now().Format(http.TimeFormat))
	for i := 0; i+1 < len(fields); i += 2 {
		req.Header.Add(fields[i], fields[i+1])
	}
	return req
}

// do seals req, relays it and opens the answer.
func (h *harness) do(t *testing.T, req *bhttp.Request) *bhttp.Response {
	t.Helper()
	res, err := h.client.Do(context.Background(), req)
	require.NoError(t, err)
	return res
}

// sealRaw seals an already encoded inner request, for the tests that need
// the sealed bytes themselves or an inner request bhttp would not encode.
func (h *harness) sealRaw(t *testing.T, plain []byte) ([]byte, *ohttp.ClientContext) {
	t.Helper()
	sealed, ctx, err := ohttp.SealRequest(h.config, plain)
	require.NoError(t, err)
	return sealed, ctx
}

// openAnswer checks that body is a sealed answer and decodes it.
func openAnswer(t *testing.T, res *http.Response, body []byte, ctx *ohttp.ClientContext) *bhttp.Response {
	t.Helper()
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	require.Equal(t, ohttp.MediaTypeResponse, res.Header.Get("Content-Type"))
	plain, err := ctx.OpenResponse(body)
	require.NoError(t, err)
	answer, err := bhttp.UnmarshalResponse(plain, bhttp.Limits{})
	require.NoError(t, err)
	return answer
}

// assertProblem checks a sealed problem answer's status and type, and
// returns its detail.
func assertProblem(t *testing.T, res *bhttp.Response, status int, typ string) string {
	t.Helper()
	var p wire.Problem
	require.NoError(t, json.Unmarshal(res.Body, &p), "body %q", res.Body)
	assert.Equal(t, status, res.Status, "status; detail %q", p.Detail)
	assert.Equal(t, typ, p.Type, "problem type; detail %q", p.Detail)
	assert.Equal(t, status, p.Status)
	assert.Equal(t, "application/problem+json", res.Header.Get("content-type"))
	assert.Equal(t, typ, res.Header.Get("octoplay-problem"))
	return p.Detail
}

// assertPlainProblem checks an answer given before any request was opened.
func assertPlainProblem(t *testing.T, res *http.Response, body []byte, status int, typ string) {
	t.Helper()
	assert.Equal(t, status, res.StatusCode, string(body))
	assert.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	var p wire.Problem
	require.NoError(t, json.Unmarshal(body, &p), "body %q", body)
	assert.Equal(t, typ, p.Type)
	assert.Equal(t, status, p.Status)
}

// rawRequest encodes a known-length Binary HTTP request (RFC 9292 §3.1)
// without bhttp's checks, so that the gateway's decoder is what refuses.
func rawRequest(method, scheme, authority, path string, header bhttp.Fields) []byte {
	b := quicVarint(nil, 0)
	for _, s := range []string{method, scheme, authority, path} {
		b = append(quicVarint(b, len(s)), s...)
	}
	var sec []byte
	for _, f := range header {
		sec = append(quicVarint(sec, len(f.Name)), f.Name...)
		sec = append(quicVarint(sec, len(f.Value)), f.Value...)
	}
	b = append(quicVarint(b, len(sec)), sec...)
	return quicVarint(quicVarint(b, 0), 0) // no content, no trailers
}

// quicVarint appends v as RFC 9000 §16 writes it.
func quicVarint(b []byte, v int) []byte {
	switch {
	case v < 1<<6:
		return append(b, byte(v))
	case v < 1<<14:
		return append(b, 0x40|byte(v>>8), byte(v))
	default:
		return append(b, 0x80|byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
