package transcript

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Marker is what stands where something was removed, saying what it was.
func Marker(what string) string { return markerPrefix + what + "]" }

const markerPrefix = "[removed by Octoplay: "

// What a marker names.
const (
	whatSecret      = "client secret"
	whatToken       = "access token"
	whatBasic       = "client credentials"
	whatCredentials = "credentials"
	whatCookie      = "cookie"
)

// sensitiveFields are the names (any case) whose values are credentials
// wherever they appear: JSON members at any depth, form and query
// parameters, name=value pairs in any text.
var sensitiveFields = map[string]string{
	"client_secret": whatSecret,
	"access_token":  whatToken,
	"refresh_token": "refresh token",
	"id_token":      "ID token",
}

func sensitive(name string) (string, bool) {
	what, ok := sensitiveFields[strings.ToLower(name)]
	return what, ok
}

// secret is a value to remove wherever it is, and what its marker says.
type secret struct{ value, what string }

// minLearned is the shortest value taken from a credential field to remove
// everywhere else: shorter ones would blot out ordinary text. Secrets the
// playground holds are removed whatever their length.
const minLearned = 6

// redactor replaces every form a secret can take in captured traffic: as
// is, URL-encoded (query and path escaping, either case of hex),
// JSON-escaped (with and without HTML escaping, and with \/), and base64 in
// both alphabets, padded or not, whole or as the middle of a longer
// encoding (so Basic's base64 of "id:secret" loses its secret too).
// Its markers are written as they are, or form-encoded inside a form or a
// URL, so that the URL stays one. A secret found inside a longer base64
// run takes the whole run with it: the run's ends would still carry a few
// of its bytes.
type redactor struct{ plain, encoded *strings.Replacer }

// b64Mark stands, for a moment, where a base64 form was, until collapse
// turns the base64 run around it into one marker.
const b64Mark = "\x00b64:"

var b64Run = regexp.MustCompile("[A-Za-z0-9+/_-]*\x00b64:([^\x00]*)\x00[A-Za-z0-9+/_-]*=*")

func newRedactor(secrets []secret) *redactor {
	type pair struct {
		form, what string
		b64        bool
	}
	var pairs []pair
	for _, s := range secrets {
		if s.value == "" {
			continue
		}
		texts, b64s := encodedForms(s.value)
		for _, f := range texts {
			pairs = append(pairs, pair{f, s.what, false})
		}
		for _, f := range b64s {
			pairs = append(pairs, pair{f, s.what, true})
		}
	}
	// Longer forms first: a Replacer tries its pairs in order at each place.
	slices.SortStableFunc(pairs, func(a, b pair) int { return len(b.form) - len(a.form) })
	var plain, encoded []string
	seen := map[string]bool{}
	for _, p := range pairs {
		if seen[p.form] {
			continue
		}
		seen[p.form] = true
		if p.b64 {
			plain = append(plain, p.form, b64Mark+p.what+"\x00")
			encoded = append(encoded, p.form, b64Mark+p.what+"\x00")
			continue
		}
		plain = append(plain, p.form, Marker(p.what))
		encoded = append(encoded, p.form, url.QueryEscape(Marker(p.what)))
	}
	return &redactor{plain: strings.NewReplacer(plain...), encoded: strings.NewReplacer(encoded...)}
}

func (r *redactor) text(s string) string { return collapse(r.plain.Replace(s), Marker) }

// inForm is text for a form or a URL's query.
func (r *redactor) inForm(s string) string {
	return collapse(r.encoded.Replace(s), func(what string) string { return url.QueryEscape(Marker(what)) })
}

func collapse(s string, mark func(what string) string) string {
	if !strings.Contains(s, b64Mark) {
		return s
	}
	return b64Run.ReplaceAllStringFunc(s, func(run string) string {
		return mark(b64Run.FindStringSubmatch(run)[1])
	})
}

// encodedForms are the forms of v that redactor removes: text forms, and
// base64 ones.
func encodedForms(v string) (texts, b64s []string) {
	texts = []string{v, url.QueryEscape(v), url.PathEscape(v)}
	texts = append(texts, lowerHex(texts[1]), lowerHex(texts[2]))
	for _, html := range []bool{false, true} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		_ = enc.Encode(v) // a string always encodes
		j := strings.TrimSuffix(strings.TrimSpace(b.String()), `"`)[1:]
		texts = append(texts, j, strings.ReplaceAll(j, "/", `\/`))
	}
	for _, t := range texts {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
			b64s = append(b64s, enc.EncodeToString([]byte(t)))
		}
		// Inside a longer encoding, t starts at one of three alignments;
		// the groups at either end mix in its neighbours' bits, the middle
		// does not.
		for pad := range 3 {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				e := enc.EncodeToString(append(make([]byte, pad), t...))
				if len(e) >= 8+8 {
					b64s = append(b64s, e[4:len(e)-4])
				}
			}
		}
	}
	return texts, b64s
}

var percentHex = regexp.MustCompile(`%[0-9A-F]{2}`)

func lowerHex(s string) string { return percentHex.ReplaceAllStringFunc(s, strings.ToLower) }

// Patterns of credentials in free text: name=value pairs and "name": "value"
// members of the sensitive fields, and the credentials of an Authorization
// scheme in a request's header values.
var (
	pairPattern   = regexp.MustCompile(`(?i)\b(client_secret|access_token|refresh_token|id_token)=([^&\s"';,]+)`)
	memberPattern = regexp.MustCompile(`(?i)"(client_secret|access_token|refresh_token|id_token)"(\s*:\s*)"((?:[^"\\]|\\.)*)"`)
	schemePattern = regexp.MustCompile(`(?i)\b(Bearer|Basic)\s+([A-Za-z0-9._~+/-]+=*)`)
)

// learnText finds the credentials in free text.
func learnText(s string, learn func(secret)) {
	for _, m := range pairPattern.FindAllStringSubmatch(s, -1) {
		what, _ := sensitive(m[1])
		v, err := url.QueryUnescape(m[2])
		if err != nil {
			v = m[2]
		}
		learn(secret{v, what})
		learn(secret{m[2], what})
	}
	for _, m := range memberPattern.FindAllStringSubmatch(s, -1) {
		what, _ := sensitive(m[1])
		var v string
		if json.Unmarshal([]byte(`"`+m[3]+`"`), &v) == nil {
			learn(secret{v, what})
		}
	}
}

// freeText removes credentials from text that is neither JSON nor a form.
func (r *redactor) freeText(s string) string {
	s = r.text(s)
	var b strings.Builder
	last := 0
	for _, m := range pairPattern.FindAllStringSubmatchIndex(s, -1) {
		if strings.HasPrefix(s[m[4]:], markerPrefix) {
			continue // a marker already
		}
		what, _ := sensitive(s[m[2]:m[3]])
		b.WriteString(s[last:m[4]] + Marker(what))
		last = m[5]
	}
	s = b.String() + s[last:]
	return memberPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := memberPattern.FindStringSubmatch(m)
		what, _ := sensitive(sub[1])
		return `"` + sub[1] + `"` + sub[2] + `"` + Marker(what) + `"`
	})
}

// learnAuthorization finds the credentials of an Authorization value: a
// Bearer token, or Basic's base64 of id:secret, whose secret is taken
// both as sent and form-decoded (RFC 6749 §2.3.1).
func learnAuthorization(value string, learn func(secret)) {
	for _, m := range schemePattern.FindAllStringSubmatch(value, -1) {
		if !strings.EqualFold(m[1], "Basic") {
			learn(secret{m[2], whatToken})
			continue
		}
		learn(secret{m[2], whatBasic})
		raw, err := base64.StdEncoding.DecodeString(m[2])
		if err != nil {
			continue
		}
		if _, s, ok := strings.Cut(string(raw), ":"); ok {
			learn(secret{s, whatSecret})
			if u, err := url.QueryUnescape(s); err == nil {
				learn(secret{u, whatSecret})
			}
		}
	}
}

// authorization is what an Authorization (or Proxy-Authorization) value
// becomes: its scheme kept, its credentials removed.
func authorization(value string) string {
	scheme, _, _ := strings.Cut(strings.TrimSpace(value), " ")
	switch strings.ToLower(scheme) {
	case "bearer":
		return "Bearer " + Marker(whatToken)
	case "basic":
		return "Basic " + Marker(whatBasic)
	}
	return Marker(whatCredentials)
}

// requestHeaderValue removes an Authorization scheme's credentials that
// a person put in another header of a request (X-Api-Key: Bearer ...).
func requestHeaderValue(r *redactor, value string) string {
	return schemePattern.ReplaceAllStringFunc(r.freeText(value), func(m string) string {
		return authorization(m)
	})
}
