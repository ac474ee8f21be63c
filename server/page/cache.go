//go:build !js

package page

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"octoplay/app/ui"
	"octoplay/internal/precompress"
	"octoplay/server/assets"
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
	// forms are the body in each coding of precompress.Codings that
	// makes it smaller, made once when the answer is kept: a browser
	// gets the page and go-app's scripts brotli- or gzip-compressed
	// like the wasm, never compressed per request.
	forms []encodedForm
}

// encodedForm is a cached answer's body in one content coding.
type encodedForm struct {
	coding string
	body   []byte
	etag   string
}

// newCachedAnswer keeps header and body with their compressed forms.
func newCachedAnswer(header http.Header, body []byte) *cachedAnswer {
	a := &cachedAnswer{header: header, body: body}
	if header.Get("Content-Encoding") != "" {
		return a
	}
	etag := header.Get("ETag")
	for _, c := range precompress.Codings() {
		var b bytes.Buffer
		if c.Encode(&b, body) != nil || b.Len() >= len(body) {
			continue
		}
		form := encodedForm{coding: c.Name, body: b.Bytes()}
		if strings.HasSuffix(etag, `"`) {
			// A strong ETag names one representation (RFC 9110 §8.8.3).
			form.etag = strings.TrimSuffix(etag, `"`) + "-" + c.Name + `"`
		}
		a.forms = append(a.forms, form)
	}
	return a
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
		a = newCachedAnswer(rec.header, rec.body.Bytes())
		c.mu.Lock()
		if len(c.answers) < maxCachedPages {
			c.answers[key] = a
		}
		c.mu.Unlock()
	}
	a.serve(w, r)
}

// serve answers r with a, in the coding its Accept-Encoding prefers, or
// 304 when r already holds that.
func (a *cachedAnswer) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range a.header {
		h[k] = v
	}
	body, etag := a.body, a.header.Get("ETag")
	if len(a.forms) > 0 {
		h.Add("Vary", "Accept-Encoding")
		codings := make([]string, len(a.forms))
		for i, f := range a.forms {
			codings[i] = f.coding
		}
		if i := assets.Negotiate(r.Header.Get("Accept-Encoding"), codings); i >= 0 {
			body, etag = a.forms[i].body, a.forms[i].etag
			h.Set("Content-Encoding", a.forms[i].coding)
			if etag == "" {
				h.Del("ETag")
			} else {
				h.Set("ETag", etag)
			}
		}
	}
	if etag != "" && r.Header.Get("If-None-Match") == etag {
		h.Del("Content-Length")
		h.Del("Content-Type")
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
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
