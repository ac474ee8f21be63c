//go:build !js

package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// BrotliQuality is the brotli quality Precompress uses: the best. On the
// playground's 8.2 MB wasm (2 cores) quality 11 gives 1.59 MB in 30 to 45 s,
// quality 10 1.63 MB in 16 s, quality 9 1.79 MB in 2 s; gzip -9 gives
// 2.19 MB. 12 % fewer bytes than quality 9 for every first visit is worth
// half a minute of a build that changed the wasm: an unchanged one is not
// compressed again.
const BrotliQuality = 11

// contentCoding is a precompressed form the build makes and the server
// offers, in the server's order of preference.
type contentCoding struct {
	name       string // as Content-Encoding names it
	ext        string // the sibling file's extension
	compress   func(io.Writer) (io.WriteCloser, error)
	decompress func(io.Reader) (io.Reader, error)
}

var codings = []contentCoding{
	{
		name: "br",
		ext:  ".br",
		compress: func(w io.Writer) (io.WriteCloser, error) {
			return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: BrotliQuality}), nil
		},
		decompress: func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
	},
	{
		name: "gzip",
		ext:  ".gz",
		compress: func(w io.Writer) (io.WriteCloser, error) {
			return gzip.NewWriterLevel(w, gzip.BestCompression)
		},
		decompress: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
	},
}

// Compress returns the precompressed forms of raw, keyed by the extension
// their file takes (".br", ".gz"): what Precompress writes.
func Compress(raw []byte) (map[string][]byte, error) {
	out := make(map[string][]byte, len(codings))
	for _, c := range codings {
		var b bytes.Buffer
		if err := c.encode(&b, raw); err != nil {
			return nil, fmt.Errorf("assets: %s: %w", c.name, err)
		}
		out[c.ext] = b.Bytes()
	}
	return out, nil
}

// encode writes raw to dst in coding c.
func (c contentCoding) encode(dst io.Writer, raw []byte) error {
	w, err := c.compress(dst)
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

// errStale is a sibling that decodes, but not to its file's content.
var errStale = errors.New("its content is not the file's: an older build")

// matchingVariant is f's sibling in coding c: nil when there is none, an
// error when it does not decompress to f's content.
func matchingVariant(fsys fs.FS, f *file, c contentCoding) (*variant, error) {
	name := f.name + c.ext
	info, err := fs.Stat(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := decodesTo(fsys, name, c, f.sum); err != nil {
		return nil, err
	}
	return &variant{coding: c.name, name: name, size: info.Size()}, nil
}

// decodesTo checks that the file name, in coding c, decompresses to
// content with the given hash. It streams: nothing the size of the wasm
// is held in memory.
func decodesTo(fsys fs.FS, name string, c contentCoding, sum [sha256.Size]byte) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := c.decompress(f)
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return err
	}
	if [sha256.Size]byte(h.Sum(nil)) != sum {
		return errStale
	}
	return nil
}

// negotiate picks the variant to send for an Accept-Encoding value, or
// nil for the file as it is (RFC 9110 §12.5.3). The coding with the
// highest q wins, ties going to the server's order (brotli first); a
// coding at q=0, or absent when there is no "*", is not acceptable.
// identity wins only when the browser gives it, by name or by "*", a q
// above every coding we have; no coding acceptable means identity too,
// as §12.5.3 recommends.
func (f *file) negotiate(acceptEncoding string) *variant {
	weights, star, identity := parseAcceptEncoding(acceptEncoding)
	var best *variant
	bestQ := 0.0
	for i, v := range f.variants {
		q, listed := weights[v.coding]
		if !listed {
			q = star
		}
		if q > bestQ {
			best, bestQ = &f.variants[i], q
		}
	}
	if best != nil && identity > bestQ {
		return nil
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
