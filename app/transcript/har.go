package transcript

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// The HAR 1.2 document (http://www.softwareishard.com/blog/har-12-spec/),
// as Chromium's DevTools export and import it.

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Pages   []harPage  `json:"pages"`
	Entries []harEntry `json:"entries"`
	Comment string     `json:"comment,omitempty"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harPage struct {
	StartedDateTime string         `json:"startedDateTime"`
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	PageTimings     harPageTimings `json:"pageTimings"`
}

type harPageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
}

type harEntry struct {
	PageRef         string      `json:"pageref"`
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harNV      `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	MimeType string  `json:"mimeType"`
	Text     string  `json:"text"`
	Params   []harNV `json:"params,omitempty"`
}

type harResponse struct {
	Status      int        `json:"status"`
	StatusText  string     `json:"statusText"`
	HTTPVersion string     `json:"httpVersion"`
	Cookies     []harNV    `json:"cookies"`
	Headers     []harNV    `json:"headers"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	HeadersSize int        `json:"headersSize"`
	BodySize    int        `json:"bodySize"`
	Comment     string     `json:"comment,omitempty"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// harTimings: the playground knows the round trip alone, as the browser
// timed it, relay included; -1 is HAR's "does not apply".
type harTimings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	SSL     float64 `json:"ssl"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// HAR is the visit's exchanges as a HAR 1.2 file, from creatorVersion of
// Octoplay. The exchanges hold no secret (Record removed them), and the
// sizes HAR asks for are of what the file shows: a body whose credentials
// were removed has bodySize -1, as its size as sent is not told.
func HAR(exchanges []Exchange, creatorVersion string) ([]byte, error) {
	log := harLog{
		Version: "1.2",
		Creator: harCreator{Name: "Octoplay", Version: creatorVersion},
		Pages:   []harPage{},
		Entries: []harEntry{},
		Comment: "Requests as Octoplay's relay sent them upstream, and their answers. " + removedNote,
	}
	if len(exchanges) > 0 {
		log.Pages = append(log.Pages, harPage{
			StartedDateTime: harTime(exchanges[0].started), ID: "page_1", Title: "Octoplay",
			PageTimings: harPageTimings{OnContentLoad: -1, OnLoad: -1},
		})
	}
	for _, x := range exchanges {
		log.Entries = append(log.Entries, x.harEntry())
	}
	b, err := json.MarshalIndent(harFile{Log: log}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("transcript: HAR: %w", err)
	}
	return b, nil
}

// removedNote says what a transcript leaves out.
const removedNote = "Octoplay removed the client secret, the access token, every Authorization value, HTTP Basic credentials, cookies, " +
	"and every client_secret, access_token, refresh_token and id_token field, wherever they were; each shows as " +
	"[removed by Octoplay: what it was]."

func harTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func (x Exchange) harEntry() harEntry {
	ms := float64(x.duration.Microseconds()) / 1000
	e := harEntry{
		PageRef: "page_1", StartedDateTime: harTime(x.started), Time: ms,
		Request: x.request.har(),
		Timings: harTimings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1, Wait: ms},
		Comment: strings.TrimSpace(x.title + ". " + x.comment),
	}
	if x.title == "" {
		e.Comment = x.comment
	}
	if x.response == nil {
		e.Response = harResponse{
			Cookies: []harNV{}, Headers: []harNV{}, Content: harContent{MimeType: "x-unknown"},
			HeadersSize: -1, BodySize: -1, Comment: "Not relayed" + strings.TrimSuffix(": "+x.failure, ": ") + ".",
		}
		return e
	}
	e.Response = x.response.har()
	return e
}

func (m message) har() harRequest {
	r := harRequest{
		Method: m.method, URL: m.url, HTTPVersion: "HTTP/1.1",
		Cookies: []harNV{}, Headers: harHeaders(m.header), QueryString: []harNV{},
		HeadersSize: -1, BodySize: bodySize(m.body, m.bodyChanged),
	}
	if u, err := url.Parse(m.url); err == nil {
		r.QueryString = harParams(u.RawQuery)
	}
	if len(m.body) > 0 {
		mimeType := headerValue(m.header, "Content-Type")
		r.PostData = &harPostData{MimeType: mimeType, Text: string(m.body)}
		if mediaType, _, _ := mime.ParseMediaType(mimeType); mediaType == "application/x-www-form-urlencoded" {
			r.PostData.Params = harParams(string(m.body))
		}
	}
	return r
}

func (r *response) har() harResponse {
	h := harResponse{
		Status: r.status, StatusText: http.StatusText(r.status), HTTPVersion: "HTTP/1.1",
		Cookies: []harNV{}, Headers: harHeaders(r.header),
		HeadersSize: -1, BodySize: bodySize(r.body, r.bodyChanged),
		Content: harContent{Size: len(r.body), MimeType: headerValue(r.header, "Content-Type"), Text: string(r.body)},
	}
	if h.Content.MimeType == "" {
		h.Content.MimeType = "x-unknown"
	}
	if !utf8.Valid(r.body) {
		h.Content.Text, h.Content.Encoding = base64.StdEncoding.EncodeToString(r.body), "base64"
	}
	if r.status >= 300 && r.status < 400 {
		h.RedirectURL = headerValue(r.header, "Location")
	}
	return h
}

func bodySize(body []byte, changed bool) int {
	if changed {
		return -1
	}
	return len(body)
}

func harHeaders(h []field) []harNV {
	out := make([]harNV, len(h))
	for i, f := range h {
		out[i] = harNV{f.name, f.value}
	}
	return out
}

func headerValue(h []field, name string) string {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

// harParams are a form's or a query's pairs, decoded, in order.
func harParams(form string) []harNV {
	out := []harNV{}
	if form == "" {
		return out
	}
	for _, pair := range strings.Split(form, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil {
			k = name
		}
		if value, err := url.QueryUnescape(v); err == nil {
			v = value
		}
		out = append(out, harNV{k, v})
	}
	return out
}

// File names and media types of the two exports.
const (
	ExtHAR            = "har"
	ExtMarkdown       = "md"
	MediaTypeHAR      = "application/json" // HAR has no registered type; DevTools writes JSON
	MediaTypeMarkdown = "text/markdown; charset=utf-8"
)

// FileName names an export made at, with ext (ExtHAR or ExtMarkdown):
// octoplay-transcript-20261130T143000Z.har, the time in UTC.
func FileName(at time.Time, ext string) string {
	return "octoplay-transcript-" + at.UTC().Format("20060102T150405Z") + "." + ext
}
