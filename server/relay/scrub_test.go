package relay

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"octoplay/internal/clientauth"
	"octoplay/internal/wire"
)

// echoSecret holds what JSON, form and path escaping each change (a quote,
// a backslash, <, &, '+', ':', '/', a space, a non-ASCII letter), so that
// each form below is a text of its own.
const (
	echoID     = "echo client"
	echoSecret = `s3cr+t: "q" \ <&> é/x`
)

// echoForms are the ways an echoing upstream writes back the secret it
// was sent, worked out here from the standard library alone (not from the
// relay's list), each with its name.
func echoForms(secret string) map[string]string {
	quoted, _ := json.Marshal(secret)
	b := []byte(secret)
	return map[string]string{
		"as is":                secret,
		"query escaped":        url.QueryEscape(secret),
		"path escaped":         url.PathEscape(secret),
		"query escaped, lower": strings.ToLower(url.QueryEscape(secret)), // the secret's letters are lower case already
		"JSON":                 string(quoted[1 : len(quoted)-1]),
		"base64":               base64.StdEncoding.EncodeToString(b),
		"base64, raw":          base64.RawStdEncoding.EncodeToString(b),
		"base64url":            base64.URLEncoding.EncodeToString(b),
		"base64url, raw":       base64.RawURLEncoding.EncodeToString(b),
		"Basic, id:secret":     base64.StdEncoding.EncodeToString([]byte(echoID + ":" + secret)),
		"Basic, form-encoded":  strings.TrimPrefix(clientauth.Basic(echoID, secret), "Basic "),
	}
}

// echoUpstream is a real loopback upstream that echoes the client secret
// it was sent (in the body, form or JSON, or in the Basic header) in every
// form of echoForms, in its body and in its fields, and the whole request
// (line, fields, body) as text and in base64; gzipped when asked (in
// Accept-Encoding, or with gzip=always in the body, for one that does it
// anyway). It
// keeps each answer it wrote, so that a test can show the forms were
// there to remove.
type echoUpstream struct {
	*upstream
	mu      sync.Mutex
	written []string
}

func newEchoUpstream(t *testing.T) *echoUpstream {
	e := &echoUpstream{}
	e.upstream = newUpstream(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		secret := sentSecret(r, body)
		var out bytes.Buffer
		var dump bytes.Buffer
		r.Header.Write(&dump)
		fmt.Fprintf(&out, "%s %s\n%s\n%s\n", r.Method, r.URL, dump.String(), body)
		fmt.Fprintf(&out, "whole request in base64: %s\n", base64.StdEncoding.EncodeToString(append(dump.Bytes(), body...)))
		for name, f := range echoForms(secret) {
			fmt.Fprintf(&out, "%s: %s\n", name, f)
			w.Header().Add("Echo-Secret", f)
		}
		w.Header().Set("Echo-Authorization", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "text/plain")
		e.mu.Lock()
		e.written = append(e.written, out.String())
		e.mu.Unlock()
		if r.Header.Get("Accept-Encoding") == "gzip" || bytes.Contains(body, []byte("gzip=always")) {
			w.Header().Set("Content-Encoding", "gzip")
			z := gzip.NewWriter(w)
			z.Write(out.Bytes())
			z.Close()
			return
		}
		w.Write(out.Bytes())
	})
	return e
}

// sentSecret is the client secret in a token request, from wherever it came.
func sentSecret(r *http.Request, body []byte) string {
	if _, secret, ok := r.BasicAuth(); ok {
		s, _ := url.QueryUnescape(secret)
		return s
	}
	var j map[string]any
	if json.Unmarshal(body, &j) == nil {
		s, _ := j["client_secret"].(string)
		return s
	}
	v, _ := url.ParseQuery(string(body))
	return v.Get("client_secret")
}

func (e *echoUpstream) lastWritten() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.written[len(e.written)-1]
}

// base64Runs are the runs of base64 characters in s, decoded in every
// alphabet and padding: where a secret encoded inside a longer text would
// show again.
func base64Runs(s string) []string {
	var out []string
	for _, run := range regexp.MustCompile(`[A-Za-z0-9+/_=-]{8,}`).FindAllString(s, -1) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			for cut := range 4 { // a run may start mid-quantum
				if len(run) <= cut {
					continue
				}
				trimmed := strings.TrimRight(run[cut:], "=")
				trimmed = trimmed[:len(trimmed)/4*4]
				if b, err := enc.WithPadding(base64.NoPadding).DecodeString(trimmed); err == nil {
					out = append(out, string(b))
				}
			}
		}
	}
	return out
}

// An upstream that echoes its input would hand a server profile's secret
// to whoever names the profile. The relay removes every form of it from
// the answer, body and fields, for each way the profile is sent; the
// upstream's own answer held every one of them (the positive control).
func TestProfileSecretIsScrubbedFromEchoes(t *testing.T) {
	up := newEchoUpstream(t)
	env := loopbackEnv(t, "up", up.upstream, map[string]Credentials{"demo": {ClientID: echoID, ClientSecret: echoSecret}})
	h := newHarness(t, []*Environment{env})
	forms := echoForms(echoSecret)
	// What the whole request in base64 holds: the secret as the body
	// carried it, or the Basic header's base64, encoded once more.
	encodedAgain := []string{"as is", "query escaped", "JSON", "Basic, form-encoded"}
	for _, c := range []struct{ name, contentType, auth, body string }{
		{"form, in the body", form, "body", "grant_type=client_credentials"},
		{"JSON, in the body", jsonType, "body", `{"grant_type":"client_credentials"}`},
		{"form, HTTP Basic", form, "basic", "grant_type=client_credentials"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := h.inner("POST", up.URL+"/auth/token", "content-type", c.contentType, "octoplay-profile", "demo",
				"octoplay-client-auth", c.auth, "accept-encoding", "br")
			req.Body = []byte(c.body)
			answer := h.do(t, req)
			require.Equal(t, http.StatusOK, answer.Status, string(answer.Body))
			written := up.lastWritten()
			var fields strings.Builder
			for _, f := range answer.Header {
				fmt.Fprintf(&fields, "%s: %s\n", f.Name, f.Value)
			}
			for name, f := range forms {
				require.Contains(t, written, f, "the upstream wrote the secret %s", name)
				assert.NotContains(t, string(answer.Body), f, "the secret %s, in the body", name)
				assert.NotContains(t, fields.String(), f, "the secret %s, in a field", name)
			}
			for _, decoded := range base64Runs(string(answer.Body) + fields.String()) {
				for _, name := range encodedAgain {
					assert.NotContains(t, decoded, forms[name], "the secret %s inside a longer base64 text", name)
				}
			}
			inBase64 := false
			for _, decoded := range base64Runs(written) {
				for _, name := range encodedAgain {
					inBase64 = inBase64 || strings.Contains(decoded, forms[name])
				}
			}
			require.True(t, inBase64, "the upstream wrote the whole request, secret and all, in base64")
			assert.Contains(t, string(answer.Body), scrubbed, "what stands for it")
			assert.Contains(t, string(answer.Body), "client_credentials", "the rest of the echo is there")
			got, _ := up.Last()
			assert.Equal(t, "identity", got.Header.Get("Accept-Encoding"), "an answer the gateway can read through")
		})
	}

	// Without a profile, the secret is the sender's own, typed by them: the
	// echo comes back as the upstream wrote it.
	t.Run("no profile: the sender's own secret comes back", func(t *testing.T) {
		req := h.inner("POST", up.URL+"/auth/token", "content-type", form)
		req.Body = []byte("grant_type=client_credentials&client_id=" + url.QueryEscape(echoID) + "&client_secret=" + url.QueryEscape(echoSecret))
		answer := h.do(t, req)
		require.Equal(t, http.StatusOK, answer.Status)
		assert.Equal(t, up.lastWritten(), string(answer.Body))
	})
}

// An answer to a profile request that comes content-encoded all the same
// cannot be read through for the secret: it is refused, not brought back.
func TestProfileAnswerContentEncodedIsRefused(t *testing.T) {
	up := newEchoUpstream(t)
	env := loopbackEnv(t, "up", up.upstream, map[string]Credentials{"demo": {ClientID: echoID, ClientSecret: echoSecret}})
	h := newHarness(t, []*Environment{env})
	req := h.inner("POST", up.URL+"/auth/token", "content-type", form, "octoplay-profile", "demo")
	req.Body = []byte("grant_type=client_credentials&gzip=always")
	answer := h.do(t, req)
	detail := assertProblem(t, answer, wire.ProblemUpstreamUnreachable.Status, wire.ProblemUpstreamUnreachable.URI)
	assert.Contains(t, detail, "content-encoded")
	assert.Equal(t, 1, up.Hits())
}
