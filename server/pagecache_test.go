package server

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
	"octoplay/internal/testkit/loopback"
)

// The page is made once per link, not once per request: what the link's
// choices do not change (an unknown parameter, a value the page does not
// offer) is the same page; other choices are another.
func TestThePageIsMadeOncePerLink(t *testing.T) {
	var made atomic.Int32
	page := newPageCache(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		made.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte("<p>the page for " + r.URL.RawQuery + "</p>"))
	}))
	get := func(target string, header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", target, nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		page.ServeHTTP(w, r)
		return w
	}
	first := get("/?env=sandbox&step=2")
	require.Equal(t, http.StatusOK, first.Code)
	for range 100 {
		again := get("/?env=sandbox&step=2")
		assert.Equal(t, first.Body.String(), again.Body.String())
	}
	get("/?step=2&env=sandbox&utm_source=newsletter&step=9")
	assert.Equal(t, int32(1), made.Load(), "the same link, however written, is made once")
	get("/?env=sandbox")
	assert.Equal(t, int32(2), made.Load(), "another link is another page")

	// go-app's ETag still answers 304, from memory.
	not := get("/?env=sandbox&step=2", "If-None-Match", `"v1"`)
	assert.Equal(t, http.StatusNotModified, not.Code)
	assert.Empty(t, not.Body.String())
	assert.Equal(t, `"v1"`, not.Header().Get("ETag"))

	// A HEAD gets the headers alone.
	r := httptest.NewRequest("HEAD", "/?env=sandbox", nil)
	w := httptest.NewRecorder()
	page.ServeHTTP(w, r)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Empty(t, w.Body.String())
	assert.Equal(t, int32(2), made.Load())
}

// What is not a whole 200 for everyone is never kept.
func TestThePageCacheKeepsOnlyWholeAnswers(t *testing.T) {
	var made atomic.Int32
	status := http.StatusNotFound
	page := newPageCache(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		made.Add(1)
		w.WriteHeader(status)
		w.Write([]byte("nope"))
	}))
	for range 3 {
		w := httptest.NewRecorder()
		page.ServeHTTP(w, httptest.NewRequest("GET", "/missing", nil))
		assert.Equal(t, http.StatusNotFound, w.Code)
		assert.Equal(t, "nope", w.Body.String())
	}
	assert.Equal(t, int32(3), made.Load())
}

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
