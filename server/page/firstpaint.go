//go:build !js

package page

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// firstPaint corrects what go-app writes into the page it prerenders that
// is not so, for the page a visitor sees before the wasm runs (seconds on
// a slow link, for good when the wasm is blocked) and the one crawlers and
// link previews read:
//   - go-app writes an attribute whose value is "true" bare, which ARIA
//     reads as empty: aria-selected, aria-pressed and the rest get "true";
//   - og:url and og:image come out as "https://" and "https:///…" without
//     a Domain: they get absolute URLs under publicURL, or go when there
//     is none;
//   - <meta name="author"> comes out empty: it goes;
//   - go-app links its /app.css before the page's own style sheet, a
//     second request that the first paint waits for: it goes, and
//     web/styles.css styles go-app's loading bar itself.
//
// Only text/html answers are read; go-app's scripts, manifest and worker
// pass as they are.
func firstPaint(publicURL string, next http.Handler) http.Handler {
	publicURL = strings.TrimRight(publicURL, "/")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := &pageBuffer{ResponseWriter: w, wants: isHTML}
		next.ServeHTTP(page, r)
		if !page.kept {
			return
		}
		page.writeKept(w, correctPage(page.buf.Bytes(), publicURL, r.URL.Path))
	})
}

// isHTML says whether an answer is a whole HTML page.
func isHTML(status int, h http.Header) bool {
	return status == http.StatusOK && strings.HasPrefix(h.Get("Content-Type"), "text/html")
}

// pageBuffer keeps an answer that wants accepts, to correct it; any other
// passes through.
type pageBuffer struct {
	http.ResponseWriter
	wants         func(status int, h http.Header) bool
	decided, kept bool
	status        int
	buf           bytes.Buffer
}

func (p *pageBuffer) decide(status int) {
	if p.decided {
		return
	}
	p.decided, p.status = true, status
	p.kept = p.wants(status, p.Header())
}

func (p *pageBuffer) WriteHeader(status int) {
	p.decide(status)
	if !p.kept {
		p.ResponseWriter.WriteHeader(status)
	}
}

func (p *pageBuffer) Write(b []byte) (int, error) {
	p.decide(http.StatusOK)
	if p.kept {
		return p.buf.Write(b)
	}
	return p.ResponseWriter.Write(b)
}

// writeKept sends what replaces a kept answer, with its status.
func (p *pageBuffer) writeKept(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(p.status)
	w.Write(body)
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (p *pageBuffer) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// correctPage rewrites the start tags firstPaint names and copies
// everything else byte for byte.
func correctPage(page []byte, publicURL, path string) []byte {
	z := html.NewTokenizer(bytes.NewReader(page))
	var out bytes.Buffer
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.Bytes() // io.EOF: go-app's page is whole
		}
		raw := bytes.Clone(z.Raw())
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		switch keep, changed := correctTag(&tok, publicURL, path); {
		case !keep:
		case changed:
			out.WriteString(tok.String())
		default:
			out.Write(raw)
		}
	}
}

// goAppStyles is the style sheet go-app links into every page it renders.
const goAppStyles = "/app.css"

// correctTag corrects one start tag in place: keep is false for a tag to
// leave out, changed true when it differs from what go-app wrote.
func correctTag(tok *html.Token, publicURL, path string) (keep, changed bool) {
	attr := func(key string) string {
		for _, a := range tok.Attr {
			if a.Key == key {
				return a.Val
			}
		}
		return ""
	}
	if tok.Data == "link" && attr("rel") == "stylesheet" && attr("href") == goAppStyles {
		return false, true
	}
	if tok.Data == "meta" {
		switch {
		case attr("name") == "author" && attr("content") == "":
			return false, true
		case attr("property") == "og:url":
			return absolute(tok, publicURL, path)
		case attr("property") == "og:image":
			u, err := url.Parse(attr("content"))
			if err != nil {
				return false, true
			}
			return absolute(tok, publicURL, u.Path)
		}
	}
	for i, a := range tok.Attr {
		if strings.HasPrefix(a.Key, "aria-") && a.Val == "" {
			tok.Attr[i].Val, changed = "true", true
		}
	}
	return true, changed
}

// absolute sets a meta's content to publicURL and path, or leaves the meta
// out when there is no public URL to name.
func absolute(tok *html.Token, publicURL, path string) (keep, changed bool) {
	if publicURL == "" {
		return false, true
	}
	for i, a := range tok.Attr {
		if a.Key == "content" {
			tok.Attr[i].Val = publicURL + path
		}
	}
	return true, true
}
