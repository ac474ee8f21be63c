package page

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
