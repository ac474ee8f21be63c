package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
)

// The real page: the same bytes each time (go-app writes attributes in a
// random order; a kept page does not), 304 on its ETag, and a client
// address over the page's rate is refused while another still gets it.
func TestThePageIsServedFromMemoryUnderARatePerAddress(t *testing.T) {
	// The limits' clock stands still: the burst is a count of requests,
	// however slowly this machine sends them.
	clock := testkit.NewClock(time.Now())
	s := startServerWith(t, swaps{assets: standInAssets(), limitClock: clock.Now}, nil)
	res, first := get(t, s.URL+"/?env=sandbox", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	for range 5 {
		_, again := get(t, s.URL+"/?env=sandbox", nil)
		require.Equal(t, first, again, "the same page, byte for byte")
	}
	etag := res.Header.Get("ETag")
	require.NotEmpty(t, etag)
	not, _ := get(t, s.URL+"/?env=sandbox", map[string]string{"If-None-Match": etag})
	assert.Equal(t, http.StatusNotModified, not.StatusCode)

	greedy := loopback.Client(loopback.Addr(0))
	statuses := map[int]int{}
	for range pageBurst + 10 {
		res, err := greedy.Get(s.URL + "/")
		require.NoError(t, err)
		res.Body.Close()
		statuses[res.StatusCode]++
		if res.StatusCode == http.StatusTooManyRequests {
			assert.NotEmpty(t, res.Header.Get("Retry-After"))
		}
	}
	assert.Equal(t, map[int]int{http.StatusOK: pageBurst, http.StatusTooManyRequests: 10}, statuses, "the burst, then refused")
	other, err := loopback.Client(loopback.Addr(1)).Get(s.URL + "/")
	require.NoError(t, err)
	other.Body.Close()
	assert.Equal(t, http.StatusOK, other.StatusCode, "another address still gets the page")
}
