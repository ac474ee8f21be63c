package page

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"octoplay/app/ui"
	"octoplay/internal/testkit"
	"octoplay/server/assets"
)

// parsePage parses the page as a browser does before any script runs.
func parsePage(t *testing.T, page string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	require.NoError(t, err)
	return doc
}

// elements are the elements of doc that match.
func elements(doc *html.Node, match func(*html.Node) bool) []*html.Node {
	var found []*html.Node
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && match(n) {
			found = append(found, n)
		}
	}
	return found
}

// servePage serves New's page for stand-in assets over loopback, with
// publicURL and the origins that may frame it.
func servePage(t *testing.T, publicURL string, frameAncestors ...string) *httptest.Server {
	t.Helper()
	st, err := assets.NewServer(testkit.StandInWeb(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	h, err := New(st, publicURL, frameAncestors)
	require.NoError(t, err)
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// get fetches url with the headers, and reads its body.
func get(t *testing.T, url string, headers map[string]string) (*http.Response, string) {
	return testkit.Get(t, url, headers)
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// The page before the wasm runs is the page a slow link shows for seconds,
// a blocked wasm for good, and link previews and crawlers read: it must say
// what the page will do, in valid HTML and ARIA.
func TestTheFirstPaintIsHonest(t *testing.T) {
	s := servePage(t, "https://playground.example.com", "https://docs.example.com")
	res, page := get(t, s.URL+"/?env=sandbox&auth=basic&method=DELETE&client_secret=s3cret", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	doc := parsePage(t, page)

	// HTML reads checked="false" as checked: only what is chosen says so.
	for _, key := range []string{"checked", "selected", "open", "disabled"} {
		for _, n := range elements(doc, func(n *html.Node) bool { v, ok := attr(n, key); return ok && v == "false" }) {
			t.Errorf(`<%s id=%q> has %s="false", which HTML reads as set`, n.Data, idOf(n), key)
		}
	}
	for _, sel := range elements(doc, func(n *html.Node) bool { return n.Data == "select" }) {
		selected := elements(sel, func(n *html.Node) bool { _, ok := attr(n, "selected"); return n.Data == "option" && ok })
		assert.LessOrEqual(t, len(selected), 1, "select %s", idOf(sel))
	}
	chosen := func(id string) string {
		for _, o := range elements(doc, func(n *html.Node) bool { _, ok := attr(n, "selected"); return n.Data == "option" && ok }) {
			if idOf(o.Parent) == id {
				v, _ := attr(o, "value")
				return v
			}
		}
		return ""
	}
	assert.Equal(t, "basic", chosen(ui.IDAuthStyle), "the link's choices are the first paint's")
	assert.Equal(t, "DELETE", chosen(ui.IDStep2Method))
	assert.Equal(t, "form", chosen("encoding"))
	remember := elements(doc, func(n *html.Node) bool { return idOf(n) == ui.IDRememberID })
	require.Len(t, remember, 1)
	_, checked := attr(remember[0], "checked")
	assert.False(t, checked, "remember my client id is not ticked")
	assert.False(t, strings.Contains(page, "s3cret"), "a credential in the URL is never read")

	// ARIA states in full: a bare aria-selected reads as empty.
	for _, n := range elements(doc, func(*html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "aria-") && a.Val == "" {
				t.Errorf("<%s id=%q> has an empty %s", n.Data, idOf(n), a.Key)
			}
		}
	}
	send := elements(doc, func(n *html.Node) bool { return idOf(n) == ui.IDRequestToken })
	require.Len(t, send, 1)
	blocked, _ := attr(send[0], "aria-disabled")
	assert.Equal(t, "true", blocked)

	// No code without an environment: a line says so, and no tab offers
	// a choice of nothing.
	for _, step := range []ui.StepIDs{ui.Step1, ui.Step2} {
		assert.Len(t, elements(doc, func(n *html.Node) bool { return idOf(n) == step.CodePending() }), 1, string(step))
	}
	assert.Empty(t, elements(doc, func(n *html.Node) bool { v, _ := attr(n, "role"); return v == "tab" || v == "tabpanel" }))

	// No request shown without an environment to send it to.
	assert.False(t, strings.Contains(page, "POST  HTTP/1.1") || strings.Contains(page, "Host: \n"), "a request with no environment shown")

	meta := func(key, name string) []string {
		var contents []string
		for _, n := range elements(doc, func(n *html.Node) bool { v, _ := attr(n, key); return n.Data == "meta" && v == name }) {
			c, _ := attr(n, "content")
			contents = append(contents, c)
		}
		return contents
	}
	assert.Equal(t, []string{"https://playground.example.com/"}, meta("property", "og:url"))
	require.Len(t, meta("property", "og:image"), 1)
	assert.Regexp(t, `^https://playground\.example\.com/[0-9a-f]+/web/icons/icon-512\.png$`, meta("property", "og:image")[0])
	assert.Empty(t, meta("name", "author"), "no empty author")
	assert.Equal(t, []string{"https://docs.example.com"}, meta("name", "octoplay-frame-ancestors"), "the origins the embed tells its height")

	scripts := elements(doc, func(n *html.Node) bool {
		src, _ := attr(n, "src")
		return n.Data == "script" && strings.HasSuffix(src, "/web/loader.js")
	})
	assert.Len(t, scripts, 1, "the loader that explains a failed load")

	// One style sheet for the first paint to wait for: the page's own.
	var sheets []string
	for _, n := range elements(doc, func(n *html.Node) bool { v, _ := attr(n, "rel"); return n.Data == "link" && v == "stylesheet" }) {
		href, _ := attr(n, "href")
		sheets = append(sheets, href)
	}
	require.Len(t, sheets, 1, "style sheets: %q", sheets)
	assert.Regexp(t, `^/[0-9a-f]+/web/styles\.css$`, sheets[0])
}

// Without a public URL to name, the link preview tags go rather than lie.
func TestTheFirstPaintLeavesOutWhatItCannotName(t *testing.T) {
	page := string(correctPage([]byte(`<html><head><meta name="author"><meta property="og:url" content="https://"><meta property="og:image" content="https:///v/web/i.png"><meta property="og:title" content="t"><link rel="stylesheet" href="/app.css" type="text/css"></head><body><button aria-pressed aria-label="x">b</button><pre>aria-busy &lt;kept&gt;</pre></body></html>`), "", "/"))
	assert.Equal(t, `<html><head><meta property="og:title" content="t"></head><body><button aria-pressed="true" aria-label="x">b</button><pre>aria-busy &lt;kept&gt;</pre></body></html>`, page)
}

func idOf(n *html.Node) string {
	id, _ := attr(n, "id")
	return id
}
