package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
	"octoplay/internal/wire"
	"octoplay/server/relay"
)

// rawRelayPost sends POST /relay from ip declaring declared bytes and
// sending sent of them, and returns the connection (to hold it open) and a
// reader of its answer.
func rawRelayPost(t *testing.T, host, ip string, declared, sent int) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := loopback.Dialer(ip).Dial("tcp", host)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST /relay HTTP/1.1\r\nHost: %s\r\nContent-Type: message/ohttp-req\r\nContent-Length: %d\r\n\r\n%s",
		host, declared, strings.Repeat("x", sent))
	return c, bufio.NewReader(c)
}

// problemOf reads an answer and its problem type.
func problemOf(t *testing.T, r *bufio.Reader) (int, string) {
	t.Helper()
	res, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var typ string
	if i := strings.Index(string(body), `"type":"`); i >= 0 {
		typ, _, _ = strings.Cut(string(body[i+len(`"type":"`):]), `"`)
	}
	return res.StatusCode, typ
}

// TestUploadAdmittedAfterTheRelaysRateLimit: a client over its relay rate
// is told so (429) even while stalled uploads hold the whole budget: its
// upload is never weighed against the budget, so it can neither take any
// of it nor be told the server is busy when it is the client that must
// wait. The limits' clock stands still, so no stalled upload turns slow
// and none is cut.
func TestUploadAdmittedAfterTheRelaysRateLimit(t *testing.T) {
	clock := testkit.NewClock(time.Now())
	metricsAddr := testkit.FreeAddr(t)
	s := startServerWith(t, swaps{assets: standInAssets(), limitClock: clock.Now}, nil,
		"-relay-burst", "1", "-upload-budget-mib", "2", "-metrics-addr", metricsAddr)
	host := strings.TrimPrefix(s.URL, "http://")
	const declared = relay.MaxSealedRequest
	// Uploads over 16 KiB may hold three quarters of the budget: six of
	// these, each from a range of its own, each counted before the next.
	for i := range 6 {
		rawRelayPost(t, host, loopback.Addr((i+1)<<8), declared, 100)
		testkit.WaitFor(t, 10*time.Second, func() bool {
			got, _ := scrape(t, "http://"+metricsAddr)
			return got["octoplay_uploads_in_flight"] == float64(i+1)
		}, "the stalled upload is read")
	}
	_, r := rawRelayPost(t, host, loopback.Addr(40<<8), declared, 0)
	status, typ := problemOf(t, r)
	require.Equal(t, http.StatusServiceUnavailable, status, "the stalled uploads hold the budget")
	require.Equal(t, wire.ProblemBusy.URI, typ)

	client := loopback.Addr(200 << 8)
	_, r = rawRelayPost(t, host, client, 10, 10) // spends the client's burst of 1
	status, _ = problemOf(t, r)
	require.Equal(t, http.StatusBadRequest, status, "a relayed request, refused as not sealed")
	_, r = rawRelayPost(t, host, client, declared, 0)
	status, typ = problemOf(t, r)
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, wire.ProblemRateLimited.URI, typ)
}
