//go:build !js

package server

import (
	"bytes"
	"net/http"
	"sync"

	"octoplay/app/ui"
)

// maxCachedPages bounds the answers pageCache keeps: the page for each
// link that was asked for (its choices change the prerendered page), and
// go-app's scripts, manifest and worker. A stranger who asks for many
// different links fills it, and the rest are then made for each request
// as before the cache; what is kept stays.
const maxCachedPages = 256

// pageCache serves what the page handler answers (the prerendered page,
// go-app's app.js corrected, its manifest and worker) from memory: each is
// made once per build and link, not once per request (the prerender and
// its correction cost about a millisecond of CPU; a copy from memory, a
// few microseconds). An answer depends on the build, the path and the
// link's choices alone (ui.CanonicalLink), so that is its key; go-app's
// ETag, the build's version, and its 304 hold as they did. Only complete
// 200 answers are kept.
type pageCache struct {
	next http.Handler

	mu      sync.Mutex
	answers map[string]*cachedAnswer
}

type cachedAnswer struct {
	header http.Header
	body   []byte
}

func newPageCache(next http.Handler) *pageCache {
	return &pageCache{next: next, answers: map[string]*cachedAnswer{}}
}

func (c *pageCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		c.next.ServeHTTP(w, r)
		return
	}
	key := r.URL.Path + "?" + ui.CanonicalLink(r.URL.Query())
	c.mu.Lock()
	a := c.answers[key]
	c.mu.Unlock()
	if a == nil {
		rec := &answerRecorder{header: http.Header{}}
		c.next.ServeHTTP(rec, r)
		if !rec.cacheable() {
			rec.writeTo(w)
			return
		}
		a = &cachedAnswer{header: rec.header, body: rec.body.Bytes()}
		c.mu.Lock()
		if len(c.answers) < maxCachedPages {
			c.answers[key] = a
		}
		c.mu.Unlock()
	}
	a.serve(w, r)
}

// serve answers r with a, or 304 when r already holds it.
func (a *cachedAnswer) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	if etag := a.header.Get("ETag"); etag != "" && r.Header.Get("If-None-Match") == etag {
		h.Del("Content-Length")
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(a.body)
	}
}

// answerRecorder keeps an answer whole, to keep it or to pass it on.
type answerRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *answerRecorder) Header() http.Header { return a.header }

func (a *answerRecorder) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

func (a *answerRecorder) Write(b []byte) (int, error) {
	a.WriteHeader(http.StatusOK)
	return a.body.Write(b)
}

// cacheable says whether the answer is a whole 200 for everyone: no
// cookie, nothing private.
func (a *answerRecorder) cacheable() bool {
	return (a.status == http.StatusOK || a.status == 0) && a.header.Get("Set-Cookie") == "" &&
		a.header.Get("Cache-Control") != "private" && a.body.Len() > 0
}

// writeTo passes the answer on as it came.
func (a *answerRecorder) writeTo(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	if a.status == 0 {
		a.status = http.StatusOK
	}
	w.WriteHeader(a.status)
	w.Write(a.body.Bytes())
}
