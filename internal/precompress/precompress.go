// Package precompress makes, and checks, the precompressed forms of a
// file: its brotli and gzip encodings (RFC 9110 §8.4.1), written beside it
// (app.wasm.br, app.wasm.gz) for a server to send in place of the file to
// a browser that accepts them. It is pure Go, so that a build needs nothing
// but the Go toolchain. `make wasm` writes them with its command
// (internal/cmd/precompress); server/assets checks and serves them.
package precompress

import (
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/andybalholm/brotli"
)

// BrotliQuality is the brotli quality File uses: the best. On the
// playground's 8.2 MB wasm (2 cores) quality 11 gives 1.59 MB in 30 to 45 s,
// quality 10 1.63 MB in 16 s, quality 9 1.79 MB in 2 s; gzip -9 gives
// 2.19 MB. 12 % fewer bytes than quality 9 for every first visit is worth
// half a minute of a build that changed the wasm: an unchanged one is not
// compressed again.
const BrotliQuality = 11

// Coding is one precompressed form.
type Coding struct {
	Name       string // as Content-Encoding names it
	Ext        string // the extension of the file beside the original
	compress   func(io.Writer) (io.WriteCloser, error)
	decompress func(io.Reader) (io.Reader, error)
}

// Codings are the forms File writes, in a server's order of preference:
// brotli first.
func Codings() []Coding {
	return []Coding{
		{
			Name: "br",
			Ext:  ".br",
			compress: func(w io.Writer) (io.WriteCloser, error) {
				return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: BrotliQuality}), nil
			},
			decompress: func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		},
		{
			Name: "gzip",
			Ext:  ".gz",
			compress: func(w io.Writer) (io.WriteCloser, error) {
				return gzip.NewWriterLevel(w, gzip.BestCompression)
			},
			decompress: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		},
	}
}

// Encode writes raw to dst in coding c.
func (c Coding) Encode(dst io.Writer, raw []byte) error {
	w, err := c.compress(dst)
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

// ErrStale is what Matches says of a form that decodes, but not to the
// content it is checked against: an older build's.
var ErrStale = errors.New("its content is not the file's: an older build")

// Matches checks that the file name of fsys, in coding c, decompresses to
// content whose SHA-256 is sum. It streams: nothing the size of the wasm
// is held in memory.
func (c Coding) Matches(fsys fs.FS, name string, sum [sha256.Size]byte) error {
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
		return ErrStale
	}
	return nil
}

// File writes the precompressed forms of the file at path beside it
// (path.br, path.gz), each through a temporary file and a rename, so that
// a server never embeds half of one. A form that already decompresses to
// the file's content is kept: compressing the wasm at the best brotli
// quality takes half a minute, and `make wasm` runs on every build. It
// reports what it did to log.
func File(path string, log io.Writer) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("precompress: %w", err)
	}
	sum := sha256.Sum256(raw)
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	for _, c := range Codings() {
		target := path + c.Ext
		if c.Matches(os.DirFS(dir), base+c.Ext, sum) == nil {
			fmt.Fprintf(log, "%s: up to date\n", target)
			continue
		}
		start := time.Now()
		size, err := writeEncoded(target, raw, c)
		if err != nil {
			return fmt.Errorf("precompress: %w", err)
		}
		fmt.Fprintf(log, "%s: %d bytes, %.1f %% of %d, in %v\n",
			target, size, 100*float64(size)/float64(len(raw)), len(raw), time.Since(start).Round(100*time.Millisecond))
	}
	return nil
}

// writeEncoded writes raw in coding c to target and returns its size.
func writeEncoded(target string, raw []byte, c Coding) (size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Dir(target), filepath.Base(target)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := c.Encode(tmp, raw); err != nil {
		return 0, err
	}
	info, err := tmp.Stat()
	if err != nil {
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return 0, err
	}
	return info.Size(), os.Rename(tmp.Name(), target)
}
