//go:build !js

package page

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/testkit"
)

// The page is compressed once, when it is kept, and each request gets the
// coding its Accept-Encoding prefers, with its own strong ETag and Vary.
func TestThePageIsServedCompressedFromMemory(t *testing.T) {
	var made atomic.Int32
	html := "<p>" + strings.Repeat("the prerendered page ", 200) + "</p>"
	page := newPageCache(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		made.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(html))
	}))
	get := func(header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/", nil)
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		page.ServeHTTP(w, r)
		return w
	}
	etags := map[string]string{}
	for _, ae := range []string{"br", "gzip", ""} {
		res := get("Accept-Encoding", ae)
		require.Equal(t, http.StatusOK, res.Code, ae)
		assert.Equal(t, ae, res.Header().Get("Content-Encoding"), ae)
		assert.Contains(t, res.Header().Values("Vary"), "Accept-Encoding", ae)
		if ae != "" {
			assert.Less(t, res.Body.Len(), len(html), ae)
		}
		assert.True(t, bytes.Equal([]byte(html), testkit.Decompress(t, ae, res.Body.Bytes())), ae)
		etags[ae] = res.Header().Get("ETag")
		not := get("Accept-Encoding", ae, "If-None-Match", etags[ae])
		assert.Equal(t, http.StatusNotModified, not.Code, ae)
	}
	assert.Len(t, map[string]bool{etags["br"]: true, etags["gzip"]: true, etags[""]: true}, 3, "each coding its own ETag")
	assert.Equal(t, int32(1), made.Load())
}
