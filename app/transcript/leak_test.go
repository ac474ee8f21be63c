package transcript_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/app/quickstart"
	"octoplay/app/transcript"
	"octoplay/internal/bhttp"
)

// random is n characters that no text holds by chance.
func random(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

// leakCase is a client and its credentials, with the characters that
// break careless encoding.
type leakCase struct {
	name, id, secret, token, refresh string
}

func leakCases() []leakCase {
	return []leakCase{
		{name: "punctuation", id: "partner app:1", secret: `s+c/r=e%t"\:` + random(16), token: random(20) + "+/==", refresh: "rt-" + random(20)},
		{name: "non-ASCII", id: "zoë", secret: "ünïcødé " + random(16) + " ключ", token: "tok." + random(24) + ".é", refresh: random(24)},
		{name: "plain", id: "octoplay-demo", secret: random(24), token: random(32), refresh: random(32)},
	}
}

func request(method, rawURL string, body string, fields ...string) *bhttp.Request {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	authority := u.Host
	if u.User != nil {
		authority = u.User.String() + "@" + u.Host
	}
	req := &bhttp.Request{Method: method, Scheme: u.Scheme, Authority: authority, Path: path, Body: []byte(body)}
	for i := 0; i+1 < len(fields); i += 2 {
		req.Header.Add(fields[i], fields[i+1])
	}
	return req
}

func answer(status int, body string, fields ...string) *quickstart.Answer {
	a := &quickstart.Answer{Status: status, Body: []byte(body), Duration: 123456 * time.Microsecond}
	for i := 0; i+1 < len(fields); i += 2 {
		a.Header.Add(fields[i], fields[i+1])
	}
	return a
}

func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// unicodeEscaped writes s as a JSON string with every character \u-escaped,
// as some servers do.
func unicodeEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xffff {
			b.WriteString(jsonText(string(r)))
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// flow is a visit in which the credentials turn up everywhere a partner's
// requests and answers could carry them, in every encoding.
func flow(c leakCase) []transcript.Capture {
	const api = "https://api.octotable.com/octotable-pms/api/v2"
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.id) + ":" + url.QueryEscape(c.secret)))
	rawBasic := base64.StdEncoding.EncodeToString([]byte(c.id + ":" + c.secret))
	started := time.Date(2026, 11, 30, 14, 29, 1, 123e6, time.UTC)
	return []transcript.Capture{
		{Title: "Step 1: form", Started: started,
			Request: request("POST", "https://api.octotable.com/octotable-auth/api/v2/oauth2/token",
				"grant_type=client_credentials&client_id="+url.QueryEscape(c.id)+"&client_secret="+url.QueryEscape(c.secret),
				"content-type", "application/x-www-form-urlencoded", "accept", "application/json", "date", "Mon, 30 Nov 2026 14:29:01 GMT"),
			Answer: answer(200, `{"access_token": "`+jsonText(c.token)+`", "expires_in": 1440, "type": "Bearer", "refresh_token": "`+c.refresh+`"}`,
				"content-type", "application/json", "cache-control", "no-store")},
		{Title: "Step 1: Basic", Started: started.Add(time.Second),
			Request: request("POST", "https://api.octotable.com/octotable-auth/api/v2/oauth2/token", "grant_type=client_credentials",
				"content-type", "application/x-www-form-urlencoded", "authorization", "Basic "+basic),
			Answer: answer(200, `{"access_token":"`+unicodeEscaped(c.token)+`","expires_in":1440}`, "content-type", "application/json")},
		{Title: "Step 1: JSON, Basic as Go's SetBasicAuth writes it", Started: started.Add(2 * time.Second),
			Request: request("POST", "https://api.octotable.com/octotable-auth/api/v2/oauth2/token",
				"{\n  \"grant_type\": \"client_credentials\",\n  \"client_id\": \""+jsonText(c.id)+"\",\n  \"client_secret\": \""+unicodeEscaped(c.secret)+"\"\n}",
				"content-type", "application/json", "authorization", "Basic "+rawBasic),
			Answer: answer(401, `{"error": "invalid_client", "error_description": "no client `+jsonText(c.id)+` with secret `+strings.ReplaceAll(jsonText(c.secret), "/", `\/`)+`"}`,
				"content-type", "application/json", "www-authenticate", `Basic realm="octotable"`)},
		{Title: "Step 2: a write with the credentials pasted everywhere", Started: started.Add(3 * time.Second),
			Request: request("POST", "https://"+url.UserPassword(c.id, c.secret).String()+"@api.octotable.com/octotable-pms/api/v2/reservations/"+url.PathEscape(c.token)+
				"?access_token="+url.QueryEscape(c.token)+"&note="+url.QueryEscape("secret is "+c.secret)+"&x=1",
				`{"guest_name": "Ana", "nested": [{"deeper": {"Refresh_Token": "`+c.refresh+`", "id_token": {"any": "shape"}}}], `+
					`"note": "token `+jsonText(c.token)+` and basic `+basic+` and `+base64.URLEncoding.EncodeToString([]byte(c.id+":"+c.secret))+`", "n": 1.50}`,
				"accept", "application/json", "authorization", "Bearer "+c.token, "property", "1001",
				"content-type", "application/json", "x-debug", c.token, "x-auth", "Bearer "+c.token, "x-secret", url.QueryEscape(c.secret),
				"cookie", "session="+c.token, "octoplay-profile", "demo", "connection", "x-hop", "x-hop", c.secret),
			Answer: answer(201, "echo: "+c.secret+" / "+url.PathEscape(c.secret)+" / "+base64.StdEncoding.EncodeToString([]byte(c.secret))+
				" / "+base64.RawURLEncoding.EncodeToString([]byte("x"+c.token))+" / access_token="+url.QueryEscape(c.token)+
				` / {"client_secret": "`+jsonText(c.secret)+`"}`,
				"content-type", "text/plain", "x-echo", c.secret, "set-cookie", "session="+c.token+"; HttpOnly",
				"location", "reservations/1?access_token="+url.QueryEscape(c.token))},
		{Title: "Step 2: a form", Started: started.Add(4 * time.Second),
			Request: request("PATCH", api+"/reservations/1", "id_token="+url.QueryEscape(c.refresh)+"&client_secret="+url.QueryEscape(url.QueryEscape(c.secret))+"&adults=2",
				"content-type", "application/x-www-form-urlencoded", "authorization", "Bearer "+c.token)},
		{Title: "Step 2: not relayed", Started: started.Add(5 * time.Second),
			Request: request("GET", api+"/rooms", "", "authorization", "Bearer "+c.token), Failure: "relay refused a request for " + c.token},
	}
}

// leakForms are what the tests search an export for: the secret and the
// token as they are, URL-encoded both ways, JSON-escaped, the Basic
// credentials in both alphabets, and every 8 characters in a row of each
// credential.
func leakForms(c leakCase) map[string]string {
	forms := map[string]string{}
	for what, v := range map[string]string{"secret": c.secret, "token": c.token, "refresh token": c.refresh} {
		forms[what] = v
		forms[what+", query-escaped"] = url.QueryEscape(v)
		forms[what+", path-escaped"] = url.PathEscape(v)
		forms[what+", JSON-escaped"] = jsonText(v)
		for i := 0; i+8 <= len(v); i++ {
			forms[fmt.Sprintf("%s, bytes %d to %d", what, i, i+8)] = v[i : i+8]
		}
	}
	for _, pair := range []string{c.id + ":" + c.secret, url.QueryEscape(c.id) + ":" + url.QueryEscape(c.secret)} {
		for name, enc := range map[string]*base64.Encoding{"std": base64.StdEncoding, "url": base64.URLEncoding, "raw std": base64.RawStdEncoding, "raw url": base64.RawURLEncoding} {
			forms["Basic "+pair+" in base64 "+name] = enc.EncodeToString([]byte(pair))
		}
	}
	return forms
}

// texts are everything an export says: its bytes, and for the HAR every
// string it holds as JSON decodes it (an escaped quote would hide a window
// from a search of the bytes).
func texts(t *testing.T, har []byte, md string) []string {
	var doc any
	require.NoError(t, json.Unmarshal(har, &doc))
	var strs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				strs = append(strs, k)
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			strs = append(strs, v)
		}
	}
	walk(doc)
	return []string{string(har), strings.Join(strs, "\n"), md}
}

// found names the forms that texts hold.
func found(texts []string, forms map[string]string) []string {
	var leaks []string
	for name, f := range forms {
		for _, text := range texts {
			if strings.Contains(text, f) {
				leaks = append(leaks, fmt.Sprintf("%s (%q)", name, f))
				break
			}
		}
	}
	return leaks
}

func TestTranscriptHoldsNoCredential(t *testing.T) {
	for _, c := range leakCases() {
		t.Run(c.name, func(t *testing.T) {
			var exchanges []transcript.Exchange
			for _, capture := range flow(c) {
				exchanges = append(exchanges, transcript.Record(capture, transcript.Secrets{ClientID: c.id, ClientSecret: c.secret, Token: c.token}))
			}
			har, err := transcript.HAR(exchanges, "test")
			require.NoError(t, err)
			md := transcript.Markdown(exchanges, time.Date(2026, 11, 30, 14, 30, 0, 0, time.UTC))
			forms := leakForms(c)
			assert.Empty(t, found(texts(t, har, md), forms), "credentials in the export")
			assert.NotContains(t, md, "] by Octoplay", "no marker is marked again")
			assert.NotContains(t, md, "\x00", "no base64 run is left half collapsed")
			for _, what := range []string{"client secret", "access token", "client credentials", "refresh token", "ID token", "cookie"} {
				assert.Contains(t, string(har), transcript.Marker(what), "the HAR says where a %s was", what)
				assert.Contains(t, md, transcript.Marker(what), "the Markdown says where a %s was", what)
			}

			// Positive control: the search finds every form it looks for,
			// and finds the credentials in what DevTools would have saved of
			// the same flow.
			for name, f := range forms {
				assert.NotEmpty(t, found([]string{"planted: " + f}, map[string]string{name: f}), name)
			}
			var devtools strings.Builder
			for _, capture := range flow(c) {
				devtools.WriteString(capture.Request.Path + capture.Request.Authority)
				for _, f := range capture.Request.Header {
					devtools.WriteString(f.Value + "\n")
				}
				devtools.Write(capture.Request.Body)
				if capture.Answer != nil {
					devtools.Write(capture.Answer.Body)
				}
			}
			leaks := found([]string{devtools.String()}, forms)
			for _, want := range []string{"secret", "token", "refresh token", "secret, query-escaped", "token, path-escaped"} {
				assert.Contains(t, strings.Join(leaks, "\n"), want+" (", "the search sees the %s in the unredacted flow", want)
			}
		})
	}
}
