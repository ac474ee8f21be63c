package assets

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"octoplay/internal/precompress"
)

// matchingVariant is f's sibling in coding c: nil when there is none, an
// error when it is not the form the build's digest names for f's content
// (precompress.Coding.Check: the start decompresses nothing).
func matchingVariant(fsys fs.FS, f *file, c precompress.Coding) (*variant, error) {
	name := f.name + c.Ext
	info, err := fs.Stat(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := c.Check(fsys, f.name, f.sum); err != nil {
		return nil, err
	}
	return &variant{coding: c.Name, name: name, size: info.Size()}, nil
}

// maxInMemoryForm bounds the files compressedForms compresses at start:
// the page's own text assets are kilobytes; anything larger belongs to
// the build (precompress).
const maxInMemoryForm = 1 << 20

// compressible says whether f is text that compressedForms should
// compress: scripts, style sheets, JSON, SVG.
func compressible(f *file) bool {
	if f.size > maxInMemoryForm {
		return false
	}
	t := f.contentType
	return strings.HasPrefix(t, "text/") || strings.HasPrefix(t, "application/javascript") ||
		strings.HasPrefix(t, "application/json") || strings.HasPrefix(t, "application/manifest+json") ||
		strings.HasPrefix(t, "image/svg+xml")
}

// compressedForms are f in each of precompress.Codings that makes it
// smaller, compressed once, in memory.
func compressedForms(fsys fs.FS, f *file) ([]variant, error) {
	raw, err := fs.ReadFile(fsys, f.name)
	if err != nil {
		return nil, fmt.Errorf("compress %s: %w", f.name, err)
	}
	var forms []variant
	for _, c := range precompress.Codings() {
		var b bytes.Buffer
		if err := c.Encode(&b, raw); err != nil {
			return nil, fmt.Errorf("compress %s in %s: %w", f.name, c.Name, err)
		}
		if b.Len() < len(raw) {
			forms = append(forms, variant{coding: c.Name, name: f.name, size: int64(b.Len()), data: b.Bytes()})
		}
	}
	return forms, nil
}

// negotiate picks the variant to send for an Accept-Encoding value, or
// nil for the file as it is (RFC 9110 §12.5.3). The coding with the
// highest q wins, ties going to the server's order (brotli first); a
// coding at q=0, or absent when there is no "*", is not acceptable.
// identity wins only when the browser gives it, by name or by "*", a q
// above every coding we have; no coding acceptable means identity too,
// as §12.5.3 recommends.
func (f *file) negotiate(acceptEncoding string) *variant {
	codings := make([]string, len(f.variants))
	for i, v := range f.variants {
		codings[i] = v.coding
	}
	if i := Negotiate(acceptEncoding, codings); i >= 0 {
		return &f.variants[i]
	}
	return nil
}

// Negotiate is the index in codings (in the server's order of preference)
// of the coding to answer an Accept-Encoding value in, or -1 for the
// content as it is, by the rules negotiate follows.
func Negotiate(acceptEncoding string, codings []string) int {
	weights, star, identity := parseAcceptEncoding(acceptEncoding)
	best, bestQ := -1, 0.0
	for i, coding := range codings {
		q, listed := weights[coding]
		if !listed {
			q = star
		}
		if q > bestQ {
			best, bestQ = i, q
		}
	}
	if best >= 0 && identity > bestQ {
		return -1
	}
	return best
}

// parseAcceptEncoding reads an Accept-Encoding value into the q of each
// named coding (lower case, x-gzip as gzip), the q of "*" (0 when absent)
// and the q identity gets by name or by "*" (-1 when neither says).
// An element with a malformed q counts as not acceptable.
func parseAcceptEncoding(v string) (weights map[string]float64, star, identity float64) {
	weights = make(map[string]float64)
	star, identity = 0, -1
	starSeen := false
	for _, element := range strings.Split(v, ",") {
		coding, params, _ := strings.Cut(element, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		if coding == "x-gzip" {
			coding = "gzip"
		}
		q := qValue(params)
		switch coding {
		case "*":
			star, starSeen = q, true
		case "identity":
			identity = q
		default:
			weights[coding] = q
		}
	}
	if identity < 0 && starSeen {
		identity = star
	}
	return weights, star, identity
}

// qValue is the weight in an element's parameters (RFC 9110 §12.4.2):
// 1 when there is none, 0 when it is malformed or out of range.
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}
