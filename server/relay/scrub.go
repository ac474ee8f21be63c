package relay

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"

	"octoplay/internal/bhttp"
	"octoplay/internal/clientauth"
)

// scrubbed is what stands in an answer for a profile's secret.
const scrubbed = "[secret removed by the gateway]"

// minBase64Core is the shortest run of base64 characters, taken from the
// middle of a longer encoding, that is scrubbed: a shorter one would cut
// unrelated text out of answers, and stands for a secret of a byte or two.
const minBase64Core = 4

// secretForms are the ways an upstream can give a profile's secret back
// when it echoes what it got (RFC 6749 §2.3.1's Basic header, a form or
// JSON body): as is, URL-encoded (query and path escaping, hex in either
// case), JSON-escaped (with and without Go's HTML escapes), the Basic
// header's base64 of id:secret, and base64 in the standard and URL
// alphabets, padded or not, of each of those, at each of the three
// offsets it can have inside a longer base64 text (an echo of a whole
// request, its body and its Authorization header, encoded). Longest first, so that a form is removed
// whole before a shorter one inside it.
func secretForms(c Credentials) []string {
	s := c.ClientSecret
	if s == "" {
		return nil
	}
	plain := []string{s, url.QueryEscape(s), url.PathEscape(s), lowerHex(url.QueryEscape(s)), lowerHex(url.PathEscape(s)),
		jsonEscaped(s, true), jsonEscaped(s, false)}
	basic := []string{strings.TrimPrefix(clientauth.Basic(c.ClientID, s), "Basic "), base64.StdEncoding.EncodeToString([]byte(c.ClientID + ":" + s))}
	forms := append(slices.Clone(plain), basic...)
	encoded := slices.Compact(slices.Sorted(slices.Values(append(plain, basic...))))
	for _, b := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for _, v := range encoded {
			forms = append(forms, b.EncodeToString([]byte(v)))
			for offset := range 3 {
				if core := base64Core(b, v, offset); len(core) >= minBase64Core {
					forms = append(forms, core)
				}
			}
		}
	}
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(forms)
}

// base64Core is the part of the base64 of v, placed offset bytes into a
// longer text, that depends on v's bytes alone: the characters that share
// bits with what comes before or after are left out, unpadded.
func base64Core(b *base64.Encoding, v string, offset int) string {
	text := b.WithPadding(base64.NoPadding).EncodeToString(append(make([]byte, offset), v...))
	start := (offset*8 + 5) / 6      // the first character whose 6 bits are all v's
	end := (offset + len(v)) * 8 / 6 // past the last whole character
	if end <= start {
		return ""
	}
	return text[start:end]
}

// lowerHex is s with the hex digits of its %XX escapes in lower case.
func lowerHex(s string) string {
	out := []byte(s)
	for i := 0; i+2 < len(out); i++ {
		if out[i] == '%' {
			out[i+1], out[i+2] = lowerASCII(out[i+1]), lowerASCII(out[i+2])
			i += 2
		}
	}
	return string(out)
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// jsonEscaped is s as it stands inside a JSON string, with Go's escapes
// of <, > and & or without them.
func jsonEscaped(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	enc.Encode(s) // a string always encodes
	quoted := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	return string(quoted[1 : len(quoted)-1])
}

// scrubSecret removes every form of c's secret from an upstream's answer
// to a profile request, body and fields: the profile is for a person who
// must never see the secret, and an upstream that echoes its input (a
// debugging endpoint, an error page quoting the request) would hand it
// back. A field whose name holds it is dropped. An answer whose body is
// content-encoded cannot be checked, so it is refused.
func scrubSecret(res *bhttp.Response, c Credentials) error {
	forms := secretForms(c)
	if len(forms) == 0 {
		return nil
	}
	if ce := res.Header.Get("content-encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		// The coding is not named: the upstream chose its text.
		return errors.New("the upstream's answer to a profile request is content-encoded, so the gateway cannot check it for the profile's secret and does not bring it back")
	}
	// One Replacer: it takes the longest form at each position (forms are
	// longest first, and it tries them in order).
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, scrubbed)
	}
	r := strings.NewReplacer(pairs...)
	res.Body = []byte(r.Replace(string(res.Body)))
	res.Header, res.Trailer = scrubFields(res.Header, r), scrubFields(res.Trailer, r)
	for i := range res.Informational {
		res.Informational[i].Header = scrubFields(res.Informational[i].Header, r)
	}
	return nil
}

// scrubFields is fields with r's forms replaced in every value, and
// without the fields whose name holds one.
func scrubFields(fields bhttp.Fields, r *strings.Replacer) bhttp.Fields {
	kept := fields[:0]
	for _, f := range fields {
		if r.Replace(f.Name) != f.Name {
			continue
		}
		f.Value = r.Replace(f.Value)
		kept = append(kept, f)
	}
	return kept
}
